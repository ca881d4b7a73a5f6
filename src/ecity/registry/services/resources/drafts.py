"""Drafts of catalogue entries (政务信息资源目录): save a draft, submit it for review.

The life cycle is described in ``ecity.registry.services.resources``. Also the checks every
act on an entry shares: who maintains and who reviews, and the locked working copy of a code.
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


def require_maintainer(actor: User | None, provider: Department) -> None:
    if actor is not None and not can_maintain_resource(actor=actor, provider=provider):
        raise PermissionDenied(
            _("Only a data administrator of %(department)s may maintain its resources.")
            % {"department": provider.name_zh}
        )


def require_reviewer(actor: User | None) -> None:
    if actor is not None and not can_review_resources(actor=actor):
        raise PermissionDenied(_("Only a platform administrator reviews catalogue entries."))


def resource_not_found(code: str) -> ValidationFailed:
    return ValidationFailed(fields={"code": [_("There is no resource %(code)s.") % {"code": code}]})


def locked_working_copy(code: str) -> Resource:
    copy = resource_working_copy(code=code)
    if copy is None:
        raise resource_not_found(code)
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


def write_items(resource: Resource, items: Sequence[ResourceItemInput]) -> None:
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
    require_maintainer(actor, provider)
    existing = resource_working_copy(code=code)
    if existing is not None:
        resource = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("provider")
            .get(pk=existing.pk)
        )
        require_maintainer(actor, resource.provider)
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
    write_items(resource, items)
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
    resource = locked_working_copy(code)
    require_maintainer(actor, resource.provider)
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
