"""Indexes for searching a large index in bounded time (``selectors.query``).

* ``published_at`` (newest first) and ``boost`` (popular documents only): the orders in which
  candidates are taken when a query matches more documents than are ranked exactly.
* PostgreSQL only, outside the model state like migration 0002:
  - ``title_vector``, a generated ``tsvector`` of the title, keywords and pinyin (the words that
    weigh most) with its GIN index: title matches are found, and given a first score, without
    reading the large body vector;
  - a GIN index of ``search_vector`` over one document in ``SAMPLE_EVERY`` (by id): totals and
    facets of a large result are estimated from it.
  SQLite needs neither: FTS5 restricts a match to columns itself and counts matches fast.
"""

from django.db import migrations, models

SAMPLE_EVERY = 64  # keep equal to ecity.search.backends.postgres.SAMPLE_EVERY

POSTGRES = [
    "ALTER TABLE search_indexeddocument ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, keyword_tokens || ' ' || pinyin_tokens), 'B')"
    ") STORED",
    "CREATE INDEX search_doc_title_vector ON search_indexeddocument USING GIN (title_vector)",
    "CREATE INDEX search_doc_vector_sample ON search_indexeddocument USING GIN (search_vector) "
    f"WHERE id %% {SAMPLE_EVERY} = 0",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_doc_vector_sample",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS title_vector",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.AddIndex(
            model_name="indexeddocument",
            index=models.Index(fields=["-published_at"], name="search_doc_published"),
        ),
        migrations.AddIndex(
            model_name="indexeddocument",
            index=models.Index(
                models.F("boost").desc(),
                condition=models.Q(boost__gt=1.0),
                name="search_doc_popular",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
