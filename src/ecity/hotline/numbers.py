"""Ticket numbers (工单编号), query codes (查询码) and the caller's phone number as a lookup key.

A ticket number reads ``12345-20260314-000123``: the hotline number, the local date of intake
and a sequence per day that starts at 1 every day: the gap-free sequence
``hotline:<yyyymmdd>`` (``ecity.core.sequences``), taken inside the intake transaction, so
concurrent intakes get distinct numbers and a rolled-back intake gives its number back.

The day's sequence row stays locked from the moment a number is taken until the intake commits:
every intake of the day queues on it. ``ticket_receive`` therefore inserts the ticket with a
placeholder (``number_placeholder``: ``~`` and the ticket's public ID, unique, never shown: the
transaction commits only with the real number) and takes the number after the ticket, its
attachments and its RECEIVE event are written; only the number's own UPDATE, the audit entry and
the notification that show it follow before the commit. Numbers stay gap-free.

A query code has 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
``secrets`` (31⁸ ≈ 8.5 × 10¹¹ codes), so guessing one is hopeless even before rate limiting.

Phone numbers are stored encrypted; ``phone_index`` is the keyed blind index of the normalised
number (``core.crypto.blind_index``) that finds a caller's earlier tickets without decrypting.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import uuid

from ecity.core.crypto import blind_index
from ecity.core.sequences import sequence_next

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
SEQUENCE_DIGITS = 6
TICKET_NUMBER_PREFIX = "12345"
PHONE_INDEX_PURPOSE = "hotline-caller-phone"
PHONE_PATTERN = re.compile(r"\d{3,20}")


def ticket_number_scope(*, on: dt.date) -> str:
    """The sequence scope of the ticket numbers of the day ``on``."""
    return f"hotline:{on:%Y%m%d}"


def ticket_number_allocate(*, on: dt.date) -> str:
    """Return the next ticket number of the day ``on`` (inside the intake's transaction)."""
    last = sequence_next(scope=ticket_number_scope(on=on))
    return f"{TICKET_NUMBER_PREFIX}-{on:%Y%m%d}-{last:0{SEQUENCE_DIGITS}d}"


def number_placeholder(public_id: uuid.UUID) -> str:
    """The unique stand-in number a ticket holds inside its intake transaction."""
    return f"~{public_id.hex}"


def query_code_generate() -> str:
    """Return a new random query code (8 characters, no ambiguous letters or digits)."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def query_code_normalise(value: str) -> str:
    """Upper-case a typed query code and drop the spaces and dashes people add."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -\t")


def query_code_matches(expected: str, given: str) -> bool:
    """Compare a typed query code with the stored one in constant time."""
    return hmac.compare_digest(
        query_code_normalise(expected).encode(), query_code_normalise(given).encode()
    )


def phone_normalise(value: str) -> str:
    """The digits of a phone number, without separators and the +86/0086 country prefix."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits.replace("+", "")


def phone_is_valid(value: str) -> bool:
    """Whether ``value`` normalises to a plausible phone number (3 to 20 digits)."""
    return bool(PHONE_PATTERN.fullmatch(phone_normalise(value)))


def phone_index(value: str) -> str:
    """The blind index of a phone number ("" for none), for the caller-history lookup."""
    normalised = phone_normalise(value)
    return blind_index(normalised, purpose=PHONE_INDEX_PURPOSE) if normalised else ""
