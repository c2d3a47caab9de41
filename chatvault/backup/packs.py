"""Pack objects: many database extents and patches in one object (snapshot format 2).

One object per 64 KiB extent meant ~10,000 PUTs for a 658 MiB database, and object stores are
bound by requests, not bytes (a local SeaweedFS does ~100 PUTs a second on two cores). So new
extents and patches are appended to a pack of about PACK_BYTES and each pack is one object:

    entry 0 bytes | entry 1 bytes | ... | table | n (u32 BE) | b"CVP1"
    table = n x (HMAC-SHA256(K_id, entry bytes) (32 bytes) | entry length (u32 BE))

Entries lie back to back from offset 0, so the table gives every entry's offset. The pack is named
`packs/<ab>/<name>` with `name = HMAC-SHA256(K_id, "chatvault-pack/v1\\0" + table + n)`: the name
authenticates the table (a run that resumes after a crash reads the table of a pack no snapshot
names yet and trusts it only if it matches the name), and the same entries always give the same
name. Every entry is still addressed by its own keyed MAC, which the sealed manifest lists with
its pack, offset and length; reading an entry and recomputing its MAC authenticates it.
"""

from __future__ import annotations

import hmac
import struct
from collections.abc import Iterable, Iterator
from typing import Any

PACK_BYTES = 8 * 1024 * 1024  # ~8 MiB per pack: few requests, small enough to prune and buffer
MAGIC = b"CVP1"
ENTRY = 36  # 32-byte MAC + u32 length
TAIL_READ = 64 * 1024  # one range read at the end of a pack holds the table of ~1,800 entries
MAX_ENTRIES = 1 << 20


def pack_key(name: str) -> str:
    return f"packs/{name[:2]}/{name}"


def _name(ident: bytes, table: bytes) -> str:
    return hmac.new(ident, b"chatvault-pack/v1\0" + table, "sha256").hexdigest()


class PackBuilder:
    """Collects entries until the pack is full; `seal()` returns (key, bytes, [(mac, offset, length)])."""

    def __init__(self, ident: bytes, limit: int = PACK_BYTES) -> None:
        self.ident = ident
        self.limit = limit
        self._parts: list[bytes] = []
        self._entries: list[tuple[str, int, int]] = []
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def add(self, mac: str, data: bytes) -> None:
        self._parts.append(data)
        self._entries.append((mac, self.size, len(data)))
        self.size += len(data)

    def seal(self) -> tuple[str, bytes, list[tuple[str, int, int]]]:
        table = b"".join(bytes.fromhex(mac) + struct.pack(">I", n) for mac, _, n in self._entries)
        table += struct.pack(">I", len(self._entries))
        key = pack_key(_name(self.ident, table))
        data = b"".join([*self._parts, table, MAGIC])
        entries = self._entries
        self._parts, self._entries, self.size = [], [], 0
        return key, data, entries


def parse_table(ident: bytes, key: str, size: int, tail: bytes) -> list[tuple[str, int, int]] | None:
    """The entries of the pack `key` from its last bytes `tail` (which must hold the whole table);
    None if the table does not authenticate against the pack's name or does not fit `size`.
    A tail too short for the table raises ValueError carrying the number of bytes needed."""
    if len(tail) < 8 or tail[-4:] != MAGIC:
        return None
    n = struct.unpack(">I", tail[-8:-4])[0]
    if n > MAX_ENTRIES:
        return None
    need = n * ENTRY + 8
    if need > size:
        return None
    if need > len(tail):
        raise ValueError(need)
    table = tail[len(tail) - need:-4]
    if not hmac.compare_digest(pack_key(_name(ident, table)), key):
        return None
    out = []
    pos = 0
    for j in range(n):
        raw = table[j * ENTRY:(j + 1) * ENTRY]
        length = struct.unpack(">I", raw[32:])[0]
        out.append((raw[:32].hex(), pos, length))
        pos += length
    if pos + need != size:
        return None
    return out


def read_table(target: Any, ident: bytes, key: str, size: int) -> list[tuple[str, int, int]] | None:
    """Read and authenticate a pack's table with one (rarely two) range reads at its end."""
    want = min(size, TAIL_READ)
    tail = target.read_range(key, size - want, want)
    try:
        return parse_table(ident, key, size, tail)
    except ValueError as exc:
        need = int(exc.args[0])
        return parse_table(ident, key, size, target.read_range(key, size - need, need))


def scan_entries(chunks: Iterable[bytes], wanted: list[tuple[int, int]]) -> Iterator[tuple[int, int, bytes]]:
    """From an object streamed as `chunks`, the bytes of each (offset, length) in `wanted`
    (sorted by offset, not overlapping); everything else is skipped without being kept."""
    it = iter(sorted(wanted))
    cur = next(it, None)
    buf = bytearray()
    pos = 0  # stream offset of the first byte not yet consumed
    for chunk in chunks:
        view = memoryview(chunk)
        while cur is not None and view:
            off, length = cur
            if pos < off:  # skip to the entry
                skip = min(off - pos, len(view))
                view = view[skip:]
                pos += skip
                continue
            take = min(off + length - pos, len(view))
            buf += view[:take]
            view = view[take:]
            pos += take
            if pos == off + length:
                yield off, length, bytes(buf)
                buf.clear()
                cur = next(it, None)
        if cur is None:
            return
        pos += len(view)
