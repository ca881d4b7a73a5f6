"""Case numbers (办件编号) and query codes (查询码).

A case number reads ``2026-SCJ-000123``: the year of submission, the lead department's code and
a sequence per (year, department) that starts at 1 every year. The sequence lives in a
``CaseNumberSequence`` row that is incremented with an ``UPDATE … SET last = last + 1`` inside
the submitting transaction: the row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE
transactions) serialises concurrent submissions, and a rolled-back submission gives its number
back, so numbers have no gaps caused by failed submissions.

A query code lets anyone holding the receipt follow the case without logging in. It has 8
characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with ``secrets``, so
guessing one is hopeless (31⁸ ≈ 8.5 × 10¹¹) even before rate limiting.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from ecity.cases.models import CaseNumberSequence

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
SEQUENCE_DIGITS = 6


def _increment(*, year: int, department_code: str) -> int:
    return CaseNumberSequence.objects.filter(year=year, department_code=department_code).update(
        last=F("last") + 1
    )


def case_number_allocate(*, department_code: str, on: dt.date) -> str:
    """Return the next case number of ``department_code`` in the year of ``on``.

    Must run inside the transaction that creates the case (the sequence row stays locked until
    it commits). The first number of a year creates the row; two first submissions racing for it
    are resolved by the unique constraint: the loser increments the winner's row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_allocate must run inside transaction.atomic")
    year = on.year
    if not _increment(year=year, department_code=department_code):
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(
                    year=year, department_code=department_code, last=1
                )
        except IntegrityError:
            _increment(year=year, department_code=department_code)
    last = (
        CaseNumberSequence.objects.filter(year=year, department_code=department_code)
        .values_list("last", flat=True)
        .get()
    )
    return f"{year}-{department_code}-{last:0{SEQUENCE_DIGITS}d}"


def query_code_generate() -> str:
    """Return a new random query code (8 characters, no ambiguous letters or digits)."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def query_code_normalise(value: str) -> str:
    """Upper-case a typed query code and drop spaces and dashes people add when copying it."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -\t")


def query_code_matches(expected: str, given: str) -> bool:
    """Compare a typed query code with the stored one in constant time."""
    return hmac.compare_digest(
        query_code_normalise(expected).encode(), query_code_normalise(given).encode()
    )
