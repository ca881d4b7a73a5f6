"""``manage.py certificates_keys list|generate|rotate``: manage the certificate signing keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.certificates import signing
from ecity.certificates.selectors import signing_key_list


class Command(BaseCommand):
    help = (
        "Manage the Ed25519 keys that sign e-certificates. 'list' shows every key, 'generate' "
        "creates the first active key (if there is none), 'rotate' retires the active key (it "
        "keeps verifying what it signed) and creates a new one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "generate", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            existing = signing.active_key()
            if existing is not None:
                raise CommandError(
                    f"An active key already exists ({existing.key_id}); use 'rotate' to replace it."
                )
            key = signing.key_generate()
            self.stdout.write(self.style.SUCCESS(f"Generated active key {key.key_id}."))
        elif action == "rotate":
            key = signing.key_rotate()
            self.stdout.write(self.style.SUCCESS(f"New active key {key.key_id}."))
        keys = list(signing_key_list())
        if not keys:
            self.stdout.write("No signing keys yet. The first certificate issued creates one.")
        for key in keys:
            retired = f" retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
            self.stdout.write(
                f"{key.key_id}  {key.algorithm}  {key.status:<8} created "
                f"{key.created_at:%Y-%m-%d %H:%M}{retired}  public {key.public_key}"
            )
