"""Full-text search: a contentless FTS5 index over message text (docs/search.md).

Triggers keep the index honest when messages are deleted or their text changes; the
insert side is done by the import engine through `chatvault.search.index.index_messages`, because
the CJK preprocessing runs in Python.
"""

from __future__ import annotations

from chatvault.search.index import AUTOMERGE, PENDING, TABLE, rebuild
from chatvault.search.text import FTS_TOKENIZE


def up(conn) -> None:
    tokenize = FTS_TOKENIZE.replace('"', '""')
    conn.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f'body, content=\'\', contentless_delete=1, tokenize="{tokenize}")'
    )
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', {AUTOMERGE})")
    conn.execute(f"CREATE TABLE {PENDING} (id INTEGER PRIMARY KEY)")
    # Newest-first over all chats: walk messages in time order and keep those that match
    # (see chatvault/search/api.py for when that beats sorting the matches).
    conn.execute("CREATE INDEX messages_by_ts ON messages (ts)")
    # "All files / payments / links", with or without text, without reading every message.
    conn.execute("CREATE INDEX messages_by_kind ON messages (kind, ts)")
    conn.execute(
        f"CREATE TRIGGER search_fts_after_delete AFTER DELETE ON messages BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        f"DELETE FROM {PENDING} WHERE id = old.id; END"
    )
    conn.execute(
        f"CREATE TRIGGER search_fts_after_update AFTER UPDATE OF text ON messages "
        f"WHEN old.text IS NOT new.text BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        f"INSERT OR IGNORE INTO {PENDING}(id) VALUES (new.id); END"
    )
    # Vaults that already hold messages get them indexed in the same step.
    rebuild(conn)
