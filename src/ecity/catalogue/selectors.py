"""Reads of the service catalogue: browsing, guides, versions and who may edit them.

Public selectors only ever return published (current) or superseded versions; drafts are
visible only through ``version_list(include_drafts=True)`` and ``editable_item_list``, which
callers use for staff with editing rights.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ecity.catalogue.form_schema import schema_validate_definition
from ecity.catalogue.models import (
    TIME_LIMIT_MAX_WORKING_DAYS,
    Audience,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    Theme,
    time_limit_message,
)
from ecity.core.errors import NotFound
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, is_platform_admin, user_has_role

PUBLISHED = ServiceItemVersion.Status.PUBLISHED


def _published_count(prefix: str) -> Count:
    """Count distinct active items whose current (published) version is linked via ``prefix``."""
    return Count(
        f"{prefix}__item",
        filter=Q(**{f"{prefix}__status": PUBLISHED, f"{prefix}__item__is_active": True}),
        distinct=True,
    )


def _check_audience(audience: str | None) -> str | None:
    if audience and audience not in Audience.values:
        raise NotFound(_("Unknown audience."))
    return audience or None


# --- permissions ----------------------------------------------------------------------------


def can_edit_item(*, user: Any, item: ServiceItem) -> bool:
    """Whether ``user`` may create, edit and publish versions of ``item``.

    Platform administrators may edit every item; department administrators the items of their
    department (and its sub-units).
    """
    return user_has_role(
        user=user, role=StaffRole.Role.DEPARTMENT_ADMIN, department=item.department
    )


def editable_department_list(*, user: Any) -> QuerySet[Department]:
    """List the departments whose items ``user`` may maintain (all for platform admins)."""
    if is_platform_admin(user=user):
        return Department.objects.all()
    return departments_where(user=user, role=StaffRole.Role.DEPARTMENT_ADMIN)


def editable_item_list(*, user: Any) -> QuerySet[ServiceItem]:
    """List the items ``user`` may maintain, drafts included (none for non-staff)."""
    items = ServiceItem.objects.select_related("department", "current_version")
    if is_platform_admin(user=user):
        return items
    return items.filter(department__in=editable_department_list(user=user))


# --- browsing -------------------------------------------------------------------------------


def theme_list(*, audience: str | None = None) -> QuerySet[Theme]:
    """List themes (of one audience, if given) with ``item_count`` of published active items."""
    themes = Theme.objects.annotate(item_count=_published_count("versions"))
    audience = _check_audience(audience)
    if audience:
        themes = themes.filter(audience=audience)
    return themes.order_by("sort_order", "code")


def life_event_list(*, audience: str | None = None) -> QuerySet[LifeEvent]:
    """List life events (of one audience, if given) with ``item_count`` of published items."""
    events = LifeEvent.objects.annotate(item_count=_published_count("versions"))
    audience = _check_audience(audience)
    if audience:
        events = events.filter(audience=audience)
    return events.order_by("sort_order", "code")


def department_list_with_services() -> QuerySet[Department]:
    """List active departments having at least one published active item, with ``item_count``."""
    return (
        Department.objects.filter(is_active=True)
        .annotate(
            item_count=Count(
                "service_items",
                filter=Q(
                    service_items__is_active=True,
                    service_items__current_version__status=PUBLISHED,
                ),
                distinct=True,
            )
        )
        .filter(item_count__gt=0)
        .order_by("sort_order", "code")
    )


def theme_get(*, code: str) -> Theme:
    """Return the theme ``code``; raises ``NotFound``."""
    try:
        return Theme.objects.get(code=code)
    except Theme.DoesNotExist as exc:
        raise NotFound(_("No theme has this code.")) from exc


def life_event_get(*, code: str) -> LifeEvent:
    """Return the life event ``code``; raises ``NotFound``."""
    try:
        return LifeEvent.objects.get(code=code)
    except LifeEvent.DoesNotExist as exc:
        raise NotFound(_("No life event has this code.")) from exc


def department_get_with_services(*, code: str) -> Department:
    """Return the active department ``code`` (even without published items); ``NotFound``."""
    try:
        return Department.objects.get(code=code, is_active=True)
    except Department.DoesNotExist as exc:
        raise NotFound(_("No department has this code.")) from exc


def filter_published_items(
    items: QuerySet[ServiceItem],
    *,
    theme: str | None = None,
    life_event: str | None = None,
    department: str | None = None,
    audience: str | None = None,
    q: str | None = None,
    kind: str | None = None,
) -> QuerySet[ServiceItem]:
    """Narrow a queryset of items by the browse filters (see ``published_item_list``)."""
    if theme:
        items = items.filter(current_version__themes__code=theme)
    if life_event:
        items = items.filter(current_version__life_events__code=life_event)
    if department:
        items = items.filter(department__code=department)
    audience = _check_audience(audience)
    if audience:
        items = items.filter(**{f"current_version__for_{audience}": True})
    if kind:
        items = items.filter(current_version__kind=kind)
    if q and q.strip():
        text = q.strip()
        items = items.filter(
            Q(code__icontains=text)
            | Q(current_version__name_zh__icontains=text)
            | Q(current_version__name_en__icontains=text)
            | Q(current_version__summary_zh__icontains=text)
            | Q(current_version__summary_en__icontains=text)
        )
    return items


def published_item_list(
    *,
    theme: str | None = None,
    life_event: str | None = None,
    department: str | None = None,
    audience: str | None = None,
    q: str | None = None,
    kind: str | None = None,
) -> QuerySet[ServiceItem]:
    """List active items that have a published version, filtered by codes and free text.

    ``theme``, ``life_event`` and ``department`` are codes; ``audience`` is g2c, g2b or g2g
    (anything else raises ``NotFound``); ``kind`` a ServiceItemVersion.Kind value; ``q`` matches
    the code, the Chinese or English name or summary. ``current_version`` and ``department`` are
    joined, so a page of results costs a constant number of queries. Ordered by code.
    """
    items = ServiceItem.objects.filter(
        is_active=True, current_version__status=PUBLISHED
    ).select_related("current_version", "department")
    items = filter_published_items(
        items,
        theme=theme,
        life_event=life_event,
        department=department,
        audience=audience,
        q=q,
        kind=kind,
    )
    return items.order_by("code")


def _with_guide(versions: QuerySet[ServiceItemVersion]) -> QuerySet[ServiceItemVersion]:
    return versions.select_related("item", "item__department", "published_by").prefetch_related(
        Prefetch("materials", queryset=RequiredMaterial.objects.order_by("sort_order", "id")),
        "locations",
        "faqs",
        "themes",
        "life_events",
    )


def item_get_published(*, code: str) -> ServiceItem:
    """Return the active item ``code`` with its current published version and guide prefetched.

    Raises ``NotFound`` when the item does not exist, is inactive or has no published version.
    """
    item = (
        ServiceItem.objects.filter(code=code, is_active=True, current_version__status=PUBLISHED)
        .select_related("department")
        .first()
    )
    if item is None:
        raise NotFound(_("No published service has this code."))
    version_id = item.current_version_id
    if version_id is None:  # excluded by the filter above; keeps the type checker informed
        raise NotFound(_("No published service has this code."))
    item.current_version = _with_guide(ServiceItemVersion.objects.all()).get(pk=version_id)
    return item


def item_get(*, code: str) -> ServiceItem:
    """Return the item ``code`` whatever its state (for write endpoints); ``NotFound``."""
    item = ServiceItem.objects.select_related("department", "current_version").filter(code=code)
    found = item.first()
    if found is None:
        raise NotFound(_("No service has this code."))
    return found


def version_get(*, public_id: Any) -> ServiceItemVersion:
    """Return the version ``public_id`` whatever its state (for write endpoints); ``NotFound``."""
    try:
        uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("No version has this ID.")) from exc
    version = (
        ServiceItemVersion.objects.select_related("item", "item__department")
        .filter(public_id=public_id)
        .first()
    )
    if version is None:
        raise NotFound(_("No version has this ID."))
    return version


def item_get_for_editing(*, user: Any, code: str) -> ServiceItem:
    """Return the item ``code`` if ``user`` may edit it; ``NotFound`` otherwise."""
    item = editable_item_list(user=user).filter(code=code).first()
    if item is None:
        raise NotFound(_("No service you can edit has this code."))
    return item


def version_list(
    *, item: ServiceItem, include_drafts: bool = False
) -> QuerySet[ServiceItemVersion]:
    """List the versions of ``item``, newest first; drafts only when ``include_drafts``."""
    versions = ServiceItemVersion.objects.filter(item=item).select_related("published_by")
    if not include_drafts:
        versions = versions.exclude(status=ServiceItemVersion.Status.DRAFT)
    return versions.order_by("-number")


def version_get_public(*, item: ServiceItem, number: int) -> ServiceItemVersion:
    """Return a published or superseded version of ``item`` with its guide; ``NotFound``."""
    version = _with_guide(version_list(item=item)).filter(number=number).first()
    if version is None:
        raise NotFound(_("This version does not exist or is not public."))
    return version


def version_get_for_editing(*, user: Any, public_id: Any) -> ServiceItemVersion:
    """Return the version ``public_id`` if ``user`` may edit its item; ``NotFound`` otherwise."""
    try:
        uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("No version you can edit has this ID.")) from exc
    version = _with_guide(ServiceItemVersion.objects.all()).filter(public_id=public_id).first()
    if version is None or not can_edit_item(user=user, item=version.item):
        raise NotFound(_("No version you can edit has this ID."))
    return version


def material_get_public(*, item_code: str, material_id: Any) -> RequiredMaterial:
    """Return a material of a public (published or superseded) version; ``NotFound``."""
    material = (
        RequiredMaterial.objects.filter(
            public_id=material_id,
            version__item__code=item_code,
            version__item__is_active=True,
        )
        .exclude(version__status=ServiceItemVersion.Status.DRAFT)
        .select_related("version", "version__item")
        .first()
    )
    if material is None:
        raise NotFound(_("No such material."))
    return material


def version_completeness_errors(version: ServiceItemVersion) -> dict[str, list[str]]:
    """List what a version lacks before it can be published, by field."""
    errors: dict[str, list[str]] = {}
    required = {
        "name_zh": _("Enter the name of the service."),
        "kind": _("Choose the kind of service."),
        "legal_basis": _("Enter the legal basis."),
        "conditions": _("Enter the conditions for applying."),
    }
    for name, message in required.items():
        if not str(getattr(version, name) or "").strip():
            errors[name] = [message]
    for name in ("statutory_days", "committed_days", "acceptance_days"):
        value = getattr(version, name)
        if value is None:
            errors[name] = [_("Enter the time limit in working days.")]
        elif not 1 <= value <= TIME_LIMIT_MAX_WORKING_DAYS:
            errors[name] = [time_limit_message()]
    if (
        version.statutory_days is not None
        and version.committed_days is not None
        and version.committed_days > version.statutory_days
    ):
        errors["committed_days"] = [
            _("The committed time limit cannot be longer than the statutory one.")
        ]
    if not version.audiences:
        errors["audiences"] = [_("Choose at least one audience.")]
    if not version.is_free and not version.fee_description.strip():
        errors["fee_description"] = [_("Describe the fees, or mark the service as free.")]
    if not (version.is_online or version.is_counter or version.is_mobile):
        errors["is_online"] = [_("Offer at least one channel (online, counter or mobile).")]
    problems = schema_validate_definition(version.form_schema)
    if problems:
        errors["form_schema"] = problems
    elif version.is_online and not version.form_schema:
        errors["form_schema"] = [_("A service offered online needs an application form.")]
    return errors
