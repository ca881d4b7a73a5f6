"""``manage.py load_demo [--if-empty]``: load or refresh the demo city 示范市."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecity.demo.services import DemoApprovalResult, demo_approval_ensure, demo_city_load


class Command(BaseCommand):
    help = (
        "Load or refresh the demo city 示范市 (regions, departments, service guides, demo "
        "accounts with the demo-only password Demo@12345, joint approval processes, "
        "certificate types, a few demo cases and the data exchange between departments). "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "do not load the city when the database already holds departments or service "
                "items; an existing demo city still gains missing processes, certificate types "
                "and demo cases"
            ),
        )
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="do not create the demo cases of the demo applicant zhangwei",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_city_load(if_empty=options["if_empty"])
        approval = demo_approval_ensure(with_cases=not options["no_cases"])
        if result.skipped:
            if approval.skipped:
                self.stdout.write("The database already holds city data: demo city not loaded.")
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"The demo city is already there. Added: {_approval_counts(approval)}."
                    )
                )
            return
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
                ("registry_records", "registry records"),
                ("resources", "catalogue resources"),
                ("sharing_requests", "sharing requests"),
                ("wallet_certificates", "e-licences in the wallet"),
                ("exchange_subsystems", "exchange subsystems"),
                ("exchange_messages", "exchange messages"),
            ]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city loaded. Created: {created}; {_approval_counts(approval)}."
            )
        )
        if result.system_client_secret:
            # Generated now and stored hashed: this is the only time it is shown.
            self.stdout.write(
                "Department system 社保业务系统 (人社局), registry sharing API, shown once:\n"
                f"  client_id:     {result.system_client_id}\n"
                f"  client_secret: {result.system_client_secret}\n"
                "  token: POST /o/token/ grant_type=client_credentials (see docs/registry.md)"
            )


def _approval_counts(approval: DemoApprovalResult) -> str:
    return ", ".join(
        f"{label} {getattr(approval, name)}"
        for name, label in [
            ("certificate_types", "certificate types"),
            ("processes", "approval processes"),
            ("cases", "demo cases"),
            ("joint_services", "joint applications"),
            ("ratings", "demo ratings"),
        ]
    )
