"""The native files of a production: each selected attachment the vault holds, decrypted and
verified by the exports' `MediaWriter` (a damaged blob never lands looking like the real file),
written as NATIVES/<control number><extension> as load files expect: one file per control number,
so the same photo in two messages is two natives, each in its own family."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from chatvault.export.media import DAMAGED, EXPIRED, LOST, MISSING, MediaWriter, safe_name
from chatvault.export.production import rsmf
from chatvault.export.production.rsmf import Native
from chatvault.media.blobformat import BlobCorrupt, BlobMissing, valid_id

FOLDER = "NATIVES"


def display_name(att: dict[str, Any]) -> str:
    raw = att.get("original_name") or os.path.basename(str(att.get("expected_path") or "").replace("\\", "/"))
    return raw or f"attachment-{att.get('ordinal', 0)}"


class NativeWriter(MediaWriter):
    """MediaWriter under NATIVES/, naming each file by its control number (no thumbnails, no
    sharing one file between two control numbers)."""

    def __init__(self, root: Path, store: Any, conn: Any) -> None:
        super().__init__(root, store, conn, subdir=FOLDER)

    def native(self, att: dict[str, Any], docid: str) -> Native:
        """Write one attachment as `docid`; one the vault lacks or cannot verify gives a Native
        without a file whose status says why (the production states it, never hides it)."""
        mid, ordinal, shown = int(att["message_id"]), int(att["ordinal"]), display_name(att)
        blob = str(att.get("blob_id") or "")
        if att.get("status") != "stored" or not valid_id(blob):
            state = EXPIRED if att.get("status") == "expired" else MISSING
            self._problem_state(state)
            return Native(mid, ordinal, None, None, None, shown, att.get("size"), state)
        ext = os.path.splitext(safe_name(shown, att.get("mime")))[1] or ".bin"
        rel = f"{FOLDER}/{docid}{ext}"
        try:
            size, sha = self._write_blob(blob, rel)
        except (BlobMissing, BlobCorrupt) as exc:
            state = LOST if isinstance(exc, BlobMissing) else DAMAGED
            self._problem_state(state)
            return Native(mid, ordinal, None, None, None, shown, att.get("size"), state)
        path = self.root / rel
        embedded = path.name if size <= rsmf.EMBED_MAX else None
        return Native(mid, ordinal, docid, path, embedded, shown, size, "stored", _md5(path), sha)

    def _problem_state(self, state: str) -> None:
        self.problems[state] = self.problems.get(state, 0) + 1


def _md5(path: Path) -> str:
    """MD5 for the load file (review platforms still key on it); SHA-256 came with the write."""
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
