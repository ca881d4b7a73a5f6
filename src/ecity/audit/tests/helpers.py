"""Test helpers: tamper with the trail the way an attacker with database access would."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_disabled():
    """On PostgreSQL, switch off the append-only trigger (inside the test's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks of earlier inserts are
            # pending in this transaction: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only"
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only"
                )
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        yield


def raw_sql(sql: str, params: list | tuple = ()) -> None:
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def seal(*entries):
    """Run the sealer (as after the commit of the entries' transaction); return them reloaded.

    Inside a test's transaction ``transaction.on_commit`` never fires, so tests of the chain seal
    explicitly what a committed transaction's after-commit sealer would have sealed.
    """
    from ecity.audit.sealing import audit_entries_seal

    audit_entries_seal()
    for entry in entries:
        entry.refresh_from_db()
    return list(entries)
