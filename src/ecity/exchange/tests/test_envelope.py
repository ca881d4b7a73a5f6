"""A receiver opens only envelopes that are well-formed, signed by a known sender, fresh and new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.exchange.envelope import envelope_open, envelope_seal
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode
from ecity.exchange.message_log import REFUSALS_PARTITION, log_append, log_verify
from ecity.exchange.models import MessageLogRecord
from ecity.exchange.tests.factories import SubsystemFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"person": "示例", "changed": ["address"]}


def _refusal_codes() -> list[str]:
    records = MessageLogRecord.objects.filter(partition=REFUSALS_PARTITION).order_by("seq")
    return [r.detail["code"] for r in records]


def test_sealed_envelope_opens_and_names_its_sender():
    sender = SubsystemFactory()
    envelope = envelope_seal(sender=sender.identifier, payload=PAYLOAD, topic="registry.person")

    opened, subsystem = envelope_open(envelope.to_dict(), PAYLOAD)

    assert subsystem == sender
    assert opened.alg == "Ed25519"
    assert opened.payload_hash.startswith("sha256:")


def test_tampered_payload_is_refused_and_logged():
    sender = SubsystemFactory()
    envelope = envelope_seal(sender=sender.identifier, payload=PAYLOAD)

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(envelope.to_dict(), {**PAYLOAD, "changed": ["name"]})

    assert refused.value.code == ExchangeErrorCode.PAYLOAD_HASH_MISMATCH
    assert _refusal_codes() == [ExchangeErrorCode.PAYLOAD_HASH_MISMATCH]


def test_signature_of_another_sender_is_refused():
    honest, forger = SubsystemFactory(), SubsystemFactory()
    forged = envelope_seal(sender=forger.identifier, payload=PAYLOAD).to_dict()
    forged["sender"] = honest.identifier  # claims to be the honest system, signed by the forger

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(forged, PAYLOAD)

    assert refused.value.code == ExchangeErrorCode.BAD_SIGNATURE


def test_changed_header_breaks_the_signature():
    sender = SubsystemFactory()
    data = envelope_seal(sender=sender.identifier, payload=PAYLOAD, purpose="社保核验").to_dict()
    data["purpose"] = "其他用途"

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(data, PAYLOAD)

    assert refused.value.code == ExchangeErrorCode.BAD_SIGNATURE


def test_replayed_message_id_is_refused():
    sender = SubsystemFactory()
    data = envelope_seal(sender=sender.identifier, payload=PAYLOAD).to_dict()
    envelope_open(data, PAYLOAD)

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(data, PAYLOAD)

    assert refused.value.code == ExchangeErrorCode.REPLAYED


def test_stale_timestamp_is_refused(settings):
    settings.ECITY_EXCHANGE_MAX_SKEW_SECONDS = 300
    sender = SubsystemFactory()
    old = timezone.now() - dt.timedelta(minutes=6)
    data = envelope_seal(sender=sender.identifier, payload=PAYLOAD, now=old).to_dict()

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(data, PAYLOAD)

    assert refused.value.code == ExchangeErrorCode.STALE


def test_unknown_and_disabled_senders_are_refused():
    sender = SubsystemFactory()
    data = envelope_seal(sender=sender.identifier, payload=PAYLOAD).to_dict()
    sender.is_enabled = False
    sender.save()

    with pytest.raises(EnvelopeRefused) as disabled:
        envelope_open(data, PAYLOAD)
    data["sender"] = "CN-DEMO/GOV/NOBODY/SYS"
    with pytest.raises(EnvelopeRefused) as unknown:
        envelope_open(data, PAYLOAD)

    assert disabled.value.code == ExchangeErrorCode.SENDER_DISABLED
    assert unknown.value.code == ExchangeErrorCode.UNKNOWN_SENDER
    assert _refusal_codes() == [ExchangeErrorCode.SENDER_DISABLED, ExchangeErrorCode.UNKNOWN_SENDER]


def test_malformed_envelope_names_the_missing_fields():
    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open({"sender": "x", "created_at": "yesterday"}, PAYLOAD)

    assert refused.value.code == ExchangeErrorCode.MALFORMED_ENVELOPE
    assert {"message_id", "signature", "kid"} <= set(refused.value.fields)


def test_message_log_chain_names_the_first_modified_record():
    sender = SubsystemFactory()
    for n in range(3):
        envelope = envelope_seal(sender=sender.identifier, payload={"n": n})
        log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload={"n": n})
    assert log_verify() == []

    second = MessageLogRecord.objects.get(partition=sender.identifier, seq=2)
    second.target = "somewhere.else"
    second.save()

    [broken] = log_verify()
    assert (broken.partition, broken.seq, broken.problem) == (sender.identifier, 2, "modified")


def test_metadata_level_keeps_the_hash_not_the_payload():
    sender = SubsystemFactory(log_level="metadata")
    envelope = envelope_seal(sender=sender.identifier, payload=PAYLOAD)

    record = log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload=PAYLOAD)

    assert record.payload is None
    assert record.payload_hash == envelope.payload_hash
    assert log_verify() == []
