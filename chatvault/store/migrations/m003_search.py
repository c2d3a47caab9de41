"""Full-text search: a contentless FTS5 index over message text, keyed by time (docs/search.md).

Triggers keep the index honest when messages are deleted or their text or time changes; the
insert side is done by the import engine through `chatvault.search.index.index_messages`, because
the CJK preprocessing runs in Python.
"""

from __future__ import annotations

from chatvault.search.index import PENDING, TABLE, key_sql, rebuild
from chatvault.search.text import FTS_TOKENIZE


def up(conn) -> None:
    tokenize = FTS_TOKENIZE.replace('"', '""')
    conn.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f'body, content=\'\', contentless_delete=1, tokenize="{tokenize}")'
    )
    conn.execute(f"CREATE TABLE {PENDING} (id INTEGER PRIMARY KEY)")
    conn.execute(
        f"CREATE TRIGGER search_fts_after_delete AFTER DELETE ON messages BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = {key_sql('old')}; "
        f"DELETE FROM {PENDING} WHERE id = old.id; END"
    )
    conn.execute(
        f"CREATE TRIGGER search_fts_after_update AFTER UPDATE OF text, ts ON messages "
        f"WHEN old.text IS NOT new.text OR old.ts IS NOT new.ts BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = {key_sql('old')}; "
        f"INSERT OR IGNORE INTO {PENDING}(id) VALUES (new.id); END"
    )
    # Vaults that already hold messages get them indexed in the same step.
    rebuild(conn)
