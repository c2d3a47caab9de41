"""The full-text index: one contentless FTS5 table, `search_fts`, whose rowid is `messages.id`.

The import engine calls `index_messages` inside its batch transaction right after inserting the
messages, so the index never disagrees with the store. Deleting a message removes it from the
index by trigger; changing a message's text moves it to `search_pending`, which the next
`index_messages` / `sync` call (or `chatvault reindex`) indexes again. The table is contentless
(the text lives once, in `messages`, with `contentless_delete=1` so rows are removed by rowid);
snippets are made in Python from `messages.text`. Why not a time-ordered rowid: docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chatvault import faults
from chatvault.errors import ChatVaultError, StorageError
from chatvault.search.text import TOKENIZER_VERSION, spaced
from chatvault.store.db import DatabaseError, classify, rollback

TABLE = "search_fts"
PENDING = "search_pending"
SETTING_VERSION = "search.tokenizer_version"
_BATCH = 5000
# FTS5 merges 8 segments of a level at once instead of 4: ~+20 % insert speed measured
# (docs/search.md), a few more segments for a query to read between merges.
AUTOMERGE = 8


def _prepared(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, str]]:
    for row in rows:
        if row[1]:
            yield row[0], spaced(row[1])


def index_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Index messages just inserted, in the caller's transaction.

    `rows` are `(message id, text)` (further fields, e.g. ts, are accepted and ignored); rows
    without text are skipped. Also indexes anything left in `search_pending` (messages edited
    since they were indexed).
    """
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", _prepared(rows))
    sync(conn)


def index_prepared(conn: Any, rows: Iterable[tuple[int, str]]) -> None:
    """Like `index_messages`, for rows whose text already went through `text.spaced()`.

    The import engine spaces the text in its parse process, so the writer only inserts.
    """
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", rows)
    sync(conn)


def unindex_messages(conn: Any, ids: Iterable[int]) -> None:
    """Remove messages from the index (ids not in it are ignored). Deleting rows from `messages`
    does this by trigger; this is for callers that want a message out of search results."""
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((int(i),) for i in ids))


def reindex_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Replace the indexed text of messages whose text changed (edits)."""
    rows = list(rows)
    unindex_messages(conn, (r[0] for r in rows))
    index_messages(conn, rows)


def sync(conn: Any) -> int:
    """Index the messages whose text or time changed since they were indexed (see triggers)."""
    if conn.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone() is None:
        return 0
    rows = conn.execute(f"SELECT m.id, m.text FROM {PENDING} p JOIN messages m ON m.id = p.id").fetchall()
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((r[0],) for r in rows))
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", ((r[0], spaced(r[1])) for r in rows if r[1]))
    conn.execute(f"DELETE FROM {PENDING}")
    return len(rows)


def reindex_all(conn: Any, ctx: Any = None) -> int:
    """Rebuild the whole index from `messages` in one transaction; returns messages indexed.

    With a `JobContext`, reports progress and honours cancel (the transaction is rolled back, so
    the old index stays intact). Opens its own transaction unless the caller already has one.
    """
    own = not conn.in_transaction
    try:
        if own:
            conn.execute("BEGIN IMMEDIATE")
        try:
            count = rebuild(conn, ctx)
            if own:
                conn.execute("COMMIT")
        except BaseException:
            if own and conn.in_transaction:
                rollback(conn)
            raise
    except DatabaseError as exc:
        mapped = classify(exc, "rebuilding the search index")
        if isinstance(mapped, ChatVaultError):
            raise mapped from exc
        raise
    except OSError as exc:
        raise StorageError(f"Rebuilding the search index failed: {exc.strerror or exc}.",
                           hint="The previous index is unchanged. Fix the cause and run `chatvault reindex` again.") from exc
    return count


def rebuild(conn: Any, ctx: Any = None) -> int:
    """Empty and refill the index inside the current transaction."""
    total = int(conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL AND text != ''").fetchone()[0])
    if ctx is not None:
        ctx.set_total(items=total)
        ctx.status("rebuilding the search index")
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(f"DELETE FROM {PENDING}")
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
        conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", ((r[0], spaced(r[1])) for r in batch))
        faults.hit("search.reindex_batch")
        last = batch[-1][0]
        done += len(batch)
        if ctx is not None:
            ctx.advance(items=len(batch))
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', {AUTOMERGE})")
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


def status(conn: Any) -> dict[str, int | bool]:
    """Counts for `chatvault check`: indexed rows against messages with text."""
    indexed = int(conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
    with_text = int(conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL AND text != ''").fetchone()[0])
    pending = int(conn.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0])
    return {"indexed": indexed, "messages_with_text": with_text, "pending": pending, "current": index_is_current(conn)}
