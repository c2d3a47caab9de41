"""Encrypted, content-addressed media blobs in the "CVB1" chunked-AEAD format: the store, writing.

The file format, and reading a blob back, are in `blobformat.py` (docs/vault-format.md, "Media
blobs").

`put` streams (one chunk held back so the writer knows which chunk is final), writes to
`media/.partial/`, fsyncs, renames, fsyncs the folder, and never touches the database: the caller
records the blob row only after `put` returned, so a row always points at a durable file.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import io
import os
import secrets
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chatvault import faults
from chatvault.errors import ChatVaultError, InputError, VaultLocked
from chatvault.fsutil import fsync_dir, storage_error
from chatvault.media.blobformat import (
    AEAD_AESGCM,
    AEAD_CHACHA,
    BLOB_INFO,
    HEX_DIGITS,
    LOG2_CHUNK,
    MAGIC,
    PARTIAL_DIR,
    TAG,
    VERSION,
    BlobCorrupt,
    BlobMissing,
    BlobReader,
    aead_cipher,
    chunk_nonce,
    stored_size_for,
    valid_id,
)
from chatvault.vault import keys


@dataclass(frozen=True)
class StoredBlob:
    id: str            # 64 hex digits
    size: int          # plaintext bytes
    stored_size: int   # bytes on disk
    created: bool      # False when an identical blob already existed (dedup)


def _read_full(stream: BinaryIO, n: int) -> bytes:
    """Read exactly n bytes unless the stream ends (streams may return short reads)."""
    data = stream.read(n)
    if data is None:
        data = b""
    if len(data) == n or not data:
        return bytes(data)
    parts = [data]
    got = len(data)
    while got < n:
        more = stream.read(n - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


class BlobStore:
    """The vault's media folder. Holds the two derived media keys while the vault is unlocked."""

    def __init__(self, vault) -> None:
        self.vault = vault
        self.root: Path = Path(vault.media_path)
        self._k_media = vault.derive_key(keys.LABEL_MEDIA)
        self._k_id = vault.derive_key(keys.LABEL_MEDIA_ID)

    # --- naming --------------------------------------------------------------------------
    def hasher(self):
        """A fresh keyed hash whose hexdigest is the id of the bytes fed to it."""
        return hmac.new(self._k_id, digestmod=hashlib.sha256)

    def id_of(self, data: bytes) -> str:
        h = self.hasher()
        h.update(data)
        return h.hexdigest()

    def path_for(self, blob_id: str) -> Path:
        if not valid_id(blob_id):
            raise InputError(f"{blob_id!r} is not a blob id (64 lowercase hex digits).")
        return self.root / blob_id[:2] / blob_id[2:4] / blob_id

    def exists(self, blob_id: str) -> bool:
        return valid_id(blob_id) and self.path_for(blob_id).is_file()

    def iter_ids(self) -> Iterator[str]:
        """Every blob file in the media folder (not `.partial` temps), sorted by id."""
        if not self.root.is_dir():
            return
        for a in sorted(os.listdir(self.root)):
            if len(a) != 2 or not set(a) <= HEX_DIGITS:
                continue
            pa = self.root / a
            if not pa.is_dir():
                continue
            for b in sorted(os.listdir(pa)):
                pb = pa / b
                if len(b) != 2 or not set(b) <= HEX_DIGITS or not pb.is_dir():
                    continue
                for name in sorted(os.listdir(pb)):
                    if valid_id(name) and name.startswith(a + b):
                        yield name

    def partial_dir(self) -> Path:
        return self.root / PARTIAL_DIR

    def iter_partials(self) -> Iterator[Path]:
        d = self.partial_dir()
        if d.is_dir():
            yield from sorted(d.iterdir())

    def _blob_key(self, salt: bytes) -> bytes:
        if getattr(self.vault, "is_locked", False):
            # A store kept by a window or service must not outlive the unlock that made its keys.
            raise VaultLocked("The vault is locked.", hint="Unlock it with your passphrase.")
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=BLOB_INFO).derive(self._k_media)

    # --- writing -------------------------------------------------------------------------
    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put(io.BytesIO(data))

    def batch(self) -> BlobBatch:
        """Defer durability of several puts to one barrier (`with store.batch() as b: store.put(f, batch=b)`).

        Inside the block each `put` writes its temp file and returns its `StoredBlob` at once;
        leaving the block makes them all durable together (Linux: two `syncfs` calls instead of one
        fsync per file and per directory), then renames them into place. Record database rows only
        after the block has exited normally.
        """
        return BlobBatch(self)

    def put(self, stream: BinaryIO, *, aead: int = AEAD_AESGCM, log2_chunk: int = LOG2_CHUNK,
            batch: BlobBatch | None = None) -> StoredBlob:
        """Encrypt `stream` into the store; durable when this returns (or when `batch` exits).

        Writes no database row. Reads the stream one chunk at a time; memory use is constant.
        """
        if aead not in (AEAD_AESGCM, AEAD_CHACHA) or not 12 <= log2_chunk <= 20:
            raise ValueError("unsupported blob parameters")
        chunk = 1 << log2_chunk
        partial = self.partial_dir()
        try:
            partial.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise storage_error(exc, "preparing the media folder") from exc
        salt = os.urandom(32)
        header = MAGIC + bytes([VERSION, aead, log2_chunk, 0]) + salt
        cipher = aead_cipher(aead, self._blob_key(salt))
        hasher = self.hasher()
        tmp = partial / f"{secrets.token_hex(16)}.tmp"
        size = 0
        fd = -1
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            out = [header]
            pending = 0
            written = 0
            i = 0
            held = _read_full(stream, chunk)
            while True:
                nxt = _read_full(stream, chunk) if len(held) == chunk else b""
                hasher.update(held)
                size += len(held)
                if not nxt:
                    break
                out.append(cipher.encrypt(chunk_nonce(i, False), held, header))
                pending += len(held) + TAG
                i += 1
                held = nxt
                if pending >= 1 << 20:
                    _write_all(fd, out)
                    faults.hit("blob.write")
                    written += pending
                    _start_writeback(fd, written)
                    out, pending = [], 0
            digest = hasher.digest()
            out.append(cipher.encrypt(chunk_nonce(i, True), held, header + digest))
            _write_all(fd, out)
            faults.hit("blob.write")
            blob_id = digest.hex()
            stored = stored_size_for(size, log2_chunk)
            target = self.path_for(blob_id)
            if (batch is not None and blob_id in batch.ids) or (
                    target.is_file() and self._existing_is_good(blob_id, target)):
                os.close(fd)
                fd = -1
                tmp.unlink()
                return StoredBlob(blob_id, size, stored, False)
            if batch is not None:
                os.close(fd)
                fd = -1
                batch._add(blob_id, tmp, target)
                return StoredBlob(blob_id, size, stored, True)
            faults.hit("blob.before_fsync")
            os.fsync(fd)
            os.close(fd)
            fd = -1
            self._make_dirs(target.parent)
            faults.hit("blob.before_rename")
            os.replace(tmp, target)
            faults.hit("blob.before_dir_fsync")
            fsync_dir(target.parent)
            faults.hit("blob.after_dir_fsync")
            return StoredBlob(blob_id, size, stored, True)
        except BaseException as exc:
            if fd >= 0:
                os.close(fd)
            _discard([tmp])
            _reraise(exc, "storing a media file")

    def _make_dirs(self, folder: Path, created: list[Path] | None = None) -> None:
        """Create `media/ab/cd/`; each new directory entry is made durable (now, or by the caller's barrier)."""
        missing = []
        p = folder
        while not p.is_dir():
            missing.append(p)
            p = p.parent
        for d in reversed(missing):
            try:
                d.mkdir(mode=0o700)
            except FileExistsError:
                continue
            if created is None:
                fsync_dir(d.parent)
            else:
                created.append(d.parent)

    def _existing_is_good(self, blob_id: str, path: Path) -> bool:
        """Dedup keeps the existing file only if its final chunk authenticates; else it is healed."""
        try:
            with self.open(blob_id):
                return True
        except BlobCorrupt:
            return False

    # --- reading -------------------------------------------------------------------------
    def open(self, blob_id: str) -> BlobReader:
        """A seekable reader; the final chunk (id and length) is authenticated before this returns."""
        path = self.path_for(blob_id)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except FileNotFoundError as exc:
            raise BlobMissing(blob_id) from exc
        except OSError as exc:
            raise storage_error(exc, f"opening media blob {blob_id}") from exc
        f = os.fdopen(fd, "rb", buffering=0)
        try:
            return BlobReader(self, blob_id, f)
        except BaseException:
            f.close()
            raise

    def verify(self, blob_id: str) -> int:
        """Decrypt and authenticate every chunk and re-derive the id; return the plaintext size."""
        with self.open(blob_id) as r:
            h = self.hasher()
            for i in range(r.chunk_count):
                h.update(r._chunk(i))
            if h.hexdigest() != blob_id:
                raise BlobCorrupt(blob_id, "its content does not hash to its id")
            return r.size

    def read_all(self, blob_id: str) -> bytes:
        """The whole verified plaintext (for small blobs: thumbnails, images for the viewer)."""
        with self.open(blob_id) as r:
            h = self.hasher()
            parts = []
            for i in range(r.chunk_count):
                c = r._chunk(i)
                h.update(c)
                parts.append(c)
            if h.hexdigest() != blob_id:
                raise BlobCorrupt(blob_id, "its content does not hash to its id")
            return b"".join(parts)

    def copy_to(self, blob_id: str, out: BinaryIO) -> int:
        """Write the plaintext to `out` only after the whole blob verified (no byte of a bad blob leaves)."""
        size = self.verify(blob_id)
        with self.open(blob_id) as r:
            for i in range(r.chunk_count):
                out.write(r._chunk(i))
        return size


_FADV = getattr(os, "POSIX_FADV_DONTNEED", None)


def _load_syncfs():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


_syncfs = _load_syncfs()


def sync_filesystem(folder: Path, files: list[Path], dirs: list[Path]) -> None:
    """Make `files` and the entries in `dirs` durable: one `syncfs` on Linux, else fsync each."""
    if _syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _syncfs(fd) != 0:
                err = ctypes.get_errno()
                raise OSError(err, os.strerror(err))
        finally:
            os.close(fd)
        return
    for f in files:
        fd = os.open(f, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for d in dict.fromkeys(dirs):
        fsync_dir(d)


class BlobBatch:
    """Puts whose durability is settled together when the `with` block ends (see `BlobStore.batch`)."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self.ids: dict[str, tuple[Path, Path]] = {}
        self.done = False

    def _add(self, blob_id: str, tmp: Path, target: Path) -> None:
        self.ids[blob_id] = (tmp, target)

    def __len__(self) -> int:
        return len(self.ids)

    def open(self, blob_id: str) -> BlobReader:
        """Read a blob put in this batch before it is renamed into place (or any stored blob)."""
        pending = self.ids.get(blob_id)
        if pending is None or self.done:
            return self.store.open(blob_id)
        f = open(pending[0], "rb", buffering=0)  # closed by the reader
        try:
            return BlobReader(self.store, blob_id, f)
        except BaseException:
            f.close()
            raise

    def __enter__(self) -> BlobBatch:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
        else:
            self.abort()

    def flush(self) -> None:
        """temps durable -> rename each into place -> directory entries durable."""
        if self.done:
            return
        self.done = True
        if not self.ids:
            return
        root = self.store.root
        try:
            faults.hit("blob.before_fsync")
            sync_filesystem(root, [t for t, _ in self.ids.values()], [])
            dirs: list[Path] = []
            for tmp, target in self.ids.values():
                self.store._make_dirs(target.parent, dirs)
                faults.hit("blob.before_rename")
                os.replace(tmp, target)
                dirs.append(target.parent)
            faults.hit("blob.before_dir_fsync")
            sync_filesystem(root, [], dirs)
            faults.hit("blob.after_dir_fsync")
        except BaseException as exc:
            _discard(tmp for tmp, _ in self.ids.values())
            _reraise(exc, "storing media files")

    def abort(self) -> None:
        """Drop the temps; blobs already renamed stay as orphans until `check --repair` (no row points at them)."""
        self.done = True
        _discard(tmp for tmp, _ in self.ids.values())


def _discard(temps: Iterable[Path]) -> None:
    """Remove the temporary files of a store that did not finish; one that will not go is no news."""
    for tmp in temps:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _reraise(exc: BaseException, what: str) -> NoReturn:
    """Raise `exc` again; an OS error (disk full, I/O) as the storage error it is, while `what`."""
    if isinstance(exc, OSError) and not isinstance(exc, ChatVaultError):
        raise storage_error(exc, what) from exc
    raise exc


def _start_writeback(fd: int, written: int) -> None:
    """Ask the kernel to start writing what we wrote so far (Linux: DONTNEED on dirty pages starts
    asynchronous writeback), so the final fsync waits for less and the page cache is not flooded."""
    if _FADV is not None and written > 4 << 20:
        try:
            os.posix_fadvise(fd, 0, written - (2 << 20), _FADV)
        except OSError:
            pass


def _write_all(fd: int, parts: list[bytes]) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            n = os.write(fd, view)
            view = view[n:]


__all__ = ["BlobBatch", "BlobStore", "StoredBlob"]
