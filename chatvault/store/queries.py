"""The read layer both front ends share: conversations, messages around a time, media lists, and the
one rule for finding a chat by name.

Every function takes an open connection (read-only is enough) and returns plain dicts, so the CLI
prints them and the GUI's models load them on a worker thread. No caller outside `store/` writes SQL
text for these reads (`tests/test_boundaries.py` holds the GUI to it).
"""

from __future__ import annotations

from typing import Any

from chatvault.errors import UsageError
from chatvault.store.db import Connection, DatabaseError
from chatvault.store.people import sender_name_sql

SENDER = sender_name_sql()      # a linked person's name, else the participant's (docs/people.md)

MESSAGE_COLUMNS = f"""
    m.id, m.conversation_id, m.source_key, m.ts, m.tz_offset, m.kind, m.text, m.status,
    m.reply_to_key, m.reply_to_id, m.forwarded_from, m.is_edited, m.edited_at, m.extra,
    m.sender_id, {SENDER} AS sender, p.is_me AS from_me
"""
_MESSAGES = f"SELECT {MESSAGE_COLUMNS} FROM messages m LEFT JOIN participants p ON p.id = m.sender_id"
KINDS = ("image", "video", "audio", "file")


def kind_sql(kind: str, column: str = "a.mime") -> str:
    """SQL true when MIME `column` is of `kind` (image, video, audio, or file: anything else);
    `media ls` here, captured files in `chatvault.media.captured`."""
    if kind != "file":
        return f"{column} LIKE '{kind}/%'"
    return (f"({column} IS NULL OR ({column} NOT LIKE 'image/%' AND {column} NOT LIKE 'video/%' "
            f"AND {column} NOT LIKE 'audio/%'))")


# --- conversations ----------------------------------------------------------------------------
def conversations(conn: Connection, *, feeds: bool = True) -> list[dict[str, Any]]:
    """Every conversation with its source, message count and newest time, most recent first.
    `feed` is None for a chat, else 'moments' or 'favorites'; `feeds=False` leaves those out."""
    where = "" if feeds else "WHERE c.feed IS NULL"
    rows = conn.execute(
        f"""
        SELECT c.id, c.kind, c.title, c.source_key, c.feed, s.app, s.account,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS messages,
               (SELECT max(ts) FROM messages m WHERE m.conversation_id = c.id) AS last_ts
        FROM conversations c JOIN sources s ON s.id = c.source_id {where}
        ORDER BY last_ts DESC NULLS LAST, c.id
        """
    ).fetchall()
    return [dict(r) for r in rows]


def earlier_titles(conn: Connection) -> dict[int, list[str]]:
    """Every title each conversation has had (renamed groups, changed remarks), by conversation id."""
    out: dict[int, list[str]] = {}
    for cid, title in conn.execute("SELECT conversation_id, title FROM conversation_titles"):
        out.setdefault(int(cid), []).append(title)
    return out


def member_counts(conn: Connection) -> dict[int, int]:
    return {int(cid): int(n) for cid, n in conn.execute(
        "SELECT conversation_id, count(*) FROM conversation_members GROUP BY conversation_id")}


def last_message(conn: Connection, conversation_id: int) -> dict[str, Any] | None:
    """The newest message's kind, text and sender (the chat list's preview); None if it cannot be read
    (it sits in a damaged page: the chat is still listed)."""
    try:
        row = conn.execute(
            f"SELECT m.kind, m.text, m.extra, {SENDER} AS display_name, p.is_me FROM messages m"
            " LEFT JOIN participants p"
            " ON p.id = m.sender_id WHERE m.conversation_id = ? ORDER BY m.ts DESC, m.id DESC LIMIT 1",
            (conversation_id,)).fetchone()
    except DatabaseError:
        return None
    return dict(row) if row is not None else None


def chat_list(conn: Connection) -> list[dict[str, Any]]:
    """The chats (feeds such as Moments have their own views) with what a chat list shows: member
    count, earlier titles, the newest message."""
    members = member_counts(conn)
    titles = earlier_titles(conn)
    out = []
    for conv in conversations(conn, feeds=False):
        conv["members"] = members.get(conv["id"], 0)
        conv["earlier_titles"] = titles.get(conv["id"], [])
        conv["last"] = last_message(conn, conv["id"])
        out.append(conv)
    return out


def fresh_counts(conn: Connection) -> dict[int, int]:
    """Messages per conversation first seen in the latest finished import."""
    latest = conn.execute("SELECT max(id) FROM import_runs WHERE outcome IN ('ok', 'partial')").fetchone()[0]
    if latest is None:
        return {}
    return {int(cid): int(n) for cid, n in conn.execute(
        "SELECT conversation_id, count(*) FROM messages WHERE first_run_id = ? GROUP BY conversation_id",
        (latest,))}


# --- finding a chat by name: one rule for the CLI, search and the GUI ---------------------------
def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_chats(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """The conversations `ref` names, under the first rule that matches anything: its numeric id; its
    exact title; a title it starts (case-insensitive); a title it is part of; a title the chat had
    before (exact, then prefix); the source's own id for it (a wxid, a phone number). More than one
    row means `ref` is ambiguous."""
    ref = ref.strip()
    if not ref:
        return []
    if ref.isdigit():
        row = conn.execute("SELECT * FROM conversations WHERE id = ?", (int(ref),)).fetchone()
        if row:
            return [dict(row)]
    esc = _like_escape(ref)
    for sql, arg in (("SELECT * FROM conversations WHERE title = ?", ref),
                     ("SELECT * FROM conversations WHERE lower(title) LIKE lower(?) ESCAPE '\\'", esc + "%"),
                     ("SELECT * FROM conversations WHERE lower(title) LIKE lower(?) ESCAPE '\\'", "%" + esc + "%")):
        rows = conn.execute(sql + " ORDER BY id", (arg,)).fetchall()
        if rows:
            return [dict(r) for r in rows]
    for sql, arg in (("SELECT conversation_id FROM conversation_titles WHERE title = ?", ref),
                     ("SELECT conversation_id FROM conversation_titles WHERE lower(title) LIKE lower(?) "
                      "ESCAPE '\\'", esc + "%"),
                     ("SELECT id FROM conversations WHERE source_key = ?", ref)):
        ids = sorted({int(r[0]) for r in conn.execute(sql, (arg,))})
        if ids:
            marks = ",".join("?" * len(ids))
            return [dict(r) for r in conn.execute(f"SELECT * FROM conversations WHERE id IN ({marks}) ORDER BY id",
                                                  ids)]
    return []


def find_conversation(conn: Connection, ref: str) -> dict[str, Any] | None:
    """The one conversation `ref` names (`find_chats`), or None when it names none or several."""
    rows = find_chats(conn, ref)
    return rows[0] if len(rows) == 1 else None


def find_chat(conn: Connection, ref: str) -> dict[str, Any]:
    """The one conversation `ref` names, or a UsageError that lists the candidates."""
    rows = find_chats(conn, ref)
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise UsageError(f"No conversation matches {ref!r}.", hint="Give its id or part of its title.")
    names = ", ".join(f"{r['id']} ({r['title']})" for r in rows[:10])
    raise UsageError(f"{len(rows)} conversations match {ref!r}: {names}.", hint="Give the conversation id.")


# --- messages ---------------------------------------------------------------------------------
def message_count(conn: Connection, conversation_id: int) -> int:
    return int(conn.execute("SELECT count(*) FROM messages WHERE conversation_id = ?",
                            (conversation_id,)).fetchone()[0])


def messages_page(conn: Connection, conversation_id: int, *, before: tuple[int, int] | None = None,
                  after: tuple[int, int] | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Messages in time order around a (ts, id) cursor, using the (conversation, ts, id) index."""
    base = _MESSAGES + " WHERE m.conversation_id = ?"
    if before is not None:
        rows = conn.execute(base + " AND (m.ts, m.id) < (?, ?) ORDER BY m.ts DESC, m.id DESC LIMIT ?",
                            (conversation_id, before[0], before[1], limit)).fetchall()[::-1]
    elif after is not None:
        rows = conn.execute(base + " AND (m.ts, m.id) > (?, ?) ORDER BY m.ts, m.id LIMIT ?",
                            (conversation_id, after[0], after[1], limit)).fetchall()
    else:
        rows = conn.execute(base + " ORDER BY m.ts, m.id LIMIT ?", (conversation_id, limit)).fetchall()
    return [dict(r) for r in rows]


def first_message_at(conn: Connection, conversation_id: int, ts_ms: int) -> dict[str, Any] | None:
    """The first message on or after `ts_ms` (jump to a date), or None past the end."""
    rows = messages_page(conn, conversation_id, after=(ts_ms - 1, 2**62), limit=1)
    return rows[0] if rows else None


def message(conn: Connection, message_id: int) -> dict[str, Any] | None:
    row = conn.execute(_MESSAGES + " WHERE m.id = ?", (message_id,)).fetchone()
    return dict(row) if row else None


def attachments_of(conn: Connection, message_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The attachments of these messages, in their order, by message id (one IN query)."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not message_ids:
        return out
    marks = ",".join("?" * len(message_ids))
    for a in conn.execute(
        f"SELECT id, message_id, status, mime, size, original_name, expected_path, width, height, duration_ms,"
        f" blob_id, thumb_blob_id, extra, quality FROM attachments WHERE message_id IN ({marks}) ORDER BY ordinal",
        message_ids,
    ):
        out.setdefault(a["message_id"], []).append(dict(a))
    return out


def quoted_messages(conn: Connection, message_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The messages replies quote: id, kind, text and sender, by id (one IN query)."""
    if not message_ids:
        return {}
    marks = ",".join("?" * len(message_ids))
    return {q["id"]: dict(q) for q in conn.execute(
        f"SELECT m.id, m.conversation_id, m.ts, m.kind, m.text, {SENDER} AS sender"
        f" FROM messages m"
        f" LEFT JOIN participants p ON p.id = m.sender_id WHERE m.id IN ({marks})", message_ids)}


def message_by_key(conn: Connection, conversation_id: int, source_key: str) -> dict[str, Any] | None:
    """The message of a conversation with the source's id `source_key` (a reply's quoted original
    whose id was not resolved when the reply was imported), or None."""
    row = conn.execute(_MESSAGES + " WHERE m.conversation_id = ? AND m.source_key = ?",
                       (conversation_id, source_key)).fetchone()
    return dict(row) if row else None


def _run(conn: Connection, run_id: int | None) -> dict[str, Any] | None:
    if run_id is None:
        return None
    row = conn.execute("SELECT id, started_at, finished_at, format, path, outcome FROM import_runs WHERE id = ?",
                       (run_id,)).fetchone()
    return dict(row) if row else None


def provenance(conn: Connection, message_id: int) -> dict[str, Any] | None:
    """Where a message came from: its source (app, account), conversation, the import runs that first
    and last saw it (and the one that found it missing at the source), its id in the source, where in
    the export it was read, its edit, and its attachments with the paths the export named."""
    row = conn.execute(
        "SELECT m.id, m.source_key, m.ts, m.tz_offset, m.kind, m.status, m.is_edited, m.edited_at, m.location,"
        " m.reply_to_key, m.forwarded_from, m.first_run_id, m.last_seen_run_id, m.missing_run_id, m.extra,"
        " c.id AS conversation_id, c.title AS conversation, c.source_key AS conversation_key,"
        " s.app, s.account, s.display_name AS source_name, p.display_name AS sender, p.source_key AS sender_key"
        " FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = c.source_id"
        " LEFT JOIN participants p ON p.id = m.sender_id WHERE m.id = ?", (message_id,)).fetchone()
    if row is None:
        return None
    out = dict(row)
    out["first_run"] = _run(conn, out.pop("first_run_id"))
    out["last_run"] = _run(conn, out.pop("last_seen_run_id"))
    out["missing_run"] = _run(conn, out.pop("missing_run_id"))
    out["attachments"] = [dict(a) for a in conn.execute(
        "SELECT id, status, mime, size, original_name, expected_path, blob_id FROM attachments"
        " WHERE message_id = ? ORDER BY ordinal", (message_id,))]
    return out


def chat_files(conn: Connection, conversation_id: int, limit: int = 5000) -> list[dict[str, Any]]:
    """A conversation's documents and links, newest first: file messages and file attachments of any
    other kind that is not a photo, video, voice note or sticker (name, size, status), link cards
    (`extra` has their title and url) and text messages that hold a web address."""
    return [dict(r) for r in conn.execute(
        f"SELECT m.id AS message_id, m.ts, m.kind, m.text, m.extra, {SENDER} AS sender,"
        " a.id AS attachment_id, a.status, a.mime, a.size, a.original_name, a.blob_id, a.expected_path"
        " FROM messages m LEFT JOIN participants p ON p.id = m.sender_id"
        " LEFT JOIN attachments a ON a.message_id = m.id AND a.ordinal = 0"
        " WHERE m.conversation_id = ? AND (m.kind IN ('file', 'link')"
        " OR (m.kind = 'text' AND (m.text LIKE '%http://%' OR m.text LIKE '%https://%' OR m.text LIKE '%www.%')))"
        " ORDER BY m.ts DESC, m.id DESC LIMIT ?", (conversation_id, limit))]


# --- media --------------------------------------------------------------------------------------
def gallery_media(conn: Connection, conversation_id: int | None = None, kind: str | None = None,
                  limit: int = 5000, since: int | None = None, until: int | None = None) -> list[dict[str, Any]]:
    """Photos and videos (stored or not), newest first."""
    sql = ("SELECT a.id AS attachment_id, a.status, a.mime, a.size, a.width, a.height, a.duration_ms, a.blob_id,"
           " a.thumb_blob_id, a.original_name, a.expected_path, a.quality, m.id AS message_id, m.kind, m.ts, m.conversation_id,"
           f" c.title AS conversation, {SENDER} AS sender"
           " FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id"
           " LEFT JOIN participants p ON p.id = m.sender_id WHERE m.kind IN ('image', 'video')")
    params: list[Any] = []
    for cond, value in (("m.conversation_id = ?", conversation_id), ("m.kind = ?", kind or None),
                        ("m.ts >= ?", since), ("m.ts < ?", until)):
        if value is not None:
            sql += " AND " + cond
            params.append(value)
    sql += " ORDER BY m.ts DESC, m.id DESC LIMIT ?"
    params.append(limit)
    return [dict(r) for r in conn.execute(sql, params)]


def media_months(conn: Connection) -> list[tuple[int, int]]:
    """(year, month) in local time of every month with a photo, a video or a captured file, newest first."""
    rows = conn.execute(
        "SELECT DISTINCT strftime('%Y-%m', m.ts / 1000, 'unixepoch', 'localtime') AS ym FROM attachments a"
        " JOIN messages m ON m.id = a.message_id WHERE m.kind IN ('image', 'video') UNION"
        " SELECT strftime('%Y-%m', at / 1000, 'unixepoch', 'localtime') FROM capture_log"
        " WHERE event IN ('captured', 'duplicate') AND blob_id IS NOT NULL ORDER BY 1 DESC").fetchall()
    return [(int(ym[:4]), int(ym[5:])) for (ym,) in rows if ym]


def unstored_attachments(conn: Connection, limit: int = 5000) -> list[dict[str, Any]]:
    """Attachments whose file is not in the vault (missing, expired, ...), newest first."""
    return [dict(r) for r in conn.execute(
        "SELECT a.id, a.status, a.original_name, a.expected_path, m.ts, m.kind, c.title, "
        f"{SENDER} AS display_name"
        " FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id"
        " LEFT JOIN participants p ON p.id = m.sender_id WHERE a.status != 'stored' ORDER BY m.ts DESC LIMIT ?",
        (limit,))]


def stored_media(conn: Connection, conversation_id: int | None = None, kind: str | None = None,
                 limit: int = 1000) -> list[dict[str, Any]]:
    """Stored attachments in time order (`media ls`); `kind` is image, video, audio or file (by MIME type)."""
    sql = ("SELECT a.id AS attachment_id, a.message_id, m.conversation_id, c.title AS conversation, m.ts,"
           " a.original_name AS name, a.mime, a.size, a.width, a.height, a.duration_ms, a.blob_id, a.thumb_blob_id,"
           " a.quality"
           " FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c"
           " ON c.id = m.conversation_id WHERE a.status = 'stored'")
    params: list[Any] = []
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    if kind:
        sql += " AND " + kind_sql(kind)
    sql += " ORDER BY m.ts, a.id LIMIT ?"
    params.append(limit)
    return [dict(r) for r in conn.execute(sql, params)]


def attachment(conn: Connection, attachment_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, blob_id, original_name, status FROM attachments WHERE id = ?",
                       (attachment_id,)).fetchone()
    return dict(row) if row else None


def name_of_blob(conn: Connection, blob_id: str) -> str | None:
    """An original file name some attachment of this blob had, if any."""
    row = conn.execute("SELECT original_name FROM attachments WHERE blob_id = ? LIMIT 1", (blob_id,)).fetchone()
    return row[0] if row else None


def destination_names(conn: Connection) -> dict[int, str]:
    """Backup destination names by id (a run's history row names its destination)."""
    return {int(r[0]): r[1] for r in conn.execute("SELECT id, name FROM backup_destinations")}


def feeds(conn: Connection) -> list[dict[str, Any]]:
    """The feed conversations (WeChat Moments, Favorites) with their account and size, by feed."""
    rows = conn.execute(
        "SELECT c.id, c.feed, c.title, c.source_key, s.app, s.account, s.display_name AS account_name, "
        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS messages "
        "FROM conversations c JOIN sources s ON s.id = c.source_id WHERE c.feed IS NOT NULL "
        "ORDER BY c.feed, c.id").fetchall()
    return [dict(r) for r in rows]
