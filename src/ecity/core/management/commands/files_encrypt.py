"""Encrypt stored files at rest: seal files stored before encryption, re-seal old-key files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.core import crypto, keys
from ecity.core.audit_hook import audit_hook_record


class Command(BaseCommand):
    help = (
        "Seal every stored file (uploads, decision letters, certificates) that is not yet "
        "encrypted with the active field-encryption key. Safe to run while ecity runs and again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only report how many files use each key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            usage = keys.stored_files_key_usage()
            detail = ", ".join(f"{k}={n}" for k, n in sorted(usage.items())) or "no files"
            self.stdout.write(f"stored files: {detail}")
            if options["check"]:
                return
            count = keys.stored_files_reseal()
        except crypto.DecryptionError as exc:
            raise CommandError(str(exc)) from exc
        active = crypto.keyring().active
        self.stdout.write(f"sealed {count} files with {active}")
        if count:
            audit_hook_record(
                actor=None,
                action="keys.rotated",
                data={"step": "files_encrypt", "key": active, "count": count},
            )
