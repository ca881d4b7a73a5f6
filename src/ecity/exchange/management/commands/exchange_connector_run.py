"""``exchange_connector_run NAME [--dry-run]``: run a data connector now.

Runs ``ecity.exchange.services.connectors.connector_run`` as the trusted command line and
prints the outcome. Problems are printed as ``position<TAB>column<TAB>message``; a rejected
or failed run exits with status 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.exchange.models import Connector, ConnectorRun
from ecity.exchange.services.connectors import connector_run


class Command(BaseCommand):
    help = "Run a data connector now (load its new rows into the base registry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the connector's name")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        connector = Connector.objects.select_related("department").filter(name=options["name"])
        found = connector.first()
        if found is None:
            raise CommandError(f"no connector {options['name']}")
        try:
            run = connector_run(connector=found, actor=None, dry_run=options["dry_run"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{run.get_status_display()}: {run.rows_read} read, {run.rows_loaded} loaded, "
            f"{run.rows_rejected} rejected, {run.created_count} created, "
            f"{run.updated_count} changed; watermark {run.watermark_before or '—'} → "
            f"{run.watermark_after or '—'}"
        )
        for problem in run.report.get("problems", []):
            self.stdout.write(f"{problem['position']}\t{problem['column']}\t{problem['message']}")
        if run.report.get("error"):
            self.stderr.write(run.report["error"])
        if run.status in (ConnectorRun.Status.REJECTED, ConnectorRun.Status.FAILED):
            raise CommandError(f"run {run.status}")
