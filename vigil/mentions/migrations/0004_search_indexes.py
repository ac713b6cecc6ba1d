"""Search indexes over Mention.search_text, per database.

SQLite: an FTS5 table with the trigram tokenizer (substring search for terms of three
or more characters), kept in step by triggers. PostgreSQL: pg_trgm for Latin and long
terms, and a tsvector of single CJK characters so a two-character Chinese word is an
indexed phrase query ('降' <-> '价').
"""

from __future__ import annotations

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE mentions_mention_fts USING fts5("
    "search_text, content='mentions_mention', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions_mention BEGIN "
    "INSERT INTO mentions_mention_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions_mention BEGIN "
    "INSERT INTO mentions_mention_fts(mentions_mention_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER mentions_fts_au AFTER UPDATE OF search_text ON mentions_mention BEGIN "
    "INSERT INTO mentions_mention_fts(mentions_mention_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO mentions_mention_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO mentions_mention_fts(mentions_mention_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS mentions_fts_au",
    "DROP TRIGGER IF EXISTS mentions_fts_ad",
    "DROP TRIGGER IF EXISTS mentions_fts_ai",
    "DROP TABLE IF EXISTS mentions_mention_fts",
]
# Must match vigil.mentions.search.PG_CJK_VECTOR exactly, or the index is not used.
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS mention_search_trgm ON mentions_mention "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS mention_search_cjk ON mentions_mention USING gin "
    "(to_tsvector('simple'::regconfig, regexp_replace(search_text, '([\\u3400-\\u9fff])', ' \\1 ', 'g')))",
]
PG_DOWN = ["DROP INDEX IF EXISTS mention_search_cjk", "DROP INDEX IF EXISTS mention_search_trgm"]


def _run(statements: dict[str, list[str]]):  # noqa: ANN202
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("mentions", "0003_search_text")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
