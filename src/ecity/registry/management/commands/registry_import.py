"""``registry_import FILE --registry persons [--dry-run] [--batch N] [--resume]``.

Imports persons or legal entities from a CSV (UTF-8 or GB 18030) or Excel (.xlsx) file through
``ecity.registry.services.imports.registry_import``, with a progress line on standard error.
Problems are printed as ``row<TAB>column<TAB>message`` (exit status 1).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import ImportJob, Registry
from ecity.registry.services.imports import DEFAULT_BATCH, registry_import


def _mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        if not sep or not column.strip():
            raise CommandError(f"--map takes COLUMN=ATTRIBUTE (or COLUMN= to ignore): {item!r}")
        mapping[column.strip()] = target.strip()
    return mapping


class Command(BaseCommand):
    help = "Import persons or legal entities into the base registries from CSV or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or .xlsx file (header in row 1)")
        parser.add_argument("--registry", required=True, choices=Registry.values)
        parser.add_argument(
            "--department",
            default="",
            help="code of the department that vouches for the values (authority of its elements)",
        )
        parser.add_argument("--user", default="", help="username of the importing staff member")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=ATTRIBUTE",
            help="map a column to an attribute or data element (empty: ignore the column)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="rows per transaction")
        parser.add_argument(
            "--resume", action="store_true", help="continue the unfinished import of this file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"cannot read {path}")
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"no department {options['department']}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']}")
        started = time.monotonic()

        def progress(job: ImportJob) -> None:
            rate = job.rows_done / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(
                f"\r{job.rows_done}/{job.total_rows} rows ({job.progress_percent}%) "
                f"{rate:,.0f} rows/s"
            )
            sys.stderr.flush()

        try:
            job = registry_import(
                actor=actor,
                department=department,
                registry=options["registry"],
                path=path,
                mapping=_mapping(options["map"]),
                dry_run=options["dry_run"],
                batch_size=options["batch"],
                resume=options["resume"],
                progress=progress,
            )
        except ApplicationError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(details or exc.message) from exc
        sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        if job.problem_count:
            self.stderr.write("row\tcolumn\tmessage")
            for problem in job.problems:
                self.stderr.write(f"{problem['row']}\t{problem['column']}\t{problem['message']}")
            done = "" if job.is_dry_run else f" Rows up to {job.last_committed_row} are loaded."
            raise CommandError(
                f"{job.problem_count} problem(s) in {path.name}.{done}", returncode=1
            )
        verb = "would be created" if job.is_dry_run else "created"
        self.stdout.write(
            f"{job.file_name}: {job.rows_done} rows in {elapsed:.1f}s; {job.created_count} "
            f"records {verb}, {job.updated_count} changed, {job.unchanged_count} unchanged, "
            f"{job.conflict_count} conflicts."
        )
