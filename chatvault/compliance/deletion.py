"""Deleting messages the one way compliance allows: each leaves a tombstone, in the same
transaction, so a crash at any moment leaves a message either whole or gone with its tombstone.

A tombstone keeps the message id, chat, time, sender, kind, why (retention policy or erasure) and
the SHA-256 of what was removed (the canonical JSON of the row and its attachment rows), never the
text. The text leaves the search index with the row (trigger `search_fts_after_delete`); media blobs no longer referenced by anything
are queued in `blob_deletions` and their files removed after the commit (`purge_blob_files`,
idempotent: a crash in between leaves a queued file that the next run removes). An import never
brings a tombstoned message back (`ingest/writer.py` looks tombstones up).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from chatvault import clock, faults
from chatvault.media.blobstore import BlobStore

_MSG = ("id", "conversation_id", "source_key", "ts", "tz_offset", "sender_id", "kind", "text", "reply_to_key",
        "forwarded_from", "edited_at", "is_edited", "status", "first_run_id", "location", "extra")
_ATT = ("id", "ordinal", "blob_id", "status", "mime", "size", "original_name", "expected_path", "width", "height",
        "duration_ms", "thumb_blob_id", "extra")


@dataclass
class Deleted:
    messages: int = 0
    attachments: int = 0
    blobs: int = 0
    tombstone_ids: list[int] = field(default_factory=list)


def removed_digest(row: dict[str, Any], attachments: list[dict[str, Any]]) -> str:
    """SHA-256 of what a deletion removes: `[message row, [attachment rows]]` as compact JSON."""
    body = json.dumps([row, attachments], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def delete_messages(conn: Any, ids: list[int], *, reason: str, policy_id: int | None = None,
                    erasure_id: int | None = None) -> Deleted:
    """Delete `ids` with tombstones inside the caller's transaction. A held message makes the
    trigger abort the statement (the caller filters held ones first; this is the last line)."""
    out = Deleted()
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    rows = {int(r[0]): dict(zip(_MSG, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(_MSG)} FROM messages WHERE id IN ({marks})", ids)}
    atts: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(f"SELECT message_id, {', '.join(_ATT)} FROM attachments WHERE message_id IN ({marks})"
                          " ORDER BY message_id, ordinal", ids):
        atts.setdefault(int(r[0]), []).append(dict(zip(_ATT, r[1:], strict=True)))
    blobs = {b for a in atts.values() for att in a for b in (att["blob_id"], att["thumb_blob_id"]) if b}
    # The files an attachment keeps besides the one it shows (a converted wxgf, a replaced HD picture).
    blobs |= {b for r in conn.execute(f"SELECT source_blob_id, superseded_blob_id FROM attachments WHERE message_id "
                                      f"IN ({marks})", ids) for b in r if b}
    now = clock.now_ms()
    values = []
    for mid in ids:
        row = rows.get(mid)
        if row is None:
            continue
        a = atts.get(mid, [])
        values.append((mid, row["conversation_id"], row["source_key"], row["ts"], row["sender_id"], row["kind"], now,
                       reason, policy_id, erasure_id, len(a), removed_digest(row, a)))
        out.attachments += len(a)
    before = conn.execute("SELECT coalesce(max(id), 0) FROM tombstones").fetchone()[0]
    conn.executemany(
        "INSERT INTO tombstones(message_id, conversation_id, source_key, ts, sender_id, kind, deleted_at, reason,"
        " policy_id, erasure_id, attachments, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    out.tombstone_ids = list(range(before + 1, before + 1 + len(values)))
    present = list(rows)
    pmarks = ",".join("?" * len(present))
    faults.hit("compliance.after_tombstones")
    conn.execute(f"DELETE FROM search_pending WHERE id IN ({pmarks})", present)
    conn.execute(f"UPDATE unparsed SET message_id = NULL WHERE message_id IN ({pmarks})", present)
    conn.execute(f"UPDATE messages SET reply_to_id = NULL WHERE reply_to_id IN ({pmarks})", present)
    conn.execute(f"DELETE FROM attachments WHERE message_id IN ({pmarks})", present)
    conn.execute(f"DELETE FROM article_links WHERE message_id IN ({pmarks})", present)  # the article's copy stays
    conn.execute(f"DELETE FROM messages WHERE id IN ({pmarks})", present)
    out.messages = len(present)
    out.blobs = _queue_unreferenced(conn, blobs, now)
    return out


def _queue_unreferenced(conn: Any, candidates: set[str], now: int) -> int:
    """Blobs nothing references any more: rows removed, files queued for removal after commit."""
    gone = 0
    for blob_id in sorted(candidates):
        used = conn.execute(
            "SELECT 1 FROM attachments WHERE blob_id = ?1 OR thumb_blob_id = ?1 OR source_blob_id = ?1 "
            "OR superseded_blob_id = ?1 UNION ALL "
            "SELECT 1 FROM watch_files WHERE blob_id = ?1 UNION ALL SELECT 1 FROM capture_log WHERE blob_id = ?1 "
            "UNION ALL SELECT 1 FROM article_images WHERE blob_id = ?1 UNION ALL SELECT 1 FROM article_snapshots "
            "WHERE html_blob_id = ?1 OR view_blob_id = ?1 "
            "LIMIT 1", (blob_id,)).fetchone()
        if used:
            continue
        thumb = conn.execute("SELECT thumb_id FROM thumbs WHERE blob_id = ?", (blob_id,)).fetchone()
        conn.execute("DELETE FROM thumbs WHERE blob_id = ?1 OR thumb_id = ?1", (blob_id,))
        conn.execute("DELETE FROM thumb_failures WHERE blob_id = ?", (blob_id,))
        conn.execute("DELETE FROM blobs WHERE id = ?", (blob_id,))
        conn.execute("INSERT OR IGNORE INTO blob_deletions(blob_id, queued_at) VALUES (?, ?)", (blob_id, now))
        gone += 1
        if thumb and thumb[0] not in candidates:
            gone += _queue_unreferenced(conn, {thumb[0]}, now)
    return gone


def purge_blob_files(vault: Any, conn: Any) -> int:
    """Remove the files of queued blob deletions (after the deleting transaction committed)."""
    store = BlobStore(vault)
    removed = 0
    for (blob_id,) in conn.execute("SELECT blob_id FROM blob_deletions").fetchall():
        if conn.execute("SELECT 1 FROM blobs WHERE id = ?", (blob_id,)).fetchone() is None:
            path = store.path_for(blob_id)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        conn.execute("DELETE FROM blob_deletions WHERE blob_id = ?", (blob_id,))
    return removed


def tombstones(conn: Any, *, conversation_id: int | None = None, after: int | None = None, before: int | None = None,
               reason: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Tombstones newest deletion first: what was removed, from where, when and why."""
    where, params = [], []
    for cond, value in (("t.conversation_id = ?", conversation_id), ("t.ts >= ?", after), ("t.ts < ?", before),
                        ("t.reason = ?", reason)):
        if value is not None:
            where.append(cond)
            params.append(value)
    sql = ("SELECT t.id, t.message_id, t.conversation_id, c.title, t.source_key, t.ts, t.kind, t.deleted_at, t.reason,"
           " t.policy_id, t.erasure_id, t.attachments, t.sha256 FROM tombstones t"
           " JOIN conversations c ON c.id = t.conversation_id")
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY t.id DESC LIMIT ?"
    keys = ("id", "message_id", "conversation_id", "conversation", "source_key", "ts", "kind", "deleted_at", "reason",
            "policy_id", "erasure_id", "attachments", "sha256")
    return [dict(zip(keys, r, strict=True)) for r in conn.execute(sql, [*params, limit])]
