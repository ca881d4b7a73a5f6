"""Benchmark: CPU and SQL statements per ticket intake, in process (no HTTP server, no clients).

What ``hotline_scale.py --steps intake`` measures over HTTP is bound by CPU on a shared machine;
this script measures the part that a code change moves, and that other sessions' load barely
moves: the server's CPU time (``time.process_time``) and the SQL statements of one intake
through the whole Django stack (middleware, OAuth token, throttle, DRF, ``ticket_receive``,
after-commit work such as audit sealing), with production settings, over ``--tickets`` POSTs of
the benchmark's own ticket bodies to ``/api/v1/hotline/tickets/``. PostgreSQL's CPU is not in
the number (it runs in its own processes); the statement count stands for it.

    PYTHONPATH=src .venv/bin/python benchmarks/hotline_intake_profile.py \
        --database-url postgres://postgres@127.0.0.1:5432/ecity_intake_small \
        --cache-url redis://127.0.0.1:6379/7 --tickets 500 [--profile 40] [--statements]

The database is migrated and given the demo city on first use (no bulk fill: the statement
count and the Python time of one intake do not depend on the table's size). Prints numbers;
asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import collections
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_scale_fill import city_prepare, database_prepare, field_keys_file

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_intake_small"


def setup(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="ecity-intake-profile-"))
    database_prepare(args.database_url, fresh=False)
    keys = field_keys_file(args.database_url)
    keys.parent.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DATABASE_URL=args.database_url,
        ECITY_DATA_DIR=str(work),
        ECITY_FIELD_KEYS_FILE=str(keys),
        DJANGO_SETTINGS_MODULE="ecity.conf.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ECITY_LOG_LEVEL="WARNING",
        ECITY_SECURE_COOKIES="false",
        ECITY_API_RATE_USER="1000000/min",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    os.environ.setdefault("ECITY_HOTLINE_CITY_BBOX", "30.17,119.96,30.45,120.34")
    if args.cache_url:
        os.environ["ECITY_CACHE_URL"] = args.cache_url
    import django

    django.setup()
    city_prepare()


def token(client: object) -> str:
    from hotline_scale import intake_client

    credentials = intake_client()
    basic = base64.b64encode(
        f"{credentials.client_id}:{credentials.client_secret}".encode()
    ).decode()
    response = client.post(  # type: ignore[attr-defined]
        "/o/token/",
        data="grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    if response.status_code != 200:
        raise SystemExit(f"token endpoint answered {response.status_code}")
    return str(response.json()["access_token"])


def shape(sql: str) -> str:
    """A statement with its literals and parameter lists folded, for counting by kind."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\s*\?\s*,?)+\)", "(?)", sql)
    sql = re.sub(r'"s\d+_x\d+"', "?", sql)
    return sql[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cache-url", help="ECITY_CACHE_URL (default: the database cache)")
    parser.add_argument("--tickets", type=int, default=300, help="intakes measured")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--statements", action="store_true", help="list the statements")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    setup(args)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from hotline_scale import INTAKE_PATH, intake_bodies

    bodies = intake_bodies(500, args.seed)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token(client)}"}

    def post(n: int) -> None:
        response = client.post(
            INTAKE_PATH,
            data=bodies[n % len(bodies)],
            content_type="application/json",
            **headers,
        )
        if response.status_code != 201:
            raise SystemExit(f"intake answered {response.status_code}: {response.content[:400]!r}")

    for n in range(args.warmup):
        post(n)
    with CaptureQueriesContext(connection) as captured:
        post(args.warmup)
    one = list(captured.captured_queries)

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    started_cpu, started = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        if profiler:
            profiler.enable()
        for n in range(args.tickets):
            post(args.warmup + 1 + n)
        if profiler:
            profiler.disable()
    cpu = time.process_time() - started_cpu
    wall = time.perf_counter() - started
    statements = len(captured.captured_queries)
    print(
        f"intake in process: {args.tickets} tickets; server CPU {cpu * 1000 / args.tickets:.2f} ms"
        f" a ticket (wall {wall * 1000 / args.tickets:.2f} ms);"
        f" SQL statements {statements / args.tickets:.2f} a ticket"
        f" ({len(one)} in one intake after the warm-up)" + (" [under cProfile]" if profiler else "")
    )
    if args.statements:
        kinds = collections.Counter(shape(q["sql"]) for q in captured.captured_queries)
        for sql, count in kinds.most_common():
            print(f"  {count / args.tickets:5.2f}  {sql}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
