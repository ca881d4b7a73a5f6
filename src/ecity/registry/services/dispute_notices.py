"""Notifications about disputes (异议), written into the outbox with the act they report.

- raised: the data administrators of the authority department (``dispute_raised``);
- settled: the one who raised it, a citizen or another department's writer (``dispute_settled``);
- due soon / overdue: the authority's data administrators, and when overdue the platform's data
  administrators too (``dispute_due_soon``, ``dispute_overdue``), once per state: the dispute
  remembers the last state it alerted (``Dispute.alerted_state``).

No value of the record goes into a message (they are personal): only the attribute's name, the
masked record and the dates.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q

from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.registry.attributes import LEGAL_ENTITY_ATTRIBUTES, PERSON_ATTRIBUTES
from ecity.registry.models import Dispute
from ecity.registry.selectors.sharing import (
    department_data_administrators,
    platform_data_administrators,
)
from ecity.workflow.clocks import DeadlineState

ALERTED_STATES = (DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


def _context(dispute: Dispute) -> dict[str, object]:
    specs = PERSON_ATTRIBUTES if dispute.person_id is not None else LEGAL_ENTITY_ATTRIBUTES
    spec = specs.get(dispute.attribute)
    authority = dispute.authority
    return {
        "record": str(dispute.record),
        "attribute": spec.label if spec is not None else dispute.attribute,
        # Names in both languages: notify picks the recipient's.
        "authority": {"zh-hans": authority.name_zh, "en": authority.name_en or authority.code},
        "due_on": dispute.due_on,
        "status": Dispute.Status(dispute.status).label,
        "reason": dispute.settlement_reason,
    }


def _send(*, recipients: Iterable[User], event: str, dispute: Dispute, key: str = "") -> None:
    context = _context(dispute)
    seen: set[int] = set()
    for recipient in recipients:
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notification_enqueue(
            recipient=recipient,
            event=event,
            context=context,
            obj=dispute,
            reference=dispute.attribute,
            idempotency_key=f"{event}:{dispute.public_id}:{key}{recipient.pk}",
        )


def dispute_raised_notify(*, dispute: Dispute) -> None:
    """Tell the authority department's data administrators that ``dispute`` waits for them."""
    _send(
        recipients=department_data_administrators(department=dispute.authority),
        event="dispute_raised",
        dispute=dispute,
    )


def dispute_settled_notify(*, dispute: Dispute) -> None:
    """Tell the one who raised ``dispute`` how it was settled (nobody when the account is gone)."""
    if dispute.raised_by is not None and dispute.raised_by.is_active:
        _send(recipients=[dispute.raised_by], event="dispute_settled", dispute=dispute)


def disputes_alert() -> int:
    """Alert the administrators of open disputes that became due soon or overdue; return how many.

    Run after the deadline states are refreshed (``disputes_deadlines_refresh``). Each dispute
    alerts once per state (``alerted_state``); rows another run holds are skipped, so concurrent
    runs never alert twice. The platform's data administrators hear of overdue disputes only.
    """
    with transaction.atomic():
        disputes = list(
            Dispute.objects.filter(status=Dispute.Status.OPEN, deadline_state__in=ALERTED_STATES)
            .filter(~Q(alerted_state=F("deadline_state")))
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("person", "legal_entity", "authority")
        )
        platform: list[User] | None = None
        for dispute in disputes:
            recipients = department_data_administrators(department=dispute.authority)
            if dispute.deadline_state == DeadlineState.OVERDUE:
                if platform is None:
                    platform = platform_data_administrators()
                recipients = [*recipients, *platform]
                event = "dispute_overdue"
            else:
                event = "dispute_due_soon"
            _send(recipients=recipients, event=event, dispute=dispute)
            dispute.alerted_state = dispute.deadline_state
            dispute.save(update_fields=["alerted_state", "updated_at"])
    return len(disputes)
