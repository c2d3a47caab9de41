"""The "CVB1" blob file format: its constants, the errors that name a blob, and `BlobReader`,
which authenticates and decrypts a blob file chunk by chunk. Writing lives in `blobstore.py`.

File layout (docs/vault-format.md, "Media blobs"; age's STREAM construction):

    0   4   magic "CVB1"
    4   1   format version = 1
    5   1   aead: 1 = AES-256-GCM, 2 = ChaCha20-Poly1305
    6   1   log2(chunk size), 16 = 64 KiB (readers accept 12..20)
    7   1   flags = 0
    8   32  salt, new for every file written
    40  -   chunk i = AEAD(k_blob, nonce_i, plaintext_i, aad_i) = ciphertext || 16-byte tag

    k_blob  = HKDF-SHA256(ikm = K_media, salt = salt, info = "chatvault/blob/v1")
    nonce_i = i as 11 bytes big-endian || 0x01 if final else 0x00
    aad_i   = header[0:40]  (+ the 32-byte blob id for the final chunk)
    id      = HMAC-SHA256(K_media_id, plaintext)   (SHA-NI makes it 2x faster than keyed BLAKE2b here)

The blob's id is its file name (`media/ab/cd/<id-hex>`). Binding the id into the final chunk means
a file renamed or swapped onto another id fails authentication; counters in the nonces catch
reordering, and the final flag catches truncation and appended data.
"""

from __future__ import annotations

import io
import os
import stat
from typing import TYPE_CHECKING, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from chatvault.errors import ChatVaultError

if TYPE_CHECKING:
    from chatvault.media.blobstore import BlobStore

MAGIC = b"CVB1"
VERSION = 1
AEAD_AESGCM = 1
AEAD_CHACHA = 2
LOG2_CHUNK = 16
CHUNK = 1 << LOG2_CHUNK
TAG = 16
HEADER_LEN = 40
ID_LEN = 32
BLOB_INFO = b"chatvault/blob/v1"
PARTIAL_DIR = ".partial"
HEX_DIGITS = frozenset("0123456789abcdef")


class BlobCorrupt(ChatVaultError):
    """A blob file failed authentication or has an impossible shape. Names the blob."""

    code = "blob_corrupt"

    def __init__(self, blob_id: str, reason: str) -> None:
        super().__init__(
            f"Media blob {blob_id} is damaged: {reason}.",
            hint="Run `chatvault check --read-data` to list every damaged blob and the messages using it; "
            "restore the file from a backup or import the original again.",
            location=f"media/{blob_id[:2]}/{blob_id[2:4]}/{blob_id}" if valid_id(blob_id) else None,
        )
        self.blob_id = blob_id
        self.reason = reason


class BlobMissing(ChatVaultError):
    code = "blob_missing"

    def __init__(self, blob_id: str) -> None:
        super().__init__(
            f"Media blob {blob_id} is not in the vault's media folder.",
            hint="Run `chatvault check` and restore the media folder from a backup.",
        )
        self.blob_id = blob_id


def valid_id(blob_id: str) -> bool:
    return isinstance(blob_id, str) and len(blob_id) == 2 * ID_LEN and set(blob_id) <= HEX_DIGITS


def stored_size_for(size: int, log2_chunk: int = LOG2_CHUNK) -> int:
    """Bytes on disk for `size` bytes of plaintext."""
    chunk = 1 << log2_chunk
    n = max(1, -(-size // chunk))
    return HEADER_LEN + size + n * TAG


def chunk_nonce(i: int, final: bool) -> bytes:
    return i.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def aead_cipher(kind: int, key: bytes) -> AESGCM | ChaCha20Poly1305:
    return AESGCM(key) if kind == AEAD_AESGCM else ChaCha20Poly1305(key)


class BlobReader(io.RawIOBase):
    """Random-access plaintext view of one blob; every chunk is authenticated when it is read."""

    def __init__(self, store: BlobStore, blob_id: str, f: BinaryIO) -> None:
        super().__init__()
        self.blob_id = blob_id
        self._f = f
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise BlobCorrupt(blob_id, "it is not a regular file")
        file_size = st.st_size
        header = os.pread(f.fileno(), HEADER_LEN, 0)
        if len(header) < HEADER_LEN:
            raise BlobCorrupt(blob_id, f"the file is too short ({file_size} bytes) to hold a header")
        if header[:4] != MAGIC:
            raise BlobCorrupt(blob_id, "it does not start with the CVB1 magic")
        version, aead, log2, flags = header[4], header[5], header[6], header[7]
        if version != VERSION:
            raise BlobCorrupt(blob_id, f"unknown format version {version}")
        if aead not in (AEAD_AESGCM, AEAD_CHACHA):
            raise BlobCorrupt(blob_id, f"unknown cipher {aead}")
        if not 12 <= log2 <= 20:
            raise BlobCorrupt(blob_id, f"chunk size 2^{log2} is out of range")
        if flags != 0:
            raise BlobCorrupt(blob_id, f"reserved flags {flags:#x} are set")
        self._header = header
        self._chunk_plain = 1 << log2
        self._chunk_stored = self._chunk_plain + TAG
        body = file_size - HEADER_LEN
        full, rem = divmod(body, self._chunk_stored)
        if body < TAG:
            raise BlobCorrupt(blob_id, "the file ends before its first chunk")
        if 0 < rem < TAG:
            raise BlobCorrupt(blob_id, "the file ends inside a chunk tag (truncated or extended)")
        if rem == TAG and full > 0:
            raise BlobCorrupt(blob_id, "an empty final chunk follows a full one")
        if rem == 0:
            self.chunk_count = full
            self._last_plain = self._chunk_plain
        else:
            self.chunk_count = full + 1
            self._last_plain = rem - TAG
        self.size = (self.chunk_count - 1) * self._chunk_plain + self._last_plain
        self._cipher = aead_cipher(aead, store._blob_key(header[8:40]))
        self._id_bytes = bytes.fromhex(blob_id)
        # Authenticate the final chunk first: it binds the id and the length.
        self._cache = (self.chunk_count - 1, self._decrypt(self.chunk_count - 1))

    def _decrypt(self, i: int) -> bytes:
        final = i == self.chunk_count - 1
        length = (self._last_plain if final else self._chunk_plain) + TAG
        data = os.pread(self._f.fileno(), length, HEADER_LEN + i * self._chunk_stored)
        if len(data) != length:
            raise BlobCorrupt(self.blob_id, f"chunk {i} is cut short (the file changed while reading)")
        aad = self._header + self._id_bytes if final else self._header
        try:
            return self._cipher.decrypt(chunk_nonce(i, final), data, aad)
        except InvalidTag:
            what = "final chunk" if final else f"chunk {i}"
            raise BlobCorrupt(self.blob_id, f"the {what} failed authentication") from None

    def _chunk(self, i: int) -> bytes:
        if self._cache is not None and self._cache[0] == i:
            return self._cache[1]
        data = self._decrypt(i)
        self._cache = (i, data)
        return data

    # --- io.RawIOBase --------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buf) -> int:
        view = memoryview(buf).cast("B")
        done = 0
        while done < len(view) and self._pos < self.size:
            i, off = divmod(self._pos, self._chunk_plain)
            data = self._chunk(i)
            n = min(len(view) - done, len(data) - off)
            view[done:done + n] = data[off:off + n]
            done += n
            self._pos += n
        return done

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = max(0, self.size - self._pos)
        buf = bytearray(min(n, max(0, self.size - self._pos)))
        got = self.readinto(buf)
        return bytes(buf[:got])

    def readall(self) -> bytes:
        return self.read(-1)

    def close(self) -> None:
        if not self.closed:
            self._f.close()
            self._cache = None
        super().close()
