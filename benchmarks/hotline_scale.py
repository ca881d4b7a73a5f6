"""Benchmark: the 12345 hotline at scale (1,000,000 tickets) on PostgreSQL.

Fills a PostgreSQL database with a year of tickets on top of the demo city (bulk COPY, see
``hotline_scale_fill.py``), starts the production server (``ecity run``: gunicorn, production
settings) on a scratch data directory and measures:

* ticket intake over HTTP: concurrent client processes, each on a keep-alive connection, POST
  JSON tickets (Chinese texts of the demo's categories, a community of the demo city, a place
  inside the city, frequent, repeat and new callers) to ``/api/v1/hotline/tickets/`` as a
  channel system of the hotline centre (OAuth 2.0 client credentials, a real token) for a
  fixed time; only 201 answers count. The API's rate limit per system
  (``ECITY_API_RATE_USER``) is lifted for this server;
* the agent console's caller history over HTTP, as the agent sees it: the HTML fragment
  ``/hotline/console/caller-history/?caller_phone=`` (and the CTI API
  ``/api/v1/hotline/callers/<phone>/tickets/``) for the callers with most tickets, signed in as
  the demo agent; p50/p95 of sequential requests after a warm-up;
* the dispatch suggestion (``selectors.suggestions.dispatch_suggest``: rules → classifier →
  history) in the benchmark's own process for tickets awaiting dispatch, and the dispatcher's
  ticket page (suggestions, duplicates, form) over HTTP;
* the hotspot page ``/hotline/hotspots/`` (default: the last 30 days) over HTTP, signed in as
  the demo dispatcher;
* the dispatch classifier's top-1 and top-3 accuracy on a held-out 20 % (``classifier.evaluate``
  as ``manage.py hotline_classifier evaluate``) of a random sample of the closed tickets
  (``--classifier-tickets``); the model the server suggests with is trained on the sample.

    .venv/bin/python benchmarks/hotline_scale.py                      # 1,000,000 tickets
    .venv/bin/python benchmarks/hotline_scale.py --tickets 50000      # smaller, quicker
    .venv/bin/python benchmarks/hotline_scale.py --fresh              # drop and recreate the DB

The database is kept between runs and only topped up to ``--tickets`` (intake adds tickets, so
later runs measure a slightly larger database). Loopback only; every loop is bounded; the
server is stopped at the end. A benchmark prints numbers; it asserts nothing. See
docs/benchmarks.md ("Hotline").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import secrets
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from cases_scale import (
    cookie_header,
    cpu_idle_percent,
    login,
    loopback_source,
    percentile,
    server_start,
    server_stop,
)
from cases_scale_fill import (
    city_prepare,
    database_prepare,
    django_setup,
    field_keys_file,
)
from hotline_scale_fill import HotlineFiller, caller_pools, database_facts, vacuum_analyze
from registry_scale_http import Connection, SystemCredentials, summary, token_get

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_bench_hotline"
DEMO_PASSWORD = "Demo@12345"
AGENT, DISPATCHER = "agent_12345", "dispatcher_12345"
# The demo city's box (scripts/demo.sh); the server's default is another city's.
DEMO_BBOX = "30.17,119.96,30.45,120.34"
LIFTED_RATE = "1000000/min"
INTAKE_PATH = "/api/v1/hotline/tickets/"
ZH = {"Accept-Language": "zh-hans"}


# --- set-up --------------------------------------------------------------------------------


def authenticator(username: str) -> str:
    """The TOTP secret of ``username``'s authenticator when the account needs one, else ""."""
    from django.utils import timezone

    from ecity.identity.models import User
    from ecity.identity.security import mfa, totp

    user = User.objects.get(username=username)
    if not mfa.mfa_is_required(user=user):
        return ""
    device = mfa.mfa_device_for(user=user)
    if device is not None:
        return device.secret
    device = mfa.mfa_enrolment_start(user=user)
    previous = totp.code_for_step(device.secret, totp.time_step(timezone.now()) - 1)
    mfa.mfa_enrolment_confirm(user=user, code=previous)
    return device.secret


def intake_client() -> SystemCredentials:
    """Register a channel system of the hotline centre (as the platform administrator would)."""
    from ecity.hotline.services.intake import hotline_centre_code
    from ecity.identity.models import User
    from ecity.org.models import Department
    from ecity.sso.services import system_client_register

    application, secret = system_client_register(
        actor=User.objects.get(username="admin"),
        name=f"12345 基准测试渠道 {secrets.token_hex(3)}",
        department=Department.objects.get(code=hotline_centre_code()),
        description="benchmarks/hotline_scale.py",
    )
    return SystemCredentials(application.client_id, secret, [])


def intake_bodies(count: int, seed: int) -> list[bytes]:
    """``count`` JSON tickets as a channel system sends them (varied texts, places, callers)."""
    from ecity.org.models import Region

    filler = HotlineFiller(url="", seed=seed)
    codes = dict(
        Region.objects.filter(pk__in=[c[0] for c in filler.communities]).values_list("pk", "code")
    )
    frequent, repeat = caller_pools()
    rng = random.Random(seed)
    bodies = []
    for n in range(count):
        leaf = rng.choices(filler.leaves, weights=filler.leaf_weights)[0]
        title, description, (community, _road, address) = filler.text(leaf)
        lon, lat = filler.data.CENTRES[community[2]]
        roll = rng.random()
        phone = (
            rng.choice(frequent[:50])
            if roll < 0.05
            else rng.choice(repeat)
            if roll < 0.4
            else f"17{rng.randrange(10**9):09d}"
        )
        ticket: dict[str, Any] = {
            "kind": leaf.kind,
            "title": title,
            "description": description,
            "category": leaf.code,
            "urgency": rng.choices(["ordinary", "urgent", "emergency"], weights=[90, 8, 2])[0],
            "caller_name": rng.choice(filler.data.SURNAMES) + rng.choice(("先生", "女士")),
            "caller_phone": phone,
            "address": address,
            "region": codes[community[0]],
            "public_consent": n % 3 == 0,
        }
        if n % 5:
            ticket["latitude"] = f"{lat + rng.uniform(-0.015, 0.015):.6f}"
            ticket["longitude"] = f"{lon + rng.uniform(-0.015, 0.015):.6f}"
        bodies.append(json.dumps(ticket, ensure_ascii=False).encode())
    return bodies


# --- measurements --------------------------------------------------------------------------


def _intake_worker(job: tuple[int, str, list[bytes], float, int]) -> tuple[int, dict, list[float]]:
    port, token, bodies, until, worker = job
    conn = Connection(port)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": "zh-hans",
    }
    created, errors, timings, n = 0, {}, [], 0
    while time.monotonic() < until:
        body = bodies[(n * 7 + worker * 13) % len(bodies)]
        n += 1
        try:
            status, answer, ms = conn.request("POST", INTAKE_PATH, headers=headers, body=body)
        except OSError as error:
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            continue
        if status == 201:
            created += 1
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
            if errors[status] == 1:
                print(f"  ! intake {status}: {answer[:300]!r}", flush=True)
    conn.close()
    return created, errors, timings


def process_group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live processes of process group ``pgid``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group (field 5 of stat)
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by every PostgreSQL process (other sessions' included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat.split(" ", 2)[1] == "(postgres)":
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _lock_waits_sample(url: str, stop: Any, out: dict[str, float]) -> None:
    """Every 50 ms until ``stop`` is set: how many of this database's sessions wait on a lock
    (row locks such as the audit chain head or the day's number) and how many are active."""
    import psycopg

    samples = waiting = active = 0
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.wait(0.05):
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), "
                "count(*) FILTER (WHERE state = 'active') - 1 FROM pg_stat_activity "
                "WHERE datname = current_database()"
            ).fetchone()
            samples, waiting, active = samples + 1, waiting + row[0], active + row[1]
    out.update(lock_waiting=waiting / max(samples, 1), active=active / max(samples, 1))


def measure_intake(port: int, args: argparse.Namespace, server_pid: int = 0) -> dict[str, Any]:
    token = token_get(port, intake_client())
    bodies = intake_bodies(500, args.seed)
    conn = Connection(port)
    status, answer, _ = conn.request(
        "POST",
        INTAKE_PATH,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=bodies[0],
    )
    conn.close()
    if status != 201:  # a broken body must fail loudly, not count as slow
        raise SystemExit(f"intake answered {status}: {answer[:400]!r}")
    import threading

    server_cpu = process_group_cpu_seconds(server_pid) if server_pid else 0.0
    database_cpu = postgres_cpu_seconds()
    stop, waits = threading.Event(), {"lock_waiting": 0.0, "active": 0.0}
    sampler = threading.Thread(target=_lock_waits_sample, args=(args.database_url, stop, waits))
    sampler.start()
    started = time.monotonic()
    until = started + args.intake_seconds
    jobs = [(port, token, bodies, until, w) for w in range(args.concurrency)]
    from django.db import connections

    connections.close_all()  # the client processes are forked: no shared database socket
    with multiprocessing.get_context("fork").Pool(args.concurrency) as pool:
        results = pool.map(_intake_worker, jobs)
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    server_cpu = (process_group_cpu_seconds(server_pid) - server_cpu) if server_pid else 0.0
    database_cpu = postgres_cpu_seconds() - database_cpu
    created = sum(r[0] for r in results)
    errors: dict[Any, int] = {}
    for r in results:
        for k, v in r[1].items():
            errors[k] = errors.get(k, 0) + v
    timings = [t for r in results for t in r[2]] or [0.0]
    return {
        "client": f"Python ({args.concurrency} processes, keep-alive)",
        "created": created,
        "seconds": seconds,
        "rate": created / seconds,
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "errors": errors,
        # CPU per ticket: the server's processes (gunicorn), and PostgreSQL (every backend on
        # the machine, so other sessions' queries are counted too: an upper bound)
        **waits,
        "server_cpu_ms": server_cpu * 1000 / max(created, 1),
        "database_cpu_ms": database_cpu * 1000 / max(created, 1),
    }


def sequential(conn: Connection, paths: list[str], headers: dict[str, str], warmup: int) -> dict:
    for path in paths[:warmup]:
        conn.request("GET", path, headers=headers)
    timings, errors = [], {}
    for path in paths:
        status, body, ms = conn.request("GET", path, headers=headers)
        if status == 200:
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
            if errors[status] == 1:
                print(f"  ! {status} for {path}: {body[:200]!r}", flush=True)
    return summary(timings, errors)


def staff_session(port: int, username: str, n: int) -> dict[str, str]:
    jar = login(
        port,
        username,
        DEMO_PASSWORD,
        source=loopback_source(200 + n),
        totp_secret=authenticator(username),
    )
    return {"Cookie": cookie_header(jar), **ZH}


def frequent_callers(limit: int) -> list[tuple[str, int]]:
    """(phone, tickets) of the ``limit`` callers with most tickets, most first."""
    from django.db.models import Count

    from ecity.hotline.models import Ticket
    from ecity.hotline.numbers import phone_index

    frequent, _ = caller_pools()
    by_index = {phone_index(p): p for p in frequent}
    rows = (
        Ticket.objects.filter(caller_phone_index__in=by_index)
        .values("caller_phone_index")
        .annotate(n=Count("id"))
        .order_by("-n")[:limit]
    )
    return [(by_index[r["caller_phone_index"]], r["n"]) for r in rows]


def measure_history(port: int, args: argparse.Namespace) -> dict[str, Any]:
    callers = frequent_callers(50)
    headers = staff_session(port, AGENT, 1)
    conn = Connection(port)
    html = [
        "/hotline/console/caller-history/?" + urllib.parse.urlencode({"caller_phone": p})
        for p, _n in callers
    ]
    api = [f"/api/v1/hotline/callers/{p}/tickets/" for p, _n in callers]
    rounds = -(-args.requests // max(len(callers), 1))
    result = {
        "html": sequential(conn, (html * rounds)[: args.requests], headers, warmup=10),
        "api": sequential(conn, (api * rounds)[: args.requests], headers, warmup=10),
        "callers": len(callers),
        "tickets_max": callers[0][1] if callers else 0,
        "tickets_min": callers[-1][1] if callers else 0,
    }
    conn.close()
    return result


def awaiting_dispatch(limit: int) -> list[Any]:
    from ecity.hotline.models import Ticket

    return list(
        Ticket.objects.filter(status__in=("received", "returned"))
        .select_related("category__department", "region__parent")
        .order_by("?")[:limit]
    )


def measure_suggestions(args: argparse.Namespace) -> dict[str, Any]:
    """``dispatch_suggest`` in this process (the selector alone, as the pages call it)."""
    from ecity.hotline.models import Ticket
    from ecity.hotline.selectors.suggestions import dispatch_suggest

    tickets = awaiting_dispatch(args.requests)
    for ticket in tickets[:10]:
        dispatch_suggest(ticket)
    timings, empty = [], 0
    for ticket in tickets:
        fresh = Ticket.objects.select_related("category__department", "region").get(pk=ticket.pk)
        started = time.perf_counter()
        suggestions = dispatch_suggest(fresh)
        timings.append((time.perf_counter() - started) * 1000)
        empty += not suggestions
    result = summary(timings, {})
    result["empty"] = empty
    return result


def measure_dispatch_page(port: int, args: argparse.Namespace) -> dict[str, Any]:
    tickets = awaiting_dispatch(args.page_requests)
    headers = staff_session(port, DISPATCHER, 2)
    conn = Connection(port)
    paths = [f"/hotline/dispatch/{t.number}/" for t in tickets]
    result = sequential(conn, paths, headers, warmup=3)
    conn.close()
    return result


def measure_hotspots(port: int, args: argparse.Namespace) -> dict[str, Any]:
    headers = staff_session(port, DISPATCHER, 3)
    conn = Connection(port)
    today = dt.date.today()
    # Computed on every request (the page's "compute them again" link), then as kept.
    results = {
        "computed (?refresh=1)": sequential(
            conn, ["/hotline/hotspots/?refresh=1"] * args.cold_requests, headers, 0
        ),
        "default": sequential(conn, ["/hotline/hotspots/"] * args.page_requests, headers, 2),
    }
    week = "/hotline/hotspots/?" + urllib.parse.urlencode(
        {
            "start": (today - dt.timedelta(days=89)).isoformat(),
            "end": today.isoformat(),
            "granularity": "week",
            "topic_days": 14,
        }
    )
    results["90 days by week"] = sequential(
        conn, [week] * max(args.page_requests // 2, 3), headers, 1
    )
    conn.close()
    return results


def measure_classifier(args: argparse.Namespace) -> dict[str, Any]:
    """Held-out accuracy on a random sample of the closed tickets; store the model trained on
    the whole sample where the server reads it."""
    import psycopg

    from ecity.hotline.classifier import evaluate, model_save, ticket_text, train
    from ecity.org.models import Department

    with psycopg.connect(args.database_url) as conn:
        rows = conn.execute(
            "SELECT t.title, t.description, d.code FROM hotline_ticket t "
            f"JOIN {Department._meta.db_table} d ON d.id = t.department_id "
            "WHERE t.status = 'closed' ORDER BY random() LIMIT %s",
            [args.classifier_tickets],
        ).fetchall()
    data = [(ticket_text(title, text), code) for title, text, code in rows]
    started = time.perf_counter()
    result = evaluate(data, test_share=0.2, seed=0)
    evaluated = time.perf_counter() - started
    started = time.perf_counter()
    model_save(train(data))
    return {
        "top1": result.top1,
        "top3": result.top3,
        "train": result.train_size,
        "test": result.test_size,
        "departments": result.departments,
        "evaluate_seconds": evaluated,
        "train_seconds": time.perf_counter() - started,
    }


# --- report --------------------------------------------------------------------------------


def row(label: str, item: dict[str, Any], goal: str = "") -> None:
    print(f"{label:46} {item['p50']:8.1f} {item['p95']:8.1f} {'':>10}  {goal}")
    if item.get("errors"):
        print(f"#   errors: {item['errors']}")


def report(args: argparse.Namespace, facts: dict, fill: dict, results: dict) -> None:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print()
    print(f"# ecity hotline benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(
        f"# machine: {os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}; load average before {results['load_before']}, "
        f"after {results.get('load_after', '?')}"
    )
    print(
        f"# database: {args.database_url.split('@')[-1]} (PostgreSQL {facts['postgres']}, "
        f"shared_buffers {facts['shared_buffers']}), size {facts['size']}"
    )
    print(
        f"# rows: {facts['tickets']:,} tickets ({facts['open']:,} open, {facts['closed']:,} "
        f"closed), {facts['events']:,} events, {facts['callbacks']:,} callbacks; "
        f"{facts['callers']:,} callers, the busiest with {facts['top_caller']:,} tickets"
    )
    if fill["added"]:
        print(
            f"# fill: {fill['added']:,} tickets added in {fill['seconds']:.0f} s "
            f"({fill['added'] / fill['seconds']:,.0f} tickets/s), VACUUM ANALYZE "
            f"{fill['vacuum']:.0f} s"
        )
    else:
        print("# fill: none needed (the database already holds enough tickets)")
    print(
        f"# server: ecity run (gunicorn, production settings), {args.workers} workers, "
        f"cache {args.cache_url or 'db://ecity_cache (default)'}, loopback; "
        f"ECITY_API_RATE_USER={LIFTED_RATE} (the per-system API limit lifted)"
    )
    print(f"# CPU idle just before measuring (3 s, server up): {results.get('idle', '?')} %")
    print(f"{'measurement':46} {'p50 ms':>8} {'p95 ms':>8} {'rate':>10}  goal")
    intake = results.get("intake")
    if intake:
        print(
            f"{'ticket intake over HTTP (201 only)':46} {intake['p50']:8.1f} "
            f"{intake['p95']:8.1f} {intake['rate']:8.1f}/s  >= 200/s"
        )
        print(
            f"#   {intake['created']:,} tickets in {intake['seconds']:.1f} s by "
            f"{intake['client']}; errors: {intake['errors'] or 'none'}"
        )
        print(
            f"#   CPU per ticket: server {intake['server_cpu_ms']:.1f} ms, PostgreSQL "
            f"{intake['database_cpu_ms']:.1f} ms (all backends on the machine: an upper bound)"
        )
        print(
            f"#   database sessions waiting on a row lock: {intake['lock_waiting']:.2f} on "
            f"average, of {intake['active']:.2f} active (sampled every 50 ms)"
        )
    history = results.get("history")
    if history:
        row("caller history, console fragment (HTTP)", history["html"], "p95 <= 50 ms")
        row("caller history, CTI API (HTTP)", history["api"])
        print(
            f"#   the {history['callers']} callers with most tickets "
            f"({history['tickets_min']:,}–{history['tickets_max']:,} each), agent {AGENT}"
        )
    if "suggest" in results:
        row("dispatch suggestion (selector, in process)", results["suggest"], "p95 <= 50 ms")
        if results["suggest"]["empty"]:
            print(f"#   {results['suggest']['empty']} tickets got no suggestion")
    if "dispatch_page" in results:
        row("dispatcher's ticket page (HTTP)", results["dispatch_page"])
    for name, item in results.get("hotspots", {}).items():
        goal = "p95 <= 300 ms" if name == "default" else ""
        row(f"hotspot page, {name} (HTTP)", item, goal)
    classifier = results.get("classifier")
    if classifier:
        print(
            f"classifier top-1 accuracy (held-out)             {classifier['top1']:8.1%}\n"
            f"classifier top-3 accuracy (held-out)             {classifier['top3']:8.1%}\n"
            f"#   trained on {classifier['train']:,}, tested on {classifier['test']:,} of a "
            f"random sample of closed tickets, {classifier['departments']} departments; "
            f"evaluate {classifier['evaluate_seconds']:.0f} s, train "
            f"{classifier['train_seconds']:.0f} s"
        )
    print(
        f"# {args.requests} sequential requests per latency row ({args.page_requests} for "
        "pages), after a warm-up"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"facts": facts, "fill": fill, "results": results, "args": vars(args)},
                indent=2,
                default=str,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the database")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--fill-processes", type=int, default=1, help="processes generating and copying tickets"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--intake-seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent intake clients")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per row")
    parser.add_argument("--page-requests", type=int, default=20, help="requests per page row")
    parser.add_argument(
        "--cold-requests", type=int, default=5, help="hotspot pages computed afresh"
    )
    parser.add_argument(
        "--classifier-tickets", type=int, default=50_000, help="closed tickets sampled"
    )
    parser.add_argument("--steps", default="classifier,suggest,history,dispatch,hotspots,intake")
    parser.add_argument(
        "--cache-url",
        help="ECITY_CACHE_URL for the server (default: its own default, the database cache)",
    )
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir (server log)")
    args = parser.parse_args()
    args.job_worker = False  # as cases_scale.server_start expects
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark needs PostgreSQL (--database-url postgres://…)")
    if urllib.parse.urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("loopback only: the database must be on 127.0.0.1")

    results: dict[str, Any] = {"load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    work = Path(tempfile.mkdtemp(prefix="ecity-hotline-bench-"))
    secret_key = os.environ.get("ECITY_BENCH_SECRET_KEY") or secrets.token_urlsafe(48)
    os.environ.setdefault("ECITY_HOTLINE_CITY_BBOX", DEMO_BBOX)
    os.environ["ECITY_API_RATE_USER"] = LIFTED_RATE  # the server inherits it
    database_prepare(args.database_url, fresh=args.fresh)
    keys = field_keys_file(args.database_url)
    if args.fresh:
        keys.unlink(missing_ok=True)
    keys.parent.mkdir(parents=True, exist_ok=True)
    django_setup(args.database_url, work, secret_key)
    print("preparing the database (migrate, demo city) …", flush=True)
    city_prepare()
    facts = database_facts(args.database_url)
    fill = {"added": 0, "seconds": 0.0, "vacuum": 0.0}
    missing = args.tickets - facts["tickets"]
    if missing > 0:
        print(f"filling {missing:,} tickets …", flush=True)
        started = time.perf_counter()
        HotlineFiller(url=args.database_url, seed=args.seed + facts["tickets"]).fill(
            missing, processes=args.fill_processes
        )
        fill["seconds"] = time.perf_counter() - started
        fill["added"] = missing
        print("VACUUM ANALYZE …", flush=True)
        fill["vacuum"] = vacuum_analyze(args.database_url)
        facts = database_facts(args.database_url)
    if "classifier" in steps or "suggest" in steps:
        print("classifier (evaluate and train on a sample) …", flush=True)
        results["classifier"] = measure_classifier(args)
    if "suggest" in steps:
        print("dispatch suggestions …", flush=True)
        results["suggest"] = measure_suggestions(args)
    from django.db import connections

    connections.close_all()
    server = None
    try:
        if steps & {"history", "dispatch", "hotspots", "intake"}:
            print("starting the server …", flush=True)
            server, port = server_start(args, work, secret_key)
            results["idle"] = cpu_idle_percent(3.0)
        if "history" in steps:
            print("caller history …", flush=True)
            results["history"] = measure_history(port, args)
        if "dispatch" in steps:
            print("dispatcher's ticket page …", flush=True)
            results["dispatch_page"] = measure_dispatch_page(port, args)
        if "hotspots" in steps:
            print("hotspot page …", flush=True)
            results["hotspots"] = measure_hotspots(port, args)
        if "intake" in steps:
            print(f"ticket intake for {args.intake_seconds} s …", flush=True)
            connections.close_all()
            results["intake"] = measure_intake(port, args, server.pid)
    finally:
        server_stop(server)
    results["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report(args, facts, fill, results)
    if args.keep:
        print(f"# scratch directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
