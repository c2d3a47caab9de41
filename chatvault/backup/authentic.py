"""Is the source authentic? SQLCipher page HMACs and CVB1 blob tags, checked as a backup reads them.

A backup must never copy damage and call it verified. Every vault.db page carries SQLCipher's own
keyed tag, and every media blob chunk its AEAD tag; both are checked here with the vault's keys,
without decrypting through SQLite (so a damaged page is named, not just "malformed").

SQLCipher 4 page layout (raw key, salt in the file's first 16 bytes; `crypto_impl.c`):

    page 1:   salt(16) | ciphertext | IV(16) | HMAC | random fill up to the reserve
    page n>1:            ciphertext | IV(16) | HMAC | random fill
    reserve  = IV + HMAC rounded up to 16 bytes (48 for HMAC-SHA256, 80 for HMAC-SHA512)
    HMAC     = HMAC-<alg>(hmac_key, ciphertext || IV || page number as 4 bytes little-endian)
    hmac_key = PBKDF2-HMAC-SHA512(raw key, salt XOR 0x3a.., 2 iterations, 32 bytes)

The two profiles ChatVault writes are in `store/db.py`: 16 KiB pages with HMAC-SHA256 (new vaults)
and SQLCipher 4's defaults, 4 KiB pages with HMAC-SHA512.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chatvault.media import blobstore as bs

SALT = 16
IV = 16
HMAC_SALT_MASK = 0x3A
FAST_KDF_ITER = 2
# page size -> HMAC algorithm, as store/db.py's profiles pair them
PAGE_PROFILES = {16384: "sha256", 4096: "sha512"}


def _reserve(alg: str) -> int:
    n = IV + hashlib.new(alg).digest_size
    return -(-n // 16) * 16


class PageChecker:
    """Checks the HMAC of SQLCipher pages of one vault.db (salt read from its first page)."""

    def __init__(self, db_key: bytes, salt: bytes, page_size: int) -> None:
        if page_size not in PAGE_PROFILES or len(salt) != SALT:
            raise ValueError(f"no SQLCipher page profile for {page_size}-byte pages")
        self.page_size = page_size
        self.db_key = db_key
        self.alg = PAGE_PROFILES[page_size]
        self.mac_len = hashlib.new(self.alg).digest_size
        self.usable = page_size - _reserve(self.alg)
        hsalt = bytes(b ^ HMAC_SALT_MASK for b in salt)
        self.key = hashlib.pbkdf2_hmac("sha512", db_key, hsalt, FAST_KDF_ITER, 32)

    def page_ok(self, page: bytes | memoryview, pgno: int) -> bool:
        """True if `page` (numbered from 1) carries the tag SQLCipher gave it."""
        start = SALT if pgno == 1 else 0
        end = self.usable + IV
        view = memoryview(page)
        h = hmac.new(self.key, view[start:end], self.alg)
        h.update(pgno.to_bytes(4, "little"))
        return hmac.compare_digest(h.digest(), view[end:end + self.mac_len])

    def bad_pages(self, data: bytes | memoryview, first_pgno: int) -> list[int]:
        """Numbers (from 1) of the pages in `data` (consecutive, from `first_pgno`) whose tag fails."""
        view = memoryview(data)
        ps = self.page_size
        return [first_pgno + j for j in range(len(view) // ps)
                if not self.page_ok(view[j * ps:(j + 1) * ps], first_pgno + j)]


def page_checker(db_key: bytes, first_page: bytes, page_size: int) -> PageChecker | None:
    """A checker for this vault.db, or None for a page size ChatVault never writes (not checked)."""
    if page_size not in PAGE_PROFILES or len(first_page) < SALT:
        return None
    return PageChecker(db_key, bytes(first_page[:SALT]), page_size)


# --- media blobs ------------------------------------------------------------------------------
def _nonce(i: int, final: bool) -> bytes:
    return i.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class BlobTagCheck:
    """Authenticates a CVB1 blob's chunks as its bytes stream past (`update`), then `problem()`.

    The chunk that ends the stream is the final one (its AAD binds the blob id), so one chunk is
    held back until the next bytes arrive, or, when the file's `size` is given, checked as soon as
    its last byte arrives (so a caller can stop before storing it). Shapes a reader would refuse are
    refused here too."""

    def __init__(self, k_media: bytes, blob_id: str, size: int | None = None) -> None:
        self._k_media = k_media
        self._id = bytes.fromhex(blob_id) if len(blob_id) == 64 else b""
        self._buf = bytearray()
        self._header: bytes | None = None
        self._cipher: AESGCM | ChaCha20Poly1305 | None = None
        self._stored = 0
        self._i = 0
        self._size, self._seen, self._done = size, 0, False
        self._problem: str | None = None if self._id else "its file name is not a blob id"

    def update(self, data: bytes | memoryview) -> None:
        if self._problem or self._done:
            return
        self._seen += len(data)
        view = memoryview(data)
        if self._header is None:
            take = bs.HEADER_LEN - len(self._buf)
            self._buf += view[:take]
            view = view[take:]
            if len(self._buf) < bs.HEADER_LEN or not self._start(bytes(self._buf)):
                return
            self._buf = bytearray()
        # a chunk is opened only once more bytes follow it (the last one is the final chunk);
        # whole chunks are opened in place, only a chunk split across two updates is copied
        if self._buf and view:
            take = self._stored - len(self._buf)
            self._buf += view[:take]
            view = view[take:]
            if view:
                self._open(self._buf, final=False)
                self._buf = bytearray()
        while len(view) > self._stored and not self._problem:
            self._open(view[:self._stored], final=False)
            view = view[self._stored:]
        if not self._problem:
            self._buf += view
            if self._seen == self._size:
                self.problem()

    def _start(self, header: bytes) -> bool:
        if header[:4] != bs.MAGIC or header[4] != bs.VERSION or header[7] != 0:
            self._problem = "its header is not a CVB1 header"
        elif header[5] not in (bs.AEAD_AESGCM, bs.AEAD_CHACHA) or not 12 <= header[6] <= 20:
            self._problem = "its header names an unknown cipher or chunk size"
        if self._problem:
            return False
        self._header = header
        self._stored = (1 << header[6]) + bs.TAG
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=header[8:40], info=bs.BLOB_INFO).derive(self._k_media)
        self._cipher = AESGCM(key) if header[5] == bs.AEAD_AESGCM else ChaCha20Poly1305(key)
        return True

    def _open(self, chunk: bytes | bytearray | memoryview, final: bool) -> None:
        assert self._cipher is not None and self._header is not None
        aad = self._header + self._id if final else self._header
        try:
            self._cipher.decrypt(_nonce(self._i, final), chunk, aad)
        except InvalidTag:
            what = "its final chunk" if final else f"chunk {self._i}"
            self._problem = f"{what} failed authentication"
        self._i += 1

    @property
    def failed(self) -> str | None:
        """The problem found so far (None while every byte fed authenticates; `problem()` also
        judges how the blob ends)."""
        return self._problem

    def problem(self) -> str | None:
        """None if every chunk authenticated and the stream ended on a valid final chunk."""
        if self._problem is None and not self._done:
            self._done = True
            if self._header is None:
                self._problem = "the file is too short to hold a header"
            elif len(self._buf) < bs.TAG or (len(self._buf) == bs.TAG and self._i > 0):
                self._problem = "the file ends inside a chunk (truncated or extended)"
            else:
                self._open(bytes(self._buf), final=True)
                self._buf.clear()
        return self._problem


class BlobDamaged(Exception):
    """Raised from `CheckedMac.update`: the blob being stored failed authentication."""


class CheckedMac:
    """A backup MAC that also authenticates the blob it is fed, and raises `BlobDamaged` the moment
    a chunk fails: targets feed every byte to the MAC before storing it, so nothing damaged is stored."""

    def __init__(self, mac: Any, tags: BlobTagCheck) -> None:
        self.mac, self.tags = mac, tags

    def update(self, data: bytes | memoryview) -> None:
        self.mac.update(data)
        self.tags.update(data)
        if self.tags.failed:
            raise BlobDamaged(self.tags.failed)

    def hexdigest(self) -> str:
        return str(self.mac.hexdigest())


@dataclass
class BlobProblem:
    rel: str  # path under media/
    problem: str

    @property
    def blob_id(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


def check_blob_file(k_media: bytes, path: str, rel: str) -> str | None:
    """Read one blob file and authenticate every chunk; the problem, or None if it is authentic."""
    chk = BlobTagCheck(k_media, rel.rsplit("/", 1)[-1])
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            chk.update(chunk)
    return chk.problem()
