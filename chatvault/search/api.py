"""Search and context: the Qt-free API used by the CLI and the GUI.

    result = search(conn, "合同 pdf", SearchFilters(kinds=["file"]), sort="newest", limit=50)
    around = context(conn, result.results[0].message_id, before=5, after=5)

Both only read, so the GUI can call them from a worker thread on a read-only connection. Text
queries pick one of two plans by the number of matches (see `_text_search`), so newest-first costs
about the same for a rare word and for "the". Relevance (FTS5 bm25) ranks at most RANK_WINDOW
matches (those added last) so its cost is bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from chatvault.errors import QueryError
from chatvault.model import Feed, MessageKind, MessageStatus
from chatvault.search.fields import display_text, load_extra
from chatvault.search.index import TABLE
from chatvault.search.query import Query, Term, parse
from chatvault.search.snippet import Segment, make_snippet, render
from chatvault.store.custody import in_custodians_sql
from chatvault.store.db import DatabaseError, classify
from chatvault.store.people import same_person_sql, sender_name_sql
from chatvault.store.store import Store

SORTS = ("newest", "oldest", "relevance")
RANK_WINDOW = 10_000    # relevance ranks at most this many matches (the latest added)
FILTERED_RANK_WINDOW = 2_000  # with filters, first try ranking among this many
FILTER_JOIN_MAX = 1_000 # with filters, up to this many matches are looked up one by one ("join")
BROAD_JOIN_DIVISOR = 300  # broad filters: up to messages/300 (a random read costs ~100 index steps)
WALK_FACTOR = 0.02      # without filters, "walk" when matches² > page end × messages × this
MAX_LIMIT = 10_000


@dataclass
class SearchFilters:
    """Every field is optional; all given fields must hold (AND)."""

    conversations: Sequence[int | str] = ()   # ids, or titles as `Store.find_conversation` takes them
    sender: str | None = None                 # display name (substring, case-insensitive), key, or "me"
    apps: Sequence[str] = ()                  # source app: whatsapp, wechat, ...
    after: int | None = None                  # ms UTC, inclusive
    before: int | None = None                 # ms UTC, exclusive
    kinds: Sequence[str] = ()                 # MessageKind values
    has_attachment: bool | None = None
    status: str | None = None                 # 'present' or 'missing-at-source'
    custodians: Sequence[int | str] = ()      # whose archive: custodian ids or names (docs/compliance.md)
    feeds: Sequence[str] = ()                 # 'chats', 'moments', 'favorites' (model.Feed); none: all

    def is_empty(self) -> bool:
        return not (self.conversations or self.sender or self.apps or self.after is not None
                    or self.before is not None or self.kinds or self.has_attachment is not None or self.status
                    or self.custodians or self.feeds)


@dataclass
class Hit:
    message_id: int
    conversation_id: int
    conversation: str | None
    sender: str | None
    from_me: bool
    time: int                      # ms UTC
    time_iso: str                  # in the message's original UTC offset when known
    kind: str
    status: str
    app: str
    has_attachment: bool
    snippet: str                   # matches marked with [ ]
    segments: list[Segment] = field(default_factory=list)   # (text, is_match) for a GUI

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id, "conversation_id": self.conversation_id,
            "conversation": self.conversation, "sender": self.sender, "from_me": self.from_me,
            "time": self.time_iso, "time_ms": self.time, "kind": self.kind, "status": self.status,
            "app": self.app, "has_attachment": self.has_attachment, "snippet": self.snippet,
            "segments": [[t, m] for t, m in self.segments],
        }


@dataclass
class SearchResult:
    total: int
    results: list[Hit]
    query: Query | None = None

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "results": [h.to_json() for h in self.results]}


def iso_time(ts: int, tz_offset: int | None) -> str:
    tz = UTC if tz_offset is None else timezone(timedelta(minutes=tz_offset))
    return datetime.fromtimestamp(ts / 1000, tz).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_date(value: str, *, end: bool = False) -> int:
    """`YYYY-MM-DD` (a whole day, UTC) or an ISO date-time → ms UTC. With end=True a bare date
    means the end of that day, so `--before 2019-05-01` includes nothing of May 1 and
    `--after 2019-05-01` includes all of it."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            return int((day + (timedelta(days=1) if end else timedelta())).timestamp() * 1000)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"'{value}' is not a date.", hint="Use YYYY-MM-DD, e.g. 2019-05-01.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


# --- filters → SQL over `messages m` ------------------------------------------------------------

def _resolve_conversations(conn: Any, refs: Iterable[int | str]) -> list[int]:
    store = Store(conn)
    ids = []
    for ref in refs:
        found = store.find_conversation(str(ref))
        if found is None:
            raise QueryError(
                f"No single conversation matches '{ref}'.",
                hint="Use the id or a unique part of the title from `chatvault info` / the chat list.",
            )
        ids.append(int(found["id"]))
    return ids


def _resolve_custodians(conn: Any, refs: Iterable[int | str]) -> list[int]:
    ids = []
    for ref in refs:
        text = str(ref).strip()
        row = conn.execute("SELECT id FROM custodians WHERE id = ? OR name = ? COLLATE NOCASE",
                           (int(text) if text.isdigit() else -1, text)).fetchone()
        if row is None:
            raise QueryError(f"There is no custodian '{text}'.", hint="List them with `chatvault custodian ls`.")
        ids.append(int(row[0]))
    return ids


FEED_CHOICES = ("chats",) + tuple(f.value for f in Feed)


def _feed_sql(wanted: Sequence[str]) -> str:
    """Messages in chats and/or the named feeds (our own constants, written as literals)."""
    bad = [w for w in wanted if w not in FEED_CHOICES]
    if bad:
        raise QueryError(f"Unknown feed '{bad[0]}'.", hint=f"Feeds: {', '.join(FEED_CHOICES)}.")
    conds = []
    if "chats" in wanted:
        conds.append("c.feed IS NULL")
    named = [w for w in wanted if w != "chats"]
    if named:
        conds.append("c.feed IN (" + ",".join(f"'{Feed(w).value}'" for w in named) + ")")
    return f"m.conversation_id IN (SELECT c.id FROM conversations c WHERE {' OR '.join(conds)})"


def filter_sql(conn: Any, f: SearchFilters) -> tuple[list[str], list[Any]]:
    """Conditions on `messages m` and their parameters (search, and the exports' selections)."""
    where: list[str] = []
    params: list[Any] = []
    if f.conversations:
        ids = _resolve_conversations(conn, f.conversations)
        where.append(f"m.conversation_id IN ({','.join('?' * len(ids))})")
        params += ids
    if f.sender:
        if f.sender.strip().lower() == "me":
            where.append("m.sender_id IN (SELECT id FROM participants WHERE is_me = 1)")
        else:
            needle = f.sender.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            # Earlier names too, and everyone linked to the same person (or to a person of that name).
            named = ("SELECT id FROM participants WHERE source_key = ? OR lower(display_name) LIKE ? ESCAPE '\\' "
                     "UNION SELECT participant_id FROM participant_names WHERE lower(name) LIKE ? ESCAPE '\\' "
                     "UNION SELECT id FROM participants WHERE person_id IN "
                     "(SELECT id FROM people WHERE lower(name) LIKE ? ESCAPE '\\')")
            where.append(f"m.sender_id IN ({same_person_sql(named)})")
            params += [f.sender.strip(), f"%{needle}%", f"%{needle}%", f"%{needle}%"] * 2
    if f.apps:
        where.append(
            "m.conversation_id IN (SELECT c.id FROM conversations c JOIN sources s ON s.id = c.source_id "
            f"WHERE lower(s.app) IN ({','.join('?' * len(f.apps))}))"
        )
        params += [a.lower() for a in f.apps]
    if f.kinds:
        valid = {k.value for k in MessageKind}
        bad = [k for k in f.kinds if k not in valid]
        if bad:
            raise QueryError(f"Unknown message kind '{bad[0]}'.", hint=f"Kinds: {', '.join(sorted(valid))}.")
        where.append(f"m.kind IN ({','.join('?' * len(f.kinds))})")
        params += list(f.kinds)
    if f.feeds:
        where.append(_feed_sql(f.feeds))
    if f.has_attachment is not None:
        where.append(("" if f.has_attachment else "NOT ") + "m.id IN (SELECT message_id FROM attachments)")
    if f.status:
        by_value = {s.value: s for s in MessageStatus}
        if f.status not in by_value:
            raise QueryError(f"Unknown status '{f.status}'.", hint=f"Statuses: {', '.join(sorted(by_value))}.")
        # Our own constant, not the user's text: written as a literal so SQLite can use the
        # partial index on status != 'present' (it cannot for a bound parameter).
        value = by_value[f.status].value
        where.append(f"m.status = '{value}'" + (" AND m.status != 'present'" if value != "present" else ""))
    if f.custodians:
        ids = _resolve_custodians(conn, f.custodians)
        where.append(in_custodians_sql("m", ",".join("?" * len(ids))))
        params += ids
    if f.after is not None and f.before is not None and f.after >= f.before:
        raise QueryError("The date range is empty: 'after' is not earlier than 'before'.")
    if f.after is not None:
        where.append("m.ts >= ?")
        params.append(int(f.after))
    if f.before is not None:
        where.append("m.ts < ?")
        params.append(int(f.before))
    return where, params


# --- search --------------------------------------------------------------------------------------

def search(conn: Any, query: str, filters: SearchFilters | None = None, sort: str = "newest",
           limit: int = 50, offset: int = 0) -> SearchResult:
    """Messages matching `query` (may be empty when filters are given) and `filters`.

    `total` counts every match; `results` is the page [offset, offset+limit) in `sort` order.
    Raises QueryError for a query or filter that cannot be used, never an SQLite error.
    """
    q = parse(query or "")
    total, ids = search_ids(conn, q, filters, sort, limit, offset)
    return SearchResult(total, _hits(conn, ids, q.positive_terms), q)


def search_ids(conn: Any, query: Query | str, filters: SearchFilters | None = None, sort: str = "newest",
               limit: int = 50, offset: int = 0) -> tuple[int, list[int]]:
    """(total, message ids of the page) without building hits: for counting and lazy lists."""
    if sort not in SORTS:
        raise QueryError(f"Unknown sort '{sort}'.", hint=f"Use one of: {', '.join(SORTS)}.")
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"Paging out of range (limit 0..{MAX_LIMIT}, offset ≥ 0).")
    q = parse(query) if isinstance(query, str) else query
    f = filters or SearchFilters()
    try:
        where, params = filter_sql(conn, f)
        positive = q.positive_fts()
        if positive is not None:
            return _text_search(conn, positive, f, where, params, sort, limit, offset)
        return _plain_search(conn, q.excluded_fts(), where, params, sort, limit, offset)
    except DatabaseError as exc:
        if "fts5" in str(exc).lower():  # our parser should make this impossible; never show SQLite text
            raise QueryError("The search could not be understood.", hint="Try simpler words.") from exc
        mapped = classify(exc, "searching")
        if mapped is exc:
            raise
        raise mapped from exc


_MATCHES = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?"


def _text_search(conn: Any, expr: str, f: SearchFilters, where: list[str], params: list[Any], sort: str,
                 limit: int, offset: int) -> tuple[int, list[int]]:
    """Two plans, chosen by the number of matches H (an FTS-only count, about a millisecond):
    - "join": read the matches from the index, look each message up, filter and sort: cost ~ H
      random reads, best when H is small;
    - "walk": collect the H ids (in C), then walk messages in time order by an index (the time
      index, or the conversation / kind / sender / date index a filter offers) keeping those in
      the set: stops after a page, cost ~ H + page × messages / H.
    Measurements in docs/search.md."""
    hits = int(conn.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?", (expr,)).fetchone()[0])
    if hits == 0:
        return 0, []
    cond = " AND " + " AND ".join(where) if where else ""
    # "+m.id" keeps SQLite from driving the query by the id set, so it walks a time-ordered index.
    walk_from = f"FROM messages m WHERE +m.id IN ({_MATCHES}){cond}"
    join_from = f"FROM {TABLE} f JOIN messages m ON m.id = f.rowid WHERE {TABLE} MATCH ?{cond}"
    args = [expr, *params]
    # A filter with its own time-ordered index (chat, kind, status, dates, a named sender) makes
    # the walk short; "me", an app or "has attachment" can cover a third of the vault, so reading
    # the matches one by one stays cheaper up to messages / BROAD_JOIN_DIVISOR.
    narrow = bool(f.conversations or f.kinds or f.status or f.after is not None or f.before is not None
                  or (f.sender and f.sender.strip().lower() != "me"))
    if not where:
        use_join = hits * hits <= (limit + offset) * _size(conn) * WALK_FACTOR
    else:
        use_join = hits <= (FILTER_JOIN_MAX if narrow else max(FILTER_JOIN_MAX, _size(conn) // BROAD_JOIN_DIVISOR))
    source = join_from if use_join else walk_from
    direction = "DESC" if sort == "newest" else "ASC"
    order = f"ORDER BY m.ts {direction}, m.id {direction} LIMIT ? OFFSET ?"
    if where and sort != "relevance" and limit > 0:
        # One pass gives the page and the filtered total (the set is built once, not twice).
        rows = conn.execute(f"SELECT m.id, count(*) OVER () {source} {order}", [*args, limit, offset]).fetchall()
        if rows:
            return int(rows[0][1]), [r[0] for r in rows]
    total = hits if not where else int(conn.execute(f"SELECT count(*) {source}", args).fetchone()[0])
    if total == 0 or limit == 0 or offset >= total:
        return total, []
    if sort == "relevance":
        return total, _ranked(conn, expr, join_from, walk_from, args, bool(where), narrow, hits, limit, offset)
    rows = conn.execute(f"SELECT m.id {source} {order}", [*args, limit, offset]).fetchall()
    return total, [r[0] for r in rows]


def _size(conn: Any) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])


def _ranked(conn: Any, expr: str, join_from: str, walk_from: str, args: list[Any], filtered: bool,
            narrow: bool, hits: int, limit: int, offset: int) -> list[int]:
    """bm25 order (FTS5 `rank`) over the matches added last: RANK_WINDOW of them without filters;
    with filters a smaller window, widened until it fills the page (ranking costs ~ the window)."""
    if narrow:
        # A filter with its own index: collect the filtered ids (cheap, see _text_search) and
        # rank every one of them; FTS5 checks each match against that set with a Bloom filter.
        rows = conn.execute(
            f"SELECT f.rowid FROM {TABLE} f WHERE {TABLE} MATCH ? AND +f.rowid IN (SELECT m.id {walk_from}) "
            "ORDER BY f.rank, f.rowid DESC LIMIT ? OFFSET ?",
            [expr, *args, limit, offset],
        ).fetchall()
        return [r[0] for r in rows]
    window = FILTERED_RANK_WINDOW if filtered else RANK_WINDOW
    while True:
        cond, cargs = "", []
        if window is not None and hits > window:
            cut = conn.execute(f"{_MATCHES} ORDER BY rowid DESC LIMIT 1 OFFSET ?", (expr, window - 1)).fetchone()
            cond, cargs = " AND f.rowid >= ?", [cut[0]]
        if filtered:
            sql = f"SELECT f.rowid {join_from}{cond} ORDER BY f.rank, f.rowid DESC LIMIT ? OFFSET ?"
            params = [*args, *cargs, limit, offset]
        else:
            sql = f"SELECT f.rowid FROM {TABLE} f WHERE {TABLE} MATCH ?{cond} ORDER BY f.rank, f.rowid DESC LIMIT ? OFFSET ?"
            params = [expr, *cargs, limit, offset]
        rows = conn.execute(sql, params).fetchall()
        if not cond or not filtered or len(rows) >= limit:
            return [r[0] for r in rows]
        # Too few filtered matches among the latest ones: look further back, at last everywhere.
        window = window * 8 if window < RANK_WINDOW else None


def _plain_search(conn: Any, excluded: str | None, where: list[str], params: list[Any], sort: str,
                  limit: int, offset: int) -> tuple[int, list[int]]:
    conds = list(where)
    args = list(params)
    if excluded is not None:
        conds.append(f"m.id NOT IN ({_MATCHES})")
        args.append(excluded)
    sql_where = " WHERE " + " AND ".join(conds) if conds else ""
    total = int(conn.execute(f"SELECT count(*) FROM messages m{sql_where}", args).fetchone()[0])
    if total == 0 or limit == 0 or offset >= total:
        return total, []
    direction = "ASC" if sort == "oldest" else "DESC"
    rows = conn.execute(
        f"SELECT m.id FROM messages m{sql_where} ORDER BY m.ts {direction}, m.id {direction} LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    return total, [r[0] for r in rows]


def _hits(conn: Any, ids: list[int], terms: Sequence[Term]) -> list[Hit]:
    if not ids:
        return []
    rows = conn.execute(
        f"""
        SELECT m.id, m.conversation_id, c.title, {sender_name_sql()}, p.is_me, m.ts, m.tz_offset,
               m.kind,
               m.status, m.text, s.app,
               EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id) AS has_att, m.extra
        FROM messages m
        JOIN conversations c ON c.id = m.conversation_id
        JOIN sources s ON s.id = c.source_id
        LEFT JOIN participants p ON p.id = m.sender_id
        WHERE m.id IN ({','.join('?' * len(ids))})
        """,
        ids,
    ).fetchall()
    by_id = {r[0]: r for r in rows}
    atts = _attachments_of(conn, [r[0] for r in rows if r[11]])
    hits = []
    for mid in ids:
        r = by_id.get(mid)
        if r is None:
            continue
        # The snippet is cut from what was indexed, so a hit in a memo or a file name shows it.
        shown = display_text(r[7], r[9], load_extra(r[12]), atts.get(mid, ())) if r[12] or r[11] else r[9]
        segments = make_snippet(shown, terms)
        hits.append(Hit(
            message_id=r[0], conversation_id=r[1], conversation=r[2], sender=r[3], from_me=bool(r[4]),
            time=r[5], time_iso=iso_time(r[5], r[6]), kind=r[7], status=r[8], app=r[10],
            has_attachment=bool(r[11]), snippet=render(segments), segments=segments,
        ))
    return hits


def _attachments_of(conn: Any, ids: list[int]) -> dict[int, list[tuple[str | None, dict[str, Any] | None]]]:
    out: dict[int, list[tuple[str | None, dict[str, Any] | None]]] = {}
    if ids:
        for mid, name, extra in conn.execute(
                f"SELECT message_id, original_name, extra FROM attachments WHERE message_id IN "
                f"({','.join('?' * len(ids))}) ORDER BY message_id, ordinal", ids):
            out.setdefault(mid, []).append((name, load_extra(extra)))
    return out


# --- context ------------------------------------------------------------------------------------

def context(conn: Any, message_id: int, before: int = 5, after: int = 5) -> list[dict[str, Any]]:
    """The message with up to `before` messages before and `after` after it in its conversation,
    in time order; the message itself has `is_target: True`. Raises QueryError if it is unknown."""
    store = Store(conn)
    target = store.message(int(message_id))
    if target is None:
        raise QueryError(f"There is no message {message_id} in this vault.")
    cursor = (target["ts"], target["id"])
    cid = target["conversation_id"]
    older = store.messages_page(cid, before=cursor, limit=max(0, before)) if before > 0 else []
    newer = store.messages_page(cid, after=cursor, limit=max(0, after)) if after > 0 else []
    out = []
    for row in [*older, target, *newer]:
        out.append(dict(row) | {"is_target": row["id"] == target["id"],
                                "time_iso": iso_time(row["ts"], row["tz_offset"])})
    return out
