"""Benchmark: the base registries at scale (1,000,000 persons, 200,000 legal entities), PostgreSQL.

Generates CSV files of synthetic persons (valid resident ID numbers, GB 11643 check digit) and
legal entities (valid USCCs, GB 32100 check character), imports them through the registry's own
import (``ecity.registry.services.imports.registry_import``: the records' rules, batches of
``--batch`` rows, the public security bureau and market regulation of the demo city as the
importing departments) and prints:

* import rows/s for persons and for legal entities (whole runs, validation included);
* person lookup by ID number p50/p95 in-process through the selector
  (``person_find_by_id_number``: blind index, audited read) for ``--lookups`` random persons.

    .venv/bin/python benchmarks/registry_scale.py                          # 1,000,000 + 200,000
    .venv/bin/python benchmarks/registry_scale.py --persons 20000 --legal-entities 5000
    .venv/bin/python benchmarks/registry_scale.py --fresh                  # recreate the database

The database (``--url``, default ``ecity_registry_bench``) is migrated and given the demo city
once; each run imports new records after those already there (the sequence numbers continue),
so a run always measures creation. Files go to a temporary directory removed at the end.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_scale_fill import city_prepare, database_prepare, django_setup

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database (created)")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--legal-entities", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5000, help="rows per transaction")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()

    database_prepare(args.url, fresh=args.fresh)
    with tempfile.TemporaryDirectory(prefix="ecity-registry-bench-") as scratch:
        work = Path(scratch)
        django_setup(args.url, work / "data", secrets.token_urlsafe(32))
        city_prepare()

        from ecity.org.models import Department, StaffRole
        from ecity.registry.models import LegalEntityRecord, Person
        from ecity.registry.selectors.records import person_find_by_id_number
        from ecity.registry.services.imports import registry_import

        police = Department.objects.get(code="GAJ")
        market = Department.objects.get(code="SCJ")
        first_person = Person.objects.count() + 1_000  # after the demo city's own people
        first_entity = LegalEntityRecord.objects.count() + 1_000

        def load(registry: str, department: Department, path: Path, rows: int) -> float:
            started = time.monotonic()

            def progress(job) -> None:
                rate = job.rows_done / max(time.monotonic() - started, 1e-6)
                print(f"\r  {job.rows_done}/{job.total_rows} rows, {rate:,.0f} rows/s", end="")

            job = registry_import(
                actor=None,
                department=department,
                registry=registry,
                path=path,
                batch_size=args.batch,
                progress=progress,
            )
            elapsed = time.monotonic() - started
            print()
            if job.status != "completed":
                raise SystemExit(f"{registry}: import {job.status}: {job.problems[:5]}")
            return rows / elapsed

        results: dict[str, str] = {}
        if args.persons:
            path = work / "persons.csv"
            numbers = persons_csv(path, first_person, args.persons)
            print(f"persons: importing {args.persons:,} rows")
            results["persons import"] = f"{load('persons', police, path, args.persons):,.0f} rows/s"
        else:
            numbers = []
        if args.legal_entities:
            path = work / "legal_entities.csv"
            legal_entities_csv(path, first_entity, args.legal_entities)
            print(f"legal entities: importing {args.legal_entities:,} rows")
            rate = load("legal_entities", market, path, args.legal_entities)
            results["legal-entity import"] = f"{rate:,.0f} rows/s"
        if numbers and args.lookups:
            staff = StaffRole.objects.filter(is_active=True).select_related("user").first()
            if staff is None:
                raise SystemExit("the demo city has no staff to look persons up")
            sample = random.Random(9).sample(numbers, min(args.lookups, len(numbers)))
            timings = []
            for number in sample:
                started = time.perf_counter()
                found = person_find_by_id_number(
                    actor=staff.user, id_number=number, purpose="benchmark"
                )
                timings.append((time.perf_counter() - started) * 1000)
                if found is None:
                    raise SystemExit(f"person {number} not found")
            results["person lookup p50"] = f"{statistics.median(timings):.2f} ms"
            results["person lookup p95"] = f"{percentile(timings, 0.95):.2f} ms"
        print(
            f"\nregistry_scale: {Person.objects.count():,} persons, "
            f"{LegalEntityRecord.objects.count():,} legal entities in the database"
        )
        for name, value in results.items():
            print(f"  {name:<22} {value}")


if __name__ == "__main__":
    main()
