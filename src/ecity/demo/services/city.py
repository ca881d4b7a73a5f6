"""Loading the demo city 示范市: regions, departments, topics, accounts and service guides.

Every row is written through the services of the app that owns it (org, identity, catalogue),
so every rule of those services applies to the demo data as to real data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ecity.catalogue import services as catalogue_services
from ecity.catalogue.models import ServiceItem, ServiceItemVersion
from ecity.demo import data, selectors
from ecity.demo.blank_forms import blank_form_pdf
from ecity.demo.data import accounts, regions, taxonomy
from ecity.demo.data.blocks import Guide, Item, Material
from ecity.demo.services import (
    exchange,
    indicators,
    people,
    places,
    registry,
    registry_records,
    resources,
    sharing,
    structure,
    wallet,
)
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.search import services as search_services

logger = logging.getLogger(__name__)

# Guide attributes handed to the catalogue services unchanged.
_GUIDE_FIELDS = (
    "name_zh",
    "name_en",
    "kind",
    "summary_zh",
    "summary_en",
    "legal_basis",
    "conditions",
    "statutory_days",
    "committed_days",
    "is_free",
    "fee_description",
    "fee_basis",
    "is_online",
    "is_counter",
    "is_mobile",
    "process_description",
    "result_description",
    "contact_phone",
    "complaint_phone",
    "form_schema",
    "change_note",
)
_UPLOAD_TYPES = ["application/pdf", "image/jpeg", "image/png"]


@dataclass
class DemoLoadResult:
    """What ``demo_city_load`` did (counts of rows created; updated rows are not counted)."""

    skipped: bool = False
    regions: int = 0
    departments: int = 0
    themes: int = 0
    life_events: int = 0
    items: int = 0
    versions: int = 0
    accounts: int = 0
    enterprises: int = 0
    data_elements: int = 0
    registry_records: int = 0
    addresses: int = 0
    resources: int = 0
    sharing_requests: int = 0
    indicators: int = 0
    certificate_types: int = 0
    wallet_certificates: int = 0
    exchange_subsystems: int = 0
    exchange_messages: int = 0
    exchange_gateway_calls: int = 0
    search_documents: int = 0
    # The demo department system's credentials: the secret only when it was registered now.
    system_client_id: str = ""
    system_client_secret: str = ""


@transaction.atomic
def demo_city_load(*, if_empty: bool = False) -> DemoLoadResult:
    """Load or refresh the demo city 示范市 and return what was created.

    Rules: idempotent. The platform administrator ``admin`` is created first and every other
    write is its act, through the owning app's services: regions, departments, themes and life
    events are matched by code and refreshed; accounts and the enterprise are created when
    missing (existing ones, their passwords included, are left alone) and verified; a staff role
    an account has ever held is not granted again; the citizens and the enterprise are written
    into the base registries and linked (``registry_records``), with the city's boundaries and
    addresses (``places``); the wallet's certificate types are defined and the enterprise's
    营业执照 issued (``wallet``); last, the city's data exchange (``exchange``: members,
    pull subscriptions, services, a connector run, traffic, gateway calls). Published guide
    versions are never changed: a version whose number already exists is left alone, and a
    missing one is drafted, filled in and published through the catalogue services (so every
    publishing rule applies) with the publication date of the demo data. With ``if_empty``
    nothing happens when the database already holds departments or service items.
    Permissions: the account ``admin``, if it exists, must be a platform administrator.
    Side effects: audit entries of the identity and catalogue services; blank PDF templates in
    the default file storage. Errors: ``ValidationFailed`` or ``PermissionDenied`` from the
    services if the demo data breaks a rule (nothing is written then).
    """
    result = DemoLoadResult()
    if if_empty and selectors.city_data_exists():
        result.skipped = True
        return result
    admin, created = people.admin_ensure()
    result.accounts += created
    city, result.regions = structure.regions_ensure(actor=admin)
    result.departments = structure.departments_ensure(actor=admin, city=city)
    result.data_elements = registry.registry_metadata_ensure(actor=admin)
    result.themes = _load_topics(catalogue_services.theme_ensure, taxonomy.THEMES, actor=admin)
    result.life_events = _load_topics(
        catalogue_services.life_event_ensure, taxonomy.LIFE_EVENTS, actor=admin
    )
    _load_accounts(result, actor=admin)
    result.registry_records = registry_records.demo_registry_records_ensure(actor=admin)
    result.addresses = places.demo_places_ensure(actor=admin)
    # Before the guides, which bind materials to them (免提交 from the wallet); again after them
    # to link each type to the service item that issues it.
    result.certificate_types = wallet.demo_wallet_types_ensure(actor=admin)
    result.wallet_certificates = wallet.demo_wallet_certificates_ensure(actor=admin)
    for item in data.ITEMS:
        _load_item(result, item=item, actor=admin)
    wallet.demo_wallet_types_ensure(actor=admin)
    # After the service items: catalogue resources name the services that use them.
    result.resources = resources.resource_catalogue_ensure(actor=admin)
    result.indicators = indicators.demo_indicators_ensure(actor=admin)
    shared = sharing.demo_sharing_ensure(actor=admin)
    result.sharing_requests = shared.requests
    result.system_client_id, result.system_client_secret = shared.client_id, shared.client_secret
    # After the sharing grant (the access right is tied to it) and the registry records.
    exchanged = exchange.demo_exchange_ensure(actor=admin, system_secret=shared.client_secret)
    result.exchange_subsystems = exchanged.subsystems
    result.exchange_messages = exchanged.messages_published
    result.exchange_gateway_calls = exchanged.gateway_calls
    # Last: the one search indexes everything with the full dictionary (service names,
    # departments, thesaurus); afterwards events keep it current.
    indexed = search_services.source_rebuild()
    result.search_documents = sum(max(done, 0) for done, _gone in indexed.values())
    logger.info("demo city loaded: %s", result)
    return result


def _load_topics(
    ensure: Callable[..., tuple[object, bool]], topics: list[taxonomy.Topic], *, actor: User
) -> int:
    created_count = 0
    for index, topic in enumerate(topics):
        _, created = ensure(
            actor=actor,
            code=topic.code,
            audience=topic.audience,
            name_zh=topic.name_zh,
            name_en=topic.name_en,
            description_zh=topic.description_zh,
            description_en=topic.description_en,
            sort_order=index * 10,
        )
        created_count += created
    return created_count


def _load_accounts(result: DemoLoadResult, *, actor: User) -> None:
    users: dict[str, User] = {}
    for account in accounts.CITIZENS:
        users[account.username], created = people.citizen_ensure(actor=actor, account=account)
        result.accounts += created
    for account in accounts.STAFF:
        users[account.username], created, _granted = people.staff_ensure(
            actor=actor, account=account
        )
        result.accounts += created
    for enterprise in accounts.ENTERPRISES:
        result.enterprises += people.enterprise_ensure(
            actor=actor, enterprise=enterprise, users=users
        )


def _load_item(result: DemoLoadResult, *, item: Item, actor: User) -> None:
    department = Department.objects.get(code=item.department)
    existing = ServiceItem.objects.filter(code=item.code).first()
    for guide in item.versions:
        if existing is None:
            existing = catalogue_services.item_create(
                actor=actor,
                code=item.code,
                department=department,
                **_guide_fields(guide, item=item, department=department),
            )
            result.items += 1
            draft = existing.versions.get(status=ServiceItemVersion.Status.DRAFT)
        elif existing.versions.filter(number=guide.number).exists():
            continue
        else:
            highest = existing.versions.aggregate(n=Max("number"))["n"] or 0
            if existing.versions.filter(status=ServiceItemVersion.Status.DRAFT).exists():
                logger.warning(
                    "demo: %s has a draft; version %s not loaded", item.code, guide.number
                )
                continue
            if highest >= guide.number:
                continue
            draft = catalogue_services.version_draft_create(actor=actor, item=existing)
            catalogue_services.version_draft_update(
                actor=actor,
                version=draft,
                **_guide_fields(guide, item=item, department=department),
            )
        # The demo city has a history: the version is dated as the demo data says.
        catalogue_services.version_publish(
            actor=actor, version=draft, published_at=_morning(guide.published_on)
        )
        result.versions += 1


def _morning(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _guide_fields(guide: Guide, *, item: Item, department: Department) -> dict[str, Any]:
    fields: dict[str, Any] = {name: getattr(guide, name) for name in _GUIDE_FIELDS}
    fields["audiences"] = list(guide.audiences)
    fields["themes"] = list(guide.themes)
    fields["life_events"] = list(guide.life_events)
    labels = [
        str(prop.get("title", name))
        for name, prop in guide.form_schema.get("properties", {}).items()
    ]
    fields["materials"] = [
        _material_row(
            material, guide=guide, item=item, index=index, labels=labels, department=department
        )
        for index, material in enumerate(guide.materials)
    ]
    fields["locations"] = [
        {"name": loc.name, "address": loc.address, "hours": loc.hours, "phone": loc.phone}
        for loc in guide.locations
    ]
    fields["faqs"] = [{"question": faq.question, "answer": faq.answer} for faq in guide.faqs]
    return fields


def _material_row(
    material: Material,
    *,
    guide: Guide,
    item: Item,
    index: int,
    labels: list[str],
    department: Department,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name_zh": material.name_zh,
        "name_en": material.name_en,
        "form": material.form,
        "copies": material.copies,
        "is_mandatory": material.is_mandatory,
        "is_exempt": material.is_exempt,
        "source": material.source,
        "notes": material.notes,
        "accepted_types": list(_UPLOAD_TYPES),
    }
    if material.certificate_type:
        row["certificate_type"] = wallet.wallet_type_get(key=material.certificate_type)
    if material.has_template:
        pdf = blank_form_pdf(
            title=material.name_zh,
            department=department.name_zh,
            fields=labels,
            city=regions.REGIONS[0][1],
        )
        row["template"] = ContentFile(pdf, name=f"{item.code}-v{guide.number}-{index + 1}.pdf")
    return row
