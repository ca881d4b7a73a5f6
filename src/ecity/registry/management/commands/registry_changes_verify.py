"""Verify the hash chains of the registry's change log: exit code 0 when intact, 1 naming the
first broken link (``ecity.registry.change_chain``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.registry.change_chain import changes_verify


class Command(BaseCommand):
    help = "Verify the registry change log's per-record hash chains; name the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=2000, help="Rows (and records) read per query."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        result = changes_verify(batch=options["batch"])
        if result.broken is not None:
            raise CommandError(f"first broken link: {result.broken}", returncode=1)
        self.stdout.write(
            f"registry change log intact: {result.checked} changes of {result.records} "
            "records checked"
        )
