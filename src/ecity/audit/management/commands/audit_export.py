"""Export audit entries (CSV with BOM for Excel, or JSON lines) to a file or standard output."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.audit import exports, selectors, services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Export audit entries between two dates (inclusive) as CSV or JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="First day, YYYY-MM-DD (local time).")
        parser.add_argument("--until", help="Last day, YYYY-MM-DD (local time), inclusive.")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", default="-", help='File to write ("-": standard output).')
        parser.add_argument("--action", default="", help='An action or a prefix ending in ".".')

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options["since"]) if options["since"] else None
        until = _date(options["until"]) if options["until"] else None
        if since and until and since > until:
            raise CommandError("--since must not be after --until")
        filters = selectors.AuditFilters(date_from=since, date_to=until, action=options["action"])
        services.audit_record(
            actor=None,
            action="audit.exported",
            data={"filters": filters.used(), "format": options["format"], "command": True},
        )
        entries = selectors.audit_entry_stream(actor=None, filters=filters)
        lines = exports.export_lines(entries, export_format=options["format"])
        count = 0
        if options["output"] == "-":
            for line in lines:
                self.stdout.write(line, ending="")
            return
        newline = "" if options["format"] == "csv" else "\n"
        with open(options["output"], "w", encoding="utf-8", newline=newline) as handle:
            for line in lines:
                handle.write(line)
                count += 1
        rows = count - 1 if options["format"] == "csv" else count
        self.stderr.write(f"exported {max(rows, 0)} entries to {options['output']}")
