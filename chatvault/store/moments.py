"""Reads for the Moments view: the accounts' Moments feeds, who posted, pages of posts with their
photos, comments and likes, and where a message (a post or a comment) sits in the timeline.

A post is a message of a `feed = 'moments'` conversation with no `reply_to_key`; its comments are
the messages replying to its key (ingest stores them so: chatvault/importers/wechat/moments/post.py).
Pages go newest first by (ts, id), so thousands of posts are read a page at a time.
"""

from __future__ import annotations

import json
from typing import Any

from chatvault.store.db import Connection

FEED = "moments"


def feed_ids(conn: Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT id FROM conversations WHERE feed = ? ORDER BY id", (FEED,))]


def is_feed(conn: Connection, conversation_id: int) -> bool:
    row = conn.execute("SELECT feed FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return row is not None and row[0] == FEED


def authors(conn: Connection, conv_ids: list[int]) -> list[dict[str, Any]]:
    """Everyone with a post, me first, then by how many posts (ties by name)."""
    if not conv_ids:
        return []
    marks = ",".join("?" * len(conv_ids))
    rows = conn.execute(
        f"SELECT p.id, p.display_name, p.source_key, p.is_me, count(*) AS posts FROM messages m "
        f"JOIN participants p ON p.id = m.sender_id WHERE m.conversation_id IN ({marks}) "
        f"AND m.reply_to_key IS NULL GROUP BY p.id ORDER BY p.is_me DESC, posts DESC, p.display_name", conv_ids)
    return [{"id": int(r[0]), "name": r[1] or r[2], "key": r[2], "is_me": bool(r[3]), "posts": int(r[4])}
            for r in rows]


def count_posts(conn: Connection, conv_ids: list[int], author: int | None = None) -> int:
    if not conv_ids:
        return 0
    marks = ",".join("?" * len(conv_ids))
    sql = f"SELECT count(*) FROM messages WHERE conversation_id IN ({marks}) AND reply_to_key IS NULL"
    args: list[Any] = list(conv_ids)
    if author is not None:
        sql += " AND sender_id = ?"
        args.append(author)
    return int(conn.execute(sql, args).fetchone()[0])


def posts(conn: Connection, conv_ids: list[int], *, author: int | None = None,
          before: tuple[int, int] | None = None, after: tuple[int, int] | None = None,
          limit: int = 20) -> list[dict[str, Any]]:
    """A page of posts newest first: older than `before`, or the `limit` just newer than `after`
    (inclusive of `after`'s own post when `after` is given as the post to start at)."""
    if not conv_ids:
        return []
    marks = ",".join("?" * len(conv_ids))
    sql = ("SELECT m.id, m.conversation_id, m.source_key, m.ts, m.kind, m.text, m.status, m.extra, "
           "m.sender_id, p.display_name AS sender, p.source_key AS sender_key, p.is_me "
           f"FROM messages m LEFT JOIN participants p ON p.id = m.sender_id WHERE m.conversation_id IN ({marks}) "
           "AND m.reply_to_key IS NULL")
    args: list[Any] = list(conv_ids)
    if author is not None:
        sql += " AND m.sender_id = ?"
        args.append(author)
    order = "DESC"
    if before is not None:
        sql += " AND (m.ts < ? OR (m.ts = ? AND m.id < ?))"
        args += [before[0], before[0], before[1]]
    elif after is not None:
        sql += " AND (m.ts > ? OR (m.ts = ? AND m.id > ?))"
        args += [after[0], after[0], after[1]]
        order = "ASC"
    sql += f" ORDER BY m.ts {order}, m.id {order} LIMIT ?"
    args.append(limit)
    rows = [_post(r) for r in conn.execute(sql, args)]
    if order == "ASC":
        rows.reverse()
    _fill(conn, rows)
    return rows


def _post(r: Any) -> dict[str, Any]:
    extra = json.loads(r["extra"]) if r["extra"] else {}
    info = extra.get("moments") or {}
    return {"id": int(r["id"]), "conversation_id": int(r["conversation_id"]), "key": r["source_key"],
            "ts": int(r["ts"]), "kind": r["kind"], "text": r["text"], "status": r["status"],
            "sender_id": r["sender_id"], "sender": r["sender"] or r["sender_key"], "is_me": bool(r["is_me"]),
            "extra": extra, "likes": info.get("likes") or [], "visibility": info.get("visibility") or {},
            "location": extra.get("location") or {}, "media": info.get("media") or [],
            "attachments": [], "comments": []}


def _fill(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Attachments and comments of a page of posts, in two reads."""
    if not rows:
        return
    by_id = {p["id"]: p for p in rows}
    marks = ",".join("?" * len(rows))
    for a in conn.execute(
            "SELECT id, message_id, ordinal, status, blob_id, thumb_blob_id, mime, width, height, expected_path, "
            f"original_name, extra FROM attachments WHERE message_id IN ({marks}) ORDER BY message_id, ordinal",
            list(by_id)):
        att = dict(a)
        att["extra"] = json.loads(att["extra"]) if att["extra"] else {}
        by_id[int(a["message_id"])]["attachments"].append(att)
    by_conv: dict[int, dict[str, dict[str, Any]]] = {}
    for p in rows:
        by_conv.setdefault(p["conversation_id"], {})[p["key"]] = p
    for cid, keyed in by_conv.items():
        kmarks = ",".join("?" * len(keyed))
        for c in conn.execute(
                "SELECT m.id, m.reply_to_key, m.ts, m.text, m.status, m.extra, p.display_name, p.source_key "
                "FROM messages m LEFT JOIN participants p ON p.id = m.sender_id WHERE m.conversation_id = ? "
                f"AND m.reply_to_key IN ({kmarks}) ORDER BY m.ts, m.id", [cid, *keyed]):
            extra = json.loads(c["extra"]) if c["extra"] else {}
            info = extra.get("moments") or {}
            keyed[c["reply_to_key"]]["comments"].append({
                "id": int(c["id"]), "ts": int(c["ts"]), "text": c["text"], "status": c["status"],
                "sender": c["display_name"] or c["source_key"], "reply_to_name": info.get("reply_to_name")})


def locate(conn: Connection, message_id: int) -> dict[str, Any] | None:
    """The post a Moments message is or comments on: {conversation_id, post_id, ts}; None when the
    message is not in a Moments feed (or its post is not in the vault)."""
    row = conn.execute(
        "SELECT m.id, m.conversation_id, m.ts, m.reply_to_key FROM messages m JOIN conversations c "
        "ON c.id = m.conversation_id WHERE m.id = ? AND c.feed = ?", (message_id, FEED)).fetchone()
    if row is None:
        return None
    if row["reply_to_key"] is None:
        return {"conversation_id": int(row["conversation_id"]), "post_id": int(row["id"]), "ts": int(row["ts"])}
    post = conn.execute("SELECT id, ts FROM messages WHERE conversation_id = ? AND source_key = ?",
                        (row["conversation_id"], row["reply_to_key"])).fetchone()
    if post is None:
        return None
    return {"conversation_id": int(row["conversation_id"]), "post_id": int(post["id"]), "ts": int(post["ts"]),
            "comment_id": int(row["id"])}
