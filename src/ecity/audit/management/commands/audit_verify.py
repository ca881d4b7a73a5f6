"""Verify the audit hash chain and its signed checkpoints: exit code 0 when intact, 1 naming the
first broken entry (and the checkpoint the database contradicts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.audit import services
from ecity.audit.checkpoints import trail_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and its signed checkpoints; name the first broken "
        "entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start", type=int, default=None, help="First sequence to check (default: 1)."
        )
        parser.add_argument("--batch", type=int, default=1000, help="Entries read per query.")
        parser.add_argument(
            "--checkpoints",
            default="",
            help="Checkpoint file to verify against (default: ECITY_AUDIT_CHECKPOINT_FILE).",
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not record the verification itself in the audit trail.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        result = trail_verify(
            start=options["start"],
            batch=options["batch"],
            path=Path(options["checkpoints"]) if options["checkpoints"] else None,
        )
        if not options["no_record"]:
            services.audit_record(
                actor=None,
                action="audit.verified",
                data={
                    "ok": result.ok,
                    "checked": result.checked,
                    "first_broken_sequence": result.first_broken_sequence,
                    "problem": result.problem,
                    "checkpoints": result.checkpoints_checked,
                    "command": True,
                },
            )
        if not result.ok:
            where = (
                f"first broken entry: #{result.first_broken_sequence}"
                if result.first_broken_sequence is not None
                else "tampered"
            )
            raise CommandError(f"{where} ({result.reason})", returncode=1)
        latest = result.latest_checkpoint
        self.stdout.write(
            f"audit chain intact: {result.checked} entries checked, "
            f"head #{result.last_sequence} {result.last_hash}; "
            f"{result.checkpoints_checked} signed checkpoints match"
            + (f", the latest #{latest.sequence} at {latest.at.isoformat()}" if latest else "")
        )
