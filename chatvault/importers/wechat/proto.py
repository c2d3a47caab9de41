"""A minimal protobuf wire-format reader for WeChat's BytesExtra / RoomData / packed_info blobs.

Only varints and length-delimited fields are needed; fixed32/64 are skipped. Hand-rolled (≈40
lines) instead of a dependency: we never have the `.proto` schemas, only field numbers, and a
reader that never raises on malformed input (it just stops) is what hostile files need.
"""

from __future__ import annotations

from collections.abc import Iterator

Field = tuple[int, int, int | bytes]  # (field number, wire type, value)


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf: bytes | None) -> Iterator[Field]:
    """Yield the top-level fields of a message; stops quietly at the first malformed byte."""
    if not buf:
        return
    buf = bytes(buf)
    pos, n = 0, len(buf)
    try:
        while pos < n:
            tag, pos = _varint(buf, pos)
            num, wt = tag >> 3, tag & 7
            if wt == 0:
                val, pos = _varint(buf, pos)
                yield num, wt, val
            elif wt == 2:
                ln, pos = _varint(buf, pos)
                if pos + ln > n:
                    return
                yield num, wt, buf[pos:pos + ln]
                pos += ln
            elif wt == 1:
                pos += 8
            elif wt == 5:
                pos += 4
            else:
                return
    except ValueError:
        return


def first(buf: bytes | None, num: int) -> int | bytes | None:
    for f, _wt, val in fields(buf):
        if f == num:
            return val
    return None


def text(val: int | bytes | None) -> str | None:
    if isinstance(val, bytes):
        return val.decode("utf-8", "replace")
    return None


def bytes_extra_items(buf: bytes | None) -> dict[int, str]:
    """PC 3.x MSG.BytesExtra: field 3 repeated {1: item type, 2: string value}.

    Item types: 1 = sender wxid in a group, 3 = thumbnail path, 4 = file/image path, 7 = msgsource XML.
    The first value of each type wins. Reads the fields as `fields` does (same stops on malformed
    bytes), inlined because this runs for most messages.
    """
    return _extra_walk(buf, None)  # type: ignore[return-value]


def bytes_extra_sender(buf: bytes | None) -> str | None:
    """`bytes_extra_items(buf).get(1)`, stopping at the first sender item."""
    return _extra_walk(buf, 1)  # type: ignore[return-value]


def _extra_walk(buf: bytes | None, only: int | None) -> dict[int, str] | str | None:
    """All items as {type: first value} (`only` None), or the first value of type `only` (or None)."""
    out: dict[int, str] = {}
    if not buf:
        return out if only is None else None
    buf = bytes(buf)
    pos, n = 0, len(buf)
    try:
        while pos < n:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _varint(buf, pos)
            wt = tag & 7
            if wt == 2:
                if pos < n and buf[pos] < 0x80:
                    ln = buf[pos]
                    pos += 1
                else:
                    ln, pos = _varint(buf, pos)
                if pos + ln > n:
                    break
                if tag >> 3 == 3:
                    item = _extra_item(buf[pos:pos + ln])
                    if item is not None:
                        if only is None:
                            if item[0] not in out:
                                out[item[0]] = item[1]
                        elif item[0] == only:
                            return item[1]
                pos += ln
            elif wt == 0:
                if pos < n and buf[pos] < 0x80:
                    pos += 1
                else:
                    _val, pos = _varint(buf, pos)
            elif wt == 1:
                pos += 8
            elif wt == 5:
                pos += 4
            else:
                break
    except ValueError:
        pass
    return out if only is None else None


def _extra_item(val: bytes) -> tuple[int, str] | None:
    """One BytesExtra item {1: type, 2: value}: the last of each field counts, as in the loop over `fields`."""
    kind: int | None = None
    value: str | None = None
    pos, n = 0, len(val)
    try:
        while pos < n:
            tag = val[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _varint(val, pos)
            num, wt = tag >> 3, tag & 7
            if wt == 0:
                if pos < n and val[pos] < 0x80:
                    v = val[pos]
                    pos += 1
                else:
                    v, pos = _varint(val, pos)
                if num == 1:
                    kind = v
                elif num == 2:
                    value = None            # a number where text belongs
            elif wt == 2:
                if pos < n and val[pos] < 0x80:
                    ln = val[pos]
                    pos += 1
                else:
                    ln, pos = _varint(val, pos)
                if pos + ln > n:
                    break
                if num == 2:
                    value = val[pos:pos + ln].decode("utf-8", "replace")
                pos += ln
            elif wt == 1:
                pos += 8
            elif wt == 5:
                pos += 4
            else:
                break
    except ValueError:
        pass
    if kind is None or value is None:
        return None
    return kind, value


def room_members(buf: bytes | None) -> dict[str, str]:
    """ChatRoom.RoomData (PC 3.x) / chat_room.ext_buffer (Weixin 4): {wxid: group nickname}.

    Field 1 repeated {1: wxid, 2: display name in the group (may be absent)}.
    """
    out: dict[str, str] = {}
    for num, wt, val in fields(buf):
        if num != 1 or wt != 2:
            continue
        wxid = name = None
        for n2, _w2, v2 in fields(val):  # type: ignore[arg-type]
            if n2 == 1:
                wxid = text(v2)
            elif n2 == 2:
                name = text(v2)
        if wxid:
            out[wxid] = name or ""
    return out


def hex_strings(buf: bytes | None, depth: int = 0) -> list[str]:
    """Every 32-hex-digit string anywhere in the message (Weixin 4 packed_info_data media md5s)."""
    found: list[str] = []
    if depth > 4:
        return found
    for _num, wt, val in fields(buf):
        if wt != 2 or not isinstance(val, bytes):
            continue
        if len(val) == 32:
            try:
                s = val.decode("ascii")
                int(s, 16)
                found.append(s.lower())
                continue
            except (UnicodeDecodeError, ValueError):
                pass
        found.extend(hex_strings(val, depth + 1))
    return found


# --- writer, used by the test fixture builders and the benchmark ---------------------------

def _enc_varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode(items: list[tuple[int, int | bytes | str]]) -> bytes:
    """Encode (field, value) pairs: ints as varints, str/bytes as length-delimited."""
    out = bytearray()
    for num, val in items:
        if isinstance(val, int):
            out += _enc_varint(num << 3) + _enc_varint(val)
        else:
            data = val.encode() if isinstance(val, str) else val
            out += _enc_varint(num << 3 | 2) + _enc_varint(len(data)) + data
    return bytes(out)
