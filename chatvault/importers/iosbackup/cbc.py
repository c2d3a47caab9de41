"""Files of an encrypted backup, decrypted as a stream (AES-256-CBC, zero IV, PKCS#7 padding).

`CbcReader` is a read-only stream over one stored file: it decrypts 1 MiB at a time, so a 2 GB
video never sits in memory, and it checks what a damaged or cut-short file would break (length a
multiple of 16, the padding, the size Manifest.db recorded). `CbcOpener` is the picklable
`AttachmentRef.open` for it (the import engine may parse in another process). Databases, which
SQLite must open by path, are decrypted with `decrypt_to` into a private file (`workdir.py`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chatvault.errors import InputError

CHUNK = 1 << 20
_IV = b"\x00" * 16


def damaged(path: Path, what: str, detail: str) -> InputError:
    return InputError(f"{what} in the iPhone backup is damaged or cut short ({detail}).", location=str(path),
                      hint="Make the backup again in Finder or iTunes (let it finish), then import the new one.")


class CbcReader(io.RawIOBase):
    """Decrypts `path` with `key` while it is read; yields exactly `size` bytes (None: strip the padding)."""

    def __init__(self, path: Path, key: bytes, size: int | None, what: str = "A file") -> None:
        super().__init__()
        self.path = Path(path)
        self.what = what
        try:
            self._fh = open(self.path, "rb")
            self._stored = os.fstat(self._fh.fileno()).st_size
        except OSError as exc:
            raise InputError(f"Cannot read {what} of the iPhone backup: {exc.strerror or exc}.",
                             location=str(path)) from exc
        if self._stored % 16:
            self._fh.close()
            raise damaged(self.path, what, f"{self._stored} bytes is not a whole number of AES blocks")
        if size is not None and not size <= self._stored <= size + 16:
            self._fh.close()
            raise damaged(self.path, what, f"{self._stored} bytes stored for a {size}-byte file")
        self._dec = Cipher(algorithms.AES(key), modes.CBC(_IV)).decryptor()
        self._size = size
        self._left = self._stored
        self._buf = bytearray()
        self._held = b""          # the last decrypted block, kept until we know whether it is padding
        self._out = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        """Decrypt the next chunk into the buffer; False at the end."""
        if self._left <= 0:
            return False
        data = self._fh.read(min(CHUNK, self._left))
        if not data:
            raise damaged(self.path, self.what, "the file ended early")
        self._left -= len(data)
        plain = self._held + self._dec.update(data)
        if self._left > 0:
            self._held = plain[-16:]
            self._buf += plain[:-16]
            return True
        self._held = b""
        self._buf += self._unpad(plain + self._dec.finalize())
        return True

    def _unpad(self, plain: bytes) -> bytes:
        total = self._out + len(self._buf) + len(plain)
        if self._size is not None and total - self._size <= 16 and total >= self._size:
            pad = total - self._size
            if pad and plain[-pad:] != bytes([pad]) * pad and plain[-pad:] != b"\x00" * pad:
                raise damaged(self.path, self.what, "its padding does not match (wrong key or damaged data)")
            return plain[:len(plain) - pad] if pad else plain
        pad = plain[-1] if plain else 0
        if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
            raise damaged(self.path, self.what, "its padding does not match (wrong key or damaged data)")
        return plain[:-pad]

    def readinto(self, b: Any) -> int:
        view = memoryview(b).cast("B")
        while not self._buf and self._fill():
            pass
        n = min(len(view), len(self._buf))
        view[:n] = self._buf[:n]
        del self._buf[:n]
        self._out += n
        return n

    def close(self) -> None:
        if not self.closed:
            fh = getattr(self, "_fh", None)
            if fh is not None:
                fh.close()
        super().close()


class CbcOpener:
    """Opens one encrypted backup file as a decrypting stream; survives a pickle round trip."""

    __slots__ = ("path", "key", "size", "what")

    def __init__(self, path: Path, key: bytes, size: int | None, what: str) -> None:
        self.path, self.key, self.size, self.what = Path(path), key, size, what

    def __call__(self) -> BinaryIO:
        return io.BufferedReader(CbcReader(self.path, self.key, self.size, self.what), CHUNK)  # type: ignore[return-value]

    def __reduce__(self) -> tuple[Any, ...]:
        return CbcOpener, (self.path, self.key, self.size, self.what)


def decrypt_to(src: Path, key: bytes, size: int | None, dst: Path, what: str) -> None:
    """Decrypt `src` into the private file `dst` (created 0600), a chunk at a time."""
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as out, CbcReader(src, key, size, what) as reader:
        while True:
            chunk = reader.read(CHUNK)
            if not chunk:
                break
            out.write(chunk)
