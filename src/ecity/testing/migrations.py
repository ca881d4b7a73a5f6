"""Helpers for migration tests: reach an older schema, then upgrade to the latest one.

Migrating back from the latest schema to an old one makes Django rebuild the model state of
every migration it undoes (minutes on this project). A test whose old rows are all made in the
old schema does not need that: ``migrate_empty_to`` drops every table and migrates forward to
the old schema, which gives the same empty old schema in the time of the migrations up to it.
A test that makes its rows in the latest schema first (to see them survive the round trip) still
migrates back with ``MigrationExecutor(connection).migrate(targets)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

Target = tuple[str, str | None]


def migrate_to_latest() -> None:
    """Apply every migration not yet applied (the end of an upgrade test, and its clean-up)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _drop_every_table() -> None:
    tables = connection.introspection.table_names(include_views=False)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")


def migrate_empty_to(targets: Sequence[Target]) -> ProjectState:
    """Empty the database and migrate it forward to ``targets``; return the state reached.

    The schema reached is the one migrating back to ``targets`` would leave: every migration
    that does not depend on what ``targets`` undo stays applied (other apps' tables too).

    For transactional tests (``django_db(transaction=True)``) whose old rows are made in the old
    schema: every table (and row) of the test database is dropped. Use the returned state's
    ``.apps`` for the old models; end with ``migrate_to_latest()``.
    """
    executor = MigrationExecutor(connection)
    # What migrating back would undo, from the database's applied migrations (the latest).
    undone = {(m.app_label, m.name) for m, _backwards in executor.migration_plan(list(targets))}
    graph = executor.loader.graph
    kept: dict[str, tuple[int, str]] = {}
    for app_label, name in graph.leaf_nodes():
        del name  # every app with migrations; its furthest migration not undone is its target
        for node in graph.nodes:
            if node[0] == app_label and node not in undone:
                depth = len(graph.forwards_plan(node))
                if depth > kept.get(app_label, (-1, ""))[0]:
                    kept[app_label] = (depth, node[1])
    _drop_every_table()
    executor = MigrationExecutor(connection)
    return executor.migrate([(app_label, name) for app_label, (_depth, name) in kept.items()])
