"""Profile one submission in-process: the SQL statements it runs and where its time goes.

Uses a PostgreSQL benchmark database of ``cases_scale.py`` (created, migrated and loaded with the
demo city when missing; ``--database-url``), production settings, and Django's test client in
this process (no gunicorn, no network), so the numbers are the platform's own work:

* **statements** per submission, by kind (SELECT / INSERT / UPDATE / DELETE / transaction) and by
  table, for one application of each chosen service (the benchmark's multipart body);
* **profile**: ``--profile N`` submissions under pyinstrument, printed as a call tree (functions
  under ``--min-percent`` of the time are hidden), and the top functions by own time.

    .venv/bin/python benchmarks/submission_profile.py                       # statements only
    .venv/bin/python benchmarks/submission_profile.py --profile 200          # + pyinstrument

``--baseline`` does the same for the benchmark's baseline view (``benchmarks/baseline/``: the
same multipart request parsed and the same rows inserted without the platform's logic).
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_scale import SUBMIT_PATH, form_answers, multipart, submission_services
from cases_scale_fill import (
    citizens_ensure,
    city_prepare,
    database_prepare,
    django_setup,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_bench_profile"
BASELINE_PATH = "/bench/baseline/applications/"
TABLE = re.compile(r'(?:FROM|INTO|UPDATE|JOIN)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)


def statement_kind(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    return {"SAVEPOINT": "TRANSACTION", "RELEASE": "TRANSACTION", "ROLLBACK": "TRANSACTION"}.get(
        word, word
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--services", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, help="submissions to profile")
    parser.add_argument("--min-percent", type=float, default=2.0)
    parser.add_argument("--callees", default="", help="with --cpu: show what this function calls")
    parser.add_argument(
        "--cpu", type=int, default=0, help="submissions to profile with cProfile on CPU time"
    )
    parser.add_argument("--baseline", action="store_true", help="profile the baseline view")
    parser.add_argument(
        "--timed", type=int, default=0, help="time N sequential submissions of each, alternating"
    )
    parser.add_argument("--show-sql", action="store_true", help="print every statement")
    args = parser.parse_args()

    database_prepare(args.database_url, fresh=False)
    data_dir = Path(tempfile.mkdtemp(prefix="ecity-profile-"))
    secret = os.environ.get("ECITY_BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["ECITY_SECURE_COOKIES"] = "false"
    os.environ["ECITY_API_RATE_USER"] = "1000000/minute"
    django_setup(args.database_url, data_dir, secret)
    from django.conf import settings

    settings.ROOT_URLCONF = "baseline.urls"  # ecity's URLs plus the baseline view
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    city_prepare()  # migrate (a new release may have migrations) and load the demo city once
    citizens = citizens_ensure(max(2, args.services))
    services = submission_services(args.services)
    path = BASELINE_PATH if args.baseline else SUBMIT_PATH

    def submit(client: Client, citizen: Any, service: tuple, target: str = "") -> Any:
        code, properties, materials = service
        ctype, body = multipart(code, form_answers(properties, citizen), materials)
        return post(client, target or path, ctype, body)

    def post(client: Client, target: str, ctype: str, body: bytes) -> Any:
        return client.generic(
            "POST",
            target,
            body,
            content_type=ctype,
            headers={"Idempotency-Key": "profile-" + secrets.token_hex(8)},
        )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(citizens[0])
    submit(client, citizens[0], services[0])  # warm-up: imports, caches, prepared plans
    print(f"# statements per submission ({'baseline view' if args.baseline else 'ecity'})")
    for service in services:
        with CaptureQueriesContext(connection) as ctx:
            answer = submit(client, citizens[0], service)
        if answer.status_code != 201:
            raise SystemExit(f"{service[0]}: {answer.status_code} {answer.content[:300]!r}")
        kinds = collections.Counter(statement_kind(q["sql"]) for q in ctx.captured_queries)
        tables = collections.Counter(
            f"{statement_kind(q['sql'])} {m.group(1)}"
            for q in ctx.captured_queries
            if (m := TABLE.search(q["sql"]))
        )
        print(f"{service[0]}: {len(ctx.captured_queries)} statements  {dict(kinds)}")
        if args.show_sql:
            for q in ctx.captured_queries:
                print("   ", q["sql"][:200])
        else:
            print("   ", ", ".join(f"{k}×{n}" for k, n in sorted(tables.items())))

    if args.timed:
        import time

        spent = {SUBMIT_PATH: [], BASELINE_PATH: []}
        for n in range(args.timed):
            citizen = citizens[n % len(citizens)]
            client.force_login(citizen)
            code, properties, materials = services[n % len(services)]
            ctype, body = multipart(code, form_answers(properties, citizen), materials)
            for target in (SUBMIT_PATH, BASELINE_PATH):
                started = time.perf_counter()
                answer = post(client, target, ctype, body)
                spent[target].append(time.perf_counter() - started)
                if answer.status_code != 201:
                    raise SystemExit(f"{target}: {answer.status_code} {answer.content[:300]!r}")
        ecity_ms = 1000 * sorted(spent[SUBMIT_PATH])[len(spent[SUBMIT_PATH]) // 2]
        base_ms = 1000 * sorted(spent[BASELINE_PATH])[len(spent[BASELINE_PATH]) // 2]
        ratio = base_ms / ecity_ms
        print(
            f"\n# in-process median of {args.timed} each: ecity {ecity_ms:.1f} ms, "
            f"baseline {base_ms:.1f} ms, throughput ratio ecity/baseline {ratio:.2f}"
        )

    if args.cpu:
        import cProfile
        import io
        import pstats
        import time

        bodies = []
        for n in range(args.cpu):
            citizen = citizens[n % len(citizens)]
            code, properties, materials = services[n % len(services)]
            bodies.append((citizen, *multipart(code, form_answers(properties, citizen), materials)))
        profile = cProfile.Profile(time.process_time)
        for citizen, ctype, body in bodies:
            client.force_login(citizen)
            profile.enable()
            answer = post(client, path, ctype, body)
            profile.disable()
            if answer.status_code != 201:
                raise SystemExit(f"{answer.status_code} {answer.content[:300]!r}")
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
        print(
            f"\n# cProfile on CPU time: {args.cpu} submissions, "
            f"{1000 * total / args.cpu:.1f} ms CPU each in this process (server side only)"
        )
        stats.sort_stats("cumulative").print_stats(
            r"ecity|rest_framework|django/(core|template|db/models/sql)", 45
        )
        print(out.getvalue()[out.getvalue().find("ncalls") :])
        if args.callees:
            out.seek(0)
            out.truncate()
            stats.sort_stats("cumulative").print_callees(args.callees)
            print(out.getvalue())

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(args.profile):
            citizen = citizens[n % len(citizens)]
            client.force_login(citizen)
            answer = submit(client, citizen, services[n % len(services)])
            if answer.status_code != 201:
                raise SystemExit(f"{answer.status_code} {answer.content[:300]!r}")
        session = profiler.stop()
        print(
            f"\n# pyinstrument: {args.profile} submissions, {session.duration:.2f} s in all, "
            f"{1000 * session.duration / args.profile:.1f} ms each (in-process, one client)"
        )
        print(
            profiler.output_text(
                unicode=True,
                color=False,
                show_all=False,
                short_mode=False,
                processor_options={"filter_threshold": args.min_percent / 100},
            )
        )
        own: collections.Counter[str] = collections.Counter()

        def walk(frame: Any) -> None:
            own[f"{frame.function} ({Path(frame.file_path or '?').name}:{frame.line_no})"] += (
                frame.total_self_time
            )
            for child in frame.children:
                walk(child)

        walk(session.root_frame())
        print("# top functions by own time")
        for name, seconds in own.most_common(25):
            print(f"{100 * seconds / session.duration:5.1f} %  {name}")


if __name__ == "__main__":
    main()
