"""``manage.py load_demo [--if-empty]``: load or refresh the demo city 示范市."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecity.certificates.demo import demo_certificate_types
from ecity.portal.services import demo_city_load


class Command(BaseCommand):
    help = (
        "Load or refresh the demo city 示范市 (regions, departments, service guides, demo "
        "accounts with the demo-only password Demo@12345). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds departments or service items",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_city_load(if_empty=options["if_empty"])
        if result.skipped:
            self.stdout.write("The database already holds city data: demo city not loaded.")
            return
        demo_certificate_types()
        created = ", ".join(
            f"{label} {getattr(result, name)}"
            for name, label in [
                ("regions", "regions"),
                ("departments", "departments"),
                ("themes", "themes"),
                ("life_events", "life events"),
                ("items", "service items"),
                ("versions", "published versions"),
                ("accounts", "accounts"),
                ("enterprises", "enterprises"),
            ]
        )
        self.stdout.write(self.style.SUCCESS(f"Demo city loaded. Created: {created}."))
