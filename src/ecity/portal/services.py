"""Writes of the portal app: loading the demo city 示范市."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ecity.catalogue import services as catalogue_services
from ecity.catalogue.models import LifeEvent, ServiceItem, ServiceItemVersion, Theme
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.org.models import Department, Region, StaffRole
from ecity.portal import demo, selectors
from ecity.portal.demo import accounts, departments, regions, taxonomy
from ecity.portal.demo.blank_forms import blank_form_pdf
from ecity.portal.demo.blocks import Guide, Item, Material

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
_ADMIN_SITE_ROLES = {StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.PLATFORM_ADMIN}


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


@transaction.atomic
def demo_city_load(*, if_empty: bool = False) -> DemoLoadResult:
    """Load or refresh the demo city 示范市 and return what was created.

    Rules: idempotent - regions, departments, themes, life events, accounts and enterprises are
    matched by code, username or USCC and updated in place. Published guide versions are never
    changed: a version whose number already exists is left alone, and a missing one is drafted,
    filled in and published through the catalogue services (so every publishing rule applies),
    then dated as in the demo data. Passwords are set only when an account is created.
    With ``if_empty`` nothing happens when the database already holds departments or service
    items. Side effects: blank PDF templates are written to the default file storage.
    Errors: ``ValidationFailed`` from the catalogue services if the demo data breaks a rule.
    """
    result = DemoLoadResult()
    if if_empty and selectors.city_data_exists():
        result.skipped = True
        return result
    city = _load_regions(result)
    _load_departments(result, city=city)
    result.themes = _load_topics(Theme, taxonomy.THEMES)
    result.life_events = _load_topics(LifeEvent, taxonomy.LIFE_EVENTS)
    admin = _load_accounts(result)
    for item in demo.ITEMS:
        _load_item(result, item=item, actor=admin)
    logger.info("demo city loaded: %s", result)
    return result


def _load_regions(result: DemoLoadResult) -> Region:
    by_code: dict[str, Region] = {}
    for code, name_zh, name_en, level, parent in regions.REGIONS:
        region, created = Region.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "level": level,
                "parent": by_code[parent] if parent else None,
            },
        )
        by_code[code] = region
        result.regions += created
    return by_code[regions.CITY_CODE]


def _load_departments(result: DemoLoadResult, *, city: Region) -> None:
    by_code: dict[str, Department] = {}
    for index, dept in enumerate(departments.DEPARTMENTS):
        department, created = Department.objects.update_or_create(
            code=dept.code,
            defaults={
                "name_zh": dept.name_zh,
                "name_en": dept.name_en,
                "short_name": dept.short_name,
                "address": dept.address,
                "phone": dept.phone,
                "parent": by_code[dept.parent] if dept.parent else None,
                "region": city,
                "is_active": True,
                "sort_order": index * 10,
            },
        )
        by_code[dept.code] = department
        result.departments += created


def _load_topics(model: type[Theme] | type[LifeEvent], topics: list[taxonomy.Topic]) -> int:
    created_count = 0
    for index, topic in enumerate(topics):
        _, created = model.objects.update_or_create(
            code=topic.code,
            defaults={
                "audience": topic.audience,
                "name_zh": topic.name_zh,
                "name_en": topic.name_en,
                "description_zh": topic.description_zh,
                "description_en": topic.description_en,
                "sort_order": index * 10,
            },
        )
        created_count += created
    return created_count


def _load_accounts(result: DemoLoadResult) -> User:
    users: dict[str, User] = {}
    for account in [accounts.ADMIN, *accounts.CITIZENS, *accounts.STAFF]:
        users[account.username] = _load_account(result, account)
    for enterprise in accounts.ENTERPRISES:
        _load_enterprise(result, enterprise, users)
    return users[accounts.ADMIN.username]


def _load_account(result: DemoLoadResult, account: accounts.Account) -> User:
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = User(username=account.username)
        user.set_password(accounts.DEMO_PASSWORD)
        result.accounts += 1
    user.real_name = account.real_name
    user.email = account.email
    user.phone = account.phone
    user.id_number = account.id_number
    user.address = account.address
    user.is_real_name_verified = bool(account.id_number)
    user.is_active = True
    user.is_superuser = user.is_superuser or account.is_superuser
    user.save()
    for role, department_code in account.staff_roles:
        department = Department.objects.get(code=department_code) if department_code else None
        StaffRole.objects.update_or_create(
            user=user, role=role, department=department, defaults={"is_active": True}
        )
    # Admin-site access follows the administrator roles, as in identity.services.
    held = set(StaffRole.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    user.is_staff = bool(held & _ADMIN_SITE_ROLES) or user.is_superuser
    user.save(update_fields=["is_staff"])
    return user


def _load_enterprise(
    result: DemoLoadResult, enterprise: accounts.Enterprise, users: dict[str, User]
) -> None:
    representative = users[enterprise.legal_representative]
    entity, created = LegalEntity.objects.update_or_create(
        uscc=enterprise.uscc,
        defaults={
            "name": enterprise.name,
            "legal_representative_name": representative.real_name,
            "legal_representative_id_number": representative.id_number,
            "address": enterprise.address,
            "region": Region.objects.get(code=enterprise.region),
            "phone": enterprise.phone,
            "is_verified": True,
        },
    )
    result.enterprises += created
    AgentAuthorisation.objects.update_or_create(
        legal_entity=entity,
        user=representative,
        defaults={"role": AgentAuthorisation.Role.LEGAL_REPRESENTATIVE, "is_active": True},
    )
    for username in enterprise.agents:
        AgentAuthorisation.objects.update_or_create(
            legal_entity=entity,
            user=users[username],
            defaults={
                "role": AgentAuthorisation.Role.AGENT,
                "is_active": True,
                "granted_by": representative,
            },
        )


def _load_item(result: DemoLoadResult, *, item: Item, actor: User) -> None:
    department = Department.objects.get(code=item.department)
    existing = ServiceItem.objects.filter(code=item.code).first()
    if existing is not None and existing.department_id != department.pk:
        existing.department = department
        existing.save(update_fields=["department", "updated_at"])
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
        catalogue_services.version_publish(actor=actor, version=draft)
        # The demo city has a history: date the version as the demo data says.
        ServiceItemVersion.objects.filter(pk=draft.pk).update(
            published_at=_morning(guide.published_on)
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
        "source": material.source,
        "notes": material.notes,
        "accepted_types": list(_UPLOAD_TYPES),
    }
    if material.has_template:
        pdf = blank_form_pdf(
            title=material.name_zh,
            department=department.name_zh,
            fields=labels,
            city=regions.REGIONS[0][1],
        )
        row["template"] = ContentFile(pdf, name=f"{item.code}-v{guide.number}-{index + 1}.pdf")
    return row
