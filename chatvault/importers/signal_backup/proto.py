"""Just enough protobuf to read (and, for the tests, write) the frames of a Signal `.backup`.

The frames are proto2 messages (`Backups.proto` in Signal Android); ChatVault needs a handful of
their fields, so a 40-line wire-format reader beats a generated module and a dependency.
"""

from __future__ import annotations

import struct

from chatvault.errors import InputError

Fields = dict[int, list]


class ProtoError(InputError):
    """A frame that is not a well-formed protobuf message."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtoError("a protobuf number runs past its frame")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def parse(data: bytes) -> Fields:
    """Field number → values: ints for varints, bytes for length-delimited fields and fixed64/32."""
    out: Fields = {}
    pos, end = 0, len(data)
    while pos < end:
        tag, pos = _varint(data, pos)
        num, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            n, pos = _varint(data, pos)
            if pos + n > end:
                raise ProtoError("a protobuf field runs past its frame")
            value, pos = data[pos:pos + n], pos + n
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > end:
                raise ProtoError("a protobuf field runs past its frame")
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ProtoError(f"protobuf wire type {wire} is not used by Signal backups")
        if num == 0:
            raise ProtoError("protobuf field number 0")
        out.setdefault(num, []).append(value)
    return out


def first(fields: Fields, num: int, default=None):
    values = fields.get(num)
    return values[0] if values else default


def signed64(value: int) -> int:
    """A Java long written as uint64 back to its sign."""
    return value - (1 << 64) if value >= 1 << 63 else value


def double(raw: bytes) -> float:
    return struct.unpack("<d", raw)[0]


def text(raw: object) -> str | None:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else None
