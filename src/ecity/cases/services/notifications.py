"""Notifications about cases to applicants and staff, queued in the caller's transaction.

Every notification goes through the ``ecity.notify`` outbox with an idempotency key, so it is
sent once the transaction commits and at most once per key. The events and their templates are
declared in ``ecity.cases.notifications``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecity.cases.models import Case, CaseEvent
from ecity.catalogue.models import ServiceItemVersion
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue


def service_name(version: ServiceItemVersion) -> dict[str, str]:
    """The service's name in both languages (notify picks the recipient's)."""
    return {"zh-hans": version.name_zh, "en": version.name_en or version.name_zh}


def notification_context(case: Case, **extra: object) -> dict[str, object]:
    """The context every case notification template may use, plus ``extra``."""
    version = case.service_version
    return {
        "case_number": case.number,
        "query_code": case.query_code,
        "service_name": version.name_zh,
        "service_name_en": version.name_en,
        "applicant_name": case.applicant_name,
        "department": case.department.name_zh,
        **extra,
    }


def case_notification_enqueue(
    *,
    recipient: User | None,
    event: str,
    case: Case,
    context: Mapping[str, object],
    idempotency_key: str,
    email: str = "",
    phone: str = "",
) -> None:
    """Queue a notification about ``case`` in the current transaction (``ecity.notify`` outbox)."""
    notification_enqueue(
        recipient=recipient,
        event=event,
        context=context,
        obj=case,
        reference=case.number,
        email=email,
        phone=phone,
        idempotency_key=idempotency_key,
    )


def notify(
    *,
    recipient: User | None,
    event: str,
    case: Case,
    key_suffix: str,
    context: Mapping[str, object],
    email: str = "",
    phone: str = "",
) -> None:
    """Queue a notification with the key ``"<case public id>:<event>:<key_suffix>"``."""
    case_notification_enqueue(
        recipient=recipient,
        event=event,
        case=case,
        context=context,
        email=email,
        phone=phone,
        idempotency_key=f"{case.public_id}:{event}:{key_suffix}",
    )


def notify_applicant(*, case: Case, event: str, case_event: CaseEvent, **extra: object) -> None:
    """Tell the applicant (account, or a walk-in applicant's e-mail/phone) about ``case_event``."""
    notify(
        recipient=case.applicant,
        event=event,
        case=case,
        key_suffix=str(case_event.public_id),
        context=notification_context(case, **extra),
        email="" if case.applicant_id else case.contact_email,
        phone="" if case.applicant_id else case.contact_phone,
    )
