"""The frames of a Signal Android `.backup` (v1), decrypted and checked one at a time.

Layout (Signal Android `BackupRecordInputStream`, read, not copied): a 4-byte big-endian length and
a plaintext `BackupFrame` holding the `Header` (16-byte IV, salt, version); then encrypted frames.
The key is SHA-512 over the passphrase digits, salted, iterated 250,000 times, cut to 32 bytes, then
HKDF-SHA256 (info "Backup Export") into an AES-256 key and an HMAC-SHA256 key. Every frame and every
attachment's bytes get a fresh AES-CTR counter: the IV with its first four bytes replaced by a
counter that starts at the IV's own first four bytes and goes up by one each time. A frame is its
length, its ciphertext and 10 bytes of HMAC over the ciphertext; from version 1 on the length is
itself encrypted with the frame's counter and covered by the MAC. The bytes of an attachment,
sticker or avatar follow their frame: `length` bytes of ciphertext and a 10-byte HMAC over the IV
and the ciphertext.

The reader never holds more than one frame (capped) and a 1 MiB buffer: media bytes are checked as
they stream past and later read again from the file by `MediaOpener`, never kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chatvault.errors import InputError, WrongSecret
from chatvault.importers.signal_backup import proto

ROUNDS = 250_000
MAC_LEN = 10
MAX_HEADER = 4096
MAX_FRAME = 64 << 20          # a statement with a big blob; Signal's own frames stay far below this
CHUNK = 1 << 20
FIELD = "signal_passphrase"

F_HEADER, F_STATEMENT, F_PREFERENCE, F_ATTACHMENT, F_VERSION, F_END, F_AVATAR, F_STICKER, F_KEYVALUE = range(1, 10)


def normalise_passphrase(value: str) -> str | None:
    """The 30 digits of a passphrase typed with or without spaces (or dashes); None if it is not that."""
    digits = "".join(ch for ch in str(value) if not ch.isspace() and ch != "-")
    return digits if len(digits) == 30 and digits.isascii() and digits.isdigit() else None


def check_passphrase(value: str) -> str | None:
    """The import field's check: an English problem text, or None for 30 digits."""
    if normalise_passphrase(value) is not None:
        return None
    return PASSPHRASE_PROBLEM


PASSPHRASE_PROBLEM = "The backup passphrase is 30 digits (Signal shows them as six groups of five)."


_KEYS: OrderedDict[bytes, tuple[float, tuple[bytes, bytes]]] = OrderedDict()
_KEYS_LOCK = threading.Lock()
KEEP_SECONDS = 600.0


def derive_keys(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    """(AES key, HMAC key). The 250,000 rounds take a few tenths of a second, so the last few results
    are remembered for ten minutes (by a hash of the inputs): the import dialog's preview and the import
    that follows pay once, and no backup key stays in memory long after."""
    data = passphrase.encode("ascii")
    tag = hashlib.sha256(salt + b"\0" + data).digest()
    now = time.monotonic()
    with _KEYS_LOCK:
        for old in [t for t, (at, _k) in _KEYS.items() if now - at > KEEP_SECONDS]:
            del _KEYS[old]
        if tag in _KEYS:
            _KEYS.move_to_end(tag)
            return _KEYS[tag][1]
    h = hashlib.sha512(salt + data + data).digest()
    sha = hashlib.sha512
    for _ in range(ROUNDS - 1):
        h = sha(h + data).digest()
    derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"Backup Export").derive(h[:32])
    keys = (derived[:32], derived[32:])
    with _KEYS_LOCK:
        _KEYS[tag] = (now, keys)
        while len(_KEYS) > 4:
            _KEYS.popitem(last=False)
    return keys


def counter_iv(iv: bytes, counter: int) -> bytes:
    return (counter & 0xFFFFFFFF).to_bytes(4, "big") + iv[4:]


@dataclass(frozen=True)
class Header:
    iv: bytes
    salt: bytes
    version: int
    size: int                       # bytes of the plaintext header, length prefix included


def read_header(fh: BinaryIO) -> Header | None:
    """The plaintext header frame, or None when the file does not start with one."""
    head = fh.read(4)
    if len(head) < 4:
        return None
    n = int.from_bytes(head, "big")
    if not 0 < n <= MAX_HEADER:
        return None
    body = fh.read(n)
    if len(body) < n:
        return None
    try:
        frame = proto.parse(body)
        hdr = proto.parse(proto.first(frame, F_HEADER, b"")) if isinstance(proto.first(frame, F_HEADER), bytes) else {}
    except InputError:
        return None
    iv, salt = proto.first(hdr, 1), proto.first(hdr, 2, b"")
    if not isinstance(iv, bytes) or len(iv) != 16 or not isinstance(salt, bytes):
        return None
    version = proto.first(hdr, 3, 0)
    return Header(iv, salt, int(version) if isinstance(version, int) else 0, 4 + n)


@dataclass(frozen=True)
class Media:
    """Where one attachment's ciphertext lies in the file, and how to decrypt it."""

    offset: int
    length: int
    iv: bytes


@dataclass
class Frame:
    index: int                      # 1 = the first encrypted frame
    offset: int                     # byte offset of its length field
    fields: proto.Fields
    media: Media | None = None      # the bytes that followed it (attachment, sticker, avatar)


class Damaged(InputError):
    """The file stops making sense at a frame: truncated, or altered."""

    def __init__(self, message: str, *, frame: int, offset: int, location: str) -> None:
        super().__init__(message, location=location,
                         hint="Copy the backup again from the phone (a finished, complete copy); what was read "
                              "before this point is kept.")
        self.frame, self.offset = frame, offset


class BackupReader:
    """Iterates the encrypted frames of one open backup file."""

    def __init__(self, path: Path, fh: BinaryIO, header: Header, passphrase: str) -> None:
        self.path, self.fh, self.header = path, fh, header
        self.size = os.fstat(fh.fileno()).st_size
        self.cipher_key, self.mac_key = derive_keys(passphrase, header.salt)
        self.counter = int.from_bytes(header.iv[:4], "big")
        self.pos = header.size
        self.index = 0

    def _next_iv(self) -> bytes:
        iv = counter_iv(self.header.iv, self.counter)
        self.counter += 1
        return iv

    def _damaged(self, what: str, offset: int) -> Damaged:
        return Damaged(f"The backup {self.path.name} is damaged at frame {self.index} (byte {offset:,}): {what}.",
                       frame=self.index, offset=offset, location=f"{self.path}@{offset}")

    def _wrong(self) -> WrongSecret:
        return WrongSecret(
            f"The passphrase does not open {self.path.name}: it is not this backup's passphrase (or the file is "
            "damaged at its very start).",
            location=str(self.path), field=FIELD,
            hint="Enter the 30-digit passphrase shown when backups were turned on in Signal (Settings > Chats > "
                 "Chat backups); spaces do not matter.")

    def _read(self, n: int) -> bytes:
        data = self.fh.read(n)
        self.pos += len(data)
        return data

    def frames(self) -> Iterator[Frame]:
        while True:
            self.index += 1
            start = self.pos
            raw_len = self._read(4)
            if len(raw_len) < 4:
                raise self._damaged("the file ends where a frame should start (no end frame)", start)
            iv = self._next_iv()
            dec = Cipher(algorithms.AES(self.cipher_key), modes.CTR(iv)).decryptor()
            mac = hmac.new(self.mac_key, digestmod=hashlib.sha256)
            if self.header.version >= 1:
                mac.update(raw_len)
                n = int.from_bytes(dec.update(raw_len), "big")
            else:
                n = int.from_bytes(raw_len, "big")
            if not MAC_LEN < n <= MAX_FRAME or n > self.size - self.pos:
                if self.index == 1 and self.header.version >= 1:    # a length decrypted with the wrong key
                    raise self._wrong()
                raise self._damaged(f"a frame of {n:,} bytes does not fit the file", start)
            body = self._read(n)
            ct, theirs = body[:-MAC_LEN], body[-MAC_LEN:]
            mac.update(ct)
            if not hmac.compare_digest(mac.digest()[:MAC_LEN], theirs):
                if self.index == 1:
                    raise self._wrong()
                raise self._damaged("the frame's checksum does not match (altered or cut)", start)
            try:
                fields = proto.parse(dec.update(ct) + dec.finalize())
            except InputError as exc:
                raise self._damaged(f"the frame cannot be decoded ({exc.message})", start) from exc
            frame = Frame(self.index, start, fields)
            length = _media_length(fields)
            if length is not None:
                frame.media = self._media(length)
            yield frame
            if proto.first(fields, F_END):
                return

    def _media(self, length: int) -> Media:
        """Check the bytes of an attachment as they stream past; keep only where they are."""
        start = self.pos
        iv = self._next_iv()
        if length + MAC_LEN > self.size - start:
            raise self._damaged(f"the file ends inside an attachment of {length:,} bytes", start)
        mac = hmac.new(self.mac_key, iv, hashlib.sha256)
        left = length
        while left:
            chunk = self._read(min(CHUNK, left))
            if not chunk:
                raise self._damaged("the file ends inside an attachment", start)
            mac.update(chunk)
            left -= len(chunk)
        if not hmac.compare_digest(mac.digest()[:MAC_LEN], self._read(MAC_LEN)):
            raise self._damaged("an attachment's checksum does not match (altered or cut)", start)
        return Media(start, length, iv)


def _media_length(fields: proto.Fields) -> int | None:
    for num, length_field in ((F_ATTACHMENT, 3), (F_STICKER, 2), (F_AVATAR, 2)):
        raw = proto.first(fields, num)
        if isinstance(raw, bytes):
            try:
                length = proto.first(proto.parse(raw), length_field, 0)
            except InputError:
                return None
            return int(length) if isinstance(length, int) else 0
    return None


class MediaOpener:
    """Opens one attachment of a backup as a stream: decrypts from the file on demand, checks the MAC
    at the end (a file changed since the scan raises instead of ending quietly). Picklable."""

    __slots__ = ("path", "offset", "length", "iv", "key", "mac_key")

    def __init__(self, path: str, media: Media, key: bytes, mac_key: bytes) -> None:
        self.path, self.offset, self.length, self.iv = path, media.offset, media.length, media.iv
        self.key, self.mac_key = key, mac_key

    def __call__(self) -> BinaryIO:
        return _MediaStream(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return _reopen, (self.path, self.offset, self.length, self.iv, self.key, self.mac_key)


def _reopen(path: str, offset: int, length: int, iv: bytes, key: bytes, mac_key: bytes) -> MediaOpener:
    return MediaOpener(path, Media(offset, length, iv), key, mac_key)


class _MediaStream:
    """A read-only file object over one attachment's plaintext."""

    def __init__(self, o: MediaOpener) -> None:
        self._fh = open(o.path, "rb")
        self._fh.seek(o.offset)
        self._o = o
        self._left = o.length
        self._dec = Cipher(algorithms.AES(o.key), modes.CTR(o.iv)).decryptor()
        self._mac = hmac.new(o.mac_key, o.iv, hashlib.sha256)
        self.closed = False

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if n is None or n < 0 else min(n, self._left)
        ct = self._fh.read(want)
        if len(ct) < want:
            raise InputError(f"The backup {Path(self._o.path).name} ended inside an attachment (byte "
                             f"{self._o.offset:,}); it changed since it was read.", location=self._o.path)
        self._left -= len(ct)
        self._mac.update(ct)
        out = self._dec.update(ct)
        if self._left == 0 and not hmac.compare_digest(self._mac.digest()[:MAC_LEN], self._fh.read(MAC_LEN)):
            raise InputError(f"An attachment of the backup {Path(self._o.path).name} (byte {self._o.offset:,}) "
                             "no longer matches its checksum; the file changed since it was read.",
                             location=self._o.path)
        return out

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
            self.closed = True

    def __enter__(self) -> _MediaStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
