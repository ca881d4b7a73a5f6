"""Set one column of many rows to per-row values in a few statements.

``QuerySet.bulk_update`` builds a ``CASE WHEN`` expression per row through the ORM, which costs
milliseconds a row in Python; bulk loaders (the demo city's year of hotline history, which must
keep past ``created_at`` values that ``auto_now_add`` replaced on insert) set thousands. This
helper sends the values as a ``VALUES`` list joined to the table instead (names quoted,
values bound): one statement per
chunk, values adapted by the field as the ORM would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connections, models, router

CHUNK = 500


def column_values_set(
    model: type[models.Model], field_name: str, values: Mapping[Any, Any], *, using: str = ""
) -> int:
    """Set ``field_name`` of the rows of ``model`` whose primary keys are the keys of ``values``.

    Rows not in ``values`` are untouched; returns the number of rows updated. PostgreSQL and
    SQLite (3.33+, ``UPDATE … FROM``); raises ``NotImplementedError`` on other databases.
    """
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise NotImplementedError(f"column_values_set: no support for {connection.vendor}")
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or field.primary_key:
        raise ValueError(f"{model.__name__}.{field_name} is not a settable column")
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table, column, pk_column = (
        quote(model._meta.db_table),
        quote(field.column),
        quote(pk.column),
    )
    db_type = field.db_type(connection) or ""
    cast = f"::{db_type}" if connection.vendor == "postgresql" and db_type else ""
    items = list(values.items())
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            rows = ", ".join([f"(%s, %s{cast})"] * len(chunk))
            params: list[Any] = []
            for key, value in chunk:
                params.append(pk.get_db_prep_value(key, connection))
                params.append(field.get_db_prep_value(value, connection, prepared=False))
            # The columns of a VALUES list are column1, column2 in both databases.
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {rows}) AS v "  # noqa: S608
                f"WHERE {table}.{pk_column} = v.column1",
                params,
            )
            updated += cursor.rowcount
    return updated
