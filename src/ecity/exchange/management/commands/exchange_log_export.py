"""Export the exchange message log for an auditor (verify with scripts/verify_exchange_log.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.exchange.log_export import log_export


class Command(BaseCommand):
    help = (
        "Write the message log to a folder (records.jsonl, keys.json, manifest.json signed by "
        "the node key) that scripts/verify_exchange_log.py verifies offline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="an empty or new folder")
        parser.add_argument(
            "--partition", action="append", help="export only this partition (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export = log_export(directory=options["directory"], partitions=options["partition"])
        except FileExistsError as error:
            raise CommandError(f"{error} exists: choose a new folder") from error
        self.stdout.write(
            f"Exported {export.records} records of {export.partitions} partition(s) to "
            f"{export.directory}; node key {export.node_kid} (give this ID to the auditor "
            "through another channel)"
        )
