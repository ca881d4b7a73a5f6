"""The signed message envelope: seal on the way out, open (verify) on the way in.

An envelope is a flat JSON object of header fields and a signature over their canonical JSON
(sorted keys, no whitespace, UTF-8). The payload travels beside it; the envelope carries its
hash (``sha256:<hex>`` of the payload's canonical JSON), so the signature covers the payload
without the log having to keep it.

Signing keys live in the core key vault (purpose ``exchange``, owner = the sender subsystem's
identifier); the algorithm is the vault's (Ed25519 today, pluggable for SM2). A receiver refuses,
with a clear error and a ``refused`` record in the message log: a malformed envelope, an unknown
or disabled sender, a bad signature, a payload that does not match its hash, a stale timestamp
(``ECITY_EXCHANGE_MAX_SKEW_SECONDS``) and a replayed message ID.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.exchange.canonical import Envelope, canonical_json, payload_hash
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode
from ecity.exchange.message_log import log_refusal
from ecity.exchange.models import SeenMessage, Subsystem

__all__ = [
    "Envelope",
    "canonical_json",
    "envelope_open",
    "envelope_seal",
    "envelopes_open_delivered",
    "payload_hash",
]

PURPOSE = vault.Purpose.EXCHANGE


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def envelope_seal(
    *,
    sender: str,
    payload: Any,
    receiver: str = "",
    topic: str = "",
    event_type: str = "",
    service: str = "",
    correlation_id: str = "",
    key: str = "",
    user_id: str = "",
    purpose: str = "",
    message_id: str = "",
    now: dt.datetime | None = None,
    signing_key: SigningKey | None = None,
) -> Envelope:
    """Seal ``payload`` from the local subsystem ``sender`` (its identifier): hash and sign.

    The sender's current key in the vault signs (generated on first use; cached per process
    with its private half, see ``vault.key_current_for_signing``). ``user_id`` and ``purpose``
    are required by callers whenever personal data travels. A caller sealing many messages of
    one sender passes the key it got once (``signing_key``).
    """
    signing_key = signing_key or vault.key_current_for_signing(purpose=PURPOSE, owner=sender)
    unsigned = Envelope(
        message_id=message_id or str(uuid.uuid4()),
        sender=sender,
        created_at=(now or timezone.now()).isoformat(),
        payload_hash=payload_hash(payload),
        alg=signing_key.algorithm,
        kid=signing_key.kid,
        receiver=receiver,
        topic=topic,
        event_type=event_type,
        service=service,
        correlation_id=correlation_id,
        key=key,
        user_id=user_id,
        purpose=purpose,
    )
    signature = vault.key_sign(key=signing_key, message=unsigned.signed_bytes())
    return dataclasses.replace(unsigned, signature=_b64(signature))


def _refuse(code: str, envelope: Envelope | None, raw: Any, reason: str) -> EnvelopeRefused:
    log_refusal(envelope=envelope, raw=raw, code=code, reason=reason)
    return EnvelopeRefused(reason, code=code)


def _check_signed(
    envelope: Envelope,
    data: Any,
    payload: Any,
    *,
    sender: Subsystem | None,
    verifies: Callable[[bytes], bool],
) -> None:
    """Refuse (logged) an envelope of an unknown or disabled sender, with a signature that
    ``verifies`` rejects, or whose payload does not match its hash."""
    if sender is None:
        raise _refuse(
            ExchangeErrorCode.UNKNOWN_SENDER,
            envelope,
            data,
            _("The sender %(sender)s is not a known subsystem.") % {"sender": envelope.sender},
        )
    if not sender.is_active:
        raise _refuse(
            ExchangeErrorCode.SENDER_DISABLED,
            envelope,
            data,
            _("The sender %(sender)s is disabled.") % {"sender": envelope.sender},
        )
    try:
        signature = _unb64(envelope.signature)
    except (binascii.Error, ValueError):
        signature = b""
    if not (signature and verifies(signature)):
        raise _refuse(
            ExchangeErrorCode.BAD_SIGNATURE,
            envelope,
            data,
            _("The signature does not verify with a key of %(sender)s.")
            % {"sender": envelope.sender},
        )
    if payload_hash(payload) != envelope.payload_hash:
        raise _refuse(
            ExchangeErrorCode.PAYLOAD_HASH_MISMATCH,
            envelope,
            data,
            _("The payload does not match the hash in the signed envelope."),
        )


def envelope_open(
    data: Any,
    payload: Any,
    *,
    now: dt.datetime | None = None,
    record_seen: bool = True,
) -> tuple[Envelope, Subsystem]:
    """Verify a received envelope and its payload; return it with the sending subsystem.

    Checks, in order: form, sender known and enabled, signature, payload hash, timestamp
    within ``ECITY_EXCHANGE_MAX_SKEW_SECONDS``, message ID not seen before from this sender
    (then records it, unless ``record_seen`` is false). Every refusal is written to the message
    log in its own transaction (call this outside the receiver's transaction so that the
    record survives) and raised as ``EnvelopeRefused`` with its code.
    """
    try:
        envelope = Envelope.from_dict(data)
    except EnvelopeRefused as refused:
        _refuse(refused.code, None, data, refused.message)
        raise
    sender = Subsystem.objects.select_related("member").filter(identifier=envelope.sender).first()
    _check_signed(
        envelope,
        data,
        payload,
        sender=sender,
        verifies=lambda signature: vault.key_verify(
            purpose=PURPOSE,
            owner=envelope.sender,
            kid=envelope.kid,
            message=envelope.signed_bytes(),
            signature=signature,
            # a fresh message signed with a retired key (rotated away, dropped by its city) is bad
            accept_retired=False,
        ),
    )
    assert sender is not None  # _check_signed refused an unknown sender
    now = now or timezone.now()
    skew = abs((now - envelope.created).total_seconds())
    if skew > settings.ECITY_EXCHANGE_MAX_SKEW_SECONDS:
        raise _refuse(
            ExchangeErrorCode.STALE,
            envelope,
            data,
            _("The message is %(seconds)d seconds away from the receiver's clock.")
            % {"seconds": int(skew)},
        )
    if record_seen:
        try:
            with transaction.atomic():
                SeenMessage.objects.create(
                    sender=envelope.sender, message_id=envelope.message_id, seen_at=now
                )
        except IntegrityError:
            raise _refuse(
                ExchangeErrorCode.REPLAYED,
                envelope,
                data,
                _("The message %(id)s was already received from %(sender)s.")
                % {"id": envelope.message_id, "sender": envelope.sender},
            ) from None
    return envelope, sender


def _key_verifies(key: SigningKey | None, envelope: Envelope) -> Callable[[bytes], bool]:
    """Whether a signature over ``envelope`` verifies with ``key`` (None: no such key)."""

    def verifies(signature: bytes) -> bool:
        if key is None:
            return False
        return vault.algorithm_get(key.algorithm).verify(
            key.public_key, envelope.signed_bytes(), signature
        )

    return verifies


def envelopes_open_delivered(
    messages: Sequence[tuple[Any, Any]],
) -> list[Envelope | EnvelopeRefused]:
    """Verify a batch of delivered pub/sub messages ``(envelope data, payload)``, in order.

    The checks of ``envelope_open`` (form, sender known and enabled, signature with a current or
    previous key of the sender, payload hash), each refusal logged in its own transaction (call
    this outside the receiver's transaction), with the reads done once per batch: one query of
    the senders and one of the keys per distinct sender and key ID, instead of two queries per
    message. As in ``inbox_receive``, freshness and the replay window do not apply: redelivery
    hours later and replays from a point in time are normal in pub/sub, and the receiver's
    inbox keyed by message ID keeps a second arrival from having a second effect. Returns, per
    message, its ``Envelope`` or the ``EnvelopeRefused`` it got.
    """
    parsed: list[Envelope | EnvelopeRefused] = []
    for data, _payload in messages:
        try:
            parsed.append(Envelope.from_dict(data))
        except EnvelopeRefused as refused:
            _refuse(refused.code, None, data, refused.message)
            parsed.append(refused)
    wanted = {e.sender for e in parsed if isinstance(e, Envelope)}
    senders = {
        s.identifier: s
        for s in Subsystem.objects.select_related("member").filter(identifier__in=wanted)
    }
    keys: dict[tuple[str, str], SigningKey | None] = {}
    for envelope in parsed:
        if isinstance(envelope, Envelope) and (envelope.sender, envelope.kid) not in keys:
            keys[(envelope.sender, envelope.kid)] = (
                vault.key_verifying(purpose=PURPOSE, owner=envelope.sender, accept_retired=False)
                .filter(kid=envelope.kid)
                .first()
            )
    opened: list[Envelope | EnvelopeRefused] = []
    for (data, payload), envelope in zip(messages, parsed, strict=True):
        if not isinstance(envelope, Envelope):
            opened.append(envelope)
            continue
        try:
            _check_signed(
                envelope,
                data,
                payload,
                sender=senders.get(envelope.sender),
                verifies=_key_verifies(keys[(envelope.sender, envelope.kid)], envelope),
            )
        except EnvelopeRefused as refused:
            opened.append(refused)
            continue
        opened.append(envelope)
    return opened
