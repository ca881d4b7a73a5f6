"""Writes of the information resource catalogue (政务信息资源目录): drafts, review, versions.

Life cycle of an entry (a ``Resource``): a new entry is a draft (version 1) that its provider
department maintains; it is submitted for review; a reviewer publishes it or returns it to
draft with a reason; a published entry is withdrawn when it no longer exists. A published entry
is never edited: ``resource_revise`` opens a revision (a draft copy, next version) that goes
through the same submit → review → publish; publishing it copies its content onto the live
entry (which keeps its key, so sharing grants pointing at it stay valid) and keeps the replaced
content as a ``ResourceVersion``.

Permissions: the provider department's administrators (its data administrators) and platform
administrators maintain an entry; platform administrators review. Four eyes: whoever submitted
an entry does not publish it. ``actor=None`` is the command line or the demo loader.
Every act is audited; publishing and withdrawing publish ``registry.resource_changed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.errors import RegistryErrorCode
from ecity.registry.models import (
    CodeList,
    DataElement,
    OpenType,
    Resource,
    ResourceCategory,
    ResourceFormat,
    ResourceItem,
    ResourceVersion,
    ShareType,
    SubjectTerm,
    UpdateCycle,
)
from ecity.registry.selectors.resources import (
    can_maintain_resource,
    can_review_resources,
    resource_working_copy,
)

#: The content a revision carries and publishing copies onto the live entry.
CONTENT_FIELDS = (
    "name",
    "name_en",
    "provider",
    "summary",
    "summary_en",
    "category",
    "format",
    "format_detail",
    "share_type",
    "share_condition",
    "share_method",
    "open_type",
    "open_condition",
    "update_cycle",
    "code_list",
)


@dataclass(frozen=True)
class ResourceItemInput:
    """An information item as entered: its data element and, optionally, its own name and
    share type (None: the resource's)."""

    data_element: DataElement
    name: str = ""
    share_type: str | None = None
    is_masked_for_staff: bool = False


def _require_maintainer(actor: User | None, provider: Department) -> None:
    if actor is not None and not can_maintain_resource(actor=actor, provider=provider):
        raise PermissionDenied(
            _("Only a data administrator of %(department)s may maintain its resources.")
            % {"department": provider.name_zh}
        )


def _require_reviewer(actor: User | None) -> None:
    if actor is not None and not can_review_resources(actor=actor):
        raise PermissionDenied(_("Only a platform administrator reviews catalogue entries."))


def _not_found(code: str) -> ValidationFailed:
    return ValidationFailed(fields={"code": [_("There is no resource %(code)s.") % {"code": code}]})


def _locked_working_copy(code: str) -> Resource:
    copy = resource_working_copy(code=code)
    if copy is None:
        raise _not_found(code)
    return (
        Resource.objects.select_for_update(of=("self",)).select_related("provider").get(pk=copy.pk)
    )


def _validate_items(items: Sequence[ResourceItemInput]) -> dict[str, list[str]]:
    errors: list[str] = []
    seen: set[int] = set()
    for position, item in enumerate(items, start=1):
        element = item.data_element
        if element.status != DataElement.Status.IN_FORCE:
            errors.append(
                _("Item %(n)d: data element %(identifier)s is not in force.")
                % {"n": position, "identifier": element.identifier}
            )
        if element.pk in seen:
            errors.append(
                _("Item %(n)d: data element %(identifier)s is already an item.")
                % {"n": position, "identifier": element.identifier}
            )
        seen.add(element.pk)
        if item.share_type is not None and item.share_type not in ShareType.values:
            errors.append(_("Item %(n)d: unknown share type.") % {"n": position})
    return {"items": errors} if errors else {}


def _write_items(resource: Resource, items: Sequence[ResourceItemInput]) -> None:
    """Make the items of ``resource`` those given, in order; matched rows keep their keys."""
    current = {i.data_element_id: i for i in resource.items.all()}
    wanted = set()
    for order, item in enumerate(items):
        wanted.add(item.data_element.pk)
        row = current.get(item.data_element.pk) or ResourceItem(
            resource=resource, data_element=item.data_element
        )
        row.name = item.name.strip()
        row.share_type = item.share_type or None
        row.is_masked_for_staff = item.is_masked_for_staff
        row.order = order
        row.save()
    resource.items.exclude(data_element_id__in=wanted).delete()


def _service_items(codes: Sequence[str], errors: dict[str, list[str]]) -> list[Any]:
    # The catalogue app is a sibling on the domains floor: its model is reached through the
    # relation, never imported.
    model = cast("type[models.Model]", Resource._meta.get_field("services").related_model)
    wanted = {c.strip() for c in codes if c.strip()}
    found = list(model._default_manager.filter(code__in=wanted))
    missing = wanted - set(
        model._default_manager.filter(code__in=wanted).values_list("code", flat=True)
    )
    if missing:
        errors["service_codes"] = [
            _("Unknown service items: %(codes)s.") % {"codes": ", ".join(sorted(missing))}
        ]
    return found


def _validated_save(resource: Resource) -> None:
    try:
        # The code is unique among live entries only (a revision shares it): checked here.
        resource.full_clean(exclude=["revision_of", "submitted_by"], validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    if not resource.is_revision:
        taken = Resource.objects.filter(code=resource.code, revision_of__isnull=True)
        if taken.exclude(pk=resource.pk).exists():
            raise ValidationFailed(fields={"code": [_("Another resource already has this code.")]})
    resource.save()


def _rule_errors(resource: Resource) -> dict[str, list[str]]:
    """The 编制指南's rules between the sharing and open-data attributes."""
    errors: dict[str, list[str]] = {}
    if resource.share_type == ShareType.CONDITIONAL and not resource.share_condition.strip():
        errors["share_condition"] = [_("Say on what condition the resource is shared.")]
    if resource.share_type == ShareType.NOT_SHARED and not resource.share_condition.strip():
        errors["share_condition"] = [_("Give the legal basis for not sharing the resource.")]
    if resource.share_type != ShareType.NOT_SHARED and not resource.share_method:
        errors["share_method"] = [_("Say how the resource is shared.")]
    if resource.open_type == OpenType.CONDITIONAL_OPEN and not resource.open_condition.strip():
        errors["open_condition"] = [_("Say on what condition the resource is open.")]
    if resource.open_type != OpenType.NOT_OPEN and resource.share_type == ShareType.NOT_SHARED:
        errors["open_type"] = [_("A resource not shared among departments cannot be open.")]
    return errors


@transaction.atomic
def resource_save_draft(
    *,
    actor: User | None,
    code: str,
    name: str,
    provider: Department,
    summary: str,
    share_type: str,
    items: Sequence[ResourceItemInput],
    name_en: str = "",
    summary_en: str = "",
    category: str = ResourceCategory.DEPARTMENT,
    format: str = ResourceFormat.DATABASE,  # the catalogue attribute's name (shadows the builtin)
    format_detail: str = "",
    share_condition: str = "",
    share_method: str = "",
    open_type: str = OpenType.NOT_OPEN,
    open_condition: str = "",
    update_cycle: str = UpdateCycle.IRREGULAR,
    subjects: Sequence[SubjectTerm] = (),
    service_codes: Sequence[str] = (),
    code_list: CodeList | None = None,
) -> Resource:
    """Create the draft entry ``code`` or change its draft (a new entry's or a revision's).

    ``service_codes`` are the codes of the service items (政务服务事项) that use the resource.
    Rules: the fields are validated by the model, the sharing rules of the 编制指南 (a condition
    for conditional sharing, a basis for not sharing, a method unless not shared, no open data
    that is not shared), every item bound to a distinct data element in force. A published entry
    changes only through ``resource_revise``; an entry in review is not changed.
    Permissions: the actor maintains both the current and the new provider. Side effects:
    audited (``registry.resource_saved``). Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``Conflict`` (``resource_not_draft``).
    """
    code = code.strip()
    _require_maintainer(actor, provider)
    existing = resource_working_copy(code=code)
    if existing is not None:
        resource = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("provider")
            .get(pk=existing.pk)
        )
        _require_maintainer(actor, resource.provider)
        if resource.status != Resource.Status.DRAFT:
            raise Conflict(
                _("Only a draft can be changed: start a new version of a published resource."),
                code=RegistryErrorCode.RESOURCE_NOT_DRAFT,
            )
    else:
        resource = Resource(code=code)
    values: dict[str, Any] = {
        "name": name.strip(),
        "name_en": name_en.strip(),
        "provider": provider,
        "summary": summary.strip(),
        "summary_en": summary_en.strip(),
        "category": category,
        "format": format,
        "format_detail": format_detail.strip(),
        "share_type": share_type,
        "share_condition": share_condition.strip(),
        "share_method": share_method,
        "open_type": open_type,
        "open_condition": open_condition.strip(),
        "update_cycle": update_cycle,
        "code_list": code_list,
    }
    for attribute in CONTENT_FIELDS:
        setattr(resource, attribute, values[attribute])
    resource.review_note = ""
    errors = {**_rule_errors(resource), **_validate_items(items)}
    if not items:
        errors["items"] = [_("List at least one information item.")]
    services = _service_items(service_codes, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    _validated_save(resource)
    _write_items(resource, items)
    resource.subjects.set(subjects)
    resource.services.set(services)
    audit_record(
        actor=actor,
        action="registry.resource_saved",
        obj=resource,
        data={"code": code, "version": resource.version, "created": existing is None},
    )
    return resource


@transaction.atomic
def resource_submit(*, actor: User | None, code: str) -> Resource:
    """Submit the draft of ``code`` (a new entry or a revision) for review before publication.

    Permissions: the provider's maintainers. Side effects: audited
    (``registry.resource_submitted``). Errors: ``PermissionDenied``, ``ValidationFailed``
    (unknown code), ``Conflict`` (``resource_not_draft``).
    """
    resource = _locked_working_copy(code)
    _require_maintainer(actor, resource.provider)
    if resource.status != Resource.Status.DRAFT:
        raise Conflict(
            _("Only a draft can be submitted for review."),
            code=RegistryErrorCode.RESOURCE_NOT_DRAFT,
        )
    resource.status = Resource.Status.IN_REVIEW
    resource.submitted_at = timezone.now()
    resource.submitted_by = actor
    resource.review_note = ""
    resource.save(
        update_fields=["status", "submitted_at", "submitted_by", "review_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="registry.resource_submitted",
        obj=resource,
        data={"code": resource.code, "version": resource.version},
    )
    return resource


def _locked_in_review(actor: User | None, code: str) -> Resource:
    resource = _locked_working_copy(code)
    _require_reviewer(actor)
    if resource.status != Resource.Status.IN_REVIEW:
        raise Conflict(
            _("The resource is not waiting for review."),
            code=RegistryErrorCode.RESOURCE_NOT_IN_REVIEW,
        )
    return resource


@transaction.atomic
def resource_return(*, actor: User | None, code: str, reason: str) -> Resource:
    """Return the entry of ``code`` in review to its provider as a draft, saying why.

    Permissions: reviewers. Side effects: audited (``registry.resource_returned``, with the
    reason); the reason is kept on the draft for its maintainers. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (no reason), ``Conflict`` (``resource_not_in_review``).
    """
    resource = _locked_in_review(actor, code)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the resource is returned.")]})
    resource.status = Resource.Status.DRAFT
    resource.review_note = reason
    resource.save(update_fields=["status", "review_note", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.resource_returned",
        obj=resource,
        reason=reason,
        data={"code": resource.code, "version": resource.version},
    )
    return resource


def _snapshot(resource: Resource) -> dict[str, Any]:
    content: dict[str, Any] = {
        name: getattr(resource, name)
        for name in CONTENT_FIELDS
        if name not in ("provider", "code_list")
    }
    content["provider"] = resource.provider.code
    content["code_list"] = resource.code_list.identifier if resource.code_list else None
    content["subjects"] = sorted(resource.subjects.values_list("term", flat=True))
    content["services"] = sorted(resource.services.values_list("code", flat=True))
    content["items"] = [
        {
            "data_element": item.data_element.identifier,
            "name": item.name,
            "share_type": item.share_type,
            "is_masked_for_staff": item.is_masked_for_staff,
        }
        for item in resource.items.select_related("data_element").order_by("order", "id")
    ]
    return content


def _publish_change(resource: Resource) -> None:
    event_publish(
        name="registry.resource_changed",
        subject=f"registry.resource:{resource.public_id}",
        data={
            "code": resource.code,
            "version": resource.version,
            "status": resource.status,
            "provider": resource.provider.code,
            "share_type": resource.share_type,
        },
        key=f"{resource.public_id}:{resource.version}:{resource.status}",
    )


@transaction.atomic
def resource_publish(*, actor: User | None, code: str) -> Resource:
    """Publish the entry of ``code`` in review; for a revision, replace the live entry's content.

    Rules: whoever submitted it does not publish it (four eyes). A revision's content, subjects,
    services and items are copied onto the live entry (items matched by data element keep their
    keys), the replaced content is kept as a ``ResourceVersion`` and the revision row goes.
    The publication date is today. Permissions: reviewers. Side effects: audited
    (``registry.resource_published``), publishes ``registry.resource_changed``. Errors:
    ``PermissionDenied``, ``Conflict`` (``resource_not_in_review``). Returns the live entry.
    """
    resource = _locked_in_review(actor, code)
    if actor is not None and resource.submitted_by_id == actor.pk:
        raise PermissionDenied(_("Someone other than the submitter reviews the resource."))
    today = timezone.localdate()
    if resource.revision_of_id is None:
        live = resource
    else:
        live = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("provider", "code_list")
            .get(pk=resource.revision_of_id)
        )
        ResourceVersion.objects.create(
            resource=live,
            version=live.version,
            published_on=live.published_on,
            content=_snapshot(live),
            replaced_at=timezone.now(),
        )
        for attribute in CONTENT_FIELDS:
            setattr(live, attribute, getattr(resource, attribute))
        live.version = resource.version
        live.submitted_at = resource.submitted_at
        live.submitted_by = resource.submitted_by
        items = [
            ResourceItemInput(
                data_element=i.data_element,
                name=i.name,
                share_type=i.share_type,
                is_masked_for_staff=i.is_masked_for_staff,
            )
            for i in resource.items.select_related("data_element").order_by("order", "id")
        ]
        subjects = list(resource.subjects.all())
        services = list(resource.services.all())
        resource.delete()
        _write_items(live, items)
        live.subjects.set(subjects)
        live.services.set(services)
    live.status = Resource.Status.PUBLISHED
    live.published_on = today
    live.review_note = ""
    live.save()
    audit_record(
        actor=actor,
        action="registry.resource_published",
        obj=live,
        data={"code": live.code, "version": live.version},
    )
    _publish_change(live)
    return live


@transaction.atomic
def resource_revise(*, actor: User | None, code: str) -> Resource:
    """Open a revision of the published entry ``code``: a draft copy with the next version.

    The live entry stays published, unchanged, until the revision is published.
    Permissions: the provider's maintainers. Side effects: audited
    (``registry.resource_revised``). Errors: ``PermissionDenied``, ``ValidationFailed``
    (unknown code), ``Conflict`` (``resource_not_published``) when the entry is not published
    or already has an open revision.
    """
    live = (
        Resource.objects.select_for_update(of=("self",))
        .select_related("provider")
        .filter(code=code, revision_of__isnull=True)
        .first()
    )
    if live is None:
        raise _not_found(code)
    _require_maintainer(actor, live.provider)
    if (
        live.status != Resource.Status.PUBLISHED
        or Resource.objects.filter(revision_of=live).exists()
    ):
        raise Conflict(
            _("Only a published resource without an open revision gets a new version."),
            code=RegistryErrorCode.RESOURCE_NOT_PUBLISHED,
        )
    revision = Resource(code=live.code, revision_of=live, version=live.version + 1)
    for attribute in CONTENT_FIELDS:
        setattr(revision, attribute, getattr(live, attribute))
    revision.save()
    for item in live.items.all():
        ResourceItem.objects.create(
            resource=revision,
            data_element_id=item.data_element_id,
            name=item.name,
            share_type=item.share_type,
            is_masked_for_staff=item.is_masked_for_staff,
            order=item.order,
        )
    revision.subjects.set(live.subjects.all())
    revision.services.set(live.services.all())
    audit_record(
        actor=actor,
        action="registry.resource_revised",
        obj=live,
        data={"code": live.code, "version": revision.version},
    )
    return revision


@transaction.atomic
def resource_withdraw(*, actor: User | None, code: str, reason: str) -> Resource:
    """Withdraw the published entry ``code`` from the catalogue; an open revision is dropped.

    Permissions: the provider's maintainers and reviewers. Side effects: audited
    (``registry.resource_withdrawn``, with the reason), publishes ``registry.resource_changed``
    (sharing stops offering it). Errors: ``PermissionDenied``, ``ValidationFailed`` (unknown
    code, no reason), ``Conflict`` (``resource_not_published``).
    """
    live = (
        Resource.objects.select_for_update(of=("self",))
        .select_related("provider")
        .filter(code=code, revision_of__isnull=True)
        .first()
    )
    if live is None:
        raise _not_found(code)
    _require_maintainer(actor, live.provider)
    if live.status != Resource.Status.PUBLISHED:
        raise Conflict(
            _("Only a published resource can be withdrawn."),
            code=RegistryErrorCode.RESOURCE_NOT_PUBLISHED,
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the resource is withdrawn.")]})
    Resource.objects.filter(revision_of=live).delete()
    live.status = Resource.Status.WITHDRAWN
    live.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.resource_withdrawn",
        obj=live,
        reason=reason,
        data={"code": live.code, "version": live.version},
    )
    _publish_change(live)
    return live
