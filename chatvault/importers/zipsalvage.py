"""Reading what is left of a damaged zip: a cut-off download, a damaged central directory.

A zip lists its files twice: a local header before each file's data, and the central directory at the
end. `zipfile` needs the directory, so a zip cut short (the usual damage: an interrupted download or
copy) opens as nothing at all. The local headers are still there: `scan` walks them from the start,
finds each file's data (also when its sizes follow the data in a "data descriptor", as phones write
them), and notes where the archive breaks off. `SalvagedStream` reads one such file (stored or
deflated), checks its CRC when the file is whole, and ends where the data ends when it is cut off,
so an importer reads everything before the cut.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from chatvault.errors import InputError

LOCAL = b"PK\x03\x04"
DESCRIPTOR = b"PK\x07\x08"
CENTRAL = (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07")
_STEP = 1 << 20


@dataclass
class Salvaged:
    """One file found by its local header."""

    name: str                  # as stored (not yet normalised)
    offset: int                # of the local header
    data_start: int
    compress_size: int         # bytes of data present (less than declared when cut off)
    file_size: int             # declared uncompressed size (0 if unknown)
    crc: int
    method: int
    whole: bool                # all its data is present (then the CRC is checked)
    problem: str = ""          # why it cannot be read at all ("" = readable, maybe cut off)


def _name(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4: pos + 4 + size]
        if tag == 1:
            vals = list(struct.unpack_from(f"<{len(body) // 8}Q", body)) if len(body) >= 8 else []
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
        pos += 4 + size
    return usize, csize


def _find_descriptor(fh: BinaryIO, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(compressed size, crc, uncompressed size, bytes the descriptor takes) for data from `start` whose
    sizes follow it: the first signed descriptor whose compressed size matches its own position."""
    pos = start
    while pos < end:
        fh.seek(pos)
        block = fh.read(_STEP + 24)
        i = block.find(DESCRIPTOR)
        while i >= 0:
            at = pos + i
            tail = block[i + 4: i + 24]
            if len(tail) >= 12:
                crc, csize, usize = struct.unpack_from("<III", tail)
                if csize == at - start:
                    return csize, crc, usize, 16
            if len(tail) >= 20:
                crc, csize, usize = struct.unpack_from("<IQQ", tail)
                if csize == at - start:
                    return csize, crc, usize, 24
            i = block.find(DESCRIPTOR, i + 1)
        if len(block) <= _STEP:
            return None
        pos += _STEP
    return None


def scan(fh: BinaryIO, size: int, max_members: int) -> tuple[list[Salvaged], int]:
    """The files whose local headers can be read, in order, and the offset where the walk stopped
    (the start of the central directory, the end of the file, or the first byte it could not read)."""
    found: list[Salvaged] = []
    pos = 0
    while pos + 30 <= size and len(found) < max_members:
        fh.seek(pos)
        head = fh.read(30)
        if head[:4] != LOCAL:
            break
        _v, flags, method, _t, _d, crc, csize, usize, nlen, xlen = struct.unpack_from("<HHHHHIIIHH", head, 4)
        rest = fh.read(nlen + xlen)
        if len(rest) < nlen + xlen:
            break
        name = _name(rest[:nlen], flags)
        usize, csize = _zip64_sizes(rest[nlen:], usize, csize)
        data_start = pos + 30 + nlen + xlen
        item = Salvaged(name, pos, data_start, csize, usize, crc, method, True)
        if flags & 1:
            item.problem = "encrypted"
        elif method not in (0, 8):
            item.problem = f"compression method {method} is not supported"
        after = data_start + csize
        if flags & 8:                                  # sizes in a data descriptor after the data
            desc = _find_descriptor(fh, data_start, size)
            if desc is None:                           # cut off before the descriptor
                item.compress_size, item.whole = size - data_start, False
                found.append(item)
                pos = size
                break
            item.compress_size, item.crc, item.file_size, dlen = desc
            after = data_start + item.compress_size + dlen
        elif after > size:                             # cut off inside this file's data
            item.compress_size, item.whole = max(0, size - data_start), False
            found.append(item)
            pos = size
            break
        found.append(item)
        pos = after
    return found, pos


class SalvagedStream(io.RawIOBase):
    """The uncompressed bytes of one salvaged file; ends quietly where a cut-off file's data ends.
    A file whose size is unknown (cut off before its descriptor) is held to `max_ratio` once its output
    passes `ratio_floor`, counted on the bytes actually inflated (as the zip-bomb rule in `filetree`)."""

    def __init__(self, fh: BinaryIO, item: Salvaged, what: str, *, max_ratio: int = 200,
                 ratio_floor: int = 16 << 20) -> None:
        self._fh = fh
        self._max_ratio, self._ratio_floor = max_ratio, ratio_floor
        self._in = self._out = 0
        self._item = item
        self._what = what
        self._left = item.compress_size
        self._pos = item.data_start
        self._inflate = zlib.decompressobj(-15) if item.method == 8 else None
        self._crc = 0
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            self._pending = self._more(len(b))
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _more(self, want: int) -> bytes:
        chunk = b""
        if self._left > 0:
            self._fh.seek(self._pos)
            chunk = self._fh.read(min(self._left, 1 << 16))
            self._pos += len(chunk)
            self._left -= len(chunk)
            if not chunk:
                self._left = 0
        try:
            if self._inflate is None:
                out = chunk
            else:
                out = self._inflate.decompress(self._inflate.unconsumed_tail + chunk, max(want, 1 << 16))
                if self._inflate.eof:
                    self._left = 0
        except zlib.error as exc:
            raise InputError(f"{self._what} is damaged inside the archive ({exc}).",
                             hint="Copy or download the export again.") from exc
        self._crc = zlib.crc32(out, self._crc)
        self._in += len(chunk)
        self._out += len(out)
        if self._out > self._ratio_floor and self._out > self._max_ratio * max(1, self._in):
            raise InputError(f"{self._what} inflates more than {self._max_ratio}:1, the compression ratio of a zip "
                             "bomb; it was not read further.", hint="The export is damaged or crafted.")
        if not out and self._left <= 0 and not (self._inflate and self._inflate.unconsumed_tail):
            self._done = True
            if self._item.whole and self._crc != self._item.crc:
                raise InputError(f"{self._what} is damaged inside the archive (its CRC does not match).",
                                 hint="Copy or download the export again.")
        return out

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()
