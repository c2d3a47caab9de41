"""The full-text index: one contentless FTS5 table, `search_fts`, whose rowid is `messages.id`.

The import engine calls `index_messages` inside its batch transaction right after inserting the
messages, so the index never disagrees with the store. The table is contentless (the text lives
once, in `messages`), with `contentless_delete=1` so rows can be removed by rowid alone; snippets
are made in Python from `messages.text` (see `snippet.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from chatvault.search.text import TOKENIZER_VERSION, spaced

TABLE = "search_fts"
SETTING_VERSION = "search.tokenizer_version"
_BATCH = 5000


def _prepared(rows: Iterable[tuple[int, str | None]]) -> Iterator[tuple[int, str]]:
    for rowid, text in rows:
        if text:
            yield rowid, spaced(text)


def index_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Add (message id, text) rows to the index. Runs in the caller's transaction; rows without
    text are skipped. An id already in the index must be removed first (`unindex_messages`)."""
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", _prepared(rows))


def unindex_messages(conn: Any, ids: Iterable[int]) -> None:
    """Remove messages from the index (ids not in the index are ignored)."""
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((int(i),) for i in ids))


def reindex_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Replace the indexed text of messages whose text changed (edits)."""
    rows = list(rows)
    unindex_messages(conn, (r[0] for r in rows))
    index_messages(conn, rows)


def reindex_all(conn: Any, ctx: Any = None) -> int:
    """Rebuild the whole index from `messages` in one transaction; returns messages indexed.

    With a `JobContext`, reports progress and honours cancel (the transaction is rolled back, so
    the old index stays intact). Opens its own transaction unless the caller already has one.
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        count = rebuild(conn, ctx)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    return count


def rebuild(conn: Any, ctx: Any = None) -> int:
    """Empty and refill the index inside the current transaction."""
    total = int(conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL AND text != ''").fetchone()[0])
    if ctx is not None:
        ctx.set_total(items=total)
        ctx.status("rebuilding the search index")
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 0)")
    last = -1 << 62
    done = 0
    while True:
        if ctx is not None:
            ctx.check()
        batch = conn.execute(
            "SELECT id, text FROM messages WHERE id > ? AND text IS NOT NULL AND text != '' ORDER BY id LIMIT ?",
            (last, _BATCH),
        ).fetchall()
        if not batch:
            break
        rows = [(r[0], r[1]) for r in batch]
        index_messages(conn, rows)
        last = rows[-1][0]
        done += len(rows)
        if ctx is not None:
            ctx.advance(items=len(rows))
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 4)")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    set_version(conn)
    return done


def set_version(conn: Any) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SETTING_VERSION, str(TOKENIZER_VERSION)),
    )


def index_is_current(conn: Any) -> bool:
    """False when the index was built by an older tokenizer and `chatvault reindex` is needed."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING_VERSION,)).fetchone()
    return row is not None and str(row[0]) == str(TOKENIZER_VERSION)
