"""Writing attachments into an export folder: decrypted, verified, safely named, deduplicated.

Every export format that carries media (HTML, the production's natives, PDF images) goes through
`MediaWriter`: it decrypts a blob from the vault's `BlobStore` straight into a temp file next to its
destination while re-deriving the blob id, and renames it into place only when the id matched — a
damaged or tampered blob never lands in an export looking like the real file (it is reported as
"damaged in the vault" instead). The name is the original file name made safe (no folders, no `..`,
no control or reserved characters, bounded length, extension kept), made unique with a short blob-id
suffix when two different files share a name; the same blob asked for twice (a photo forwarded to
three chats) is written once. Thumbnails the vault holds are written under `thumbs/` so pages can
show them without decoding originals. An attachment the vault does not hold is recorded with its
state ("missing in the vault", "expired at the source") so renderers show it instead of a broken link.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatvault.errors import ChatVaultError
from chatvault.fsutil import storage_error
from chatvault.media.blobformat import BlobCorrupt, BlobMissing, valid_id
from chatvault.media.blobstore import BlobStore

MAX_NAME = 120                     # characters of a written file name (extension included)
_EXT_RE = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_MIME_EXT = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/bmp": ".bmp",
    "image/tiff": ".tif", "image/heic": ".heic", "video/mp4": ".mp4", "video/quicktime": ".mov",
    "video/webm": ".webm", "audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/mp4": ".m4a",
    "audio/aac": ".aac", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/amr": ".amr", "audio/silk": ".silk",
    "application/pdf": ".pdf", "text/plain": ".txt", "application/zip": ".zip",
}

# Extensions a browser would run as a document when the file is opened from an export page (an SVG or
# HTML "image" carrying a script). With `inert=True` (HTML exports) these, and files with no
# extension (which browsers sniff), get `.txt` appended: opened, they show as text, never run.
ACTIVE_EXT = {".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".xml", ".xsl", ".xslt", ".shtml", ".mht",
              ".mhtml", ".js", ".mjs", ".swf", ".hta", ".url", ".webloc", ".desktop"}

# States a written attachment can be in (what a renderer shows).
WRITTEN = "written"
MISSING = "missing"        # the source mentioned the file but the vault never received it
EXPIRED = "expired"        # the source said it expired / was cleaned up
LOST = "lost"              # the vault has a record of the blob but the file is gone from the media folder
DAMAGED = "damaged"        # the blob file failed authentication: not written

STATE_TEXT = {
    MISSING: "missing in the vault", EXPIRED: "expired at the source", LOST: "missing in the vault (file lost)",
    DAMAGED: "damaged in the vault (not exported)",
}


@dataclass
class ExportedFile:
    """One attachment as the export holds it. Paths are relative to the export root, '/'-separated."""

    state: str                     # WRITTEN, MISSING, EXPIRED, LOST, DAMAGED
    name: str                      # what to show: the original name (unsafe characters kept for display)
    mime: str | None
    size: int | None
    path: str | None = None        # the original, when written
    thumb: str | None = None       # its thumbnail, when the vault holds one
    sha256: str | None = None      # of the written bytes
    blob_id: str | None = None

    @property
    def kind(self) -> str:
        m = (self.mime or "").split("/")[0]
        return m if m in ("image", "video", "audio") else "file"

    @property
    def state_text(self) -> str:
        return STATE_TEXT.get(self.state, "")


def safe_name(name: str | None, mime: str | None = None, fallback: str = "file") -> str:
    """A file name that is safe on Windows, macOS and Linux and inside a web page: no folder parts,
    no `..`, no control/bidi/reserved characters, no leading dots, bounded length, extension kept."""
    raw = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    raw = _BAD_CHARS.sub("_", raw).strip(" .")
    stem, ext = os.path.splitext(raw)
    if not _EXT_RE.match(ext):
        stem, ext = raw, ""
    if not ext:
        ext = _MIME_EXT.get((mime or "").lower(), "")
    stem = stem.strip(" .") or fallback
    if stem.lower() in _RESERVED:
        stem = f"_{stem}"
    limit = MAX_NAME - len(ext)
    if len(stem) > limit:
        stem = stem[:limit].rstrip(" .") or fallback
    return stem + ext.lower()


class MediaWriter:
    """Writes attachments of one export under `root/subdir/` (and thumbnails under `root/subdir/thumbs/`).

    Not thread-safe; one per export. `conn` is the vault connection the selection reads from (for the
    thumbnail table); `store` the vault's BlobStore. `inert=True` for exports opened in a browser
    (see ACTIVE_EXT); productions keep natives under their own names.
    """

    def __init__(self, root: Path, store: BlobStore, conn: Any, subdir: str = "media", *,
                 inert: bool = False) -> None:
        self.root = Path(root)
        self.inert = inert
        self.store = store
        self.conn = conn
        self.subdir = subdir.strip("/")
        self._by_blob: dict[str, ExportedFile] = {}
        self._thumbs: dict[str, str | None] = {}
        self._taken: set[str] = set()            # lower-cased relative paths already used
        self.bytes_written = 0
        self.written = 0                         # distinct files written (originals and thumbnails)
        self.problems: dict[str, int] = {}       # state -> count of attachments not written

    def add(self, att: dict[str, Any]) -> ExportedFile:
        """Export one attachment row (as `selection.messages` yields it); never raises for a missing
        or damaged blob — that becomes the returned state (and is counted in `problems`)."""
        name = att.get("original_name") or ""
        mime = att.get("mime")
        blob = att.get("blob_id")
        shown = name or (os.path.basename(att.get("expected_path") or "") or "attachment")
        if att.get("status") != "stored" or not blob or not valid_id(str(blob)):
            state = EXPIRED if att.get("status") == "expired" else MISSING
            return self._problem(ExportedFile(state, shown, mime, att.get("size")))
        blob = str(blob)
        done = self._by_blob.get(blob)
        if done is not None:
            return ExportedFile(done.state, shown, mime or done.mime, done.size, done.path, done.thumb,
                                done.sha256, blob)
        out = ExportedFile(WRITTEN, shown, mime, att.get("size"), blob_id=blob)
        safe = safe_name(name, mime, "file-" + blob[:8])
        if self.inert:
            ext = os.path.splitext(safe)[1].lower()
            if not ext or ext in ACTIVE_EXT or "svg" in (mime or "").lower() or "html" in (mime or "").lower():
                safe += ".txt"
        rel = self._unique(f"{self.subdir}/{safe}", blob)
        try:
            out.size, out.sha256 = self._write_blob(blob, rel)
            out.path = rel
        except BlobMissing:
            out.state = LOST
        except BlobCorrupt:
            out.state = DAMAGED
        if out.state == WRITTEN:
            out.thumb = self._thumb(blob, att.get("thumb_blob_id"))
        else:
            self._problem(out)
        self._by_blob[blob] = out
        return out

    def warnings(self) -> list[str]:
        """Human lines for an ExportReport: how many attachments were not written, and why."""
        return [f"{n} attachment{'s' if n != 1 else ''} {STATE_TEXT[state]}"
                for state, n in sorted(self.problems.items())]

    # --- internals ---------------------------------------------------------------------------
    def _problem(self, f: ExportedFile) -> ExportedFile:
        self.problems[f.state] = self.problems.get(f.state, 0) + 1
        return f

    def _unique(self, rel: str, blob: str) -> str:
        """`rel`, or `stem-<blob prefix>.ext` when another file already took that name (case-insensitively,
        for case-insensitive file systems)."""
        candidate = rel
        stem, ext = os.path.splitext(rel)
        n = 8
        while candidate.lower() in self._taken:
            candidate = f"{stem}-{blob[:n]}{ext}" if n <= 64 else f"{stem}-{blob[:16]}-{len(self._taken)}{ext}"
            n += 8
        self._taken.add(candidate.lower())
        return candidate

    def _write_blob(self, blob: str, rel: str) -> tuple[int, str]:
        """Decrypt into a temp file while re-deriving the id; rename into place only when it matched."""
        target = self.root / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, f"creating {target.parent}") from exc
        tmp = target.with_name(f".{secrets.token_hex(8)}.part")
        sha = hashlib.sha256()
        try:
            with self.store.open(blob) as r, open(tmp, "xb") as f:
                h = self.store.hasher()
                for i in range(r.chunk_count):
                    chunk = r._chunk(i)
                    h.update(chunk)
                    sha.update(chunk)
                    f.write(chunk)
                size = r.size
            if h.hexdigest() != blob:
                raise BlobCorrupt(blob, "its content does not hash to its id")
            os.replace(tmp, target)
        except ChatVaultError:            # BlobMissing, BlobCorrupt, VaultLocked: nothing half-written stays
            tmp.unlink(missing_ok=True)
            raise
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise storage_error(exc, f"writing {target}") from exc
        self.bytes_written += size
        self.written += 1
        return size, sha.hexdigest()

    def _thumb(self, blob: str, thumb_blob: str | None) -> str | None:
        """The thumbnail of `blob` written under thumbs/ (the attachment's own, else the thumbs table's)."""
        if blob in self._thumbs:
            return self._thumbs[blob]
        tid = thumb_blob
        if not tid:
            row = self.conn.execute("SELECT thumb_id FROM thumbs WHERE blob_id = ?", (blob,)).fetchone()
            tid = row[0] if row else None
        rel = None
        if tid and valid_id(str(tid)):
            row = self.conn.execute("SELECT mime FROM blobs WHERE id = ?", (str(tid),)).fetchone()
            ext = ".png" if row and row[0] == "image/png" else ".jpg"
            candidate = self._unique(f"{self.subdir}/thumbs/{str(tid)[:24]}{ext}", str(tid))
            try:
                self._write_blob(str(tid), candidate)
                rel = candidate
            except (BlobMissing, BlobCorrupt):
                rel = None
        self._thumbs[blob] = rel
        return rel
