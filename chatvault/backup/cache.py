"""The local fingerprint cache: a no-change backup must not read and MAC the whole database.

SQLCipher ends every page with its own keyed tag (HMAC-SHA512 over the page's ciphertext, its
fresh random IV and its number), so the last TAIL bytes of a page change whenever SQLCipher writes
that page (2^-64 chance of a repeat per write). The fingerprint of an extent is SHA-256 over its
pages' tails, page after page; the tails of the whole file are read through a mapping (one cache
line per page, not the whole file), so an unchanged extent is not even read. The cache keeps, per
destination, the fingerprints of the extents of the last verified snapshot. An extent whose
fingerprint is unchanged reuses that snapshot's slot without being MACed; every other extent is
MACed and compared as before. The cache holds nothing secret (only digests of bytes anyone who can
read vault.db can read) and is used only when it names the snapshot the destination itself says
is the latest, for the same vault.db file (device, inode) and the same geometry; a missing or odd
cache means a full pass.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path

from chatvault.backup import source as src
from chatvault.backup.destinations import Destination
from chatvault.backup.snapshot import DbSnapshot
from chatvault.backup.target import Target
from chatvault.vault.vault import Vault

TAIL = 8
FP = 16
CACHE_VERSION = 2  # 2: tails page after page (1 took byte i of every page, for each i)


def cache_path(vault: Vault, dest: Destination) -> Path:
    return vault.path / "backup-cache" / f"{dest.id}.json"


def extent_fingerprint(data: bytes, page_size: int) -> bytes:
    """SHA-256 over the last TAIL bytes of every page of the extent, page after page."""
    return tails_fingerprint(b"".join([data[p - TAIL:p] for p in range(page_size, len(data) + 1, page_size)]))


def tails_fingerprint(tails: bytes) -> bytes:
    return hashlib.sha256(tails).digest()[:FP]


def file_identity(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_dev, st.st_ino]


def load_cache(path: Path | None, snapshot_id: str | None, target: Target, ident: list[int],
               snap: DbSnapshot) -> tuple[bytes, float]:
    """The previous run's fingerprints and when every page was last read and checked, or (b"", 0)
    when they cannot be trusted to describe `snapshot_id` or that full check is over a week old."""
    if path is None or snapshot_id is None:
        return b"", 0.0
    try:
        c = json.loads(path.read_bytes())
        checked = float(c.get("checked", 0))
        if (c.get("v") == CACHE_VERSION and c.get("snapshot") == snapshot_id and c.get("target") == target.description
                and c.get("file") == ident and c.get("page_size") == snap.page_size
                and c.get("extent_pages") == snap.extent_pages and c.get("tail") == TAIL
                and 0 <= time.time() - checked < src.FULL_CHECK_EVERY_S):
            return base64.b64decode(c["fps"]), checked
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        pass
    return b"", 0.0


def save_cache(path: Path | None, snapshot_id: str, target: Target, ident: list[int], snap: DbSnapshot,
               fps: bytes, checked: float, since: int) -> None:
    if path is None:
        return
    data = json.dumps({"v": CACHE_VERSION, "snapshot": snapshot_id, "target": target.description, "file": ident,
                       "page_size": snap.page_size, "extent_pages": snap.extent_pages, "tail": TAIL,
                       "checked": checked, "since": since, "fps": base64.b64encode(fps).decode()}).encode()
    try:
        path.parent.mkdir(exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # private whatever the umask or an older version made
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:  # a lost cache only costs one full pass: no fsync
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError:
        pass
