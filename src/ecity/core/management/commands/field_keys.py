"""Manage the keys that encrypt personal data at rest (see ecity.core.crypto)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ecity.core import crypto, keys
from ecity.core.audit_hook import audit_hook_record


class Command(BaseCommand):
    help = "Field-encryption keys: status | rotate | reencrypt | retire KID | generate"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "action", choices=["status", "rotate", "reencrypt", "retire", "generate"]
        )
        parser.add_argument("key_id", nargs="?", default="")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.stdout.write(keys.new_keyring_json())
            return
        if action == "status":
            ring = crypto.keyring()
            self.stdout.write(f"active key: {ring.active}; keys: {', '.join(sorted(ring.keys))}")
            for context, counter in keys.key_usage().items():
                detail = ", ".join(f"{k}={n}" for k, n in sorted(counter.items())) or "empty"
                self.stdout.write(f"  {context}: {detail}")
            return
        try:
            if action == "rotate":
                kid = keys.key_rotate()
                self.stdout.write(f"new active key {kid}; now run: field_keys reencrypt")
                _audit(step="rotate", key=kid)
            elif action == "reencrypt":
                count = keys.reencrypt(batch=options["batch"])
                active = crypto.keyring().active
                self.stdout.write(f"re-encrypted {count} values with {active}")
                _audit(step="reencrypt", key=active, count=count)
            elif action == "retire":
                keys.key_retire(options["key_id"])
                self.stdout.write(f"retired {options['key_id']}")
                _audit(step="retire", key=options["key_id"])
        except (ValueError, crypto.DecryptionError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc


def _audit(**data: Any) -> None:
    """Record the key operation (``keys.rotated``) in the audit trail (through the audit hook)."""
    audit_hook_record(actor=None, action="keys.rotated", data=data)
