"""``ecity-manage open311_client "<name>"``: register an Open311 channel system; prints its
API key once (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.hotline.open311.services import open311_client_create


class Command(BaseCommand):
    help = "Register an Open311 client system and print its new API key (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name of the client system, e.g. 'City app'.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, key = open311_client_create(actor=None, name=options["name"])
        except ApplicationError as error:
            details = "; ".join(m for messages in error.fields.values() for m in messages)
            raise CommandError(details or str(error.message)) from error
        self.stdout.write(f"{client.name}: {key}")
