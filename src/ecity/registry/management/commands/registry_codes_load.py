"""``registry_codes_load FILE --list IDENT [--dry-run]``: load a code list from CSV or Excel.

Prints what was (or would be) created and updated, or every problem with its row and column
(then nothing is written and the command exits with status 1). ``--shipped`` loads the national
code lists shipped with ecity instead of a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.registry.services.codes import CodeLoadReport, code_list_load, code_lists_load_shipped


class Command(BaseCommand):
    help = "Load a code list (代码表) from a CSV (UTF-8 or GB 18030) or Excel (.xlsx) file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the CSV or .xlsx file")
        parser.add_argument("--list", dest="identifier", help="the code list's identifier")
        parser.add_argument("--name", default="", help="Chinese name (required for a new list)")
        parser.add_argument("--name-en", default="", help="English name")
        parser.add_argument("--standard", default="", help="the standard, e.g. GB/T 2261.1-2003")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--shipped", action="store_true", help="load the national code lists shipped with ecity"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["shipped"]:
            for report in code_lists_load_shipped(actor=None):
                self._summary(report)
            return
        if not options["file"] or not options["identifier"]:
            raise CommandError("give a FILE and --list IDENT (or --shipped)")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            report = code_list_load(
                actor=None,
                identifier=options["identifier"],
                file_name=path.name,
                content=content,
                name=options["name"],
                name_en=options["name_en"],
                standard=options["standard"],
                dry_run=options["dry_run"],
            )
        except ApplicationError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(details or exc.message) from exc
        if report.problems:
            self.stderr.write("row\tcolumn\tmessage")
            for problem in report.problems:
                self.stderr.write(f"{problem.row}\t{problem.column}\t{problem.message}")
            raise CommandError(
                f"{len(report.problems)} problem(s) in {path.name}: nothing was loaded.",
                returncode=1,
            )
        self._summary(report)

    def _summary(self, report: CodeLoadReport) -> None:
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{report.code_list}: {report.created} codes {verb} created, {report.updated} "
            f"updated, {report.unchanged} unchanged."
        )
