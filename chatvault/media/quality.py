"""Upgrading an attachment in place when a better level of it arrives (docs/media.md).

The order is fixed so that a crash at any point leaves a readable level:
1. the better file is written to the blob store durably (`BlobStore.put`: temp, fsync, rename);
2. it is read back whole and its keyed hash checked against its id (`BlobStore.verify`);
3. one UPDATE in the caller's transaction points the row at it: the old thumbnail becomes the
   row's `thumb_blob_id`, an old HD file its `superseded_blob_id`; nothing is deleted.
Before 3 commits the row still names the lower file (the new blob, if any, has no row: `check
--repair` removes it); after, the better one. A lower or equal level never replaces a higher one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from chatvault import faults
from chatvault.importers.wechat.levels import file_level, media_key
from chatvault.media.attach import MediaInfo, record_blob
from chatvault.media.blobstore import BlobStore, StoredBlob
from chatvault.model import QUALITY_RANK, MediaQuality
from chatvault.store.db import Connection

FILLED, UPGRADED, RAISED, KEPT = "filled", "upgraded", "raised", "kept"
_MD5 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Row:
    id: int
    status: str
    blob_id: str | None
    quality: str | None
    thumb_blob_id: str | None


def _row(conn: Connection, attachment_id: int) -> Row | None:
    r = conn.execute("SELECT id, status, blob_id, quality, thumb_blob_id FROM attachments WHERE id = ?",
                     (attachment_id,)).fetchone()
    return Row(int(r[0]), r[1], r[2], r[3], r[4]) if r else None


def rank(level: str | None) -> int:
    return QUALITY_RANK.get(MediaQuality(level), 0) if level else 0


def apply_level(conn: Connection, store: BlobStore, attachment_id: int, stored: StoredBlob, info: MediaInfo,
                level: str, *, source_blob_id: str | None = None) -> str:
    """Put `stored` (a durable blob of `level`) into the attachment if it is better than what it has.

    Returns FILLED (the row had nothing), UPGRADED (a lower level was replaced), RAISED (the same
    file, now known to be better) or KEPT (not better: nothing changed). Runs inside the caller's
    transaction; the blob is verified (read back, hash checked) before the row changes.
    """
    row = _row(conn, attachment_id)
    if row is None:
        return KEPT
    if row.status != "stored":
        store.verify(stored.id)
        _point(conn, row, stored, info, level, thumb=row.thumb_blob_id, superseded=None, source=source_blob_id)
        return FILLED
    if row.quality is None or rank(level) <= rank(row.quality):
        return KEPT
    if stored.id == row.blob_id:
        conn.execute("UPDATE attachments SET quality = ?, quality_basis = 'reader' WHERE id = ?", (level, row.id))
        return RAISED
    store.verify(stored.id)
    faults.hit("media.upgrade.verified")
    was_thumb = row.quality == MediaQuality.THUMBNAIL
    _point(conn, row, stored, info, level, thumb=row.blob_id if was_thumb else row.thumb_blob_id,
           superseded=None if was_thumb else row.blob_id, source=source_blob_id)
    return UPGRADED


def _point(conn: Connection, row: Row, stored: StoredBlob, info: MediaInfo, level: str, *, thumb: str | None,
           superseded: str | None, source: str | None) -> None:
    record_blob(conn, stored, info)
    conn.execute(
        "UPDATE attachments SET blob_id = ?, status = 'stored', mime = ?, size = ?, width = coalesce(?, width), "
        "height = coalesce(?, height), duration_ms = coalesce(?, duration_ms), quality = ?, quality_basis = 'reader', "
        "thumb_blob_id = ?, superseded_blob_id = coalesce(?, superseded_blob_id), "
        "source_blob_id = coalesce(?, source_blob_id) WHERE id = ?",
        (stored.id, info.mime, stored.size, info.width, info.height, info.duration_ms, level, thumb, superseded,
         source, row.id))


def upgradable(conn: Connection, name: str, *, conversation_id: int | None = None) -> list[tuple[int, str, dict]]:
    """Rows below the original that a file called `name` is a level of: (attachment id, message
    kind, message extra), found by the media key every level shares."""
    key = media_key(name)
    if key is None:
        return []
    # A missing row is matched by key only when the key is WeChat's md5 (no two pictures share it);
    # other missing rows are `find_missing`'s, which also weighs size and time.
    sql = ("SELECT a.id, m.kind, m.extra, a.quality FROM attachments a JOIN messages m ON m.id = a.message_id "
           "WHERE a.media_key = ? AND a.quality IN ('missing', 'thumbnail', 'hd')")   # = m014's partial index
    params: list = [key]
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    rows = [r for r in conn.execute(sql, params).fetchall() if r[3] != "missing" or _MD5.fullmatch(key)]
    return [(int(r[0]), str(r[1]), _extra(r[2])) for r in rows]



def _extra(text: str | None) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def level_of_row(conn: Connection, attachment_id: int, name: str, size: int) -> str:
    """The level a file called `name` of `size` bytes is, for this attachment's message."""
    r = conn.execute("SELECT m.kind, m.extra FROM attachments a JOIN messages m ON m.id = a.message_id "
                     "WHERE a.id = ?", (attachment_id,)).fetchone()
    return capture_level(name, size, r[0] if r else "image", _extra(r[1]) if r else {})


def capture_level(name: str, size: int, kind: str, message_extra: dict) -> str:
    """The level of a captured file for a row of message kind `kind`."""
    return str(file_level(name, size, message_extra, video=kind == "video"))


def upgrade_from_capture(conn: Connection, store: BlobStore, stored: StoredBlob, info: MediaInfo, name: str, *,
                         conversation_id: int | None = None, source_blob_id: str | None = None) -> list[int]:
    """Every row a captured file is a better level of, upgraded; the ids that changed."""
    if not (info.mime or "").startswith(("image/", "video/")):
        return []
    changed = []
    for aid, kind, extra in upgradable(conn, name, conversation_id=conversation_id):
        level = capture_level(name, stored.size, kind, extra)
        if apply_level(conn, store, aid, stored, info, level, source_blob_id=source_blob_id) in (FILLED, UPGRADED):
            changed.append(aid)
    return changed
