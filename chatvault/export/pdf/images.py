"""Pictures printed inline: read from the vault (verified), scaled to their printed size first.

An original photo is often 3–12 MB; embedding it as is would make a 500-photo PDF gigabytes large
and hold every photo in memory until fpdf2 writes the file. Each picture is decoded in the
thumbnail worker process (memory-limited, bomb-guarded: RELIABILITY.md) and re-encoded at the
pixels the page prints (`PIXELS`, 60 mm at 150 dpi), so a picture costs ~25 KB. A picture that
is missing, damaged or undecodable becomes a placeholder line saying why, never a crash.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from chatvault.media.attach import IMAGE_FORMATS
from chatvault.media.blobformat import BlobCorrupt, BlobMissing
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import MAX_SOURCE_BYTES, ThumbnailError, ThumbWorker

PRINT_MM = 60.0                       # the largest printed side of an inline picture (a chat bubble's)
DPI = 150                             # photo print quality; ~35 KB per picture
PIXELS = round(PRINT_MM / 25.4 * DPI)
PRINTABLE = frozenset(f"image/{f.lower()}" for f in IMAGE_FORMATS) | {"image/jpg"}


@dataclass(frozen=True)
class Picture:
    data: bytes                       # JPEG or PNG at printed size
    width: int
    height: int


def printable(att: dict[str, Any]) -> bool:
    """An attachment the PDF tries to draw (by its recorded type)."""
    return (att.get("mime") or "").lower() in PRINTABLE


class PictureSource:
    """Scaled pictures by blob id, decoded ahead of the page that prints them.

    `prefetch` hands a picture to a background thread that talks to the worker process (the
    thread only waits on a pipe, so the printing thread keeps the GIL): on two cores decoding and
    printing overlap. Only the pictures of the next `AHEAD` messages are in flight or held."""

    AHEAD = 64

    def __init__(self, store: BlobStore, worker: ThumbWorker) -> None:
        self.store = store
        self.worker = worker
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-pictures")
        self._pending: dict[str, tuple[int, Future[Picture | str]]] = {}   # blob -> (users, result)

    def prefetch(self, att: dict[str, Any]) -> None:
        blob_id = att.get("blob_id")
        if att.get("status") != "stored" or not blob_id:
            return
        users, fut = self._pending.get(blob_id, (0, None))
        self._pending[blob_id] = (users + 1, fut or self._pool.submit(self._load, blob_id))

    def load(self, att: dict[str, Any]) -> Picture | str:
        """The picture, or why it cannot be shown: missing, large, damaged or undecodable."""
        blob_id = att.get("blob_id")
        if att.get("status") != "stored" or not blob_id:
            return "missing"
        users, fut = self._pending.pop(blob_id, (1, None))
        if users > 1 and fut is not None:
            self._pending[blob_id] = (users - 1, fut)
        # Never decoded on this thread: the worker process has one pipe and the pool's thread owns it.
        return (fut or self._pool.submit(self._load, blob_id)).result()

    def close(self) -> None:
        for _users, fut in self._pending.values():
            fut.cancel()
        self._pool.shutdown(wait=True)
        self._pending.clear()

    def _load(self, blob_id: str) -> Picture | str:
        try:
            with self.store.open(blob_id) as reader:
                if reader.size > MAX_SOURCE_BYTES:
                    return "large"
            data = self.store.read_all(blob_id)
        except BlobMissing:
            return "missing"
        except BlobCorrupt:
            return "damaged"
        try:
            scaled, _mime, w, h = self.worker.make(data, PIXELS)
        except ThumbnailError:
            return "undecodable"
        return Picture(scaled, w, h)
