"""Thumbnails: small encrypted blobs next to the originals, so a gallery never decodes originals.

Pillow does the work (not Qt's QImage): the core must run without Qt (CLI, watch service, tests),
Pillow's JPEG `draft` mode decodes a 12 MP photo at 1/8 scale in a few milliseconds, it applies EXIF
orientation (`exif_transpose`), and it has explicit decompression-bomb limits. Every call here
follows RELIABILITY.md: only JPEG/PNG/GIF/WEBP/BMP/TIFF are opened (never FITS, PSD, ...), the
pixel-count warning is an error, and the pixel limit is checked from the header before decoding.

Thumbnails are made by a background job (`generate_thumbnails`, with a `JobContext`) and linked by
`attachments.thumb_blob_id`; the `thumbs` table maps an original blob to its thumbnail so a photo
in two chats is thumbnailed once.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from chatvault import clock
from chatvault.errors import ChatVaultError, InputError
from chatvault.jobs.context import JobContext
from chatvault.media.attach import IMAGE_FORMATS, MediaInfo, record_blob
from chatvault.media.blobstore import BlobCorrupt, BlobMissing, BlobStore
from chatvault.store.db import Connection

THUMB_SIZE = 320
MAX_PIXELS = 64_000_000          # refuse to decode larger images (≈ 256 MB of RGBA)
MAX_SOURCE_BYTES = 200 << 20     # images above this are not thumbnailed


class ThumbnailError(InputError):
    code = "thumbnail"


def make_thumbnail(src: io.RawIOBase | io.BufferedIOBase | bytes, size: int = THUMB_SIZE) -> tuple[bytes, str, int, int]:
    """Decode an image safely and return (encoded thumbnail, mime, width, height)."""
    fh = io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh, formats=IMAGE_FORMATS) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise ThumbnailError(
                        f"The image is {im.width}×{im.height} pixels, above the {MAX_PIXELS:,}-pixel limit "
                        "for thumbnails; it is kept but not previewed.")
                im.draft("RGB", (size, size))  # JPEG: decode at reduced scale
                im.seek(0)
                im = ImageOps.exif_transpose(im)
                im.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
                out = io.BytesIO()
                if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                    im = im.convert("RGBA")
                    im.save(out, "PNG", optimize=True)
                    mime = "image/png"
                else:
                    im = im.convert("RGB")
                    im.save(out, "JPEG", quality=82, optimize=True)
                    mime = "image/jpeg"
                return out.getvalue(), mime, im.width, im.height
    except ThumbnailError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ThumbnailError(f"The image looks like a decompression bomb: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise ThumbnailError(f"The image cannot be decoded: {exc}") from exc


def thumbnail_blob(conn: Connection, store: BlobStore, blob_id: str) -> str:
    """Make (or reuse) the thumbnail blob of an original; records rows, returns the thumbnail id."""
    row = conn.execute("SELECT thumb_id FROM thumbs WHERE blob_id = ?", (blob_id,)).fetchone()
    if row is not None and store.exists(row[0]):
        return row[0]
    with store.open(blob_id) as reader:
        if reader.size > MAX_SOURCE_BYTES:
            raise ThumbnailError(f"The image is {reader.size} bytes, too large to preview.")
        data, mime, w, h = make_thumbnail(io.BufferedReader(reader, 1 << 16))
    stored = store.put_bytes(data)
    record_blob(conn, stored, MediaInfo(mime, w, h))
    conn.execute(
        "INSERT INTO thumbs(blob_id, thumb_id, width, height) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(blob_id) DO UPDATE SET thumb_id = excluded.thumb_id, width = excluded.width, "
        "height = excluded.height",
        (blob_id, stored.id, w, h),
    )
    conn.execute("UPDATE attachments SET thumb_blob_id = ? WHERE blob_id = ?", (stored.id, blob_id))
    return stored.id


@dataclass
class ThumbReport:
    made: int = 0
    failed: int = 0
    failures: list[dict] = field(default_factory=list)


def pending_originals(conn: Connection, limit: int | None = None) -> list[str]:
    sql = (
        "SELECT DISTINCT a.blob_id FROM attachments a JOIN blobs b ON b.id = a.blob_id "
        "WHERE a.status = 'stored' AND a.thumb_blob_id IS NULL AND "
        "coalesce(a.mime, b.mime) IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', "
        "'image/tiff') AND a.blob_id NOT IN (SELECT blob_id FROM thumb_failures) ORDER BY a.blob_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in conn.execute(sql).fetchall()]


def generate_thumbnails(vault, ctx: JobContext, *, limit: int | None = None) -> ThumbReport:
    """Background job: thumbnail every stored image that has none. Each item commits on its own."""
    store = BlobStore(vault)
    conn = vault.connect()
    report = ThumbReport()
    try:
        todo = pending_originals(conn, limit)
        ctx.set_total(items=len(todo))
        ctx.status("Making thumbnails")
        for blob_id in todo:
            ctx.check()
            conn.execute("BEGIN IMMEDIATE")
            try:
                thumbnail_blob(conn, store, blob_id)
                conn.execute("COMMIT")
                report.made += 1
            except (ThumbnailError, BlobCorrupt, BlobMissing) as exc:
                conn.execute("ROLLBACK")
                reason = exc.message if isinstance(exc, ChatVaultError) else str(exc)
                conn.execute("INSERT OR REPLACE INTO thumb_failures(blob_id, reason, at) VALUES (?, ?, ?)",
                             (blob_id, reason, clock.now_ms()))
                report.failed += 1
                report.failures.append({"blob_id": blob_id, "reason": reason})
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            ctx.advance(items=1)
    finally:
        conn.close()
    return report


def thumbnail_for(conn: Connection, store: BlobStore, attachment_id: int) -> bytes | None:
    """The decrypted thumbnail of an attachment for the GUI, or None when there is none (yet)."""
    row = conn.execute(
        "SELECT a.thumb_blob_id, t.thumb_id FROM attachments a LEFT JOIN thumbs t ON t.blob_id = a.blob_id "
        "WHERE a.id = ?", (attachment_id,)).fetchone()
    if row is None:
        return None
    thumb_id = row[0] or row[1]
    if not thumb_id:
        return None
    try:
        return store.read_all(thumb_id)
    except (BlobCorrupt, BlobMissing):
        return None
