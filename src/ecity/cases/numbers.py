"""Case numbers (办件编号) and query codes (查询码).

A case number reads ``2026-SCJ-000123``: the year of submission, the lead department's code and
a sequence per (year, department) that starts at 1 every year: the platform's gap-free
sequence ``cases:<year>:<department code>`` (``ecity.core.sequences``), taken inside the
submitting transaction, so concurrent submissions get distinct numbers and a rolled-back
submission gives its number back.

A query code lets anyone holding the receipt follow the case without logging in. It has 8
characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with ``secrets``, so
guessing one is hopeless (31⁸ ≈ 8.5 × 10¹¹) even before rate limiting.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from ecity.core.sequences import sequence_next

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
SEQUENCE_DIGITS = 6


def case_number_scope(*, department_code: str, year: int) -> str:
    """The sequence scope of ``department_code``'s case numbers in ``year``."""
    return f"cases:{year}:{department_code}"


def case_number_allocate(*, department_code: str, on: dt.date) -> str:
    """Return the next case number of ``department_code`` in the year of ``on``.

    Must run inside the transaction that creates the case (the sequence row stays locked until
    it commits); raises ``RuntimeError`` otherwise.
    """
    year = on.year
    last = sequence_next(scope=case_number_scope(department_code=department_code, year=year))
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
