"""``manage.py load_demo [--if-empty]``: load or refresh the demo city 示范市."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from ecity.demo.data.regions import CITY_CODE
from ecity.demo.services import DemoApprovalResult, demo_approval_ensure, demo_city_load
from ecity.demo.services.content import demo_content_ensure
from ecity.demo.services.disclosure import DemoDisclosure, demo_disclosure_ensure
from ecity.demo.services.hotline import DEMO_HOTLINE_TICKETS, DemoHotline, demo_hotline_ensure
from ecity.demo.services.participation import DemoParticipation, demo_participation_ensure
from ecity.demo.services.people import admin_ensure
from ecity.org.models import Region


class Command(BaseCommand):
    help = (
        "Load or refresh the demo city 示范市 (regions, departments, service guides, demo "
        "accounts with the demo-only password Demo@12345, joint approval processes, "
        "certificate types, a few demo cases, the data exchange between departments, the 12345 "
        "hotline with a year of tickets, public participation: mailboxes, surveys, "
        "consultations, department sub-sites with news, notices and policies, and information "
        "disclosure: guides, catalogues, requests, a report). "
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
        parser.add_argument(
            "--no-content",
            action="store_true",
            help="do not create the department sub-sites' demo news, notices and policies",
        )
        parser.add_argument(
            "--hotline-tickets",
            type=int,
            default=DEMO_HOTLINE_TICKETS,
            help=(
                "how many hotline tickets of the past year to generate into a database without "
                f"tickets (default {DEMO_HOTLINE_TICKETS}; 0: none)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_city_load(if_empty=options["if_empty"])
        approval = demo_approval_ensure(with_cases=not options["no_cases"])
        hotline = _hotline(tickets=max(0, options["hotline_tickets"]))
        if hotline is not None:
            self.stdout.write(_hotline_counts(hotline))
        # After the hotline: a demo letter is forwarded to it as a ticket.
        participation = _participation()
        if participation is not None:
            self.stdout.write(_participation_counts(participation))
        disclosure = _disclosure()
        if disclosure is not None:
            self.stdout.write(
                "Disclosure: "
                f"guides {disclosure.guides}, catalogue entries {disclosure.entries}, "
                f"requests {disclosure.requests}, annual reports {disclosure.reports}"
            )
        if not options["no_content"] and Region.objects.filter(code=CITY_CODE).exists():
            content = demo_content_ensure()
            self.stdout.write(
                f"Department sub-sites: {content.sites} sites, {content.pages} pages published"
            )
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


def _hotline(*, tickets: int) -> DemoHotline | None:
    """The demo hotline, only in the demo city (not in a database holding another city)."""
    if not Region.objects.filter(code=CITY_CODE).exists():
        return None
    with transaction.atomic():
        admin, _created = admin_ensure()
        return demo_hotline_ensure(actor=admin, tickets=tickets)


def _hotline_counts(hotline: DemoHotline) -> str:
    return "12345 hotline: " + ", ".join(
        f"{label} {getattr(hotline, name)}"
        for name, label in [
            ("departments", "departments"),
            ("accounts", "accounts"),
            ("categories", "categories"),
            ("articles", "knowledge articles"),
            ("history_tickets", "history tickets"),
            ("live_tickets", "live tickets"),
            ("published_tickets", "published tickets"),
            ("classifier_trained_on", "tickets the dispatch classifier learnt from"),
        ]
    )


def _participation() -> DemoParticipation | None:
    """The demo participation, only in the demo city, in its own transaction."""
    if not Region.objects.filter(code=CITY_CODE).exists():
        return None
    with transaction.atomic():
        admin, _created = admin_ensure()
        return demo_participation_ensure(actor=admin)


def _disclosure() -> DemoDisclosure | None:
    """The demo information disclosure, only in the demo city, in its own transaction."""
    if not Region.objects.filter(code=CITY_CODE).exists():
        return None
    with transaction.atomic():
        admin, _created = admin_ensure()
        return demo_disclosure_ensure(actor=admin)


def _participation_counts(participation: DemoParticipation) -> str:
    return "Participation: " + ", ".join(
        f"{label} {getattr(participation, name)}"
        for name, label in [
            ("accounts", "accounts"),
            ("mailboxes", "mailboxes"),
            ("letters", "letters"),
            ("surveys", "surveys"),
            ("survey_responses", "survey responses"),
            ("consultations", "consultations"),
            ("comments", "consultation comments"),
        ]
    )
