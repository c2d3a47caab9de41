"""Reads of the Favorites feed (WeChat 收藏): a page of items by type, tag and words, the tags, an item's place.

A favorite is a message of a conversation whose `feed` is 'favorites' (one per account); its
details are in `extra` (importers/wechat/favorites/records.py): `fav_kind`, `tags`, `fav_source`,
`original_ts`, `bundle`, `note` … Newest favorited first, as WeChat lists them.
"""

from __future__ import annotations

from typing import Any

from chatvault.store.db import Connection
from chatvault.store.queries import MESSAGE_COLUMNS, attachments_of

FEED = "favorites"
# The type filter's groups (the Favorites view's chips) → the `fav_kind`s they hold.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "media": ("image", "video"),
    "links": ("link", "article", "music", "product", "mini_program", "channels"),
    "files": ("file",),
    "voice": ("voice",),
    "notes": ("note",),
    "chat_history": ("chat_history",),
    "locations": ("location",),
}
_FROM = (" FROM messages m JOIN conversations c ON c.id = m.conversation_id"
         " LEFT JOIN participants p ON p.id = m.sender_id WHERE c.feed = 'favorites'")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(category: str | None, tag: str | None, text: str | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    if category:
        kinds = CATEGORIES.get(category, (category,))
        sql += f" AND json_extract(m.extra, '$.fav_kind') IN ({','.join('?' * len(kinds))})"
        params += list(kinds)
    if tag:
        sql += " AND EXISTS (SELECT 1 FROM json_each(m.extra, '$.tags') t WHERE t.value = ?)"
        params.append(tag)
    for word in (text or "").split():
        sql += " AND (m.text LIKE ? ESCAPE '\\' OR m.extra LIKE ? ESCAPE '\\' OR p.display_name LIKE ? ESCAPE '\\')"
        params += [_like(word)] * 3
    return sql, params


def items(conn: Connection, *, category: str | None = None, tag: str | None = None, text: str | None = None,
          offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """One page of favorites (newest favorited first), each with its attachments."""
    where, params = _where(category, tag, text)
    rows = [dict(r) for r in conn.execute(
        f"SELECT {MESSAGE_COLUMNS}, c.title AS feed_title" + _FROM + where
        + " ORDER BY m.ts DESC, m.id DESC LIMIT ? OFFSET ?", [*params, limit, offset])]
    atts = attachments_of(conn, [r["id"] for r in rows])
    for r in rows:
        r["attachments"] = atts.get(r["id"], [])
    return rows


def count(conn: Connection, *, category: str | None = None, tag: str | None = None, text: str | None = None) -> int:
    where, params = _where(category, tag, text)
    return int(conn.execute("SELECT count(*)" + _FROM + where, params).fetchone()[0])


def position(conn: Connection, message_id: int, *, category: str | None = None, tag: str | None = None,
             text: str | None = None) -> int | None:
    """The row of favorite `message_id` in the list these filters give (None: not in it)."""
    row = conn.execute("SELECT ts FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        return None
    where, params = _where(category, tag, text)
    inside = conn.execute("SELECT 1" + _FROM + where + " AND m.id = ?", [*params, message_id]).fetchone()
    if inside is None:
        return None
    return int(conn.execute("SELECT count(*)" + _FROM + where + " AND (m.ts > ? OR (m.ts = ? AND m.id > ?))",
                            [*params, row[0], row[0], message_id]).fetchone()[0])


def tags(conn: Connection) -> list[tuple[str, int]]:
    """Every tag on a favorite with how many carry it, the most used first."""
    return [(r[0], int(r[1])) for r in conn.execute(
        "SELECT t.value, count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id,"
        " json_each(m.extra, '$.tags') t WHERE c.feed = 'favorites' AND t.type = 'text'"
        " GROUP BY t.value ORDER BY count(*) DESC, t.value")]


def is_favorites(conn: Connection, conversation_id: int) -> bool:
    row = conn.execute("SELECT feed FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return bool(row) and row[0] == FEED
