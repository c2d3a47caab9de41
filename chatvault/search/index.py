"""The full-text index: one contentless FTS5 table, `search_fts`, whose rowid is `messages.id`.

Two columns: `body`, every string the message shows (`fields.index_text`), and `quote`, the text of
another message a reply quotes, ranked at a quarter of `body` (m009 sets FTS5's `rank`).

The import engine calls `index_messages` inside its batch transaction right after inserting the
messages, so the index never disagrees with the store. Deleting a message removes it from the
index by trigger; changing a message's text moves it to `search_pending`, which the next
`index_messages` / `sync` call (or `chatvault reindex`) indexes again. The table is contentless
(the text lives once, in `messages`, with `contentless_delete=1` so rows are removed by rowid);
snippets are made in Python from `messages.text`. Why not a time-ordered rowid: docs/search.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chatvault import faults
from chatvault.errors import ChatVaultError, StorageError
from chatvault.search.fields import index_text, load_extra
from chatvault.search.text import TOKENIZER_VERSION, spaced, spaced_many
from chatvault.store.db import DatabaseError, classify

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
    """Index messages just inserted, in the caller's transaction, by their text alone.

    `rows` are `(message id, text)` (further fields, e.g. ts, are accepted and ignored); rows
    without text are skipped. Also indexes anything left in `search_pending` (messages edited
    since they were indexed). Imports index everything a message shows (`index_prepared`).
    """
    conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)", _prepared(rows))
    sync(conn)


def index_prepared(conn: Any, rows: list[tuple[int, Any]]) -> None:
    """Index rows the parse process prepared (`fields.index_text`, then `text.spaced`): each is
    `(message id, body)`, or `(message id, [body, quote])` for a reply that carries its quote.

    The writer only inserts: the rare quoted rows are told apart by their type (~30 ns a row).
    """
    quoted = [r for r in rows if r[1].__class__ is not str]
    if quoted:
        rows = [r for r in rows if r[1].__class__ is str]
        conn.executemany(f"INSERT INTO {TABLE}(rowid, body, quote) VALUES (?, ?, ?)",
                         [(r[0], r[1][0], r[1][1]) for r in quoted])
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
    """Index the messages whose text, kind or details changed since they were indexed (triggers)."""
    if conn.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone() is None:
        return 0
    rows = conn.execute(f"SELECT m.id, m.kind, m.text, m.extra FROM {PENDING} p JOIN messages m ON m.id = p.id "
                        "ORDER BY m.id").fetchall()
    conn.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", ((r[0],) for r in rows))
    _insert(conn, _bodies(conn, rows))
    conn.execute(f"DELETE FROM {PENDING}")
    return len(rows)


def _attachments(conn: Any, ids: list[int]) -> dict[int, list[tuple[str | None, dict[str, Any] | None]]]:
    """(original name, details) of the attachments of messages `ids` (sorted), by message."""
    out: dict[int, list[tuple[str | None, dict[str, Any] | None]]] = {}
    if not ids:
        return out
    if ids[-1] - ids[0] < 4 * len(ids):      # a run of ids (rebuild): one range read
        cond, args = "message_id BETWEEN ? AND ?", (ids[0], ids[-1])
    else:                                    # scattered ids (edits waiting in search_pending)
        cond, args = "message_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    for mid, name, extra in conn.execute(
            f"SELECT message_id, original_name, extra FROM attachments WHERE {cond} ORDER BY message_id, ordinal",
            args):
        out.setdefault(mid, []).append((name, load_extra(extra)))
    return out


def _bodies(conn: Any, rows: Sequence[Sequence[Any]]) -> list[tuple[int, str | None, str | None]]:
    """(id, body, quote), spaced, of stored messages `(id, kind, text, extra)` sorted by id; those
    with nothing to find are left out. The same strings the import indexed (`fields.index_text`)."""
    atts = _attachments(conn, [r[0] for r in rows])
    out = []
    for mid, kind, text, extra in rows:
        body, quote = index_text(kind, text, load_extra(extra), atts.get(mid, ()))
        if body or quote:
            out.append((mid, body, quote))
    if out:
        bodies = spaced_many([b or "" for _m, b, _q in out])
        out = [(m, b or None, spaced(q) if q else None) for (m, _b, q), b in zip(out, bodies, strict=True)]
    return out


def _insert(conn: Any, rows: list[tuple[int, str | None, str | None]]) -> None:
    if _has_quote_column(conn):
        conn.executemany(f"INSERT INTO {TABLE}(rowid, body, quote) VALUES (?, ?, ?)", rows)
    else:                           # the one-column table of m003, while a vault migrates through it
        conn.executemany(f"INSERT INTO {TABLE}(rowid, body) VALUES (?, ?)",
                         ((m, "\n".join(x for x in (b, q) if x)) for m, b, q in rows))


def _has_quote_column(conn: Any) -> bool:
    cur = conn.execute(f"SELECT * FROM {TABLE} LIMIT 0")
    return any(d[0] == "quote" for d in cur.description)


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
                conn.execute("ROLLBACK")
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
    """Empty and refill the index inside the current transaction; returns the messages indexed."""
    total = int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    if ctx is not None:
        ctx.set_total(items=total)
        ctx.status("rebuilding the search index")
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(f"DELETE FROM {PENDING}")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 0)")
    done = 0
    for batch in _batches(conn, ctx):
        rows = _bodies(conn, batch)
        _insert(conn, rows)
        faults.hit("search.reindex_batch")
        done += len(rows)
        if ctx is not None:
            ctx.advance(items=len(batch))
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', {AUTOMERGE})")
    conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    set_version(conn)
    return done


def _batches(conn: Any, ctx: Any = None, where: str = "") -> Iterator[list[Any]]:
    """Every message as `(id, kind, text, extra)`, in id order, _BATCH at a time."""
    last = -1 << 62
    while True:
        if ctx is not None:
            ctx.check()
        batch = conn.execute(f"SELECT id, kind, text, extra FROM messages m WHERE id > ? {where} ORDER BY id LIMIT ?",
                             (last, _BATCH)).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def set_version(conn: Any) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SETTING_VERSION, str(TOKENIZER_VERSION)),
    )


def index_is_current(conn: Any) -> bool:
    """False when the index was built by an older tokenizer and `chatvault reindex` is needed."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING_VERSION,)).fetchone()
    return row is not None and str(row[0]) == str(TOKENIZER_VERSION)


def expected_count(conn: Any) -> int:
    """How many messages have something to find: those with text and no details counted in SQL,
    the others (details or attachments) by `fields.index_text` (a few seconds per million)."""
    plain = int(conn.execute(
        "SELECT count(*) FROM messages m WHERE text IS NOT NULL AND text != '' AND extra IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)").fetchone()[0])
    where = "AND (extra IS NOT NULL OR EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id))"
    return plain + sum(len(_unspaced(conn, batch)) for batch in _batches(conn, where=where))


def _unspaced(conn: Any, rows: Sequence[Sequence[Any]]) -> list[int]:
    atts = _attachments(conn, [r[0] for r in rows])
    return [mid for mid, kind, text, extra in rows
            if any(index_text(kind, text, load_extra(extra), atts.get(mid, ())))]


def status(conn: Any) -> dict[str, int | bool]:
    """Counts for `chatvault check`: indexed rows against messages with something to find
    (`messages_with_text` keeps its name in `--json`; it counts details and file names too)."""
    indexed = int(conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
    pending = int(conn.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0])
    return {"indexed": indexed, "messages_with_text": expected_count(conn), "pending": pending,
            "current": index_is_current(conn)}
