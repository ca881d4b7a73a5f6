"""Restore the database and uploaded files from a backup archive (stop the platform first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Verify an archive, then REPLACE the database and uploaded files with its contents."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("This replaces ALL current data with the backup. Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("cancelled: nothing changed")
        try:
            report = backup_restore(archive=Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored: {report.tables_checked} tables, {report.rows_checked} rows, "
            f"{report.files_checked} files"
        )
