"""Benchmark: the base registries at scale (1,000,000 persons, 200,000 legal entities), PostgreSQL.

Generates CSV files of synthetic persons (valid resident ID numbers, GB 11643 check digit) and
legal entities (valid USCCs, GB 32100 check character), imports them through the registry's own
import (``ecity.registry.services.imports.registry_import``: the records' rules, batches of
``--batch`` rows, the public security bureau and market regulation of the demo city as the
importing departments), tops the resource catalogue up to ``--resources`` published entries
(``registry_scale_http.catalogue_fill``), then prints, each with its goal:

* import rows/s for persons and for legal entities (whole runs, validation included);
* person lookup by ID number p50/p95 in-process through the selector
  (``person_find_by_id_number``: blind index, decryption, the audited read and its commit);
* the sharing-checked read over HTTP p50/p95: ``ecity run`` (gunicorn, production settings)
  on the database, a department system registered and granted the population resource's
  conditional items through the services, its client-credentials token from ``/o/token/``,
  then ``GET /api/v1/registry/data/persons/1.0/read?id_number=…`` for ``--reads`` random
  persons, one after the other on a keep-alive connection;
* the catalogue facet page ``/registry/resources/`` p50/p95 over HTTP for ``--requests``
  addresses (no filter, a department, a subject, both, a share type with a search; some page 2).

    .venv/bin/python benchmarks/registry_scale.py                          # 1,000,000 + 200,000
    .venv/bin/python benchmarks/registry_scale.py --persons 20000 --legal-entities 5000
    .venv/bin/python benchmarks/registry_scale.py --skip-import            # reads only, again
    .venv/bin/python benchmarks/registry_scale.py --fresh                  # recreate the database

The database (``--url``, default ``ecity_registry_bench``) is migrated and given the demo city
once; each run imports new records after those already there (the sequence numbers continue),
so a run always measures creation; ``--skip-import`` measures the reads on what is there.
The field keys are kept next to the benchmark cache (``cases_scale_fill.field_keys_file``) so
that a later run can decrypt. Files go to a temporary directory removed at the end. Loopback
only; every loop is bounded; the server is stopped at the end. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_scale_fill import (
    city_prepare,
    database_prepare,
    django_setup,
    field_keys_file,
    vacuum_analyze,
)
from registry_scale_http import catalogue_fill

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_registry_bench"
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
REGIONS = ["110101", "110102", "110105", "110106", "110107", "110108", "310101", "440106"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def id_number(n: int) -> str:
    """A valid, unique resident ID number for sequence ``n`` (unique up to 8 × 36,500 × 1,000)."""
    region = REGIONS[n % len(REGIONS)]
    rest = n // len(REGIONS)
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(rest // 1000) % 36500)
    body = f"{region}{born:%Y%m%d}{rest % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def uscc(n: int) -> str:
    """A valid, unique USCC (enterprise registered by market regulation) for sequence ``n``."""
    org = f"{n % 10**8:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    body = f"91{REGIONS[n % len(REGIONS)]}{org}{ {10: 'X', 11: '0'}.get(check, str(check)) }"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def persons_csv(path: Path, first: int, count: int) -> list[str]:
    """Write ``count`` persons from sequence ``first``; return their ID numbers."""
    numbers = []
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(["公民身份号码", "姓名", "性别代码", "民族代码", "住址"])
        for n in range(first, first + count):
            number = id_number(n)
            numbers.append(number)
            name = SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + GIVEN[(n // 400) % 20]
            sex = "1" if int(number[16]) % 2 else "2"
            out.writerow([number, name, sex, "01", f"示范市长安路{n % 9999 + 1}号"])
    return numbers


def legal_entities_csv(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(["统一社会信用代码", "单位名称", "法人类型", "法定代表人"])
        for n in range(first, first + count):
            out.writerow([uscc(n), f"示范市第{n}号科技有限公司", "91", SURNAMES[n % 20] + "某"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(registry: str, department: Any, path: Path, rows: int, batch: int) -> float:
    """Import the file through ``registry_import``; rows per second, validation included."""
    from ecity.registry.services.imports import registry_import

    started = time.monotonic()

    def progress(job: Any) -> None:
        rate = job.rows_done / max(time.monotonic() - started, 1e-6)
        print(f"\r  {job.rows_done:,}/{job.total_rows:,} rows, {rate:,.0f} rows/s", end="")

    job = registry_import(
        actor=None,
        department=department,
        registry=registry,
        path=path,
        batch_size=batch,
        progress=progress,
    )
    elapsed = time.monotonic() - started
    print(flush=True)
    if job.status != "completed":
        raise SystemExit(f"{registry}: import {job.status}: {job.problems[:5]}")
    return rows / elapsed


def sample_numbers(count: int, seed: int) -> list[str]:
    """ID numbers of ``count`` random persons already in the database (decrypted)."""
    from ecity.registry.models import Person

    total = Person.objects.count()
    if not total:
        return []
    share = min(1.0, 3 * count / total)
    ids = list(
        Person.objects.extra(where=["random() < %s"], params=[share]).values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    return [p.id_number for p in Person.objects.filter(pk__in=chosen).only("id_number")]


def measure_lookups(numbers: list[str]) -> dict[str, float]:
    """``person_find_by_id_number`` in-process (blind index, decrypt, audited read)."""
    from ecity.org.models import StaffRole
    from ecity.registry.selectors.records import person_find_by_id_number

    staff = StaffRole.objects.filter(is_active=True).select_related("user").first()
    if staff is None:
        raise SystemExit("the demo city has no staff to look persons up")
    for number in numbers[:10]:  # warm-up
        person_find_by_id_number(actor=staff.user, id_number=number, purpose="benchmark")
    timings = []
    for number in numbers:
        started = time.perf_counter()
        found = person_find_by_id_number(actor=staff.user, id_number=number, purpose="benchmark")
        timings.append((time.perf_counter() - started) * 1000)
        if found is None:
            raise SystemExit(f"person {number} not found")
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95)}


def serve_and_measure(args: argparse.Namespace, work: Path, numbers: list[str]) -> dict:
    """Start gunicorn on the database; the sharing read and the catalogue facet page."""
    from cases_scale import cpu_idle_percent, server_start, server_stop
    from django.db import connections
    from registry_scale_http import (
        facet_paths,
        measure_facets,
        measure_reads,
        sharing_client,
        token_get,
    )

    credentials = sharing_client()
    paths = facet_paths(args.requests)
    connections.close_all()
    os.environ["ECITY_API_RATE_USER"] = "1000000/min"  # the sharing reads are not throttled
    server_args = argparse.Namespace(
        database_url=args.url, workers=args.workers, cache_url=args.cache_url, job_worker=False
    )
    server = None
    results: dict[str, Any] = {}
    try:
        print("starting the server …", flush=True)
        server, port = server_start(server_args, work, os.environ["SECRET_KEY"])
        results["idle"] = cpu_idle_percent(3.0)
        if numbers:
            print(f"sharing reads over HTTP ({len(numbers)}) …", flush=True)
            results["read"] = measure_reads(port, token_get(port, credentials), numbers)
        print(f"catalogue facet page over HTTP ({len(paths)}) …", flush=True)
        results["facets"] = measure_facets(port, paths)
    finally:
        server_stop(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database (created)")
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons to import")
    parser.add_argument("--legal-entities", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5000, help="rows per transaction")
    parser.add_argument(
        "--skip-import",
        action="store_true",
        help="import nothing: measure the reads on the records already in the database",
    )
    parser.add_argument("--lookups", type=int, default=1000, help="in-process person lookups")
    parser.add_argument("--reads", type=int, default=1000, help="sharing reads over HTTP")
    parser.add_argument("--requests", type=int, default=200, help="catalogue page requests")
    parser.add_argument("--resources", type=int, default=2000, help="published resources")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--cache-url",
        help="ECITY_CACHE_URL for the server, e.g. redis://127.0.0.1:6379/0 (default: its own "
        "default, the database cache, which also holds the API rate counters)",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the server measurements")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()
    if args.skip_import:
        args.persons = args.legal_entities = 0

    database_prepare(args.url, fresh=args.fresh)
    keys = field_keys_file(args.url)
    if args.fresh:
        keys.unlink(missing_ok=True)
    keys.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ecity-registry-bench-") as scratch:
        work = Path(scratch)
        django_setup(args.url, work / "data", secrets.token_urlsafe(32))
        print("preparing the database (migrate, demo city) …", flush=True)
        city_prepare()

        from ecity.org.models import Department
        from ecity.registry.models import LegalEntityRecord, Person

        results: dict[str, str] = {}
        if args.persons:
            path = work / "persons.csv"
            persons_csv(path, Person.objects.count() + 1_000, args.persons)
            print(f"persons: importing {args.persons:,} rows", flush=True)
            rate = load(
                "persons", Department.objects.get(code="GAJ"), path, args.persons, args.batch
            )
            results["persons import"] = f"{rate:10,.0f} rows/s"
        if args.legal_entities:
            path = work / "legal_entities.csv"
            legal_entities_csv(path, LegalEntityRecord.objects.count() + 1_000, args.legal_entities)
            print(f"legal entities: importing {args.legal_entities:,} rows", flush=True)
            rate = load(
                "legal_entities",
                Department.objects.get(code="SCJ"),
                path,
                args.legal_entities,
                args.batch,
            )
            results["legal-entity import"] = f"{rate:10,.0f} rows/s"
        if args.persons or args.legal_entities:
            print("VACUUM ANALYZE …", flush=True)
            vacuum_analyze(args.url)
        added = catalogue_fill(args.resources)
        if added:
            print(f"catalogue: {added:,} resources added", flush=True)
        numbers = sample_numbers(max(args.lookups, args.reads), seed=9)
        if numbers and args.lookups:
            print(f"person lookups in-process ({args.lookups}) …", flush=True)
            found = measure_lookups(numbers[: args.lookups])
            results["person lookup p50"] = f"{found['p50']:10.2f} ms"
            results["person lookup p95"] = f"{found['p95']:10.2f} ms   goal p95 <= 10 ms"
        http: dict[str, Any] = {}
        if not args.no_http:
            http = serve_and_measure(args, work, numbers[: args.reads])
        if "read" in http:
            read = http["read"]
            results["sharing read p50"] = f"{read['p50']:10.2f} ms"
            results["sharing read p95"] = f"{read['p95']:10.2f} ms   goal p95 <= 20 ms"
        if "facets" in http:
            facets = http["facets"]
            results["facet page p50"] = f"{facets['p50']:10.2f} ms"
            results["facet page p95"] = f"{facets['p95']:10.2f} ms   goal p95 <= 100 ms"

        from ecity.registry.models import Resource

        live = Resource.objects.filter(revision_of__isnull=True, status="published").count()
        print(
            f"\n# registry_scale, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}, "
            f"{os.cpu_count()} cores, {platform.platform()}"
        )
        print(
            f"# database {args.url.split('@')[-1]}: {Person.objects.count():,} persons, "
            f"{LegalEntityRecord.objects.count():,} legal entities, {live:,} published resources"
        )
        if http:
            print(
                f"# server: ecity run (gunicorn, production settings), {args.workers} workers, "
                f"cache {args.cache_url or 'db://ecity_cache (default)'}; "
                f"CPU idle before measuring {http.get('idle', '?')} %"
            )
        if "read" in http:
            read = http["read"]
            print(
                f"# sharing reads: {read['n']} × GET /api/v1/registry/data/persons/1.0/read, "
                f"fields {', '.join(read['fields'])}; {read['connections']} connections; "
                f"errors {read['errors'] or 'none'}"
            )
        if "facets" in http:
            print(
                f"# facet page: {http['facets']['n']} × /registry/resources/ (none, department, "
                f"subject, both, share type + search; some page 2); errors "
                f"{http['facets']['errors'] or 'none'}"
            )
        for name, value in results.items():
            print(f"  {name:<22} {value}")


if __name__ == "__main__":
    main()
