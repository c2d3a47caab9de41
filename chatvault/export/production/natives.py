"""The native files of a production: each selected attachment the vault holds, decrypted and
verified, under its control number in NATIVES/ (the load file and the RSMF name it there)."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from chatvault.export.production.rsmf import Native
from chatvault.media.blobformat import BlobCorrupt, BlobMissing
from chatvault.media.blobstore import BlobStore

FOLDER = "NATIVES"
_SAFE_EXT = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


def display_name(att: dict[str, Any]) -> str:
    for raw in (att.get("original_name"), att.get("expected_path")):
        if raw:
            name = PureWindowsPath(PurePosixPath(str(raw)).name).name
            if name:
                return name
    return f"attachment-{att.get('ordinal', 0)}"


def extension(att: dict[str, Any]) -> str:
    suffix = PurePosixPath(display_name(att)).suffix
    if _SAFE_EXT.match(suffix):
        return suffix.lower()
    guess = mimetypes.guess_extension(att.get("mime") or "") if att.get("mime") else None
    return guess or ".bin"


class _Hashing:
    def __init__(self, f: Any) -> None:
        self.f, self.sha, self.md5, self.size = f, hashlib.sha256(), hashlib.md5(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.md5.update(data)
        self.size += len(data)
        return self.f.write(data)


def write_native(store: BlobStore, att: dict[str, Any], root: Path, docid: str) -> Native:
    """Decrypt one attachment into NATIVES/<docid><ext>; a blob the vault lacks or cannot verify
    gives a Native without a file whose status says why (the production states it, never hides it)."""
    mid, ordinal, name = int(att["message_id"]), int(att["ordinal"]), display_name(att)
    if att.get("status") != "stored" or not att.get("blob_id"):
        return Native(mid, ordinal, None, None, None, name, att.get("size"), str(att.get("status") or "missing"))
    rel = f"{FOLDER}/{docid}{extension(att)}"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "wb") as f:
            h = _Hashing(f)
            store.copy_to(att["blob_id"], h)  # type: ignore[arg-type]
    except (BlobMissing, BlobCorrupt) as exc:
        path.unlink(missing_ok=True)
        status = "missing" if isinstance(exc, BlobMissing) else "unreadable"
        return Native(mid, ordinal, None, None, None, name, att.get("size"), status)
    return Native(mid, ordinal, docid, path, path.name, name, h.size, "stored", h.md5.hexdigest(),
                  h.sha.hexdigest())
