"""Pictures printed inline: read from the vault (verified), scaled to their printed size first.

An original photo is often 3–12 MB; embedding it as is would make a 500-photo PDF gigabytes large
and hold every photo in memory until fpdf2 writes the file. Each picture is decoded in the
thumbnail worker process (memory-limited, bomb-guarded: RELIABILITY.md) and re-encoded at the
pixels the page prints (`PIXELS`, 80 mm at 180 dpi), so a picture costs tens of KB. A picture that
is missing, damaged or undecodable becomes a placeholder line saying why, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatvault.media.attach import IMAGE_FORMATS
from chatvault.media.blobformat import BlobCorrupt, BlobMissing
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import MAX_SOURCE_BYTES, ThumbnailError, ThumbWorker

PRINT_MM = 80.0                       # the largest printed side of an inline picture
DPI = 180
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
    """Scaled pictures by blob id; a blob used twice is decoded once (the last few are kept)."""

    KEEP = 16

    def __init__(self, store: BlobStore, worker: ThumbWorker) -> None:
        self.store = store
        self.worker = worker
        self._recent: dict[str, Picture | str] = {}

    def load(self, att: dict[str, Any]) -> Picture | str:
        """The picture, or why it cannot be shown: missing, large, damaged or undecodable."""
        blob_id = att.get("blob_id")
        if att.get("status") != "stored" or not blob_id:
            return "missing"
        hit = self._recent.get(blob_id)
        if hit is None:
            hit = self._load(blob_id)
            if len(self._recent) >= self.KEEP:
                self._recent.pop(next(iter(self._recent)))
            self._recent[blob_id] = hit
        return hit

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
