"""Replying to disclosure requests with a statutory reply type, as a signed PDF.

Reply types and what each needs (《政府信息公开条例》art. 36):

* 予以公开 ``disclosed``: the reply text (how and where the information is provided);
* 部分公开 ``partially_disclosed``: what is withheld, why, and the legal ground;
* 不予公开 ``not_disclosed``: the reason and the legal ground;
* 无法提供/信息不存在 ``not_available``: the reason (e.g. not made or kept by this body);
* 非本机关负责公开 ``other_body``: the body responsible (and how to reach it, if known);
* 重复申请 ``repeated``: the number of the earlier request already answered;
* 不予处理 ``not_processed``: the reason (a petition, a consultation … is not a disclosure
  request).

Every reply needs the reply text. The PDF is built and signed before the request's row is
locked (slow work outside the lock), with the vault's key for decision documents; the signature
covers the PDF's SHA-256, so a changed PDF no longer verifies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.errors import ValidationFailed
from ecity.disclosure.models import DisclosureReply, DisclosureRequest, ReplyType
from ecity.disclosure.reply_pdf import reply_pdf
from ecity.disclosure.selectors.requests import reply_by_pdf_hash
from ecity.disclosure.services.requests import _locked, _notify, _require_handler, wrong_status
from ecity.identity.models import User

PURPOSE = vault.Purpose.CERTIFICATES  # "e-certificates and decision documents"
TEXT_MAX = 10000


@dataclass(frozen=True)
class ReplyInput:
    reply_type: str
    content: str
    withheld: str = ""
    reason: str = ""
    legal_ground: str = ""
    right_body: str = ""
    right_body_contact: str = ""
    earlier_number: str = ""


#: The fields each reply type needs besides the reply text.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    ReplyType.DISCLOSED: (),
    ReplyType.PARTIALLY_DISCLOSED: ("withheld", "reason", "legal_ground"),
    ReplyType.NOT_DISCLOSED: ("reason", "legal_ground"),
    ReplyType.NOT_AVAILABLE: ("reason",),
    ReplyType.OTHER_BODY: ("right_body",),
    ReplyType.REPEATED: ("earlier_number",),
    ReplyType.NOT_PROCESSED: ("reason",),
}


def _missing_message(field: str) -> str:
    return {
        "content": _("Write the reply."),
        "withheld": _("Say which information is withheld."),
        "reason": _("Give the reason."),
        "legal_ground": _("Give the legal ground (the article of the law applied)."),
        "right_body": _("Name the body responsible for disclosing this information."),
        "earlier_number": _("Give the number of the earlier request already answered."),
    }[field]


def reply_input_check(data: ReplyInput) -> ReplyInput:
    """Check a reply; return it with stripped texts or raise ``ValidationFailed``."""
    if data.reply_type not in ReplyType.values:
        raise ValidationFailed(fields={"reply_type": _("Choose the type of reply.")})
    cleaned = ReplyInput(**{k: (v or "").strip() for k, v in data.__dict__.items()})
    errors: dict[str, str] = {}
    for field in ("content", *REQUIRED_FIELDS[data.reply_type]):
        if not getattr(cleaned, field):
            errors[field] = _missing_message(field)
    for field, value in cleaned.__dict__.items():
        if len(value) > TEXT_MAX:
            errors[field] = _("At most %(max)s characters.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _facts(data: ReplyInput) -> list[tuple[str, str]]:
    labels = {
        "withheld": _("Information withheld"),
        "reason": _("Reason"),
        "legal_ground": _("Legal ground"),
        "right_body": _("Body responsible"),
        "right_body_contact": _("Contact of that body"),
        "earlier_number": _("Earlier request"),
    }
    return [(label, getattr(data, f)) for f, label in labels.items() if getattr(data, f)]


def signed_payload(*, number: str, reply_type: str, sha256: str, replied_on: str) -> bytes:
    """The canonical bytes a reply's signature covers."""
    return json.dumps(
        {"number": number, "reply_type": reply_type, "sha256": sha256, "replied_on": replied_on},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def request_reply(*, actor: User, request: DisclosureRequest, data: ReplyInput) -> DisclosureReply:
    """Answer an open request with a statutory reply, issued as a signed PDF.

    Permissions: disclosure staff of the request's department. Rules: ``reply_input_check``;
    only a received request (not one awaiting correction, not one replied). A reply after the
    due date is recorded as late (``is_late``: counted in the annual report). Side effects: the
    PDF and its Ed25519 signature (vault purpose ``certificates``), status ``replied``, audit
    entry, ``disclosure_replied`` notification, all in one transaction. Errors:
    ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError`` (wrong_status).
    """
    _require_handler(actor=actor, request=request)
    data = reply_input_check(data)
    if request.status != DisclosureRequest.Status.RECEIVED:
        raise wrong_status()
    with transaction.atomic():
        replied_on = timezone.localdate()
        # The document is in Chinese (the official language), labels included.
        with translation.override("zh-hans"):
            label = str(ReplyType(data.reply_type).label)
            facts = _facts(data)
        pdf = reply_pdf(
            request=request,
            reply_type_label=label,
            facts=facts,
            content=data.content,
            replied_on=replied_on,
        )
        sha256 = hashlib.sha256(pdf).hexdigest()
        key = vault.key_current(purpose=PURPOSE)
        signature = vault.key_sign(
            key=key,
            message=signed_payload(
                number=request.number,
                reply_type=data.reply_type,
                sha256=sha256,
                replied_on=replied_on.isoformat(),
            ),
        )
        request = _locked(request)
        if request.status != DisclosureRequest.Status.RECEIVED:
            raise wrong_status()
        reply = DisclosureReply.objects.create(
            request=request,
            **data.__dict__,
            replied_on=replied_on,
            replied_at=timezone.now(),
            replied_by=actor,
            is_late=replied_on > request.due_on,
            pdf=pdf,
            sha256=sha256,
            signature=base64.b64encode(signature).decode("ascii"),
            key_id=key.kid,
        )
        request.status = DisclosureRequest.Status.REPLIED
        request.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="disclosure_request.replied",
            obj=request,
            data={"reply_type": data.reply_type, "late": reply.is_late},
        )
        _notify(request=request, event="disclosure_replied", extra={"reply_type": label})
    return reply


@dataclass(frozen=True)
class ReplyVerification:
    is_valid: bool
    reply: DisclosureReply | None
    details: dict[str, Any]


def reply_verify(*, pdf: bytes) -> ReplyVerification:
    """Whether ``pdf`` is, byte for byte, a reply this platform issued and signed.

    A PDF whose hash matches no reply (changed, or never issued) is not valid; one whose
    reply's signature fails (database tampered with) is not valid either.
    """
    sha256 = hashlib.sha256(pdf).hexdigest()
    reply = reply_by_pdf_hash(sha256=sha256)
    if reply is None:
        return ReplyVerification(is_valid=False, reply=None, details={"sha256": sha256})
    try:
        raw = base64.b64decode(reply.signature, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    valid = bool(raw) and vault.key_verify(
        purpose=PURPOSE,
        kid=reply.key_id,
        message=signed_payload(
            number=reply.request.number,
            reply_type=reply.reply_type,
            sha256=sha256,
            replied_on=reply.replied_on.isoformat(),
        ),
        signature=raw,
    )
    return ReplyVerification(
        is_valid=valid,
        reply=reply,
        details={
            "sha256": sha256,
            "number": reply.request.number,
            "department": reply.request.department.name_zh,
            "replied_on": reply.replied_on.isoformat(),
            "reply_type": reply.reply_type,
        },
    )
