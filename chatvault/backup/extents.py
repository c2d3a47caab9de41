"""Database extents: their page hashes and the patches of changed pages stored against a base extent."""

from __future__ import annotations

import hmac

from chatvault.backup.crypto import BackupKeys

PAGE_HASH = 8  # bytes of HMAC-SHA256(K_id, page) kept per page to find changed pages next time


def page_hashes(k: BackupKeys, data: bytes, page_size: int) -> bytes:
    view = memoryview(data)
    return b"".join(hmac.digest(k.ident, view[p:p + page_size], "sha256")[:PAGE_HASH]
                    for p in range(0, len(data), page_size))


def pages_mask(pages: set[int]) -> int:
    return sum(1 << p for p in pages)


def mask_pages(mask: int) -> set[int]:
    return {p for p in range(64) if mask >> p & 1}


def make_patch(data: bytes, pages: list[int], page_size: int) -> bytes:
    """A patch object: page count, page indices (one byte each), then those pages' bytes."""
    return bytes([len(pages), *pages]) + b"".join(data[p * page_size:(p + 1) * page_size] for p in pages)


def patch_size(mask: int, page_size: int) -> int:
    n = bin(mask).count("1")
    return 1 + n + n * page_size


def apply_patch(base: bytes, patch: bytes, page_size: int) -> bytes:
    n = patch[0]
    out = bytearray(base)
    for j, p in enumerate(patch[1:1 + n]):
        start = 1 + n + j * page_size
        out[p * page_size:(p + 1) * page_size] = patch[start:start + page_size]
    return bytes(out)
