"""``manage.py keys list|rotate|retire|import``: the signing-key vault, one purpose at a time.

    ecity manage keys list [--purpose oidc]
    ecity manage keys rotate --purpose certificates [--retire-previous]
    ecity manage keys retire --purpose oidc --kid <kid>
    ecity manage keys import --purpose oidc --from-setting ECITY_OIDC_PRIVATE_KEY

The field-encryption keyring has its own command, ``field_keys``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core import vault
from ecity.core.errors import ApplicationError
from ecity.core.models import SigningKey

PURPOSES = [str(value) for value in SigningKey.Purpose.values]


class Command(BaseCommand):
    help = (
        "Signing keys per purpose (oidc, certificates, exchange). 'list' shows them, 'rotate' "
        "makes a new current key (the old one keeps verifying as 'previous'), 'retire' retires a "
        "previous key (OIDC stops publishing it; certificate keys keep verifying what they "
        "signed), 'import' stores a key managed elsewhere as 'previous'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "rotate", "retire", "import"])
        parser.add_argument("--purpose", choices=PURPOSES)
        parser.add_argument("--kid", default="", help="the key ID (retire)")
        parser.add_argument(
            "--retire-previous",
            action="store_true",
            help="rotate: also retire the keys that were already previous",
        )
        parser.add_argument("--from-setting", default="", help="import: a setting holding a PEM")
        parser.add_argument("--from-file", default="", help="import: a PEM file")

    def handle(self, *args: Any, **options: Any) -> None:
        action, purpose = options["action"], options["purpose"]
        if action != "list" and not purpose:
            raise CommandError(f"'{action}' needs --purpose ({', '.join(PURPOSES)})")
        try:
            if action == "rotate":
                key = vault.key_rotate(purpose=purpose, retire_previous=options["retire_previous"])
                self.stdout.write(f"new current key {key.kid}")
            elif action == "retire":
                if not options["kid"]:
                    raise CommandError("'retire' needs --kid")
                key = vault.key_retire(purpose=purpose, kid=options["kid"])
                self.stdout.write(f"retired {key.kid}")
            elif action == "import":
                key, created = vault.key_import(purpose=purpose, private_pem=self._pem(options))
                self.stdout.write(f"{'imported' if created else 'already stored'} {key.kid}")
        except ApplicationError as error:
            raise CommandError(error.message) from error
        except (ValueError, TypeError, vault.SigningKeyUnavailable) as error:
            raise CommandError(f"not a usable {purpose} private key: {error}") from error
        keys = list(vault.key_list(purpose=purpose))
        if not keys:
            self.stdout.write("No signing keys yet: the first use of a purpose creates its key.")
        for key in keys:
            marker = "*" if key.status == SigningKey.Status.CURRENT else " "
            retired = f" retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
            self.stdout.write(
                f"{marker} {key.purpose:<12} {key.kid}  {key.algorithm:<7} {key.status:<8} "
                f"created {key.created_at:%Y-%m-%d %H:%M}{retired}"
            )

    def _pem(self, options: dict[str, Any]) -> str:
        if options["from_setting"]:
            pem = str(getattr(settings, options["from_setting"], "") or "")
        elif options["from_file"]:
            pem = Path(options["from_file"]).read_text()
        else:
            raise CommandError("'import' needs --from-setting NAME or --from-file PATH")
        if not pem.strip():
            raise CommandError("no PEM found to import")
        return pem
