"""Review and publication of catalogue entries: return, publish, revise, withdraw.

The life cycle is described in ``ecity.registry.services.resources``. Publishing a revision
copies its content onto the live entry and keeps the replaced content as a ``ResourceVersion``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.registry.errors import RegistryErrorCode
from ecity.registry.models import (
    Resource,
    ResourceItem,
    ResourceVersion,
)
from ecity.registry.services.resources.drafts import (
    CONTENT_FIELDS,
    ResourceItemInput,
    locked_working_copy,
    require_maintainer,
    require_reviewer,
    resource_not_found,
    write_items,
)
from ecity.search.services import index_schedule


def _locked_in_review(actor: User | None, code: str) -> Resource:
    resource = locked_working_copy(code)
    require_reviewer(actor)
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
    index_schedule(source="registry.resource", keys=[resource.code])


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
        write_items(live, items)
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
        raise resource_not_found(code)
    require_maintainer(actor, live.provider)
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
        raise resource_not_found(code)
    require_maintainer(actor, live.provider)
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
