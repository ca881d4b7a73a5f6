"""Benchmark: browsing the service catalogue through the production server.

Starts ``ecity run`` (gunicorn, production settings) on a scratch data directory, adds synthetic
service items on top of the demo city, then measures latency (p50/p95 over sequential requests) and
throughput (requests/s with concurrent clients) for the pages a citizen uses most.

    .venv/bin/python benchmarks/catalogue_browse.py --items 2000 --requests 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecity_bench \
        .venv/bin/python benchmarks/catalogue_browse.py

Prints one line per page. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def add_synthetic_items(count: int) -> str:
    """Clone the demo city's first published item ``count`` times; return one item code."""
    import django

    django.setup()
    from django.db import transaction

    from ecity.catalogue.models import ServiceItem, ServiceItemVersion

    template = ServiceItem.objects.filter(current_version__isnull=False).first()
    if template is None:
        raise SystemExit("no published item to clone: did the demo city load?")
    version = template.current_version
    themes = list(version.themes.all())
    existing = ServiceItem.objects.filter(code__startswith="BENCH-").count()
    with transaction.atomic():
        for n in range(existing, count):
            item = ServiceItem.objects.create(code=f"BENCH-{n:06d}", department=template.department)
            clone = ServiceItemVersion.objects.create(
                item=item,
                number=1,
                status=ServiceItemVersion.Status.PUBLISHED,
                kind=version.kind,
                name_zh=f"{version.name_zh}（测试{n}）",
                name_en=f"{version.name_en} (bench {n})",
                summary_zh=version.summary_zh,
                legal_basis=version.legal_basis,
                conditions=version.conditions,
                statutory_days=version.statutory_days,
                committed_days=version.committed_days,
                audiences=version.audiences,
                form_schema=version.form_schema,
                published_at=version.published_at,
            )
            clone.themes.set(themes)
            item.current_version = clone
            item.save(update_fields=["current_version"])
    return template.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="synthetic items to add")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="ecity-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["ECITY_DATA_DIR"] = str(data_dir)
    env["ECITY_LOG_LEVEL"] = "WARNING"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecity",
            "run",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("server did not start; see " + str(data_dir / "server.log"))

        os.environ.update(
            ECITY_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="ecity.conf.production"
        )
        os.environ["SECRET_KEY"] = (data_dir / "secret_key").read_text().strip()
        code = add_synthetic_items(args.items)
        from ecity.catalogue.models import ServiceItem, Theme

        theme = Theme.objects.order_by("sort_order").first()
        total_items = ServiceItem.objects.count()
        pages = {
            "home": "/",
            "item list (all)": "/services/",
            "item list (theme filter)": f"/services/?theme={theme.code}",
            "item list (search)": "/services/?q=%E8%AE%B8%E5%8F%AF",
            "item guide": f"/services/items/{code}/",
            "API item list": "/api/v1/catalogue/items/",
            "API item detail": f"/api/v1/catalogue/items/{code}/",
        }
        db = env.get("DATABASE_URL", "sqlite (embedded)").split("@")[-1]
        print(f"# {total_items} service items, database {db}, {args.workers} gunicorn workers")
        print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, path in pages.items():
            url = base + path
            for _ in range(5):
                fetch(url)  # warm up
            timings = [fetch(url) for _ in range(args.requests)]
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(fetch, [url] * args.requests))
            rate = args.requests / (time.perf_counter() - started)
            p50, p95 = statistics.median(timings), percentile(timings, 95)
            print(f"{name:28} {p50:8.1f} {p95:8.1f} {rate:8.1f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
