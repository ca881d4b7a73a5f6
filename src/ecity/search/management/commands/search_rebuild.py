"""``manage.py search_rebuild [--source NAME]``: rebuild the search index from the sources."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.search.services import source_rebuild


class Command(BaseCommand):
    help = "Index every findable document again and remove every other one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", help="only this source (for example catalogue.service)")

    def handle(self, *args: Any, source: str | None = None, **options: Any) -> None:
        try:
            result = source_rebuild(source=source)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, (indexed, removed) in sorted(result.items()):
            if removed < 0:
                self.stdout.write(f"{name}: source gone, all its documents removed")
            else:
                self.stdout.write(f"{name}: {indexed} indexed, {removed} removed")
