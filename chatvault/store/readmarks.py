"""Read markers: which messages of each conversation the user has seen, kept in the vault.

A marker is the highest message id read in a conversation (`settings` key `read_up_to:<id>`), plus
one vault-wide marker (`read_up_to:*`) that "Mark all as read" raises. Message ids only grow as
imports add rows, so a message is unread when its id is above both markers: whatever an import adds
after the user last looked, including older history filled in later. The user's own messages and
system lines (joined, renamed) never count. Markers only move forward, so two windows (or a window
and a stale write) never un-read a chat. No migration: the settings table holds them.
"""

from __future__ import annotations

from chatvault.store.db import Connection, rollback

PREFIX = "read_up_to:"
ALL = PREFIX + "*"
# What counts as unread: not a system line, not the user's own (the list of "me" is read once).
_COUNTED = ("m.kind != 'system' AND (m.sender_id IS NULL OR m.sender_id NOT IN "
            "(SELECT id FROM participants WHERE is_me = 1))")


def markers(conn: Connection) -> tuple[int, dict[int, int]]:
    """(the vault-wide marker, {conversation id: its own marker})."""
    overall = 0
    own: dict[int, int] = {}
    for key, value in conn.execute("SELECT key, value FROM settings WHERE key >= ? AND key < ?",
                                   (PREFIX, PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1))):
        try:
            n = int(value)
        except (TypeError, ValueError):
            continue                 # not ours (hand-edited): ignored, never fatal
        tail = key[len(PREFIX):]
        if tail == "*":
            overall = n
        elif tail.isdigit():
            own[int(tail)] = n
    return overall, own


def unread_counts(conn: Connection, read_here: dict[int, int] | None = None,
                  all_read_here: int | None = None) -> dict[int, int]:
    """Unread messages per conversation (conversations without any are left out). `read_here` and
    `all_read_here` are markers the caller has set and may not have written yet: they count too."""
    overall, own = markers(conn)
    overall = max(overall, all_read_here or 0)
    # One range scan above the vault-wide marker, then a recount of each chat with a marker of its own
    # above it (its index entries only): no per-row lookup of the settings.
    rows = conn.execute(
        f"SELECT m.conversation_id, count(*) FROM messages m WHERE m.id > ? AND {_COUNTED} "
        "GROUP BY m.conversation_id", (overall,)).fetchall()
    counts = {int(cid): int(n) for cid, n in rows if n}
    for cid, up_to in own.items():
        if cid in counts and up_to > overall:
            counts[cid] = _count_after(conn, cid, up_to)
    for cid, up_to in (read_here or {}).items():
        if cid in counts and up_to > max(own.get(cid, 0), overall):
            counts[cid] = _count_after(conn, cid, up_to)
    return {cid: n for cid, n in counts.items() if n}


def _count_after(conn: Connection, conversation_id: int, after_id: int) -> int:
    return int(conn.execute(f"SELECT count(*) FROM messages m WHERE m.conversation_id = ? AND m.id > ? AND {_COUNTED}",
                            (conversation_id, after_id)).fetchone()[0])


def _raise(conn: Connection, key: str, up_to: int) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value "
        "WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)", (key, str(int(up_to))))


def mark_read(conn: Connection, conversation_id: int, up_to_message_id: int) -> None:
    """The user has seen conversation `conversation_id` up to message `up_to_message_id` (never lowers)."""
    _raise(conn, f"{PREFIX}{int(conversation_id)}", up_to_message_id)


def mark_all_read(conn: Connection, up_to_message_id: int | None = None) -> int:
    """Every message up to `up_to_message_id` (default: the newest in the vault) is read; returns it."""
    if up_to_message_id is None:
        up_to_message_id = newest_message_id(conn)
    _raise(conn, ALL, up_to_message_id)
    return up_to_message_id


def newest_message_id(conn: Connection, conversation_id: int | None = None) -> int:
    """The highest message id in the vault, or in one conversation (0 when there is none)."""
    if conversation_id is None:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = ?",
                            (conversation_id,)).fetchone()[0])


def write(conn: Connection, marks: dict[int, int], all_up_to: int | None = None, *,
          busy_ms: int = 1000) -> None:
    """Raise several markers in one transaction (a writable connection). A marker is a convenience:
    it waits at most `busy_ms` for another writer (then SQLite's "database is locked" goes to the
    caller, which retries later) instead of the connection's default 30 s, so a window locking
    while an import commits never waits behind it."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for cid, up_to in marks.items():
            mark_read(conn, cid, up_to)
        if all_up_to is not None:
            mark_all_read(conn, all_up_to)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
