"""Print (or write) this node's signed federation configuration for another city."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecity.exchange.federation import federation_config_export


class Command(BaseCommand):
    help = (
        "Export this node's federation configuration (members, subsystems and their public "
        "keys, gateway URL, registered sections), signed by the node's exchange key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        document = federation_config_export()
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(
                f"Wrote {options['output']}. Tell the other city's operator, through another "
                f"channel, the node key ID to pin: {document['node_key']['kid']}"
            )
        else:
            self.stdout.write(text)
