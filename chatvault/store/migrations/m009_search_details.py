"""Search finds every string a message shows: a two-column index, rebuilt from the stored messages.

`body` holds the text and the details a chat shows with it (memos, titles, file and place names,
poll options, call types: `chatvault/search/fields.py`), `quote` the quoted text of a reply, which
ranks at a quarter of `body` so the quoted message comes first. Changes of a message's kind or
details now also queue it for indexing again, as changes of its text did. Vaults made before get
their index rebuilt when they are opened right after this step (the flag; docs/search.md).
"""

from __future__ import annotations

from chatvault.store.migrations import flag_search_rebuild

STATEMENTS = [
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TABLE search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, quote, content='', contentless_delete=1, "
    "tokenize=\"unicode61 remove_diacritics 2 categories 'L* N* Co So'\")",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 8)",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(1.0, 0.25)')",
    "CREATE TRIGGER search_fts_after_update AFTER UPDATE OF text, kind, extra ON messages "
    "WHEN old.text IS NOT new.text OR old.kind IS NOT new.kind OR old.extra IS NOT new.extra BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "INSERT OR IGNORE INTO search_pending(id) VALUES (new.id); END",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    flag_search_rebuild(conn)
