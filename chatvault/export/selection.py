"""What to export, and the messages it selects, streamed.

A `Selection` is the search language's query plus `SearchFilters` (chats, sender, apps, dates,
kinds, attachment, status): an empty one is the whole vault, `Selection.chat(id)` one conversation.
`plan()` lists the conversations it touches with their counts (the preview an export dialog shows
before anything is written); `messages()` streams one conversation's selected messages oldest
first, in batches, with their attachments and provenance — a 1,000,000-message chat never sits in
memory. A text query is resolved once to message ids (the search engine's own ranking rules do not
matter for an export: every match is exported, in time order).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from chatvault.search.api import MAX_LIMIT, SearchFilters, filter_sql, iso_time, search_ids
from chatvault.search.query import parse
from chatvault.store.people import sender_name_sql

BATCH = 2_000


@dataclass
class Selection:
    query: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)

    @classmethod
    def chat(cls, conversation_id: int) -> Selection:
        return cls(filters=SearchFilters(conversations=[int(conversation_id)]))

    def describe(self) -> dict[str, Any]:
        """The selection as a manifest, cover page or chain-of-custody record states it."""
        f = self.filters
        return {
            "query": self.query, "conversations": [str(c) for c in f.conversations], "sender": f.sender,
            "apps": list(f.apps), "after_ms": f.after, "before_ms": f.before, "kinds": list(f.kinds),
            "has_attachment": f.has_attachment, "status": f.status, "feeds": list(f.feeds),
        }


@dataclass
class ChatPlan:
    """One conversation of a selection: what the preview shows and the renderers title pages with."""

    conversation_id: int
    title: str | None
    kind: str                      # direct, group, channel, self, unknown
    app: str
    account: str
    source_key: str
    messages: int                  # selected messages in this conversation
    first_ts: int | None
    last_ts: int | None


@dataclass
class ExportMessage:
    id: int
    conversation_id: int
    source_key: str                # the source's own id (or our fingerprint): provenance
    ts: int                        # ms UTC
    tz_offset: int | None          # original UTC offset in minutes
    time_iso: str                  # in the original offset when known
    kind: str
    text: str | None
    status: str                    # present | missing-at-source
    sender: str | None
    sender_key: str | None
    from_me: bool
    reply_to_id: int | None
    reply_to_key: str | None
    forwarded_from: str | None
    is_edited: bool
    edited_at: int | None
    extra: dict[str, Any]          # kind-specific details (amount, url, lat/lon, reactions, recall, ...)
    attachments: list[dict[str, Any]]
    first_run_id: int | None       # the import run that brought it
    last_seen_run_id: int | None
    missing_run_id: int | None     # the run that found it gone at the source
    location: str | None           # where in the export it was read (file:line / JSON path)


def _state(conn: Any, bump: int = 0) -> str:
    """Changes to the database this connection can see: its own writes (`bump` more than now) and
    other connections' (data_version)."""
    return f"{conn.total_changes + bump}:{conn.execute('PRAGMA data_version').fetchone()[0]}"


class _Resolved:
    """The selection as SQL over `messages m`: filter conditions, plus a temp table of ids when the
    selection has a text query."""

    def __init__(self, conn: Any, selection: Selection) -> None:
        self.conn = conn
        self.where, self.params = filter_sql(conn, selection.filters)
        q = parse(selection.query or "")
        if q.positive_fts() is None and q.excluded_fts() is None:
            return
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS export_ids (id INTEGER PRIMARY KEY)")
        # The ids stay for the connection's next call with the same selection (plan, then messages()
        # once per conversation): the query is resolved once per export, not once per chat. Any
        # write since (this connection's: total_changes; another's: data_version) resolves it again.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS export_ids_for (k TEXT)")
        key = json.dumps([selection.query, asdict(selection.filters)], sort_keys=True, default=str)  # every filter
        kept = conn.execute("SELECT k FROM export_ids_for").fetchone()
        if kept is None or kept[0] != f"{key}|{_state(conn)}":
            conn.execute("DELETE FROM export_ids")
            conn.execute("DELETE FROM export_ids_for")
            offset = 0
            while True:
                _total, ids = search_ids(conn, q, selection.filters, "oldest", MAX_LIMIT, offset)
                conn.executemany("INSERT OR IGNORE INTO export_ids(id) VALUES (?)", [(i,) for i in ids])
                if len(ids) < MAX_LIMIT:
                    break
                offset += len(ids)
            conn.execute("INSERT INTO export_ids_for(k) VALUES (?)", (f"{key}|{_state(conn, bump=1)}",))
        self.where.append("m.id IN (SELECT id FROM export_ids)")

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def plan(conn: Any, selection: Selection) -> list[ChatPlan]:
    """Every conversation the selection touches, with its selected count and time range, oldest
    conversation activity first. Raises QueryError for a query or filter that cannot be used."""
    r = _Resolved(conn, selection)
    rows = conn.execute(
        f"""SELECT m.conversation_id, count(*) AS n, min(m.ts) AS first_ts, max(m.ts) AS last_ts
            FROM messages m WHERE {r.clause()} GROUP BY m.conversation_id""", r.params).fetchall()
    out = []
    for cid, n, first, last in rows:
        c = conn.execute(
            "SELECT c.title, c.kind, c.source_key, s.app, s.account FROM conversations c"
            " JOIN sources s ON s.id = c.source_id WHERE c.id = ?", (cid,)).fetchone()
        out.append(ChatPlan(int(cid), c[0], c[1], c[3], c[4], c[2], int(n), first, last))
    out.sort(key=lambda p: (p.first_ts or 0, p.conversation_id))
    return out


_COLUMNS = f"""m.id, m.conversation_id, m.source_key, m.ts, m.tz_offset, m.kind, m.text, m.status,
    {sender_name_sql()}, p.source_key, p.is_me, m.reply_to_id, m.reply_to_key, m.forwarded_from,
    m.is_edited,
    m.edited_at, m.extra, m.first_run_id, m.last_seen_run_id, m.missing_run_id, m.location"""

_ATTACHMENT_COLUMNS = ("id", "message_id", "ordinal", "blob_id", "status", "mime", "size", "original_name",
                       "expected_path", "width", "height", "duration_ms", "thumb_blob_id", "extra")


def messages(conn: Any, selection: Selection, conversation_id: int,
             batch: int = BATCH) -> Iterator[list[ExportMessage]]:
    """The selected messages of one conversation, oldest first, `batch` at a time."""
    r = _Resolved(conn, selection)
    cursor = (-(2**62), -1)
    while True:
        rows = conn.execute(
            f"""SELECT {_COLUMNS} FROM messages m LEFT JOIN participants p ON p.id = m.sender_id
                WHERE m.conversation_id = ? AND (m.ts, m.id) > (?, ?) AND {r.clause()}
                ORDER BY m.ts, m.id LIMIT ?""",
            [conversation_id, cursor[0], cursor[1], *r.params, batch]).fetchall()
        if not rows:
            return
        atts = _attachments(conn, [row[0] for row in rows])
        yield [_message(row, atts.get(row[0], [])) for row in rows]
        cursor = (rows[-1][3], rows[-1][0])


def _attachments(conn: Any, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    marks = ",".join("?" * len(ids))
    for row in conn.execute(f"SELECT {', '.join(_ATTACHMENT_COLUMNS)} FROM attachments"
                            f" WHERE message_id IN ({marks}) ORDER BY message_id, ordinal", ids):
        att = dict(zip(_ATTACHMENT_COLUMNS, row, strict=True))
        att["extra"] = _json(att["extra"])
        out.setdefault(int(att["message_id"]), []).append(att)
    return out


def _json(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"raw": raw}
    return value if isinstance(value, dict) else {"value": value}


def _message(row: Any, attachments: list[dict[str, Any]]) -> ExportMessage:
    (mid, cid, key, ts, tz, kind, text, status, sender, sender_key, is_me, reply_id, reply_key, fwd,
     edited, edited_at, extra, first_run, last_run, missing_run, location) = tuple(row)
    return ExportMessage(
        id=mid, conversation_id=cid, source_key=key, ts=ts, tz_offset=tz, time_iso=iso_time(ts, tz),
        kind=kind, text=text, status=status, sender=sender, sender_key=sender_key, from_me=bool(is_me),
        reply_to_id=reply_id, reply_to_key=reply_key, forwarded_from=fwd, is_edited=bool(edited),
        edited_at=edited_at, extra=_json(extra), attachments=attachments, first_run_id=first_run,
        last_seen_run_id=last_run, missing_run_id=missing_run, location=location)


def import_runs(conn: Any) -> dict[int, dict[str, Any]]:
    """Every import run by id (format, path, file hash, times): the provenance a message points to."""
    cols = ("id", "started_at", "finished_at", "format", "path", "file_hash", "file_size", "outcome")
    return {int(r[0]): dict(zip(cols, r, strict=True))
            for r in conn.execute(f"SELECT {', '.join(cols)} FROM import_runs")}


def attachment_totals(conn: Any, selection: Selection) -> tuple[int, int]:
    """(attachments the vault holds for the selected messages, their plaintext bytes): what an
    export with media would copy, for the preview's size estimate."""
    r = _Resolved(conn, selection)
    row = conn.execute(
        f"""SELECT count(*), coalesce(sum(coalesce(b.size, a.size, 0)), 0) FROM attachments a
            JOIN messages m ON m.id = a.message_id LEFT JOIN blobs b ON b.id = a.blob_id
            WHERE a.status = 'stored' AND {r.clause()}""", r.params).fetchone()
    return int(row[0]), int(row[1])
