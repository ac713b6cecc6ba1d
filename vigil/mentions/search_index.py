"""Keep SQLite's FTS5 search table and its triggers in place.

Django rebuilds a SQLite table to alter it (create, copy, drop, rename), which drops
the triggers that keep ``mentions_mention_fts`` in step. After every migrate this
recreates any missing trigger and, if one was missing, rebuilds the index.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

TRIGGERS = {
    "mentions_fts_ai": (
        "CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions_mention BEGIN "
        "INSERT INTO mentions_mention_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "mentions_fts_ad": (
        "CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions_mention BEGIN "
        "INSERT INTO mentions_mention_fts(mentions_mention_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "mentions_fts_au": (
        "CREATE TRIGGER mentions_fts_au AFTER UPDATE OF search_text ON mentions_mention BEGIN "
        "INSERT INTO mentions_mention_fts(mentions_mention_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO mentions_mention_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def ensure_sqlite_search_index(alias: str = "default") -> bool:
    """Recreate missing triggers (and rebuild the index then); True when it repaired."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'mentions_mention_fts'"
        )
        if cursor.fetchone() is None:
            return False  # before migration 0004
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'mentions_fts_%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(TRIGGERS[name])
        if missing:
            cursor.execute(
                "INSERT INTO mentions_mention_fts(mentions_mention_fts) VALUES ('rebuild')"
            )
    return bool(missing)


def ensure_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "vigil.mentions":
        ensure_sqlite_search_index(using)
