"""``exchange_service_test <service identifier>…``: test the connection to providers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.exchange.connection_test import service_connection_test
from ecity.exchange.models import Service


class Command(BaseCommand):
    help = "Call each service's health path (or base URL): reachability, latency, TLS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("services", nargs="*", help="service identifiers (default: all)")
        parser.add_argument("--timeout", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        services = Service.objects.select_related("provider").order_by("identifier")
        if options["services"]:
            services = services.filter(identifier__in=options["services"])
            missing = set(options["services"]) - {s.identifier for s in services}
            if missing:
                raise CommandError(f"unknown service(s): {', '.join(sorted(missing))}")
        failures = 0
        for service in services:
            report = service_connection_test(service=service, timeout=options["timeout"])
            if report.is_reachable:
                tls = (
                    f" {report.tls_version}, certificate {report.certificate_subject}"
                    f" until {report.certificate_expires_at:%Y-%m-%d}"
                    if report.certificate_expires_at
                    else ""
                )
                self.stdout.write(
                    f"OK   {service.identifier} {report.url} → {report.status_code}"
                    f" in {report.latency_ms} ms{tls}"
                )
            else:
                failures += 1
                self.stdout.write(f"FAIL {service.identifier} {report.url}: {report.error}")
        if failures:
            raise CommandError(f"{failures} service(s) unreachable")
