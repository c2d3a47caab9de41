"""Signal Desktop's attachments at rest: `attachments.noindex/<xx>/<hash>`.

Version 2 files (Desktop 7.x on) are encrypted with the attachment's own `localKey` (64 bytes: an
AES-256 key, then an HMAC-SHA256 key): 16-byte IV, AES-256-CBC ciphertext, 32-byte HMAC over IV and
ciphertext; the plaintext is cut to the attachment's `size` (padding follows it). Older files are
stored as they are. The opener checks the MAC over the whole file before it hands out any byte, then
decrypts as it is read; memory stays at one buffer whatever the file's size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chatvault.errors import InputError
from chatvault.importers.openers import FileOpener
from chatvault.model import AttachmentRef, AttachmentStatus

_BUF = 1 << 20


def local_key(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 64 else None


def inside(root: Path, rel: str) -> Path | None:
    """`root/rel` when it is a regular file whose real path stays inside `root` (no link out, no `..`)."""
    rel = rel.replace("\\", "/")
    if not rel or rel.startswith("/") or ".." in rel.split("/"):
        return None
    path = root / rel
    try:
        real, base = os.path.realpath(path), os.path.realpath(root)
        if os.path.commonpath([real, base]) != base or not os.path.isfile(real):
            return None
    except (OSError, ValueError):
        return None
    return path


class EncryptedOpener:
    """Opens one v2 attachment (picklable: path, key, size)."""

    __slots__ = ("path", "key", "size")

    def __init__(self, path: Path, key: bytes, size: int | None) -> None:
        self.path, self.key, self.size = path, key, size

    def __call__(self) -> BinaryIO:
        return _Decrypting(self.path, self.key, self.size)

    def __reduce__(self) -> tuple[Any, ...]:
        return EncryptedOpener, (self.path, self.key, self.size)


class _Decrypting:
    def __init__(self, path: Path, key: bytes, size: int | None) -> None:
        self._fh = open(path, "rb")
        self.closed = False
        try:
            total = os.fstat(self._fh.fileno()).st_size
            body = total - 16 - 32
            if body <= 0 or body % 16:
                raise self._bad(path, "its length does not fit an encrypted attachment")
            mac = hmac.new(key[32:], digestmod=hashlib.sha256)
            left = total - 32
            while left:
                chunk = self._fh.read(min(_BUF, left))
                if not chunk:
                    raise self._bad(path, "it ended early")
                mac.update(chunk)
                left -= len(chunk)
            if not hmac.compare_digest(mac.digest(), self._fh.read(32)):
                raise self._bad(path, "its checksum does not match its key (damaged, or another file)")
            self._fh.seek(0)
            iv = self._fh.read(16)
        except BaseException:
            self._fh.close()
            raise
        self._dec = Cipher(algorithms.AES(key[:32]), modes.CBC(iv)).decryptor()
        self._ct_left = body
        self._left = body if size is None else min(int(size), body)
        self._buf = b""

    @staticmethod
    def _bad(path: Path, why: str) -> InputError:
        return InputError(f"The Signal attachment {path.name} cannot be decrypted: {why}.", location=str(path))

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        want = self._left if n is None or n < 0 else min(n, self._left)
        while len(self._buf) < want and self._ct_left:
            chunk = self._fh.read(min(_BUF, self._ct_left))
            self._ct_left -= len(chunk)
            self._buf += self._dec.update(chunk)
            if not self._ct_left:
                self._buf += self._dec.finalize()
        out, self._buf = self._buf[:want], self._buf[want:]
        self._left -= len(out)
        return out

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
            self.closed = True

    def __enter__(self) -> _Decrypting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ref(root: Path, att: dict, extra: dict | None = None) -> AttachmentRef:
    """An attachment of the message JSON (or a `message_attachments` row as a dict)."""
    rel = att.get("path") if isinstance(att.get("path"), str) else None
    size = att.get("size") if isinstance(att.get("size"), int) else None
    more = dict(extra or {})
    for k in ("width", "height", "caption"):
        if att.get(k):
            more[k] = att[k]
    if isinstance(att.get("flags"), int) and att["flags"] & 1:
        more["voice_note"] = True
    name = att.get("fileName") if isinstance(att.get("fileName"), str) else None
    ct = att.get("contentType") if isinstance(att.get("contentType"), str) else None
    path = inside(root, rel) if rel else None
    if path is None:
        status = AttachmentStatus.MISSING if rel or att.get("pending") else AttachmentStatus.EXPIRED
        return AttachmentRef(name=name, mime_hint=ct, size_hint=size, status=status,
                             expected_path=f"attachments.noindex/{rel}" if rel else None, extra=more)
    key = local_key(att.get("localKey"))
    version = att.get("version") if isinstance(att.get("version"), int) else 0
    opener = EncryptedOpener(path, key, size) if key and version >= 2 else FileOpener(path)
    return AttachmentRef(name=name, open=opener, mime_hint=ct, size_hint=size, status=AttachmentStatus.STORED,
                         expected_path=f"attachments.noindex/{rel}", extra=more)
