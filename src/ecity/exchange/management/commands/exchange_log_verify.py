"""Verify the exchange message log: print OK or the first broken record of each partition."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.exchange.message_log import log_verify
from ecity.exchange.models import LogPartition


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the exchange message log. Prints OK, or per broken partition "
        "its first broken record (partition, seq, modified/inserted/deleted/cut/anchor) and "
        "exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--partition", action="append", help="verify only this partition (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partitions = options["partition"]
        breaks = log_verify(partitions=partitions)
        if breaks:
            for found in breaks:
                self.stdout.write(
                    f"BROKEN partition={found.partition} seq={found.seq} problem={found.problem}"
                )
            raise CommandError(f"{len(breaks)} broken partition(s)", returncode=1)
        count = len(partitions) if partitions else LogPartition.objects.count()
        self.stdout.write(f"OK {count} partition(s)")
