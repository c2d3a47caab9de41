"""The full-text index: one contentless FTS5 table, `search_fts`, maintained with the messages.

Its rowid is a *search key* that sorts by time: `(seconds since 1970 << 31) | messages.id`
(`key_of`), so "newest first" and "oldest first" are a walk of the index in rowid order that stops
after one page, however many messages match, and a date range is a rowid range. The message id is
`key & ID_MASK`.

The import engine calls `index_messages` inside its batch transaction right after inserting the
messages, so the index never disagrees with the store. Deleting a message removes it from the index
by trigger; changing a message's text or time moves it to `search_pending`, which the next
`index_messages` / `sync` call (or `chatvault reindex`) indexes again. The table is contentless
(the text lives once, in `messages`); snippets are made in Python from `messages.text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chatvault.errors import IntegrityError
from chatvault.search.text import TOKENIZER_VERSION, spaced

TABLE = "search_fts"
PENDING = "search_pending"
SETTING_VERSION = "search.tokenizer_version"
ID_BITS = 31
ID_MASK = (1 << ID_BITS) - 1
_MAX_SECONDS = (1 << 32) - 1
_BATCH = 5000
_LOOKUP_CHUNK = 900

# The same key in SQL, for triggers and queries (`m` is the messages row).
KEY_SQL = f"((min(max({{t}}.ts, 0) / 1000, {_MAX_SECONDS}) << {ID_BITS}) | {{t}}.id)"


def key_of(message_id: int, ts: int) -> int:
    """The search key of a message: time (seconds) in the high bits, id in the low 31."""
    if not 0 < message_id <= ID_MASK:
        raise IntegrityError(
            f"Message id {message_id} is outside the range the search index supports (1..{ID_MASK}).",
            hint="Report this as a bug; the vault itself is not affected.",
        )
    return (min(max(ts, 0) // 1000, _MAX_SECONDS) << ID_BITS) | message_id


def key_sql(alias: str = "m") -> str:
    return KEY_SQL.format(t=alias)


def _timestamps(conn: Any, ids: Sequence[int]) -> dict[int, int]:
    """ts of the given message ids; a rowid range when the ids are dense (the usual batch)."""
    if not ids:
        return {}
    lo, hi = min(ids), max(ids)
    if hi - lo < 4 * len(ids) + 1000:
        return dict(conn.execute("SELECT id, ts FROM messages WHERE id BETWEEN ? AND ?", (lo, hi)).fetchall())
    out: dict[int, int] = {}
    for i in range(0, len(ids), _LOOKUP_CHUNK):
        chunk = ids[i:i + _LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT id, ts FROM messages WHERE id IN ({marks})", chunk).fetchall())
    return out


def _prepared(conn: Any, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, str]]:
    todo: list[Sequence[Any]] = []
    for row in rows:
        if row[1]:
            if len(row) > 2:
                yield key_of(row[0], row[2]), spaced(row[1])
            else:
                todo.append(row)
        if len(todo) >= _BATCH:
            yield from _keyed(conn, todo)
            todo = []
    if todo:
        yield from _keyed(conn, todo)


def _keyed(conn: Any, rows: list[Sequence[Any]]) -> Iterator[tuple[int, str]]:
    ts = _timestamps(conn, [r[0] for r in rows])
    for row in rows:
        t = ts.get(row[0])
        if t is None:
            raise IntegrityError(
                f"Message {row[0]} is not in the messages table, so it cannot be indexed.",
                hint="index_messages must be called after the messages are inserted.",
            )
        yield key_of(row[0], t), spaced(row[1])


def index_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Index messages just inserted, in the caller's transaction.

    `rows` are `(message id, text)`; `(id, text, ts)` is also accepted and saves a lookup of ts.
    Rows without text are skipped. Also indexes anything left in `search_pending`.
    """
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", _prepared(conn, rows))
    sync(conn)


def unindex_messages(conn: Any, ids: Iterable[int]) -> None:
    """Remove messages from the index (ids not in it are ignored). Deleting rows from `messages`
    does this by trigger; this is for callers that want a message out of search results."""
    idlist = [int(i) for i in ids]
    ts = _timestamps(conn, idlist)
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((key_of(i, t),) for i, t in ts.items()))


def reindex_messages(conn: Any, rows: Iterable[tuple[int, str | None]]) -> None:
    """Replace the indexed text of messages whose text changed (edits)."""
    rows = list(rows)
    unindex_messages(conn, (r[0] for r in rows))
    index_messages(conn, rows)


def sync(conn: Any) -> int:
    """Index the messages whose text or time changed since they were indexed (see triggers)."""
    if conn.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone() is None:
        return 0
    rows = conn.execute(
        f"SELECT m.id, m.text, m.ts FROM {PENDING} p JOIN messages m ON m.id = p.id"
    ).fetchall()
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((key_of(r[0], r[2]),) for r in rows))
    conn.executemany(
        f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)",
        ((key_of(r[0], r[2]), spaced(r[1])) for r in rows if r[1]),
    )
    conn.execute(f"DELETE FROM {PENDING}")
    return len(rows)


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
    conn.execute(f"DELETE FROM {PENDING}")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 0)")
    last = -1 << 62
    done = 0
    while True:
        if ctx is not None:
            ctx.check()
        batch = conn.execute(
            "SELECT id, text, ts FROM messages WHERE id > ? AND text IS NOT NULL AND text != '' ORDER BY id LIMIT ?",
            (last, _BATCH),
        ).fetchall()
        if not batch:
            break
        conn.executemany(
            f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)",
            ((key_of(r[0], r[2]), spaced(r[1])) for r in batch),
        )
        last = batch[-1][0]
        done += len(batch)
        if ctx is not None:
            ctx.advance(items=len(batch))
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


def status(conn: Any) -> dict[str, int | bool]:
    """Counts for `chatvault check`: indexed rows against messages with text."""
    indexed = int(conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
    with_text = int(conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL AND text != ''").fetchone()[0])
    pending = int(conn.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0])
    return {"indexed": indexed, "messages_with_text": with_text, "pending": pending, "current": index_is_current(conn)}
