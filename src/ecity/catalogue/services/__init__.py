"""Writes to the service catalogue: items, drafts, publishing.

Rules: a published (or superseded) version is never changed again. Editing happens on a draft
(at most one per item); publishing a draft checks that the guide is complete, supersedes the
previous published version and makes the draft ``ServiceItem.current_version``.

Permissions: platform administrators may maintain every item, department administrators the
items of their department; everyone else gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.audit.services import audit_record
from ecity.catalogue.errors import CatalogueErrorCode
from ecity.catalogue.form_schema import schema_validate_definition
from ecity.catalogue.models import (
    FAQ,
    Audience,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
    validate_time_limit,
)
from ecity.catalogue.selectors import can_edit_item, version_completeness_errors
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role
from ecity.search.services import index_schedule

# Guide elements a draft may change; relations are handled separately below.
GUIDE_FIELDS = frozenset(
    {
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
        "for_g2c",
        "for_g2b",
        "for_g2g",
        "process_description",
        "result_description",
        "contact_phone",
        "complaint_phone",
        "form_schema",
        "change_note",
    }
)
RELATION_FIELDS = frozenset(
    {"themes", "life_events", "audiences", "materials", "locations", "faqs"}
)
MATERIAL_FIELDS = frozenset(
    {"name_zh", "name_en", "form", "copies", "is_mandatory", "is_exempt", "source", "notes"}
    | {"template"}
    | {"example", "max_size_mb", "accepted_types", "sort_order"}
    # 免提交 by reference: a certificates.CertificateType, a base registry and data element.
    | {"certificate_type", "registry_source", "registry_element"}
)
LOCATION_FIELDS = frozenset({"name", "address", "hours", "phone", "sort_order"})
FAQ_FIELDS = frozenset({"question", "answer", "sort_order"})


class VersionNotEditable(Conflict):
    default_code = CatalogueErrorCode.VERSION_IMMUTABLE
    default_message = gettext_lazy(
        "A published version cannot be changed. Create a new draft instead."
    )


class DraftExists(Conflict):
    default_code = CatalogueErrorCode.DRAFT_EXISTS
    default_message = gettext_lazy("This service already has a draft. Edit or discard it first.")


def _require_editor(actor: User, item: ServiceItem) -> None:
    if not can_edit_item(user=actor, item=item):
        raise PermissionDenied(
            _("Only administrators of this department can maintain its services.")
        )


def _require_draft(version: ServiceItemVersion) -> None:
    if version.status != ServiceItemVersion.Status.DRAFT:
        raise VersionNotEditable()


def _lookup(model: type[Theme] | type[LifeEvent], values: Iterable[Any], field: str) -> list[Any]:
    found: list[Any] = []
    unknown: list[str] = []
    for value in values:
        if isinstance(value, model):
            found.append(value)
            continue
        obj = model.objects.filter(code=str(value)).first()
        if obj is None:
            unknown.append(str(value))
        else:
            found.append(obj)
    if unknown:
        raise ValidationFailed(
            fields={field: [_("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return found


def _children(version: ServiceItemVersion, field: str, rows: Iterable[Mapping[str, Any]]) -> None:
    model: Any
    model, allowed = {
        "materials": (RequiredMaterial, MATERIAL_FIELDS),
        "locations": (ServiceLocation, LOCATION_FIELDS),
        "faqs": (FAQ, FAQ_FIELDS),
    }[field]
    getattr(version, field).all().delete()
    for index, row in enumerate(rows):
        extra = set(row) - allowed
        if extra:
            raise ValidationFailed(
                fields={
                    field: [_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(extra))}]
                }
            )
        values = {"sort_order": index, **row}
        obj = model(version=version, **values)
        try:
            obj.full_clean(exclude=["version"])
        except DjangoValidationError as exc:
            raise ValidationFailed(fields={f"{field}.{index}": exc.messages}) from exc
        obj.save()


def _apply_fields(version: ServiceItemVersion, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - GUIDE_FIELDS - RELATION_FIELDS
    if unknown:
        raise ValidationFailed(
            fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)}
        )
    if "audiences" in fields:
        wanted = set(fields["audiences"] or [])
        bad = wanted - set(Audience.values)
        if bad:
            raise ValidationFailed(fields={"audiences": [_("Unknown audience.")]})
        for audience in Audience.values:
            setattr(version, f"for_{audience}", audience in wanted)
    for name in GUIDE_FIELDS & set(fields):
        setattr(version, name, fields[name])
    errors: dict[str, list[str]] = {}
    if "form_schema" in fields:
        version.form_schema = fields["form_schema"] or {}
        problems = schema_validate_definition(version.form_schema)
        if problems:
            errors["form_schema"] = problems
    if version.kind and version.kind not in ServiceItemVersion.Kind.values:
        errors["kind"] = [_("Unknown kind of service.")]
    for name in ("statutory_days", "committed_days"):
        value = getattr(version, name)
        if value is not None:
            try:
                validate_time_limit(value)
            except DjangoValidationError as exc:
                errors[name] = list(exc.messages)
    if (
        not errors
        and version.statutory_days is not None
        and version.committed_days is not None
        and version.committed_days > version.statutory_days
    ):
        errors["committed_days"] = [
            _("The committed time limit cannot be longer than the statutory one.")
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    version.save()
    if "themes" in fields:
        version.themes.set(_lookup(Theme, fields["themes"] or [], "themes"))
    if "life_events" in fields:
        version.life_events.set(_lookup(LifeEvent, fields["life_events"] or [], "life_events"))
    for name in ("materials", "locations", "faqs"):
        if name in fields:
            _children(version, name, fields[name] or [])


@transaction.atomic
def item_create(
    *, actor: User, code: str, department: Department, **first_draft_fields: Any
) -> ServiceItem:
    """Create a service item and its first draft (version 1) from ``first_draft_fields``.

    Permissions: platform admin, or department admin of ``department``. Raises
    ``ValidationFailed`` for a taken code or bad fields.
    """
    if not user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department):
        raise PermissionDenied(_("Only administrators of this department can add services to it."))
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(fields={"code": [_("Enter a service item code.")]})
    if ServiceItem.objects.filter(code=code).exists():
        raise ValidationFailed(
            fields={"code": [_("A service item with this code already exists.")]}
        )
    item = ServiceItem.objects.create(code=code, department=department)
    version = ServiceItemVersion(item=item, number=1, status=ServiceItemVersion.Status.DRAFT)
    _apply_fields(version, first_draft_fields)
    return item


@transaction.atomic
def item_active_set(*, actor: User, item: ServiceItem, active: bool) -> ServiceItem:
    """Offer a service item again (``active``) or withdraw it from the portal and search.

    Permissions: platform admin, or department admin of the item's department. Side effects:
    the one search updates the item after commit (a withdrawn item is no longer findable);
    audit entry ``catalogue.item_deactivated`` / ``catalogue.item_reactivated``. No change, no
    entry. Its versions stay (history that cases refer to).
    """
    _require_editor(actor, item)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.is_active == active:
        return item
    item.is_active = active
    item.save(update_fields=["is_active", "updated_at"])
    index_schedule(source="catalogue.service", keys=[item.code])
    audit_record(
        actor=actor,
        action="catalogue.item_reactivated" if active else "catalogue.item_deactivated",
        obj=item,
        data={"item": item.code},
    )
    return item


def item_use_record(*, applications: Mapping[str, int]) -> int:
    """Record how many applications each service item had recently (item code -> count).

    Items not named had none. Only items whose count changed are written, and their search
    documents are reindexed (use is part of the ranking). Returns the number of items changed.
    A job of the system (the cases app counts the applications): no actor, no audit entry.
    """
    changed = 0
    for item in ServiceItem.objects.only("pk", "code", "recent_applications"):
        count = max(int(applications.get(item.code, 0)), 0)
        if item.recent_applications == count:
            continue
        with transaction.atomic():
            ServiceItem.objects.filter(pk=item.pk).update(
                recent_applications=count, updated_at=timezone.now()
            )
            index_schedule(source="catalogue.service", keys=[item.code])
        changed += 1
    return changed


@transaction.atomic
def version_draft_create(
    *, actor: User, item: ServiceItem, source: ServiceItemVersion | None = None
) -> ServiceItemVersion:
    """Start a new draft of ``item`` as a copy of its current version (or of ``source``).

    Copies every guide element with its materials, locations, FAQs, themes and life events; the
    draft's number is the highest so far plus one. Raises ``DraftExists`` (409) when the item
    already has a draft, ``PermissionDenied`` for non-editors.
    """
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(actor, item)
    if item.versions.filter(status=ServiceItemVersion.Status.DRAFT).exists():
        raise DraftExists()
    if source is not None and source.item_id != item.pk:
        raise ValidationFailed(fields={"source": [_("This version belongs to another service.")]})
    source = source or item.current_version or item.versions.order_by("-number").first()
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if source is None:
        draft = ServiceItemVersion.objects.create(item=item, number=number)
        return draft
    draft = ServiceItemVersion.objects.get(pk=source.pk)
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.public_id = ServiceItemVersion._meta.get_field("public_id").get_default()
    draft.number = number
    draft.status = ServiceItemVersion.Status.DRAFT
    draft.published_at = None
    draft.published_by = None
    draft.change_note = ""
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent request created the draft first
        raise DraftExists() from exc
    draft.themes.set(source.themes.all())
    draft.life_events.set(source.life_events.all())
    for relation in ("materials", "locations", "faqs"):
        for child in getattr(source, relation).all():
            child.pk = None
            child.id = None
            child._state.adding = True
            child.public_id = type(child)._meta.get_field("public_id").get_default()
            child.version = draft
            child.save(force_insert=True)
    return draft


@transaction.atomic
def version_draft_update(
    *, actor: User, version: ServiceItemVersion, **fields: Any
) -> ServiceItemVersion:
    """Change guide elements of a draft; ``themes``/``life_events`` take codes or objects.

    ``audiences`` (a list of g2c/g2b/g2g) sets the ``for_*`` flags; ``materials``, ``locations``
    and ``faqs`` (lists of dicts) replace the existing rows. Raises ``VersionNotEditable`` (409)
    for published or superseded versions, ``ValidationFailed`` for bad values,
    ``PermissionDenied`` for non-editors.
    """
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_editor(actor, version.item)
    _require_draft(version)
    _apply_fields(version, fields)
    return version


@transaction.atomic
def version_publish(
    *, actor: User, version: ServiceItemVersion, published_at: dt.datetime | None = None
) -> ServiceItemVersion:
    """Publish a draft: it becomes the item's current version; the previous one is superseded.

    Checks completeness first (names, kind, legal basis, conditions, time limits with
    committed ≤ statutory, audiences, fees, channels, a valid form schema) and raises
    ``ValidationFailed`` listing what is missing. Sets ``published_at``/``published_by``;
    ``published_at`` is now unless given: a catalogue imported with its history (a legacy
    system's, the demo city's) keeps its dates, which must not lie in the future nor before
    the item's latest publication. Raises ``VersionNotEditable`` when the version is not a draft.
    ``ValidationFailed`` listing what is missing. Sets ``published_at``/``published_by`` and
    records ``catalogue.version_published`` in the audit trail in the same transaction.
    Raises ``VersionNotEditable`` when the version is not a draft.
    """
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceItemVersion.objects.get(pk=version.pk)
    _require_editor(actor, item)
    _require_draft(version)
    errors = version_completeness_errors(version)
    now = timezone.now()
    if published_at is not None:
        latest = item.versions.exclude(published_at=None).aggregate(at=Max("published_at"))["at"]
        if published_at > now:
            errors["published_at"] = [_("The publication date cannot be in the future.")]
        elif latest is not None and published_at < latest:
            errors["published_at"] = [
                _("The publication date cannot be before the latest published version's.")
            ]
    if errors:
        raise ValidationFailed(
            _("This draft is not complete and cannot be published yet."), fields=errors
        )
    previous = ServiceItemVersion.objects.filter(
        item=item, status=ServiceItemVersion.Status.PUBLISHED
    )
    superseded = list(previous.values_list("number", flat=True))
    previous.update(status=ServiceItemVersion.Status.SUPERSEDED, updated_at=timezone.now())
    version.status = ServiceItemVersion.Status.PUBLISHED
    version.published_at = published_at or now
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    index_schedule(source="catalogue.service", keys=[item.code])
    audit_record(
        actor=actor,
        action="catalogue.version_published",
        obj=version,
        data={
            "item": item.code,
            "version": version.number,
            "department": item.department.code,
            "superseded": superseded,
        },
    )
    return version


@transaction.atomic
def version_discard_draft(*, actor: User, version: ServiceItemVersion) -> None:
    """Delete a draft with its materials, locations and FAQs.

    Raises ``VersionNotEditable`` for published or superseded versions (they are kept forever).
    Uploaded template files are kept: earlier versions may share them.
    """
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_editor(actor, version.item)
    _require_draft(version)
    version.delete()


# Themes and life events (the portal's ways to browse services): services/topics.py.
from ecity.catalogue.services.topics import (  # noqa: E402
    life_event_ensure as life_event_ensure,
)
from ecity.catalogue.services.topics import theme_ensure as theme_ensure  # noqa: E402
