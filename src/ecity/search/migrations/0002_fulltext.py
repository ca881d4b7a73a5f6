"""The vendor's full-text index over the segmented columns (not part of the model state).

SQLite: an FTS5 table with external content (``search_indexeddocument``) and triggers keeping it
in step. Caution: a later migration that alters ``search_indexeddocument`` makes SQLite rebuild
the table and drops its triggers; such a migration must call ``sqlite_install`` again and
``INSERT INTO search_fts(search_fts) VALUES('rebuild')``.

PostgreSQL: a generated ``tsvector`` column (title A, keywords and pinyin B, body C) with a GIN
index, and a ``text_pattern_ops`` index on titles for suggestion prefixes (Django adds
the ``_like`` indexes of the other prefix columns itself).
"""

from django.db import migrations

COLUMNS = "title_tokens, keyword_tokens, body_tokens, pinyin_tokens"
NEW = ", ".join(f"new.{c.strip()}" for c in COLUMNS.split(","))
OLD = ", ".join(f"old.{c.strip()}" for c in COLUMNS.split(","))

SQLITE = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({COLUMNS}, "
    "content='search_indexeddocument', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    "ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, keyword_tokens || ' ' || pinyin_tokens), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'C')) STORED",
    "CREATE INDEX search_doc_vector ON search_indexeddocument USING GIN (search_vector)",
    "CREATE INDEX search_doc_title_prefix ON search_indexeddocument (title text_pattern_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_doc_title_prefix",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
]


def sqlite_install(schema_editor):
    for statement in SQLITE:
        schema_editor.execute(statement)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_install(schema_editor)
    elif vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(install, uninstall)]
