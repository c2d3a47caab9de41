"""What a stored file is (sniffed from its content), its blob row, and linking it to attachments.

The import engine calls `BlobStore.put`, then `record_blob` and its own attachment inserts in its
batch transaction. A capture (watch folder, `media add`) calls `find_missing` to fill the
attachment row an earlier import left `missing`, instead of creating a new one.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from chatvault import clock
from chatvault.media.blobstore import BlobBatch, BlobStore, StoredBlob
from chatvault.store.db import Connection

SNIFF_BYTES = 8192
# basename(expected_path) in SQL: strip everything up to the last '/' after mapping '\\' to '/'.
# The text must stay identical to the expression of the index m004 made
# (`attachments_missing_by_path_name`), or SQLite cannot use it (tests/test_media.py checks).
_N = "replace(a.expected_path, '\\', '/')"
_EXPECTED_NAME = f"replace({_N}, rtrim({_N}, replace({_N}, '/', '')), '')"
# Formats Pillow may open anywhere in ChatVault (never FITS, PSD, EPS ...: see RELIABILITY.md).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")


@dataclass(frozen=True)
class MediaInfo:
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None

    @property
    def kind(self) -> str:
        """image | video | audio | file, from the sniffed mime."""
        top = (self.mime or "").split("/")[0]
        return top if top in ("image", "video", "audio") else "file"


def sniff_mime(head: bytes) -> str | None:
    """The MIME type from the first bytes (never from the name); None when unknown."""
    if not head:
        return None
    kind = filetype.guess(head[:SNIFF_BYTES])
    return kind.mime if kind is not None else None


def describe(src: bytes | str | os.PathLike | BinaryIO, name: str | None = None) -> MediaInfo:
    """Sniff mime, and read dimensions/duration where cheap (headers only, nothing is decoded).

    `src` is the file's bytes (or its first bytes), a path, or a seekable binary stream (a
    `BlobReader` works: only the chunks holding the headers are decrypted).
    """
    if isinstance(src, (str, os.PathLike)):
        with open(src, "rb") as fh:
            return describe(fh, name)
    fh: BinaryIO = io.BytesIO(src) if isinstance(src, (bytes, bytearray, memoryview)) else src
    fh.seek(0)
    head = fh.read(SNIFF_BYTES)
    mime = sniff_mime(head)
    width = height = duration = None
    if mime and mime.startswith("image/"):
        width, height = _image_size(fh)
    elif mime in ("video/mp4", "video/quicktime", "video/x-m4v", "audio/mp4", "audio/x-m4a", "video/3gpp"):
        duration, width, height = _mp4_info(fh)
        if mime.startswith("audio/"):
            width = height = None
    elif mime == "audio/x-wav":
        duration = _wav_duration(fh)
    elif mime in ("audio/ogg", "audio/opus"):       # voice notes: WhatsApp .opus, Telegram .ogg
        from chatvault.media.audioinfo import ogg_duration_ms

        duration = ogg_duration_ms(fh)
    return MediaInfo(mime, width, height, duration)


def _image_size(fh: BinaryIO) -> tuple[int | None, int | None]:
    from PIL import Image, UnidentifiedImageError

    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # only the header is read here; decoding is guarded elsewhere
            with Image.open(fh, formats=IMAGE_FORMATS) as im:
                return int(im.width), int(im.height)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError):
        return None, None


def _boxes(fh: BinaryIO, start: int, end: int):
    """Iterate ISO-BMFF boxes (type, payload offset, payload end) between two offsets."""
    pos = start
    while pos + 8 <= end:
        fh.seek(pos)
        hdr = fh.read(8)
        if len(hdr) < 8:
            return
        size, kind = struct.unpack(">I4s", hdr)
        body = pos + 8
        if size == 1:
            ext = fh.read(8)
            if len(ext) < 8:
                return
            size = struct.unpack(">Q", ext)[0]
            body = pos + 16
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            return
        yield kind, body, pos + size
        pos += size


def _mp4_info(fh: BinaryIO) -> tuple[int | None, int | None, int | None]:
    """Duration from `moov/mvhd`, size from the first `trak/tkhd` with a non-zero width."""
    try:
        end = fh.seek(0, io.SEEK_END)
        duration = width = height = None
        for kind, body, stop in _boxes(fh, 0, end):
            if kind != b"moov":
                continue
            for k2, b2, s2 in _boxes(fh, body, stop):
                if k2 == b"mvhd":
                    fh.seek(b2)
                    ver = fh.read(4)[0]
                    if ver == 1:
                        fh.seek(b2 + 4 + 16)
                        scale, dur = struct.unpack(">IQ", fh.read(12))
                    else:
                        fh.seek(b2 + 4 + 8)
                        scale, dur = struct.unpack(">II", fh.read(8))
                    if scale:
                        duration = int(dur * 1000 // scale)
                elif k2 == b"trak" and width is None:
                    for k3, b3, s3 in _boxes(fh, b2, s2):
                        if k3 == b"tkhd" and s3 - b3 >= 8:
                            fh.seek(s3 - 8)
                            w, h = struct.unpack(">II", fh.read(8))
                            if w >> 16:
                                width, height = w >> 16, h >> 16
            break
        return duration, width, height
    except (struct.error, IndexError, OSError):
        return None, None, None


def _wav_duration(fh: BinaryIO) -> int | None:
    try:
        fh.seek(0)
        riff = fh.read(12)
        if riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
            return None
        byte_rate = None
        while True:
            hdr = fh.read(8)
            if len(hdr) < 8:
                return None
            kind, size = struct.unpack("<4sI", hdr)
            if kind == b"fmt ":
                fmt = fh.read(size)
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
                continue
            if kind == b"data":
                return int(size * 1000 // byte_rate) if byte_rate else None
            fh.seek(size + (size & 1), io.SEEK_CUR)
    except (struct.error, OSError):
        return None


def store_and_describe(store: BlobStore, stream: BinaryIO, batch: BlobBatch | None = None
                       ) -> tuple[StoredBlob, MediaInfo]:
    """`put` a stream, then describe it from the stored blob (only its first chunks are decrypted).

    With `batch` (see `BlobStore.batch`) the blob is durable only once the batch exits: record
    its rows after that.
    """
    stored = store.put(stream, batch=batch)
    with (batch.open(stored.id) if batch is not None else store.open(stored.id)) as reader:
        info = describe(reader)
    return stored, info


def store_path(store: BlobStore, path: Path) -> tuple[StoredBlob, MediaInfo]:
    with open(path, "rb") as fh:
        return store_and_describe(store, fh)


# --- database rows ---------------------------------------------------------------------------
def record_blob(conn: Connection, stored: StoredBlob, info: MediaInfo | None = None) -> None:
    """The blob's row; call it only after `put` returned (the file is durable)."""
    conn.execute(
        "INSERT INTO blobs(id, size, stored_size, mime, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO NOTHING",
        (stored.id, stored.size, stored.stored_size, info.mime if info else None, clock.now_ms()),
    )


def fill_missing(conn: Connection, attachment_id: int, stored: StoredBlob, info: MediaInfo,
                 level: str | None = None) -> bool:
    """Turn a `missing`/`expired` attachment row into a stored one. False if it was already stored.
    An image/video row (one with a quality) gets `level`, by default `original`."""
    record_blob(conn, stored, info)
    cur = conn.execute(
        "UPDATE attachments SET blob_id = ?, status = 'stored', mime = ?, size = ?, "
        "width = coalesce(?, width), height = coalesce(?, height), duration_ms = coalesce(?, duration_ms), "
        "quality = CASE WHEN quality IS NULL THEN NULL ELSE coalesce(?, 'original') END "
        "WHERE id = ? AND status != 'stored'",
        (stored.id, info.mime, stored.size, info.width, info.height, info.duration_ms, level, attachment_id),
    )
    return cur.rowcount > 0


def attach_file(vault, attachment_id: int, path: Path) -> bool:
    """Store the file a user located for a missing attachment and fill the attachment with it, in one
    transaction on the vault's writer. False if the attachment is no longer missing."""
    from chatvault.media.blobstore import BlobStore
    from chatvault.store.db import rollback

    stored, info = store_path(BlobStore(vault), Path(path))
    conn = vault.connect()
    try:
        conn.execute("BEGIN IMMEDIATE")
        record_blob(conn, stored, info)
        ok = fill_missing(conn, attachment_id, stored, info)
        conn.execute("COMMIT")
        return ok
    except BaseException:
        if conn.in_transaction:
            rollback(conn)
        raise
    finally:
        conn.close()


def find_missing(
    conn: Connection,
    name: str,
    *,
    size: int | None = None,
    ts_ms: int | None = None,
    sender: str | None = None,
    conversation_id: int | None = None,
) -> list[int]:
    """Missing/expired attachment rows that a captured file called `name` fills.

    A row matches by its original file name or the last part of the path the export expected.
    When the export recorded a size, it must equal `size`. Rows matching on size are all filled
    (the same file forwarded to several chats); otherwise the one closest in time is chosen.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if not base:
        return []
    # Both terms are served by partial indexes of migration 004 (`status != 'stored'` must be spelled out).
    sql = (
        "SELECT a.id, a.size, m.ts, p.display_name, p.source_key FROM attachments a "
        "JOIN messages m ON m.id = a.message_id LEFT JOIN participants p ON p.id = m.sender_id "
        "WHERE a.id IN (SELECT id FROM attachments WHERE status != 'stored' AND original_name = ?1 "
        f"UNION SELECT id FROM attachments a WHERE status != 'stored' AND {_EXPECTED_NAME} = ?1) "
        "AND a.status != 'stored'"
    )
    params: list = [base]
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    rows = conn.execute(sql, params).fetchall()
    if sender is not None:
        rows = [r for r in rows if sender in (r[3], r[4])] or rows
    if size is not None:
        sized = [r for r in rows if r[1] == size]
        if sized:
            return sorted(int(r[0]) for r in sized)
        rows = [r for r in rows if r[1] is None]
    if not rows:
        return []
    if ts_ms is None:
        return [int(min(rows, key=lambda r: r[0])[0])]
    return [int(min(rows, key=lambda r: (abs(int(r[2]) - ts_ms), r[0]))[0])]


def link_capture(
    conn: Connection, stored: StoredBlob, info: MediaInfo, name: str, *, mtime_ms: int | None = None,
    conversation_id: int | None = None,
) -> list[int]:
    """Record the blob and fill every missing attachment it matches; returns the filled ids."""
    from chatvault.media.quality import level_of_row

    record_blob(conn, stored, info)
    filled = []
    for att in find_missing(conn, name, size=stored.size, ts_ms=mtime_ms, conversation_id=conversation_id):
        if fill_missing(conn, att, stored, info, level_of_row(conn, att, name, stored.size)):
            filled.append(att)
    return filled
