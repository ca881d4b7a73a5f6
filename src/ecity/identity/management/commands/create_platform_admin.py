"""Create a platform administrator: ``ecity createadmin --username X [--email Y]``.

The password is asked for twice on a terminal, or read from ``ECITY_ADMIN_PASSWORD`` when the
command runs in a script (or with ``--no-input``). It must pass the password policy.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.core.errors import ApplicationError
from ecity.identity import services

PASSWORD_ENV = "ECITY_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


class Command(BaseCommand):
    help = "Create a platform administrator (staff, superuser, platform_admin role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Never prompt; read the password from {PASSWORD_ENV}.",
        )

    def _password(self, interactive: bool) -> str:
        from_env = os.environ.get(PASSWORD_ENV, "")
        if from_env:
            return from_env
        if not interactive or not _stdin_is_terminal():
            raise CommandError(f"No password: set {PASSWORD_ENV} or run the command on a terminal.")
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
            if first and first == second:
                return first
            self.stderr.write("The passwords are empty or not the same; try again.")
        raise CommandError("No password was confirmed.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["interactive"])
        try:
            user = services.platform_admin_create(
                username=options["username"], email=options["email"], password=password
            )
        except ApplicationError as error:
            details = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.fields.items()
            )
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(self.style.SUCCESS(f"Platform administrator {user.username!r} created."))
