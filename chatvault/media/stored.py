"""Stored media as `chatvault media ls` lists it, and the pieces of SQL the media listings share
(`missing.py`, `captured.py`): the kind a MIME type falls under and the attachment joins."""

from __future__ import annotations

from typing import Any

from chatvault.store.db import Connection, Row

KINDS = ("image", "video", "audio", "file")
# The attachment, its message and its conversation (aliases a, m, c).
ATTACHMENT_JOINS = ("FROM attachments a JOIN messages m ON m.id = a.message_id "
                    "JOIN conversations c ON c.id = m.conversation_id")


def kind_sql(kind: str, column: str) -> str:
    """SQL true when MIME `column` is of `kind` (image, video, audio, or file: anything else)."""
    if kind != "file":
        return f"{column} LIKE '{kind}/%'"
    return (f"({column} IS NULL OR ({column} NOT LIKE 'image/%' AND {column} NOT LIKE 'video/%' "
            f"AND {column} NOT LIKE 'audio/%'))")


def attachments_sql(columns: str, where: str, conversation_id: int | None,
                    joins: str = "") -> tuple[str, list[Any]]:
    """`SELECT columns` over `ATTACHMENT_JOINS` (+ `joins`) `WHERE where`, narrowed to one chat."""
    sql = f"SELECT {columns} {ATTACHMENT_JOINS}{joins} WHERE {where}"
    params: list[Any] = []
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    return sql, params


def stored_media(conn: Connection, conversation_id: int | None = None, kind: str | None = None,
                 limit: int = 100) -> list[Row]:
    """Attachments whose file is in the vault, oldest first: (id, message id, conversation id and
    title, ts, name, mime, size, width, height, duration_ms, blob id, thumbnail blob id)."""
    sql, params = attachments_sql(
        "a.id, a.message_id, m.conversation_id, c.title, m.ts, a.original_name, a.mime, a.size, "
        "a.width, a.height, a.duration_ms, a.blob_id, a.thumb_blob_id", "a.status = 'stored'", conversation_id)
    if kind:
        sql += " AND " + kind_sql(kind, "a.mime")
    sql += " ORDER BY m.ts, a.id LIMIT ?"
    return conn.execute(sql, [*params, limit]).fetchall()
