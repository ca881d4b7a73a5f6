"""Back up the database and uploaded files into a verified archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecity.core.backup import BackupError, backup_create, backup_verify


class Command(BaseCommand):
    help = "Write a .tar.gz backup of the database and uploaded files, then verify it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default=str(Path(settings.DATA_DIR) / "backups"), help="directory"
        )
        parser.add_argument("--no-verify", action="store_true", help="skip the restore check")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup_create(output_dir=Path(options["output"]))
            self.stdout.write(f"backup written: {archive}")
            if options["no_verify"]:
                return
            report = backup_verify(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            raise CommandError("backup verification FAILED: " + "; ".join(report.problems))
        self.stdout.write(
            f"verified: {report.tables_checked} tables, {report.rows_checked} rows, "
            f"{report.files_checked} files match the manifest"
        )
