"""Search finds every string a message shows: a two-column index, rebuilt from the stored messages.

`body` holds the text and the details a chat shows with it (memos, titles, file and place names,
poll options, call types: `chatvault/search/fields.py`), `quote` the quoted text of a reply, which
ranks at a quarter of `body` so the quoted message comes first. Changes of a message's kind or
details now also queue it for indexing again, as changes of its text did. Vaults made before get
their index rebuilt here, in the same step (docs/search.md).
"""

from __future__ import annotations

from chatvault.search.index import AUTOMERGE, PENDING, TABLE, rebuild
from chatvault.search.text import FTS_TOKENIZE


def up(conn) -> None:
    conn.execute("DROP TRIGGER IF EXISTS search_fts_after_update")
    conn.execute(f"DROP TABLE {TABLE}")
    tokenize = FTS_TOKENIZE.replace('"', '""')
    conn.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f'body, quote, content=\'\', contentless_delete=1, tokenize="{tokenize}")'
    )
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', {AUTOMERGE})")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('rank', 'bm25(1.0, 0.25)')")
    conn.execute(
        f"CREATE TRIGGER search_fts_after_update AFTER UPDATE OF text, kind, extra ON messages "
        f"WHEN old.text IS NOT new.text OR old.kind IS NOT new.kind OR old.extra IS NOT new.extra BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        f"INSERT OR IGNORE INTO {PENDING}(id) VALUES (new.id); END"
    )
    rebuild(conn)
