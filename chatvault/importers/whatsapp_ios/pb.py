"""Just enough protobuf wire-format reading for WhatsApp's blobs (quoted ids, reactions); never raises."""

from __future__ import annotations

from typing import Any

Field = tuple[int, int, Any]     # (number, wire type, value: int or bytes)


def _varint(data: bytes, i: int) -> tuple[int, int] | None:
    shift = result = 0
    while i < len(data) and shift < 64:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7
    return None


def fields(data: bytes | None) -> list[Field] | None:
    """The top-level fields of `data`, or None when it is not a well-formed message."""
    if not isinstance(data, bytes | bytearray | memoryview):
        return None
    data = bytes(data)
    out: list[Field] = []
    i = 0
    while i < len(data):
        tag = _varint(data, i)
        if tag is None or tag[0] >> 3 == 0:
            return None
        key, i = tag
        num, wt = key >> 3, key & 7
        if wt == 0:
            v = _varint(data, i)
            if v is None:
                return None
            out.append((num, wt, v[0]))
            i = v[1]
        elif wt == 2:
            n = _varint(data, i)
            if n is None or n[1] + n[0] > len(data):
                return None
            out.append((num, wt, data[n[1]:n[1] + n[0]]))
            i = n[1] + n[0]
        elif wt in (1, 5):
            size = 8 if wt == 1 else 4
            if i + size > len(data):
                return None
            out.append((num, wt, data[i:i + size]))
            i += size
        else:
            return None
    return out


def text(value: Any) -> str | None:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def first_text(data: bytes | None, number: int) -> str | None:
    for num, wt, v in fields(data) or ():
        if num == number and wt == 2:
            return text(v)
    return None
