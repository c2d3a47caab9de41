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
import json
import os
import select
import struct
import subprocess
import sys
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from chatvault import clock
from chatvault.errors import ChatVaultError, InputError
from chatvault.jobs.context import JobContext
from chatvault.media.attach import IMAGE_FORMATS, MediaInfo, record_blob
from chatvault.media.blobformat import BlobCorrupt, BlobMissing
from chatvault.media.blobstore import BlobStore
from chatvault.store.db import Connection, rollback

THUMB_SIZE = 320
MAX_PIXELS = 64_000_000          # refuse to decode larger images (≈ 256 MB of RGBA)
MAX_SOURCE_BYTES = 200 << 20     # images above this are not thumbnailed


WORKER_MEMORY = 1 << 30          # address-space limit of the decoding process
WORKER_TIMEOUT = 30.0


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


def _limit_worker() -> None:  # runs in the child before exec
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


def _read_exact(f, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        part = f.read(n - len(buf))
        if not part:
            raise EOFError
        buf += part
    return buf


def _worker_main() -> None:
    """The decoding process: length-prefixed images in on stdin, thumbnails out on stdout."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            n, size = struct.unpack(">QI", _read_exact(inp, 12))
            data = _read_exact(inp, n)
        except EOFError:
            return
        try:
            thumb, mime, w, h = make_thumbnail(data, size)
            head = json.dumps({"ok": True, "mime": mime, "w": w, "h": h}).encode()
        except ThumbnailError as exc:
            thumb, head = b"", json.dumps({"ok": False, "error": exc.message}).encode()
        out.write(struct.pack(">II", len(head), len(thumb)) + head + thumb)
        out.flush()


class ThumbWorker:
    """Decode images in a child process with a memory limit; a crash or hang kills only the child."""

    def __init__(self, timeout: float = WORKER_TIMEOUT) -> None:
        self.timeout = timeout
        self._proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            from chatvault.hardening import child_env

            self._proc = subprocess.Popen(
                [sys.executable, "-c", "from chatvault.media.thumbnails import _worker_main; _worker_main()"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=child_env(),
                preexec_fn=_limit_worker if os.name == "posix" else None)
        return self._proc

    def make(self, data: bytes, size: int = THUMB_SIZE) -> tuple[bytes, str, int, int]:
        """The image scaled to fit size×size (a PDF export asks for its printed size)."""
        if os.name != "posix":  # no select() on pipes and no RLIMIT_AS: decode here, still bomb-guarded
            return make_thumbnail(data, size)
        proc = self._start()
        try:
            proc.stdin.write(struct.pack(">QI", len(data), size) + data)
            proc.stdin.flush()
            head_len, thumb_len = struct.unpack(">II", self._read(proc, 8))
            head = json.loads(self._read(proc, head_len))
            thumb = self._read(proc, thumb_len)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            self.close()
            raise ThumbnailError("The image made the decoder crash, hang or run out of memory; "
                                 "it is kept but not previewed.") from exc
        if not head["ok"]:
            raise ThumbnailError(head["error"])
        return thumb, head["mime"], int(head["w"]), int(head["h"])

    def _read(self, proc: subprocess.Popen, n: int) -> bytes:
        fd = proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            ready, _, _ = select.select([fd], [], [], self.timeout)
            if not ready:
                raise TimeoutError
            part = os.read(fd, n - len(buf))
            if not part:
                raise EOFError
            buf += part
        return bytes(buf)

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for f in (self._proc.stdin, self._proc.stdout):
                try:
                    f.close()
                except OSError:
                    pass
            self._proc = None

    def __enter__(self) -> ThumbWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def thumbnail_blob(conn: Connection, store: BlobStore, blob_id: str, worker: ThumbWorker | None = None) -> str:
    """Make (or reuse) the thumbnail blob of an original; records rows, returns the thumbnail id."""
    row = conn.execute("SELECT thumb_id FROM thumbs WHERE blob_id = ?", (blob_id,)).fetchone()
    if row is not None and store.exists(row[0]):
        return row[0]
    with store.open(blob_id) as reader:
        if reader.size > MAX_SOURCE_BYTES:
            raise ThumbnailError(f"The image is {reader.size} bytes, too large to preview.")
        if worker is None:
            data, mime, w, h = make_thumbnail(io.BufferedReader(reader, 1 << 16))
        else:
            data, mime, w, h = worker.make(store.read_all(blob_id))
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


_THUMBABLE = "('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff')"


def pending_originals(conn: Connection, limit: int | None = None) -> list[str]:
    """Stored pictures without a thumbnail: attachments', and captured files' (which the gallery shows
    even when they match no attachment)."""
    sql = (
        "SELECT blob_id FROM (SELECT a.blob_id FROM attachments a JOIN blobs b ON b.id = a.blob_id "
        f"WHERE a.status = 'stored' AND a.thumb_blob_id IS NULL AND coalesce(a.mime, b.mime) IN {_THUMBABLE} "
        "UNION SELECT l.blob_id FROM capture_log l JOIN blobs b ON b.id = l.blob_id "
        f"WHERE l.event IN ('captured', 'duplicate') AND b.mime IN {_THUMBABLE} "
        "AND l.blob_id NOT IN (SELECT blob_id FROM thumbs)) "
        "WHERE blob_id NOT IN (SELECT blob_id FROM thumb_failures) ORDER BY blob_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in conn.execute(sql).fetchall()]


def generate_thumbnails(vault, ctx: JobContext, *, limit: int | None = None, isolate: bool = True) -> ThumbReport:
    """Background job: thumbnail every stored image that has none. Each item commits on its own.

    With `isolate` (the default) images are decoded in a `ThumbWorker` child process.
    """
    store = BlobStore(vault)
    conn = vault.connect()
    report = ThumbReport()
    worker = ThumbWorker() if isolate else None
    try:
        todo = pending_originals(conn, limit)
        ctx.set_total(items=len(todo))
        ctx.status("Making thumbnails")
        for blob_id in todo:
            ctx.check()
            conn.execute("BEGIN IMMEDIATE")
            try:
                thumbnail_blob(conn, store, blob_id, worker)
                conn.execute("COMMIT")
                report.made += 1
            except (ThumbnailError, BlobCorrupt, BlobMissing) as exc:
                rollback(conn)
                reason = exc.message if isinstance(exc, ChatVaultError) else str(exc)
                conn.execute("INSERT OR REPLACE INTO thumb_failures(blob_id, reason, at) VALUES (?, ?, ?)",
                             (blob_id, reason, clock.now_ms()))
                report.failed += 1
                report.failures.append({"blob_id": blob_id, "reason": reason})
            except BaseException:
                rollback(conn)
                raise
            ctx.advance(items=1)
    finally:
        if worker is not None:
            worker.close()
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
