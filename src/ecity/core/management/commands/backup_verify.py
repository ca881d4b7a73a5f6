"""Restore a backup archive into a scratch database and compare it with its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.core.backup import BackupError, backup_verify


class Command(BaseCommand):
    help = "Verify a backup: restore into a scratch database, compare counts and checksums."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_verify(archive=Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            raise CommandError("verification FAILED:\n  " + "\n  ".join(report.problems))
        self.stdout.write(
            f"OK: {report.tables_checked} tables, {report.rows_checked} rows, "
            f"{report.files_checked} files match the manifest"
        )
