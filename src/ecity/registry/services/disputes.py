"""Disputes (异议) over registry values, and the authority's resolution of conflicts.

One data one source means only the authority department of a data element writes its value.
Anyone else who knows better proposes a correction:

- ``dispute_raise``: another department (its record writers) or the person themselves (a
  citizen on their own record) disputes one attribute of a record with a proposed value and a
  reason. The dispute goes to the attribute's authority department with a working-day clock
  (``ECITY_DISPUTE_WORKING_DAYS``, ``ecity.workflow.clocks``; deadline states refreshed by
  the periodic job ``workflow.deadlines``). One dispute per attribute of a record is open at a
  time; the record shows it until it is settled.
- ``dispute_settle``: the authority accepts (its own write of the proposed value through
  ``person_write`` / ``legal_entity_record_write``, logged with the dispute as the source
  reference) or rejects with a reason.
- ``conflict_resolve``: the authority settles a ``RecordConflict`` (two sources disagreeing):
  it takes the proposed value (written as its own) or keeps its value.

Every act is audited (``registry.dispute_raised``, ``registry.dispute_settled``,
``registry.conflict_resolved``) and the disputes' acts are published as events of the same
names.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import KIND_ATTRIBUTES, record_kind
from ecity.registry.models import (
    Address,
    Dispute,
    Person,
    RecordConflict,
    Source,
)
from ecity.registry.selectors.disputes import disputes_running
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.dispute_notices import (
    dispute_raised_notify,
    dispute_settled_notify,
    disputes_alert,
)
from ecity.registry.services.records import (
    RECORD_FKS,
    Record,
    address_write,
    authority_of,
    legal_entity_record_write,
    parse_values,
    person_write,
    record_kwargs,
)
from ecity.workflow.clocks import (
    deadline_conditions,
    deadline_state,
    deadline_states_refresh,
    due_on,
)

MAX_REASON = 2000


def dispute_working_days() -> int:
    """Working days the authority has to settle a dispute (setting, default 5)."""
    return int(settings.ECITY_DISPUTE_WORKING_DAYS)


def _subject(record: Record) -> User | None:
    return record.account if isinstance(record, Person) else None


def _record_write(
    *, actor: User, department: Department, record: Record, attribute: str, text: str, ref: str
) -> None:
    """Write ``text`` to ``attribute`` of ``record`` as ``department`` (the records' rules)."""
    if isinstance(record, Person):
        person_write(
            actor=actor,
            department=department,
            source=Source.FORM,
            source_reference=ref,
            id_number=record.id_number,
            values={attribute: text},
        )
    elif isinstance(record, Address):
        address_write(
            actor=actor,
            department=department,
            source=Source.FORM,
            source_reference=ref,
            code=record.code,
            values={attribute: text},
        )
    else:
        legal_entity_record_write(
            actor=actor,
            department=department,
            source=Source.FORM,
            source_reference=ref,
            uscc=record.uscc,
            values={attribute: text},
        )


def _proposed_text(record: Record, attribute: str, value: str) -> str:
    """Validate ``value`` for ``attribute`` of ``record`` as a write would; its normal text."""
    key, specs = KIND_ATTRIBUTES[RECORD_FKS[type(record)]]
    if attribute not in specs:
        raise ValidationFailed(
            fields={"attribute": [_("Choose an attribute of the record to correct.")]}
        )
    if not value.strip():
        raise ValidationFailed(fields={"proposed_value": [_("Enter the correct value.")]})
    try:
        _key, parsed = parse_values(
            key=key,
            key_text=getattr(record, key.name),
            specs=specs,
            values={attribute: value},
            is_creating=False,
        )
    except ValidationFailed as exc:
        messages = [m for name, ms in exc.fields.items() for m in ms if name == attribute]
        raise ValidationFailed(fields={"proposed_value": messages or [exc.message]}) from exc
    return parsed[attribute].text


@transaction.atomic
def dispute_raise(
    *,
    actor: User,
    department: Department | None,
    record: Record,
    attribute: str,
    proposed_value: str,
    reason: str,
) -> Dispute:
    """Dispute the value of ``attribute`` of ``record``, proposing ``proposed_value``.

    Who: with ``department``, its record writers (``can_write_records``) when it is not the
    authority (the authority corrects its value directly); without, the person of the record
    (their linked account). Rules: the attribute has an authority department; the proposed
    value is valid (as a write) and differs from the current one; a reason is given; no other
    dispute of the attribute is open. The clock starts today. Side effects: a
    ``registry.dispute_raised`` audit entry (the person as subject) and event.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (``attribute``, ``proposed_value``,
    ``reason``, ``department``).
    """
    if department is None:
        if not (isinstance(record, Person) and record.account_id == actor.pk):
            raise PermissionDenied(_("Only the person themselves disputes their own record."))
    elif not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You cannot write registry records for this department."))
    record = type(record).objects.select_for_update().get(pk=record.pk)
    text = _proposed_text(record, attribute, proposed_value)
    _key, specs = KIND_ATTRIBUTES[RECORD_FKS[type(record)]]
    spec = specs[attribute]
    authority = authority_of(spec)
    if authority is None:
        raise ValidationFailed(
            fields={"attribute": [_("No department is the authority of this value.")]}
        )
    if department is not None and department.pk == authority.pk:
        raise ValidationFailed(
            fields={
                "department": [_("Your department is the authority: correct the value directly.")]
            }
        )
    current = spec.to_text(getattr(record, attribute))
    if text == current:
        raise ValidationFailed(fields={"proposed_value": [_("This is the current value.")]})
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the value is wrong.")]})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            fields={"reason": [_("At most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    if Dispute.objects.filter(
        **record_kwargs(record), attribute=attribute, status=Dispute.Status.OPEN
    ).exists():
        raise ValidationFailed(
            fields={"attribute": [_("A dispute over this value is already open.")]}
        )
    today = timezone.localdate()
    limit = dispute_working_days()
    due = due_on(today, limit)
    dispute = Dispute.objects.create(
        **record_kwargs(record),
        attribute=attribute,
        data_element=spec.data_element,
        disputed_value=current,
        proposed_value=text,
        reason=reason,
        raised_by=actor,
        raised_department=department,
        authority=authority,
        started_on=today,
        limit_days=limit,
        due_on=due,
        deadline_state=deadline_state(due=due, today=today),
    )
    data = {
        "record": str(record.public_id),
        "attribute": attribute,
        "authority": authority.code,
        "raised_department": department.code if department else "",
        "due_on": due.isoformat(),
    }
    audit_record(
        actor=actor,
        action="registry.dispute_raised",
        obj=dispute,
        subject=_subject(record),
        fields=[attribute],
        data=data,
    )
    event_publish(
        name="registry.dispute_raised",
        subject=str(dispute.public_id),
        data=data,
        key=str(dispute.public_id),
    )
    dispute_raised_notify(dispute=dispute)
    return dispute


@transaction.atomic
def dispute_settle(*, actor: User, dispute: Dispute, accept: bool, reason: str = "") -> Dispute:
    """Settle an open ``dispute``: accept it (the proposed value is written) or reject it.

    Who: the record writers of the dispute's authority department. Rules: the dispute is open;
    rejecting needs a reason. Accepting writes the proposed value as the authority's
    (``person_write`` / ``legal_entity_record_write``, source reference ``dispute:<id>``:
    change log, provenance and the conflicts it settles). Side effects: a
    ``registry.dispute_settled`` audit entry and event. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (``reason``), ``Conflict`` (already settled).
    """
    if not can_write_records(actor=actor, department=dispute.authority):
        raise PermissionDenied(_("Only the authority department settles this dispute."))
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("person", "legal_entity", "authority", "raised_by")
        .get(pk=dispute.pk)
    )
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(_("This dispute is already settled."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the dispute is rejected.")]})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            fields={"reason": [_("At most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    record = dispute.record
    if accept:
        _record_write(
            actor=actor,
            department=dispute.authority,
            record=record,
            attribute=dispute.attribute,
            text=dispute.proposed_value,
            ref=f"dispute:{dispute.public_id}",
        )
    dispute.status = Dispute.Status.ACCEPTED if accept else Dispute.Status.REJECTED
    dispute.settled_at = timezone.now()
    dispute.settled_by = actor
    dispute.settlement_reason = reason
    dispute.save(
        update_fields=["status", "settled_at", "settled_by", "settlement_reason", "updated_at"]
    )
    data = {
        "record": str(record.public_id),
        "attribute": dispute.attribute,
        "status": dispute.status,
        "on_time": timezone.localdate() <= dispute.due_on,
    }
    audit_record(
        actor=actor,
        action="registry.dispute_settled",
        obj=dispute,
        subject=_subject(record),
        fields=[dispute.attribute],
        reason=reason,
        data=data,
    )
    event_publish(
        name="registry.dispute_settled",
        subject=str(dispute.public_id),
        data=data,
        key=str(dispute.public_id),
    )
    dispute_settled_notify(dispute=dispute)
    return dispute


def _conflict_authority(conflict: RecordConflict) -> Department | None:
    """The authority of the conflict's attribute now (or, without one, the one it had)."""
    _key, specs = KIND_ATTRIBUTES[record_kind(conflict)]
    spec = specs.get(conflict.attribute)
    if spec is not None:
        authority = authority_of(spec)
        if authority is not None:
            return authority
    return conflict.authoritative_department


@transaction.atomic
def conflict_resolve(*, actor: User, conflict: RecordConflict, take: bool) -> RecordConflict:
    """Resolve an open ``conflict``: take the proposed value, or keep the authoritative one.

    Who: the record writers of the attribute's authority department. Taking writes the
    proposed value as the authority's (the records' rules; that write resolves this conflict
    and every other one proposing the same value). Side effects: a
    ``registry.conflict_resolved`` audit entry. Errors: ``PermissionDenied``, ``Conflict``
    (already resolved), ``ValidationFailed`` (the proposed value is no longer valid).
    """
    authority = _conflict_authority(conflict)
    if authority is None or not can_write_records(actor=actor, department=authority):
        raise PermissionDenied(_("Only the authority department resolves this conflict."))
    conflict = (
        RecordConflict.objects.select_for_update(of=("self",))
        .select_related("person", "legal_entity")
        .get(pk=conflict.pk)
    )
    if conflict.status != RecordConflict.Status.OPEN:
        raise Conflict(_("This conflict is already resolved."))
    record = conflict.record
    if take:
        _record_write(
            actor=actor,
            department=authority,
            record=record,
            attribute=conflict.attribute,
            text=conflict.proposed_value,
            ref=f"conflict:{conflict.public_id}",
        )
        conflict.refresh_from_db()
    if conflict.status == RecordConflict.Status.OPEN:
        # Kept, or taken although the record already held the proposed value.
        conflict.status = RecordConflict.Status.RESOLVED
        conflict.resolution = (
            RecordConflict.Resolution.TAKEN if take else RecordConflict.Resolution.KEPT
        )
        conflict.resolved_at = timezone.now()
        conflict.resolved_by = actor
        conflict.save(
            update_fields=["status", "resolution", "resolved_at", "resolved_by", "updated_at"]
        )
    audit_record(
        actor=actor,
        action="registry.conflict_resolved",
        obj=conflict,
        subject=_subject(record),
        fields=[conflict.attribute],
        data={"record": str(record.public_id), "resolution": conflict.resolution},
    )
    return conflict


def disputes_deadlines_refresh(today: dt.date) -> int:
    """Bring the deadline state of every open dispute up to date and alert the due ones.

    Run by the periodic job ``workflow.deadlines`` (registered in ``registry.workflow_hooks``).
    A dispute newly due soon or overdue alerts the authority's data administrators (overdue:
    the platform's too), once per state (``dispute_notices.disputes_alert``). Returns how many
    disputes changed state or were alerted.
    """
    conditions = deadline_conditions(due_fields=["due_on"], today=today)
    changed = deadline_states_refresh(disputes_running(), conditions=conditions)
    return changed + disputes_alert()
