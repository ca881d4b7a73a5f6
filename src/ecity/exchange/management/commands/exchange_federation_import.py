"""Import another city's signed federation configuration after pinning its node key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.exchange.services.federation import federation_config_import


class Command(BaseCommand):
    help = (
        "Import a federation configuration exported by another ecity node. --node-kid is the "
        "node key ID its operator told you through another channel; a document signed with "
        "any other key is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--node-kid", required=True, help="the pinned node key ID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        try:
            remote = federation_config_import(
                document, actor=None, expected_node_kid=options["node_kid"]
            )
        except ApplicationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            raise CommandError(
                f"{error.code}: {error.message}" + (f" ({details})" if details else "")
            ) from error
        self.stdout.write(
            f"Imported {remote.code} (gateway {remote.gateway_url or '-'}, node key "
            f"{remote.node_kid}, configuration {remote.last_config_hash[:16]})"
        )
