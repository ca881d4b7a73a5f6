"""``exchange_gateway [--bind HOST:PORT] [--workers N]``: serve the lean exchange gateway.

Serves ``/r1/`` calls of local REST services on the lean path (cached access decisions, group
commit of the message log) and every other URL through Django, in ``N`` processes sharing one
socket. Put it behind the load balancer and route ``/r1/`` to it (docs/exchange.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.exchange.gateway.lean.server import serve


class Command(BaseCommand):
    help = "Serve the exchange gateway (/r1/) on its lean path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8001", help="HOST:PORT to listen on")
        parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _sep, port = options["bind"].rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--bind must be HOST:PORT")
        self.stdout.write(
            f"exchange gateway on http://{options['bind']} ({options['workers']} workers)"
        )
        self.stdout.flush()
        serve(host=host.strip("[]"), port=int(port), workers=options["workers"])
