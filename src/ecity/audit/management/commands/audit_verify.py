"""Verify the audit hash chain: exit code 0 when intact, 1 naming the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.audit import services
from ecity.audit.chain import chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start", type=int, default=None, help="First sequence to check (default: 1)."
        )
        parser.add_argument("--batch", type=int, default=1000, help="Entries read per query.")
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not record the verification itself in the audit trail.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        result = chain_verify(start=options["start"], batch=options["batch"])
        if not options["no_record"]:
            services.audit_record(
                actor=None,
                action="audit.verified",
                data={
                    "ok": result.ok,
                    "checked": result.checked,
                    "first_broken_sequence": result.first_broken_sequence,
                    "command": True,
                },
            )
        if not result.ok:
            raise CommandError(
                f"first broken entry: #{result.first_broken_sequence} ({result.reason})",
                returncode=1,
            )
        self.stdout.write(
            f"audit chain intact: {result.checked} entries checked, "
            f"head #{result.last_sequence} {result.last_hash}"
        )
