"""The envelope's data shape and its one canonical byte form (hashed and signed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext as _

from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode

VERSION = "ecity-envelope/1"


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that is hashed and signed."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def payload_hash(payload: Any) -> str:
    """``sha256:<hex>`` of the payload's canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class Envelope:
    """The header of one message. ``signature`` is base64url over ``signed_bytes()``."""

    message_id: str
    sender: str
    created_at: str
    payload_hash: str
    alg: str
    kid: str
    receiver: str = ""
    topic: str = ""
    event_type: str = ""
    service: str = ""
    correlation_id: str = ""
    key: str = ""
    user_id: str = ""
    purpose: str = ""
    version: str = VERSION
    signature: str = ""

    def header(self) -> dict[str, str]:
        # every field is a str: no deep copy (``asdict``) needed; this runs once per message
        return {name: getattr(self, name) for name in _HEADER_FIELDS}

    def signed_bytes(self) -> bytes:
        return canonical_json(self.header())

    def to_dict(self) -> dict[str, str]:
        # Every field is a str: a shallow copy is what ``dataclasses.asdict`` returns, without
        # its deep copy (which cost more than the Ed25519 signature on the gateway's hot path).
        return dict(self.__dict__)

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)

    @classmethod
    def from_dict(cls, data: Any) -> Envelope:
        """Read an envelope from JSON. Raises ``EnvelopeRefused`` naming the bad fields."""
        if not isinstance(data, dict):
            raise EnvelopeRefused(code=ExchangeErrorCode.MALFORMED_ENVELOPE)
        names = {f.name for f in fields(cls)}
        problems: dict[str, list[str]] = {}
        for name in sorted(set(data) - names):
            problems[name] = [_("Unknown envelope field.")]
        required = ("message_id", "sender", "created_at", "payload_hash", "alg", "kid", "signature")
        for name in required:
            if not data.get(name):
                problems[name] = [_("This field is required.")]
        for name in names & set(data):
            if not isinstance(data[name], str) or len(data[name]) > 512:
                problems[name] = [_("Expected a text of at most 512 characters.")]
        if not problems:
            try:
                created = dt.datetime.fromisoformat(data["created_at"])
            except ValueError:
                created = None
            if created is None or created.tzinfo is None:
                problems["created_at"] = [_("Expected an ISO 8601 time with its offset.")]
        if data.get("version", VERSION) != VERSION:
            problems["version"] = [_("Unsupported envelope version.")]
        if problems:
            raise EnvelopeRefused(code=ExchangeErrorCode.MALFORMED_ENVELOPE, fields=problems)
        return cls(**{k: v for k, v in data.items() if k in names})


_HEADER_FIELDS = tuple(f.name for f in fields(Envelope) if f.name != "signature")
