"""Full-text search: a contentless FTS5 index over message text (docs/search.md).

Triggers keep the index honest when messages are deleted or their text changes; the insert side
is done by the import engine through `chatvault.search.index`, because the CJK preprocessing runs
in Python. Frozen like every step: the tokenizer string and the automerge setting are the ones
this step shipped with, written out here, not read from the live search code.
"""

from __future__ import annotations

from chatvault.store.migrations import flag_search_rebuild

STATEMENTS = [
    # unicode61 with diacritics removed, letters/numbers/private-use/symbols as token characters.
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='', contentless_delete=1, "
    "tokenize=\"unicode61 remove_diacritics 2 categories 'L* N* Co So'\")",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 8)",
    "CREATE TABLE search_pending (id INTEGER PRIMARY KEY)",
    # Newest-first over all chats: walk messages in time order and keep those that match
    # (see chatvault/search/api.py for when that beats sorting the matches).
    "CREATE INDEX messages_by_ts ON messages (ts)",
    # "All files / payments / links", with or without text, without reading every message.
    "CREATE INDEX messages_by_kind ON messages (kind, ts)",
    "CREATE TRIGGER search_fts_after_delete AFTER DELETE ON messages BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "DELETE FROM search_pending WHERE id = old.id; END",
    "CREATE TRIGGER search_fts_after_update AFTER UPDATE OF text ON messages "
    "WHEN old.text IS NOT new.text BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "INSERT OR IGNORE INTO search_pending(id) VALUES (new.id); END",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    # Vaults that already hold messages get them indexed when the vault is opened (the flag).
    flag_search_rebuild(conn)
