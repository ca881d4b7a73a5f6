"""Manage the keys that sign OpenID Connect ID tokens: list, rotate, retire, keep-env-key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.sso import keys, services
from ecity.sso.models import SigningKey


class Command(BaseCommand):
    help = (
        "List, rotate or retire the RSA keys that sign ID tokens. After 'rotate' the old key stays "
        "published; retire it once tokens it signed have expired (ID tokens live 10 minutes) and "
        "clients have refreshed the JWKS (1 hour)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="show keys and which one signs")
        rotate = sub.add_parser("rotate", help="generate a new current key")
        rotate.add_argument(
            "--retire-previous",
            action="store_true",
            help="also stop publishing keys that were already previous",
        )
        retire = sub.add_parser("retire", help="stop publishing a previous key")
        retire.add_argument("kid")
        sub.add_parser(
            "keep-env-key",
            help="store the ECITY_OIDC_PRIVATE_KEY key as previous before changing the variable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "rotate":
                record = services.signing_key_rotate(retire_previous=options["retire_previous"])
                self.stdout.write(f"new current key {record.kid}")
            elif action == "retire":
                record = services.signing_key_retire(kid=options["kid"])
                self.stdout.write(f"retired {record.kid}")
            elif action == "keep-env-key":
                record = services.signing_key_keep_env()
                self.stdout.write(f"kept {record.kid} as previous")
        except ApplicationError as error:
            raise CommandError(error.message) from error
        signing = keys.current_signing_key().thumbprint()
        for record in SigningKey.objects.order_by("-created_at"):
            marker = "*" if record.kid == signing else " "
            created = f"{record.created_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{marker} {record.kid}  {record.status:<8}  created {created}")
        if not SigningKey.objects.filter(kid=signing).exists():
            self.stdout.write(f"* {signing}  (from ECITY_OIDC_PRIVATE_KEY)")
