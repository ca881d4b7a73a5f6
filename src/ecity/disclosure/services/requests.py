"""Receiving disclosure requests (依申请公开) and their working-day clock.

Rules (《政府信息公开条例》2019): a request names the applicant (a citizen: name and ID number;
an enterprise or other organisation: name, unified social credit code and legal representative),
a contact, the information wanted, and the form and delivery wanted (art. 29). It is received the
day it arrives and answered within 20 working days (art. 33; the arrival day never counts,
``workflow.clocks``); the department's head may extend once by at most 20 working days. A
correction request (补正, art. 30) stops the clock; when the applicant answers, the limit counts
again in full from the day the corrected request arrived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.numbers import query_code_generate
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.core.sequences import sequence_next
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from ecity.disclosure.errors import DisclosureErrorCode
from ecity.disclosure.models import (
    ApplicantType,
    CorrectionRequest,
    Delivery,
    DisclosureRequest,
    Medium,
)
from ecity.disclosure.models.requests import EXTENSION_MAX_DAYS, REPLY_LIMIT_DAYS
from ecity.disclosure.selectors.requests import can_approve_extension, can_handle_requests
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department
from ecity.workflow.clocks import (
    deadline_conditions,
    deadline_state,
    deadline_states_refresh,
    due_on,
)

DESCRIPTION_MAX = 5000
TEXT_MAX = 2000
_PHONE_FIXED = "0123456789-"


@dataclass(frozen=True)
class RequestInput:
    """What an applicant fills in (the HTML form and the API share it)."""

    applicant_type: str
    name: str
    description: str
    medium: str
    delivery: str
    phone: str
    id_number: str = ""
    uscc: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    email: str = ""
    address: str = ""
    purpose: str = ""


def _check_phone(value: str) -> str | None:
    """A mobile number (validated) or a fixed-line number of digits and hyphens."""
    if value.startswith("1") and len(value) >= 11:
        try:
            validate_mobile(normalise_mobile(value))
        except ValidationError as error:
            return str(error.messages[0])
        return None
    if len(value) < 7 or any(ch not in _PHONE_FIXED for ch in value):
        return _("Enter a mobile or fixed-line phone number.")
    return None


def request_input_check(data: RequestInput) -> RequestInput:
    """Check an applicant's input; return it normalised or raise ``ValidationFailed``.

    Rules: the identity of the applicant type (a citizen: name and a valid resident ID number;
    an enterprise: name, a valid USCC, the legal representative) and a phone number are
    required; the description of the information is required; form and delivery are one of the
    choices; delivery by post needs an address, by e-mail an e-mail address.
    """
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    phone = (data.phone or "").strip().replace(" ", "")
    id_number = uscc = legal = ""
    if data.applicant_type not in ApplicantType.values:
        errors["applicant_type"] = _("Choose whether you apply as a citizen or an enterprise.")
    elif data.applicant_type == ApplicantType.PERSON:
        if not name:
            errors["name"] = _("Enter your name.")
        id_number = normalise_id_number(data.id_number or "")
        if not id_number:
            errors["id_number"] = _("Enter your ID number.")
        else:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = str(error.messages[0])
    else:
        if not name:
            errors["name"] = _("Enter the name of the enterprise or organisation.")
        uscc = normalise_uscc(data.uscc or "")
        if not uscc:
            errors["uscc"] = _("Enter the unified social credit code.")
        else:
            try:
                validate_uscc(uscc)
            except ValidationError as error:
                errors["uscc"] = str(error.messages[0])
        legal = (data.legal_representative or "").strip()
        if not legal:
            errors["legal_representative"] = _("Enter the legal representative.")
    if not phone:
        errors["phone"] = _("Enter a phone number we can reach you on.")
    elif (problem := _check_phone(phone)) is not None:
        errors["phone"] = problem
    description = (data.description or "").strip()
    if not description:
        errors["description"] = _("Describe the information you ask for.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(max)s characters.") % {"max": DESCRIPTION_MAX}
    purpose = (data.purpose or "").strip()
    if len(purpose) > TEXT_MAX:
        errors["purpose"] = _("At most %(max)s characters.") % {"max": TEXT_MAX}
    if data.medium not in Medium.values:
        errors["medium"] = _("Choose the form of the information.")
    if data.delivery not in Delivery.values:
        errors["delivery"] = _("Choose how you receive the information.")
    email = (data.email or "").strip()
    address = (data.address or "").strip()
    if data.delivery == Delivery.POST and not address:
        errors["address"] = _("Enter the postal address for delivery by post.")
    if data.delivery == Delivery.EMAIL and not email:
        errors["email"] = _("Enter the e-mail address for delivery by e-mail.")
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationFailed(fields=errors)
    return RequestInput(
        applicant_type=data.applicant_type,
        name=name,
        description=description,
        medium=data.medium,
        delivery=data.delivery,
        phone=phone,
        id_number=id_number,
        uscc=uscc,
        legal_representative=legal,
        contact_name=(data.contact_name or "").strip(),
        email=email,
        address=address,
        purpose=purpose,
    )


def _request_number(*, department: Department, on: dt.date) -> str:
    """``GK-<year>-<department code>-<6 digits>`` from the department's gap-free sequence."""
    last = sequence_next(scope=f"disclosure:requests:{on.year}:{department.code}")
    return f"GK-{on.year}-{department.code.upper()}-{last:06d}"


def _notify(*, request: DisclosureRequest, event: str, extra: dict | None = None) -> None:
    """Tell the applicant about ``event``: through their account when the request was filed
    signed in; otherwise by SMS to the phone and by e-mail to the address given on the request,
    with the query code that opens the request on the lookup page."""
    department = request.department
    anonymous = request.applicant_id is None
    notification_enqueue(
        recipient=request.applicant,
        event=event,
        context={
            "request_number": request.number,
            "department": {
                "zh-hans": department.name_zh,
                "en": department.name_en or department.name_zh,
            },
            "due_on": request.due_on.isoformat(),
            "query_code": request.query_code if anonymous else "",
            **(extra or {}),
        },
        obj=request,
        reference=request.number,
        phone=request.phone if anonymous else "",
        email=request.email if anonymous else "",
        idempotency_key=f"{event}:{request.public_id}:{request.updated_at.isoformat()}",
    )


def request_submit(
    *, applicant: User | None, department: Department, data: RequestInput
) -> DisclosureRequest:
    """Register a disclosure request to ``department`` and start its 20-working-day clock.

    Permissions: anyone (signed in or not); a signed-in civil servant's work account may not
    file one. Rules: ``request_input_check``; the department must be active. Side effects: a
    number from the department's gap-free sequence, a query code, personal data stored
    encrypted, ``disclosure_received`` notification (to the account of a signed-in applicant,
    else by SMS and e-mail to the contact given).
    Errors: ``ValidationFailed`` with field messages, ``PermissionDenied``.
    """
    if applicant is not None and getattr(applicant, "is_staff_account", False):
        raise PermissionDenied(_("File a disclosure request with your citizen account."))
    if not department.is_active:
        raise ValidationFailed(fields={"department": _("Choose the department you ask.")})
    data = request_input_check(data)
    with transaction.atomic():
        received_on = timezone.localdate()
        request = DisclosureRequest.objects.create(
            number=_request_number(department=department, on=received_on),
            query_code=query_code_generate(),
            department=department,
            applicant=applicant if getattr(applicant, "is_authenticated", False) else None,
            applicant_type=data.applicant_type,
            name=data.name,
            id_number=data.id_number,
            uscc=data.uscc,
            legal_representative=data.legal_representative,
            contact_name=data.contact_name,
            phone=data.phone,
            email=data.email,
            address=data.address,
            description=data.description,
            purpose=data.purpose,
            medium=data.medium,
            delivery=data.delivery,
            received_on=received_on,
            clock_started_on=received_on,
            due_on=due_on(received_on, REPLY_LIMIT_DAYS),
        )
        _notify(request=request, event="disclosure_received")
    return request


def _locked(request: DisclosureRequest) -> DisclosureRequest:
    return (
        DisclosureRequest.objects.select_for_update()
        .select_related("department")
        .get(pk=request.pk)
    )


def _require_handler(*, actor: User, request: DisclosureRequest) -> None:
    if not can_handle_requests(actor=actor, department=request.department):
        raise PermissionDenied(
            _("Only the disclosure staff of %(department)s may handle this request.")
            % {"department": request.department.name_zh}
        )


def wrong_status() -> ApplicationError:
    return ApplicationError(
        _("The request is not at the stage this action needs. Reload the page."),
        code=DisclosureErrorCode.REQUEST_WRONG_STATUS,
    )


def request_due_on(request: DisclosureRequest) -> dt.date:
    """The due date of ``request`` from its clock start and its extension."""
    return due_on(request.clock_started_on, REPLY_LIMIT_DAYS, extension_days=request.extension_days)


def request_extend(
    *, actor: User, request: DisclosureRequest, days: int = EXTENSION_MAX_DAYS, reason: str
) -> DisclosureRequest:
    """Extend the limit of an open request once, by at most 20 working days.

    Permissions: the head (approver) of the request's department. Rules: a reason is
    required; ``days`` 1–20; a second extension is refused. Side effects: new due date, audit
    entry, ``disclosure_extended`` notification. Errors: ``PermissionDenied``,
    ``ValidationFailed``, ``ApplicationError`` (already_extended, wrong_status).
    """
    if not can_approve_extension(actor=actor, department=request.department):
        raise PermissionDenied(
            _("Only the head of %(department)s may approve an extension.")
            % {"department": request.department.name_zh}
        )
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the extension.")
    if not isinstance(days, int) or not 1 <= days <= EXTENSION_MAX_DAYS:
        errors["days"] = _("An extension is 1 to %(max)s working days.") % {
            "max": EXTENSION_MAX_DAYS
        }
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        request = _locked(request)
        if request.extension_days:
            raise ApplicationError(
                _("The limit of this request has already been extended once."),
                code=DisclosureErrorCode.ALREADY_EXTENDED,
            )
        if request.status != DisclosureRequest.Status.RECEIVED:
            raise wrong_status()
        request.extension_days = days
        request.extension_reason = reason
        request.extended_by = actor
        request.extended_at = timezone.now()
        request.due_on = request_due_on(request)
        request.deadline_state = deadline_state(due=request.due_on, today=timezone.localdate())
        request.save()
        audit_record(
            actor=actor,
            action="disclosure_request.extended",
            obj=request,
            reason=reason,
            data={"days": days, "due_on": request.due_on.isoformat()},
        )
        _notify(request=request, event="disclosure_extended")
    return request


def correction_ask(*, actor: User, request: DisclosureRequest, what: str) -> CorrectionRequest:
    """Ask the applicant to correct the request (补正) and stop the clock.

    Permissions: disclosure staff of the request's department. Rules: only a received request
    (once: the law allows one correction request); ``what`` says what to correct. Side effects:
    status ``awaiting_correction``, the clock stopped, audit entry, ``disclosure_correction``
    notification. Errors: ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError``.
    """
    _require_handler(actor=actor, request=request)
    what = (what or "").strip()
    if not what:
        raise ValidationFailed(fields={"what": _("Say what the applicant must correct.")})
    with transaction.atomic():
        request = _locked(request)
        if request.status != DisclosureRequest.Status.RECEIVED or request.corrections.exists():
            raise wrong_status()
        today = timezone.localdate()
        correction = CorrectionRequest.objects.create(
            request=request, asked_on=today, asked_by=actor, what=what
        )
        request.status = DisclosureRequest.Status.AWAITING_CORRECTION
        request.clock_stopped_on = today
        request.deadline_state = deadline_state(due=request.due_on, today=today, suspended=True)
        request.save()
        audit_record(actor=actor, action="disclosure_request.correction_asked", obj=request)
        _notify(request=request, event="disclosure_correction", extra={"what": what})
    return correction


def correction_answer(
    *, request: DisclosureRequest, answer: str, applicant: User | None = None
) -> DisclosureRequest:
    """Record the applicant's corrected request and restart the clock in full (art. 30).

    Permissions: the applicant (their account, or whoever knows number and query code: the
    caller checked it). Rules: the answer is required; the limit counts from today (the day
    the corrected request arrived): due = today + 20 working days (+ an extension already
    granted). Side effects: status ``received``. Errors: ``ValidationFailed``,
    ``ApplicationError`` (wrong_status), ``PermissionDenied``.
    """
    if request.applicant_id is not None and (
        applicant is None or applicant.pk != request.applicant_id
    ):
        raise PermissionDenied(_("Only the applicant may answer the correction request."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(fields={"answer": _("Enter the corrected request.")})
    if len(answer) > DESCRIPTION_MAX:
        raise ValidationFailed(
            fields={"answer": _("At most %(max)s characters.") % {"max": DESCRIPTION_MAX}}
        )
    with transaction.atomic():
        request = _locked(request)
        if request.status != DisclosureRequest.Status.AWAITING_CORRECTION:
            raise wrong_status()
        today = timezone.localdate()
        correction = request.corrections.filter(answered_on__isnull=True).get()
        correction.answered_on = today
        correction.answer = answer
        correction.save()
        request.status = DisclosureRequest.Status.RECEIVED
        request.clock_stopped_on = None
        request.clock_started_on = today
        request.due_on = request_due_on(request)
        request.deadline_state = deadline_state(due=request.due_on, today=today)
        request.save()
    return request


def deadlines_refresh(today: dt.date) -> int:
    """Set the deadline state of every running request for ``today`` (periodic job)."""
    running = DisclosureRequest.objects.filter(status=DisclosureRequest.Status.RECEIVED)
    return deadline_states_refresh(
        running, conditions=deadline_conditions(due_fields=["due_on"], today=today)
    )


def deadlines_recompute(years: list[int], after: int, limit: int) -> int | None:
    """Recompute the due dates of open requests after the holiday calendar changed."""
    batch = list(
        DisclosureRequest.objects.filter(
            pk__gt=after, status__in=DisclosureRequest.OPEN_STATUSES
        ).order_by("pk")[:limit]
    )
    if not batch:
        return None
    today = timezone.localdate()
    for request in batch:
        due = request_due_on(request)
        if due != request.due_on:
            request.due_on = due
            request.deadline_state = deadline_state(
                due=due,
                today=today,
                suspended=request.status == DisclosureRequest.Status.AWAITING_CORRECTION,
            )
            request.save(update_fields=["due_on", "deadline_state", "updated_at"])
    return batch[-1].pk
