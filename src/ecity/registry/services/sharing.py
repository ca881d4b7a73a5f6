"""Writes of controlled sharing: request, approve, refuse, revoke; the provider's clock.

Every service checks the actor's right first (the data administrator of the department that
acts: ``selectors.sharing.can_administer_sharing``), validates (errors per field, nothing
written), writes, audits the act and publishes an event through the outbox. A request is
answered within ``ANSWER_WORKING_DAYS`` working days (国发〔2016〕51号) on a working-day clock
(``ecity.workflow.clocks``) refreshed by the periodic job ``workflow.deadlines``; an overdue
request is escalated once to the platform's data administrators (notification
``sharing_request_overdue``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractApplication

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department
from ecity.registry.models import Resource, ResourceItem, ShareType, SharingGrant, SharingRequest
from ecity.registry.selectors.sharing import (
    can_administer_sharing,
    department_data_administrators,
    platform_data_administrators,
)
from ecity.sso.selectors import client_policy
from ecity.workflow.clocks import (
    DeadlineState,
    deadline_conditions,
    deadline_state,
    deadline_states_refresh,
    due_on,
)

#: The working days a provider has to answer a sharing request (国发〔2016〕51号 第十条).
ANSWER_WORKING_DAYS = 10
#: The longest period a grant may cover, in days (renewed by a new request).
MAX_PERIOD_DAYS = 3 * 366
TEXT_LIMIT = 2000


def _require_administrator(actor: User, department: Department, message: str) -> None:
    if not can_administer_sharing(actor=actor, department=department):
        raise PermissionDenied(message)


def _text(value: str, field: str, message: str, errors: dict[str, list[str]]) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    elif len(value) > TEXT_LIMIT:
        errors[field] = [_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}]
    return value


def _request_data(sharing_request: SharingRequest) -> dict[str, object]:
    return {
        "resource": sharing_request.resource.code,
        "provider": sharing_request.provider.code,
        "requester": sharing_request.requester.code,
        "client_id": sharing_request.application.client_id,
        "items": sorted(item.data_element.identifier for item in sharing_request.items.all()),
        "starts_on": sharing_request.starts_on.isoformat(),
        "ends_on": sharing_request.ends_on.isoformat(),
    }


def _notify(
    *, recipients: Sequence[User], event: str, sharing_request: SharingRequest, **extra: object
) -> None:
    resource, provider, requester = (
        sharing_request.resource,
        sharing_request.provider,
        sharing_request.requester,
    )
    # Names in both languages: notify picks the recipient's.
    context = {
        "resource_name": {"zh-hans": resource.name, "en": resource.name_en or resource.code},
        "resource_code": resource.code,
        "provider": {"zh-hans": provider.name_zh, "en": provider.name_en or provider.code},
        "requester": {"zh-hans": requester.name_zh, "en": requester.name_en or requester.code},
        "purpose": sharing_request.purpose,
        "due_on": sharing_request.due_on,
        **extra,
    }
    for recipient in recipients:
        notification_enqueue(
            recipient=recipient,
            event=event,
            context=context,
            obj=sharing_request,
            reference=sharing_request.resource.code,
            idempotency_key=f"{event}:{sharing_request.public_id}:{recipient.pk}",
        )


def _validate_items(
    resource: Resource, items: Sequence[ResourceItem], errors: dict[str, list[str]]
) -> None:
    if not items:
        errors["items"] = [_("Choose the information items you need.")]
        return
    problems = []
    for item in items:
        share_type = item.effective_share_type
        if item.resource_id != resource.pk:
            problems.append(
                _("“%(item)s” is not an item of this resource.") % {"item": item.display_name}
            )
        elif share_type == ShareType.NOT_SHARED:
            problems.append(_("“%(item)s” is not shared.") % {"item": item.display_name})
        elif share_type == ShareType.UNCONDITIONAL:
            problems.append(
                _("“%(item)s” is shared unconditionally: no request is needed.")
                % {"item": item.display_name}
            )
    if problems:
        errors["items"] = problems


@transaction.atomic
def sharing_request_submit(
    *,
    actor: User,
    requester: Department,
    application: AbstractApplication | None,
    resource: Resource | None,
    items: Sequence[ResourceItem],
    purpose: str,
    legal_basis: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> SharingRequest:
    """Ask ``resource``'s provider for conditional ``items`` for ``requester``'s system.

    Rules: the requester's data administrator. The system (``application``) is a registered
    client-credentials system of the requester; the resource is published and another
    department's; every item is one of its conditional items (unconditional ones need no
    request, not-shared ones are never given); purpose and legal basis are required; the period
    starts today or later, ends on or after its start and lasts at most three years. The
    provider must answer within ``ANSWER_WORKING_DAYS`` working days (the clock starts today).
    Side effects: audit ``registry.sharing_requested``, event ``registry.sharing_requested``,
    notification ``sharing_requested`` to the provider's data administrators.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (per field).
    """
    _require_administrator(
        actor, requester, _("Only the department's data administrator may request data.")
    )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    policy = client_policy(application=application)
    if (
        application is None
        or policy is None
        or not policy.is_active
        or policy.department_id != requester.pk
        or application.authorization_grant_type != AbstractApplication.GRANT_CLIENT_CREDENTIALS
    ):
        errors["application"] = [_("Choose one of your department's registered systems.")]
    if resource is None or resource.status != Resource.Status.PUBLISHED or resource.is_revision:
        errors["resource"] = [_("Choose a published resource of the catalogue.")]
    elif resource.provider_id == requester.pk:
        errors["resource"] = [_("This resource is your own department's.")]
    else:
        _validate_items(resource, items, errors)
    purpose = _text(purpose, "purpose", _("Say what the data is for."), errors)
    legal_basis = _text(
        legal_basis, "legal_basis", _("Name the law or document that allows it."), errors
    )
    if starts_on is None:
        errors["starts_on"] = [_("Enter the first day.")]
    elif starts_on < today:
        errors["starts_on"] = [_("The period cannot start in the past.")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter the last day.")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The last day is before the first.")]
    elif starts_on is not None and (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        errors["ends_on"] = [_("A period lasts at most three years.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert application is not None and resource is not None
    assert starts_on is not None and ends_on is not None
    due = due_on(today, ANSWER_WORKING_DAYS)
    sharing_request = SharingRequest.objects.create(
        resource=resource,
        provider=resource.provider,
        requester=requester,
        application=application,
        purpose=purpose,
        legal_basis=legal_basis,
        starts_on=starts_on,
        ends_on=ends_on,
        requested_by=actor,
        submitted_on=today,
        due_on=due,
        deadline_state=deadline_state(due=due, today=today),
    )
    sharing_request.items.set(items)
    data = _request_data(sharing_request)
    audit_record(
        actor=actor,
        action="registry.sharing_requested",
        obj=sharing_request,
        reason=purpose,
        data={**data, "due_on": due.isoformat()},
    )
    event_publish(
        name="registry.sharing_requested",
        subject=str(sharing_request.public_id),
        data=data,
        key=str(sharing_request.public_id),
    )
    _notify(
        recipients=department_data_administrators(department=resource.provider),
        event="sharing_requested",
        sharing_request=sharing_request,
    )
    return sharing_request


def _lock_pending(sharing_request: SharingRequest) -> SharingRequest:
    locked = (
        SharingRequest.objects.select_for_update(of=("self",))
        .select_related("resource", "provider", "requester", "application", "requested_by")
        .get(pk=sharing_request.pk)
    )
    if not locked.is_pending:
        raise Conflict(_("This request has already been answered."))
    return locked


def _decide(
    sharing_request: SharingRequest, *, actor: User, status: str, reason: str
) -> SharingRequest:
    sharing_request.status = status
    sharing_request.decided_at = timezone.now()
    sharing_request.decided_by = actor
    sharing_request.decision_reason = reason
    sharing_request.deadline_state = DeadlineState.NORMAL
    sharing_request.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
            "deadline_state",
            "updated_at",
        ]
    )
    return sharing_request


@transaction.atomic
def sharing_request_approve(
    *, actor: User, sharing_request: SharingRequest, reason: str = ""
) -> SharingGrant:
    """Approve a pending request: grant its system its items for its period.

    Rules: the provider's data administrator (or a platform administrator); the request is
    pending, the resource still published and its items still conditional. Side effects: the
    ``SharingGrant`` (expiring on the request's last day); audit
    ``registry.sharing_request_approved``; event ``registry.sharing_granted``; notification
    ``sharing_request_decided`` to the requester. Errors: ``PermissionDenied``, ``Conflict``
    (already answered), ``ValidationFailed`` (resource withdrawn, item no longer conditional).
    """
    _require_administrator(
        actor,
        sharing_request.provider,
        _("Only the provider's data administrator may answer this request."),
    )
    sharing_request = _lock_pending(sharing_request)
    items = list(sharing_request.items.select_related("resource", "data_element"))
    errors: dict[str, list[str]] = {}
    if sharing_request.resource.status != Resource.Status.PUBLISHED:
        errors["resource"] = [_("The resource is no longer published: refuse the request.")]
    _validate_items(sharing_request.resource, items, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    _decide(
        sharing_request, actor=actor, status=SharingRequest.Status.APPROVED, reason=reason.strip()
    )
    grant = SharingGrant.objects.create(
        request=sharing_request,
        resource=sharing_request.resource,
        provider=sharing_request.provider,
        grantee=sharing_request.requester,
        application=sharing_request.application,
        starts_on=sharing_request.starts_on,
        expires_on=sharing_request.ends_on,
        granted_by=actor,
    )
    grant.items.set(items)
    data = _request_data(sharing_request)
    audit_record(
        actor=actor,
        action="registry.sharing_request_approved",
        obj=grant,
        reason=sharing_request.decision_reason,
        data=data,
    )
    event_publish(
        name="registry.sharing_granted",
        subject=str(grant.public_id),
        data=data,
        key=str(grant.public_id),
    )
    _notify(
        recipients=[sharing_request.requested_by],
        event="sharing_request_decided",
        sharing_request=sharing_request,
        decision=SharingRequest.Status.APPROVED.label,
        reason=sharing_request.decision_reason,
    )
    return grant


@transaction.atomic
def sharing_request_refuse(
    *, actor: User, sharing_request: SharingRequest, reason: str
) -> SharingRequest:
    """Refuse a pending request, giving the reason.

    Rules: the provider's data administrator (or a platform administrator); a reason is
    required (国发〔2016〕51号: a refusal is explained). Side effects: audit
    ``registry.sharing_request_refused``, event ``registry.sharing_refused``, notification
    ``sharing_request_decided`` to the requester. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (no reason), ``Conflict`` (already answered).
    """
    _require_administrator(
        actor,
        sharing_request.provider,
        _("Only the provider's data administrator may answer this request."),
    )
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("Say why the request is refused."), errors)
    if errors:
        raise ValidationFailed(fields=errors)
    sharing_request = _lock_pending(sharing_request)
    _decide(sharing_request, actor=actor, status=SharingRequest.Status.REFUSED, reason=reason)
    data = _request_data(sharing_request)
    audit_record(
        actor=actor,
        action="registry.sharing_request_refused",
        obj=sharing_request,
        reason=reason,
        data=data,
    )
    event_publish(
        name="registry.sharing_refused",
        subject=str(sharing_request.public_id),
        data=data,
        key=str(sharing_request.public_id),
    )
    _notify(
        recipients=[sharing_request.requested_by],
        event="sharing_request_decided",
        sharing_request=sharing_request,
        decision=SharingRequest.Status.REFUSED.label,
        reason=reason,
    )
    return sharing_request


@transaction.atomic
def sharing_grant_revoke(*, actor: User, grant: SharingGrant, reason: str) -> SharingGrant:
    """Revoke a grant now: its system's next read no longer returns its items.

    Rules: the provider's data administrator (or a platform administrator); a reason is
    required. Side effects: audit ``registry.sharing_grant_revoked``, event
    ``registry.sharing_revoked``. Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``Conflict`` (already revoked).
    """
    _require_administrator(
        actor, grant.provider, _("Only the provider's data administrator may revoke a grant.")
    )
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("Say why the grant is revoked."), errors)
    if errors:
        raise ValidationFailed(fields=errors)
    grant = (
        SharingGrant.objects.select_for_update(of=("self",))
        .select_related("resource", "provider", "grantee", "application")
        .get(pk=grant.pk)
    )
    if grant.revoked_at is not None:
        raise Conflict(_("This grant has already been revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.revocation_reason = reason
    grant.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "updated_at"])
    data = {
        "resource": grant.resource.code,
        "provider": grant.provider.code,
        "grantee": grant.grantee.code,
        "client_id": grant.application.client_id,
    }
    audit_record(
        actor=actor, action="registry.sharing_grant_revoked", obj=grant, reason=reason, data=data
    )
    event_publish(
        name="registry.sharing_revoked",
        subject=str(grant.public_id),
        data=data,
        key=str(grant.public_id),
    )
    return grant


# --- the provider's clock ------------------------------------------------------------------------


def _pending() -> Q:
    return Q(status=SharingRequest.Status.PENDING)


def sharing_requests_deadlines_refresh(today: dt.date) -> int:
    """Bring the deadline states of pending requests up to date; escalate the newly overdue.

    Run by the periodic job ``workflow.deadlines`` (``registry.workflow_hooks``). An overdue
    request not escalated yet is escalated once: ``escalated_at`` set, audit
    ``registry.sharing_request_escalated`` (by the platform), notification
    ``sharing_request_overdue`` to every platform data administrator and the provider's data
    administrators. Returns how many requests changed state or were escalated.
    """
    with transaction.atomic():
        conditions = deadline_conditions(due_fields=["due_on"], today=today)
        changed = deadline_states_refresh(
            SharingRequest.objects.filter(_pending()), conditions=conditions
        )
        overdue = list(
            SharingRequest.objects.filter(
                _pending(), deadline_state=DeadlineState.OVERDUE, escalated_at__isnull=True
            )
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("resource", "provider", "requester", "application")
        )
        if not overdue:
            return changed
        administrators = platform_data_administrators()
        now = timezone.now()
        for sharing_request in overdue:
            sharing_request.escalated_at = now
            sharing_request.save(update_fields=["escalated_at", "updated_at"])
            audit_record(
                actor=None,
                action="registry.sharing_request_escalated",
                obj=sharing_request,
                data={
                    **_request_data(sharing_request),
                    "due_on": sharing_request.due_on.isoformat(),
                },
            )
            recipients = {user.pk: user for user in administrators}
            for user in department_data_administrators(department=sharing_request.provider):
                recipients.setdefault(user.pk, user)
            _notify(
                recipients=list(recipients.values()),
                event="sharing_request_overdue",
                sharing_request=sharing_request,
            )
    return changed + len(overdue)


def sharing_requests_deadlines_recompute(years: list[int], after: int, limit: int) -> int | None:
    """Recompute the due dates of one batch of pending requests after a calendar change.

    At most ``limit`` pending requests with a key above ``after``, due on or after the first day
    of the earliest changed year, in key order. Returns the last key of a full batch, else None.
    Idempotent. See ``ecity.workflow.registry``.
    """
    if not years:
        return None
    first = dt.date(min(years), 1, 1)
    with transaction.atomic():
        batch = list(
            SharingRequest.objects.filter(_pending(), pk__gt=after, due_on__gte=first)
            .select_for_update(of=("self",))
            .order_by("pk")[:limit]
        )
        today = timezone.localdate()
        for sharing_request in batch:
            due = due_on(sharing_request.submitted_on, ANSWER_WORKING_DAYS)
            state = deadline_state(due=due, today=today)
            if (due, state) != (sharing_request.due_on, sharing_request.deadline_state):
                sharing_request.due_on, sharing_request.deadline_state = due, state
                sharing_request.save(update_fields=["due_on", "deadline_state", "updated_at"])
    return batch[-1].pk if len(batch) == limit else None
