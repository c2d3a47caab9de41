"""Reading Chromium's "blockfile" disk cache: what Chromium-based web views write on Windows
(WeChat PC 3.9 and Weixin 4 keep their article cache under `radium\\web\\profiles\\…\\Cache\\Cache_Data`).

A blockfile cache folder holds `index`, block files `data_0` … `data_3` and external files `f_XXXXXX`.
Each block file starts with an 8 KiB header (magic 0xC104CAC3, then the allocation bitmap at byte 80);
entries are 256-byte `EntryStore` records in `data_1`:

    hash, next, rankings_node, reuse_count, refetch_count, state (u32/i32 × 6), creation_time (u64),
    key_len, long_key, data_size[4], data_addr[4], flags, pad[4], self_hash, key[160]

A `CacheAddr` is a u32: bit 31 initialised, bits 28-30 the file type (0 external `f_` file, 1 rankings,
2/3/4 blocks of 256 B / 1 KiB / 4 KiB), bits 24-25 the block count − 1, bits 16-23 the block file
number, bits 0-15 the first block (external: bits 0-27 the file number). Stream 0 is the response
info (the same pickle as the simple cache's), stream 1 the body. Only entries whose block is marked
used in the bitmap are read. Layout learnt from Chromium's `net/disk_cache/blockfile/disk_format.h`
and `addr.h` (read, not copied).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from chatvault.articles.chromecache import CacheEntry, _response_info, key_url

BLOCK_MAGIC = 0xC104CAC3
BLOCK_HEADER = 8192
BITMAP_AT = 80
ENTRY = struct.Struct("<IIIiiiQiI4i4II4iI160s")
BLOCK_SIZES = {1: 36, 2: 256, 3: 1024, 4: 4096}
MAX_STREAM = 16 << 20


@dataclass(frozen=True)
class BlockEntry:
    url: str
    sizes: tuple[int, ...]
    addrs: tuple[int, ...]


def is_block_file(head: bytes) -> bool:
    return len(head) >= 8 and struct.unpack_from("<I", head)[0] == BLOCK_MAGIC


def _used(bitmap: bytes, block: int) -> bool:
    byte = block // 8
    return byte < len(bitmap) and bool(bitmap[byte] & (1 << (block % 8)))


def entries(data_1: bytes, read_addr=None) -> list[BlockEntry]:
    """The live entries of `data_1` (keys longer than the record: read through `read_addr` when given)."""
    if not is_block_file(data_1) or len(data_1) < BLOCK_HEADER:
        return []
    bitmap = data_1[BITMAP_AT:BLOCK_HEADER]
    out = []
    for block in range((len(data_1) - BLOCK_HEADER) // 256):
        if not _used(bitmap, block):
            continue
        rec = ENTRY.unpack_from(data_1, BLOCK_HEADER + block * 256)
        state, key_len, long_key = rec[5], rec[7], rec[8]
        if state not in (0, 1, 2) or not 0 < key_len <= 64 * 1024:
            continue
        if long_key & 0x80000000:
            if read_addr is None:
                continue
            raw = read_addr(long_key, key_len)
        else:
            start = BLOCK_HEADER + block * 256 + 96
            raw = data_1[start:start + key_len]       # a long key continues into the entry's next blocks
        if raw is None or len(raw) < key_len:
            continue
        key = raw.decode("utf-8", "replace")
        if not (key.startswith(("http://", "https://")) or " http" in key):
            continue
        out.append(BlockEntry(key_url(key), tuple(rec[9:13]), tuple(rec[13:17])))
    return out


class BlockCache:
    """One blockfile cache folder inside a file tree."""

    def __init__(self, tree, folder: str) -> None:
        self.tree = tree
        self.prefix = f"{folder}/" if folder else ""
        self._files: dict[str, bytes] = {}

    def _file(self, name: str) -> bytes | None:
        if name not in self._files:
            member = self.prefix + name
            if member not in self.tree or self.tree.size(member) > 512 << 20:
                return None
            with self.tree.open(member) as fh:
                self._files[name] = _read(fh, 512 << 20)
        return self._files[name]

    def read_addr(self, addr: int, size: int) -> bytes | None:
        if not addr & 0x80000000 or not 0 <= size <= MAX_STREAM:
            return None
        kind = (addr >> 28) & 7
        if kind == 0:
            data = self._file(f"f_{addr & 0x0FFFFFFF:06x}")
            return None if data is None else data[:size]
        block_size = BLOCK_SIZES.get(kind)
        if block_size is None:
            return None
        data = self._file(f"data_{(addr >> 16) & 0xFF}")
        if data is None:
            return None
        start = BLOCK_HEADER + (addr & 0xFFFF) * block_size
        blocks = ((addr >> 24) & 3) + 1
        if size > blocks * block_size:
            return None
        return data[start:start + size]

    def entries(self) -> list[BlockEntry]:
        data_1 = self._file("data_1")
        return [] if data_1 is None else entries(data_1, self.read_addr)

    def read(self, e: BlockEntry) -> CacheEntry | None:
        info = self.read_addr(e.addrs[0], e.sizes[0])
        body = self.read_addr(e.addrs[1], e.sizes[1]) if e.sizes[1] > 0 else b""
        if info is None or body is None:
            return None
        status, headers, when = _response_info(info)
        return CacheEntry(e.url, status, headers, body, when)


def _read(fh: BinaryIO, limit: int) -> bytes:
    return fh.read(limit + 1)[:limit]


def build_blockfile(entries_: list[tuple[str, bytes, bytes]]) -> dict[str, bytes]:
    """The files of a blockfile cache holding (url, response-info pickle, body) entries: for test
    fixtures, in Chromium's layout (bodies in external `f_` files, response infos in 1 KiB blocks)."""
    def header(this_file: int, entry_size: int, used: int) -> bytearray:
        h = bytearray(BLOCK_HEADER)
        struct.pack_into("<IIhhiii", h, 0, BLOCK_MAGIC, 0x20000, this_file, 0, entry_size, used, 1024)
        for i in range(used):
            h[BITMAP_AT + i // 8] |= 1 << (i % 8)
        return h
    d1 = header(1, 256, len(entries_))
    d2 = header(2, 1024, len(entries_))
    files: dict[str, bytes] = {}
    for i, (url, info, body) in enumerate(entries_):
        info_addr = 0x80000000 | (3 << 28) | (2 << 16) | i
        body_addr = 0x80000000 | (0 << 28) | (i + 1)
        key = url.encode()
        rec = ENTRY.pack(0, 0, 0, 0, 0, 0, 0, len(key), 0, len(info), len(body), 0, 0, info_addr, body_addr, 0, 0, 0,
                         0, 0, 0, 0, 0, key[:160])
        d1 += rec
        d2 += info.ljust(1024, b"\0")
        files[f"f_{i + 1:06x}"] = body
    files["data_0"] = bytes(header(0, 36, 0))
    files["data_1"] = bytes(d1)
    files["data_2"] = bytes(d2)
    files["data_3"] = bytes(header(3, 4096, 0))
    files["index"] = b"\xc3\xca\x03\xc1" + b"\0" * 252
    return files
