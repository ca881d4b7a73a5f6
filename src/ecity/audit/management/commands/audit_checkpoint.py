"""Sign the audit chain head and append it to the checkpoint file (what the job does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of the audit chain head to the checkpoint file "
        "(ECITY_AUDIT_CHECKPOINT_FILE), as the job audit.checkpoint does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", default="", help="Checkpoint file (default: ECITY_AUDIT_CHECKPOINT_FILE)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else checkpoints.checkpoint_path()
        try:
            checkpoint = checkpoints.checkpoint_write(path=path)
        except OSError as exc:
            raise CommandError(f"cannot write the checkpoint file {path}: {exc}") from exc
        if checkpoint is None:
            self.stdout.write(f"nothing new to checkpoint ({path})")
            return
        self.stdout.write(
            f"checkpoint #{checkpoint.sequence} {checkpoint.entry_hash} "
            f"signed by {checkpoint.kid} in {path}"
        )
