"""``registry_indicators_load FILE --department CODE [--user NAME] [--dry-run]``: load indicator
figures (long format: indicator, region, period, value, status…) from CSV or Excel.

Prints what was (or would be) created, revised and left unchanged, or every problem as
``row<TAB>column<TAB>message`` (then nothing is written and the command exits with status 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.services.indicator_loads import indicator_observations_load


class Command(BaseCommand):
    help = "Load macro-economic indicator figures from a CSV (UTF-8 or GB 18030) or .xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or .xlsx file")
        parser.add_argument(
            "--department", required=True, help="the authority department's code, e.g. TJJ"
        )
        parser.add_argument(
            "--user", default="", help="the staff member loading (default: the operator)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"no department {options['department']}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            report = indicator_observations_load(
                actor=actor,
                department=department,
                file_name=path.name,
                content=content,
                dry_run=options["dry_run"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if report.problems:
            self.stderr.write("row\tcolumn\tmessage")
            for problem in report.problems:
                self.stderr.write(f"{problem.row}\t{problem.column}\t{problem.message}")
            raise CommandError(
                f"{len(report.problems)} problem(s) in {path.name}: nothing was loaded.",
                returncode=1,
            )
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{path.name}: {report.created} figures {verb} created, {report.revised} revised, "
            f"{report.unchanged} unchanged."
        )
