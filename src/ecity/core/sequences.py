"""Gap-free numbering per scope: case numbers, decision numbers, certificate serials, and more.

``sequence_next(scope="cases:2026:SCJ")`` returns 1, 2, 3, … for each scope. The scope's row
in ``core.Sequence`` is incremented with ``UPDATE … SET last = last + 1`` inside the caller's
transaction: the row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE transactions)
serialises concurrent callers until the caller commits, and a rolled-back caller gives its
number back, so a series has neither gaps from failed writes nor repeats.

The first number of a scope creates its row; two first callers racing for it are resolved by
the unique constraint: the loser increments the winner's row. Callers keep their transaction
short after taking a number (the row stays locked until they commit, and every other caller of
the scope waits for it): take the number as the last write before commit where the number is
not needed earlier (``hotline.services.intake.ticket_receive`` inserts the ticket with a
placeholder and takes the day's number after its other writes), and render PDFs and send
messages after commit, not while holding a sequence.

Scopes in use (an app names its own; keep them stable, they are data):
``cases:<year>:<department code>`` (case numbers), ``decision:<department code>:<year>``
(decision documents), ``certificate:<type code>:<issuer USCC>`` (certificate serials).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from ecity.core.models import Sequence

MAX_SCOPE_LENGTH = 150


def _increment(scope: str) -> int | None:
    """Add one to the scope's row and return the new value (None when the row is missing).

    PostgreSQL and SQLite (3.35+) return it from the UPDATE itself (one statement a number);
    other databases read it back in the same transaction, under the row lock just taken.
    """
    if connection.vendor in {"postgresql", "sqlite"}:
        quote = connection.ops.quote_name
        table, last, scope_column = (
            quote(Sequence._meta.db_table),
            quote("last"),
            quote("scope"),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {last} = {last} + 1 WHERE {scope_column} = %s "  # noqa: S608
                f"RETURNING {last}",
                [scope],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    if not Sequence.objects.filter(scope=scope).update(last=F("last") + 1):
        return None
    return Sequence.objects.filter(scope=scope).values_list("last", flat=True).get()


def sequence_next(*, scope: str) -> int:
    """Return the next number of ``scope`` (1 for a new scope), never the same one twice.

    Rules: must run inside ``transaction.atomic`` (the number is only taken if the caller
    commits); ``scope`` is 1 to 150 characters. Side effects: creates the scope's row on first
    use. Errors: ``RuntimeError`` outside a transaction, ``ValueError`` for a bad scope.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside transaction.atomic")
    if not scope or len(scope) > MAX_SCOPE_LENGTH:
        raise ValueError(f"a sequence scope has 1 to {MAX_SCOPE_LENGTH} characters: {scope!r}")
    number = _increment(scope)
    if number is not None:
        return number
    try:
        with transaction.atomic():
            Sequence.objects.create(scope=scope, last=1)
        return 1
    except IntegrityError:
        # Another first caller created the row meanwhile: take the next number of its series.
        number = _increment(scope)
    if number is None:  # the row exists (the insert failed on it): cannot happen
        raise RuntimeError(f"sequence {scope!r} vanished")
    return number


def sequence_last(*, scope: str) -> int:
    """Return the last number handed out in ``scope`` (0 if none yet), for display and checks."""
    return Sequence.objects.filter(scope=scope).values_list("last", flat=True).first() or 0
