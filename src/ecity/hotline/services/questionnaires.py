"""Callback questionnaires by SMS (短信回访): the second way of calling a citizen back.

When a ticket closes and its caller has a mobile number, the platform sends (through notify's
SMS channel, event ``ticket_callback_questionnaire``) a link to a questionnaire page: solved?
满意 / 基本满意 / 不满意, comment. The link needs no sign-in; it is

    /hotline/callback/<key><signature>/

``key`` is random (12 characters, stored on the ``CallbackQuestionnaire``), ``signature`` an HMAC
of the key with the site's secret (12 characters): a forged or altered link fails before any
lookup, and a leaked database does not give working links. The link is valid until
``expires_at`` (``ECITY_HOTLINE_QUESTIONNAIRE_DAYS`` after closing) and answers once: the answer
is recorded as the round's ``Callback`` (method ``sms_web``) by the step the phone callback uses,
so not solved or 不满意 reopens the ticket in exactly the same way. Until then the agents still
see the ticket among their callback tasks, marked as awaiting the questionnaire; once the link
has expired unanswered it is a phone callback task like any other (``selectors/worklist.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, NotFound
from ecity.core.validators import normalise_mobile, validate_mobile
from ecity.hotline.errors import HotlineErrorCode
from ecity.hotline.models import Callback, CallbackQuestionnaire, Ticket
from ecity.hotline.services.callbacks import record_callback, validated_answer
from ecity.hotline.services.steps import ticket_lock
from ecity.notify.services import notification_enqueue

_SALT = "ecity.hotline.callback_questionnaire"
KEY_LENGTH = 12  # secrets.token_urlsafe(9): 72 random bits
SIGNATURE_BYTES = 9  # 12 characters of base64: 72 bits of HMAC-SHA256


def _signature(key: str) -> str:
    digest = salted_hmac(_SALT, key, algorithm="sha256").digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def questionnaire_token(questionnaire: CallbackQuestionnaire) -> str:
    """The signed token of the questionnaire's link."""
    return f"{questionnaire.key}{_signature(questionnaire.key)}"


def questionnaire_link_path(questionnaire: CallbackQuestionnaire) -> str:
    """The path of the questionnaire page (the link of the SMS)."""
    return reverse("hotline:questionnaire", args=[questionnaire_token(questionnaire)])


def caller_mobile(ticket: Ticket) -> str:
    """The caller's mainland mobile number (the ticket's, else the account's), or ``""``."""
    for phone in (ticket.caller_phone, ticket.citizen.phone if ticket.citizen else ""):
        number = normalise_mobile(phone or "")
        try:
            validate_mobile(number)
        except ValidationError:
            continue
        return number
    return ""


def questionnaire_send(*, ticket: Ticket) -> CallbackQuestionnaire | None:
    """Send the callback questionnaire of a ticket that has just closed; return it.

    Called by the closing services inside their transaction, the ticket locked. Nothing is sent
    (``None``) when the ticket is not closed, was merged, has no mobile number to reach or its
    round already has a questionnaire or a callback. Side effects: the questionnaire row, the
    SMS (and, for a citizen with an account, the in-app message) through notify in the same
    transaction, audit ``ticket.questionnaire_sent``.
    """
    if ticket.status != Ticket.Status.CLOSED:
        return None
    cycle = ticket.reopen_count
    if (
        ticket.questionnaires.filter(cycle=cycle).exists()
        or ticket.callbacks.filter(cycle=cycle).exists()
    ):
        return None
    phone = caller_mobile(ticket)
    if not phone:
        return None
    expires_at = timezone.now() + dt.timedelta(days=settings.ECITY_HOTLINE_QUESTIONNAIRE_DAYS)
    questionnaire = CallbackQuestionnaire.objects.create(
        ticket=ticket,
        cycle=cycle,
        key=secrets.token_urlsafe(9)[:KEY_LENGTH],
        expires_at=expires_at,
    )
    notification_enqueue(
        recipient=ticket.citizen,
        event="ticket_callback_questionnaire",
        context={
            "ticket_number": ticket.number,
            "title": ticket.title,
            "link_path": questionnaire_link_path(questionnaire),
            "expires_on": timezone.localtime(expires_at).date(),
        },
        obj=ticket,
        reference=ticket.number,
        phone=phone,
        idempotency_key=f"{ticket.public_id}:questionnaire:{cycle}",
    )
    audit_record(
        actor=None,
        action="ticket.questionnaire_sent",
        obj=ticket,
        subject=ticket.citizen,
        data={"cycle": cycle},
    )
    return questionnaire


class QuestionnaireUnavailable(Conflict):
    """The questionnaire link cannot be answered (used, expired, ticket open again)."""

    default_code = HotlineErrorCode.QUESTIONNAIRE_UNAVAILABLE


def questionnaire_by_token(*, token: str) -> CallbackQuestionnaire:
    """The questionnaire the signed ``token`` names, whatever its state.

    Errors: ``NotFound`` (code ``questionnaire_link_invalid``) for a malformed, forged or unknown
    token: all alike, so tokens cannot be probed.
    """
    token = (token or "").strip()
    key, signature = token[:KEY_LENGTH], token[KEY_LENGTH:]
    questionnaire = None
    if len(token) == KEY_LENGTH * 2 and hmac.compare_digest(signature, _signature(key)):
        questionnaire = (
            CallbackQuestionnaire.objects.select_related("ticket").filter(key=key).first()
        )
    if questionnaire is None:
        raise NotFound(
            _("This questionnaire link is not valid. Check that you opened the whole link."),
            code=HotlineErrorCode.QUESTIONNAIRE_LINK_INVALID,
        )
    return questionnaire


def questionnaire_check(questionnaire: CallbackQuestionnaire) -> None:
    """Raise ``QuestionnaireUnavailable`` when the questionnaire can no longer be answered.

    In this order: already answered (the link is used up); another callback of the round was
    recorded (an agent called); the ticket is no longer closed in the round the link was sent
    for (reopened, being handled again); the link expired.
    """
    ticket = questionnaire.ticket
    if questionnaire.answered_at is not None:
        raise QuestionnaireUnavailable(
            _("This questionnaire was already answered. Thank you: each link answers once.")
        )
    if ticket.callbacks.filter(cycle=questionnaire.cycle).exists():
        raise QuestionnaireUnavailable(
            _("The hotline already called you back about this request: nothing more to do.")
        )
    if ticket.status != Ticket.Status.CLOSED or ticket.reopen_count != questionnaire.cycle:
        raise QuestionnaireUnavailable(
            _(
                "Your request %(number)s is being handled again, so this questionnaire is "
                "closed. You will get a new one when it is closed."
            )
            % {"number": ticket.number}
        )
    if questionnaire.expires_at <= timezone.now():
        raise QuestionnaireUnavailable(
            _(
                "This questionnaire link expired on %(date)s. The hotline will call you back "
                "by phone."
            )
            % {"date": timezone.localtime(questionnaire.expires_at).strftime("%Y-%m-%d")}
        )


@transaction.atomic
def questionnaire_answer(
    *, token: str, is_solved: bool | None, satisfaction: str, comment: str = ""
) -> Callback:
    """Record the citizen's answer to the callback questionnaire of ``token`` (no sign-in).

    The token is the proof (``questionnaire_by_token``); the questionnaire must still be open
    (``questionnaire_check``). The answer becomes the round's ``Callback`` with method
    ``sms_web``; not solved or 不满意 reopens the ticket as a phone callback does (the
    department and the dispatchers are told). Errors: ``NotFound`` (bad token),
    ``QuestionnaireUnavailable``, ``ValidationFailed``.
    """
    questionnaire = questionnaire_by_token(token=token)
    _method, solved, satisfaction, comment = validated_answer(
        method=Callback.Method.SMS_WEB,
        is_solved=is_solved,
        satisfaction=satisfaction,
        comment=comment,
    )
    ticket = ticket_lock(questionnaire.ticket)
    questionnaire = CallbackQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    questionnaire.ticket = ticket
    questionnaire_check(questionnaire)
    callback = record_callback(
        ticket=ticket,
        actor=None,
        method=Callback.Method.SMS_WEB,
        is_solved=solved,
        satisfaction=satisfaction,
        comment=comment,
    )
    questionnaire.callback = callback
    questionnaire.answered_at = timezone.now()
    questionnaire.save(update_fields=["callback", "answered_at", "updated_at"])
    return callback
