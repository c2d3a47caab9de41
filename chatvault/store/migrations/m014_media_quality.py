"""Media quality: each image/video attachment's best level, the files it keeps, and a match key.

- `quality`: original | hd | thumbnail | missing for the attachments of image and video messages
  (NULL for voice notes, files, stickers).
- `quality_basis`: `reader` (the importer or capture graded the file it stored), `backfill` (this
  step guessed from what an earlier version recorded; see below).
- `media_key`: the stem all levels of one picture share (`<md5>` of `<md5>_t.dat`, `th_<md5>`),
  so a later import or a watch capture of a better level finds the row.
- `source_blob_id`: the file as the source had it before conversion (a Weixin 4 wxgf).
- `superseded_blob_id`: the HD file an original replaced (a replaced thumbnail stays the
  row's `thumb_blob_id`); kept, never deleted by an upgrade.

Backfill, honest about what an old row can tell: not stored → `missing`; stored and marked a
thumbnail by the old readers → `thumbnail`; WhatsApp, Telegram and other apps → `original`
(their exports hold the file as sent); WeChat pictures → `original` when the file's size equals the
message's `hdlength`, or the message names no separate original (no `hdlength` larger than
`length`), or the path is a Weixin 4 `_h` file; else `hd` — at least HD, perhaps the original, so
a later import or capture that brings the original upgrades it (a byte-identical file only raises
the level). WeChat videos → `original`.
"""

from __future__ import annotations

import re

_THUMB = re.compile(r"(_t|_thumb|_tb)$", re.IGNORECASE)
_HD = re.compile(r"_h$", re.IGNORECASE)

STATEMENTS = [
    "ALTER TABLE attachments ADD COLUMN quality TEXT "
    "CHECK (quality IN ('original', 'hd', 'thumbnail', 'missing'))",
    "ALTER TABLE attachments ADD COLUMN quality_basis TEXT",
    "ALTER TABLE attachments ADD COLUMN media_key TEXT",
    "ALTER TABLE attachments ADD COLUMN source_blob_id TEXT REFERENCES blobs(id)",
    "ALTER TABLE attachments ADD COLUMN superseded_blob_id TEXT REFERENCES blobs(id)",
]
INDEXES = [
    # A capture of a better level finds its row by key; only rows that can still get better.
    "CREATE INDEX attachments_upgradable ON attachments (media_key) WHERE quality IN ('missing', 'thumbnail', 'hd')",
    # The expiry report walks the rows below the original.
    "CREATE INDEX attachments_by_quality ON attachments (quality) WHERE quality IN ('missing', 'thumbnail', 'hd')",
]


def _key(name: str | None) -> str | None:
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.split(".", 1)[0]
    if stem.lower().startswith("th_"):
        stem = stem[3:]
    stem = _HD.sub("", _THUMB.sub("", stem)).lower()
    return stem if stem and stem not in ("…", "...") else None


def _level(status: str, mime: str | None, kind: str, app: str, extra: str | None, msg_extra: str | None,
           size: int | None, path: str | None, conn) -> str:
    if status != "stored":
        return "missing"
    if extra and conn.execute("SELECT json_extract(?, '$.quality') = 'thumbnail'", (extra,)).fetchone()[0]:
        return "thumbnail"
    if app != "wechat" or kind == "video" or (mime or "").startswith("video/"):
        return "original"
    hd = mid = None
    if msg_extra:
        hd, mid = conn.execute("SELECT json_extract(?, '$.hd_size'), json_extract(?, '$.size')",
                               (msg_extra, msg_extra)).fetchone()
    stem = (path or "").replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    if _HD.search(stem) or not hd or (mid and hd <= mid) or size == hd:
        return "original"
    return "hd"


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    rows = conn.execute(
        "SELECT a.id, a.status, coalesce(a.mime, b.mime), m.kind, s.app, a.extra, m.extra, a.size, a.expected_path, "
        "a.original_name FROM attachments a JOIN messages m ON m.id = a.message_id "
        "JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = c.source_id "
        "LEFT JOIN blobs b ON b.id = a.blob_id "
        "WHERE m.kind IN ('image', 'video')").fetchall()
    updates = []
    for r in rows:
        level = _level(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], conn)
        updates.append((level, _key(r[8] or r[9]), r[0]))
    conn.executemany("UPDATE attachments SET quality = ?, quality_basis = 'backfill', media_key = ? WHERE id = ?",
                     updates)
    for statement in INDEXES:
        conn.execute(statement)
