"""Inserting many rows fast: PostgreSQL ``COPY``, elsewhere ``bulk_create``.

A registry import writes about a dozen rows per record (the record, each attribute's provenance
and change-log row). Django's ``bulk_create`` builds a model instance and a prepared parameter
per value; for a million records that Python work, not the database, is the bottleneck. Here
rows are plain dicts (attname → Python value) turned into database values with each field's
own ``get_db_prep_save`` (so encrypted fields are encrypted exactly as on save) and streamed
with ``COPY … FROM STDIN``. Nothing runs ``pre_save``: callers give every value, including
``created_at``/``updated_at`` and blind indexes. On other databases (SQLite) the rows become
instances for ``bulk_create``.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Model

from ecity.core.fields import BlindIndexField

# Field types whose Python values psycopg writes correctly as they are.
_NATIVE = {
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.ForeignKey,
    models.IntegerField,
    models.OneToOneField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.TextField,
    models.UUIDField,
    BlindIndexField,
}


_VARIANT = {f"{n:x}": f"{8 | (n & 3):x}" for n in range(16)}


def uuid4_many(count: int) -> list[str]:
    """``count`` random (version 4, RFC 4122) UUIDs as 32 hex digits, as ``uuid.uuid4().hex``
    makes them but from one read of the system's random source and without a ``UUID`` object
    each: an import makes one per row it writes, a dozen per record. A ``UUIDField`` takes
    them as they are (``COPY`` and ``bulk_create`` alike)."""
    digits = os.urandom(16 * count).hex()
    return [
        f"{digits[i : i + 12]}4{digits[i + 13 : i + 16]}{_VARIANT[digits[i + 16]]}"
        f"{digits[i + 17 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def ids_reserve(model: type[Model], count: int) -> list[int] | None:
    """Reserve ``count`` primary keys of ``model`` (PostgreSQL); None elsewhere."""
    if connection.vendor != "postgresql" or count == 0:
        return None
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def instance_row(obj: Model) -> dict[str, Any]:
    """Every concrete field of ``obj`` as attname → value (for ``rows_insert``)."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def rows_insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same attnames) into ``model``'s table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    names = set(rows[0])
    fields = [f for f in model._meta.concrete_fields if f.attname in names]
    # Values psycopg adapts itself go as they are; the others (encrypted text, …) through the
    # field's own conversion.
    fields.sort(key=lambda f: type(f) not in _NATIVE)
    plain = [f.attname for f in fields if type(f) in _NATIVE]
    prepared = [(f.attname, f.get_db_prep_save) for f in fields if type(f) not in _NATIVE]
    database = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-thread proxy
    columns = ", ".join(database.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {database.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with database.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [row[name] for name in plain]
                + [to_db(row[name], database) for name, to_db in prepared]
            )
