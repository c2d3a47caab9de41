"""The inlined BytesExtra reader gives what the generic field walker gives, on good and broken bytes."""

from __future__ import annotations

import random

from chatvault.importers.wechat import proto
from tests import wechat_fixtures as F


def walker_items(buf: bytes | None) -> dict[int, str]:
    """BytesExtra read with the generic `proto.fields` walker: the definition the fast reader follows."""
    out: dict[int, str] = {}
    for num, wt, val in proto.fields(buf):
        if num != 3 or wt != 2:
            continue
        kind = value = None
        for n2, _w2, v2 in proto.fields(val):  # type: ignore[arg-type]
            if n2 == 1 and isinstance(v2, int):
                kind = v2
            elif n2 == 2:
                value = proto.text(v2)
        if kind is not None and value is not None and kind not in out:
            out[kind] = value
    return out


def samples() -> list[bytes]:
    enc = proto.encode
    long_path = "wxid_me\\FileStorage\\MsgAttach\\" + "d" * 300 + "\\Image\\2026-01\\x.dat"
    base = [
        b"", b"\x00", b"\x1a", b"\x1a\x05", b"\xff" * 12,
        F.bytes_extra(), F.bytes_extra(sender="wxid_alice"),
        F.bytes_extra(sender="wxid_bob", thumb="wxid_me\\FileStorage\\t.dat", path=long_path),
        enc([(3, enc([(1, 1), (2, "first")])), (3, enc([(1, 1), (2, "second")]))]),
        enc([(3, enc([(2, "no kind")])), (3, enc([(1, 4)]))]),
        enc([(3, enc([(1, 1), (2, 5)]))]),                        # a number where the text belongs
        enc([(3, enc([(1, 1), (2, "x"), (2, 7)]))]),               # ... after the text: no value
        enc([(3, enc([(1, b"\x01"), (2, "bytes kind")]))]),
        enc([(3, enc([(1, 300), (2, "two-byte kind")])), (2, "other field"), (3, enc([(1, 2), (2, "é")]))]),
        enc([(3, enc([(1, 1), (2, "a")]))]) + b"\x09" + b"\x00" * 8 + b"\x0d" + b"\x00" * 4 + enc([(3, enc([(1, 9), (2, "z")]))]),
        enc([(3, enc([(1, 1), (2, "cut")]))])[:-1],
        enc([(3, b"\x08\x01\x12\x05ab")]),                        # inner length past the end
        enc([(3, b"\x08\x01\x12\x01a\x0f")]),                     # inner bad wire type after the value
        enc([(3, b"\x08\x81")]), enc([(3, enc([(1, 1), (2, b"\xff\xfe bad utf8")]))]),
    ]
    rnd = random.Random(3)
    out = list(base)
    for b in base:
        for _ in range(300):
            if not b:
                break
            m = bytearray(b)
            for _ in range(rnd.randint(1, 3)):
                op = rnd.random()
                i = rnd.randrange(len(m)) if m else 0
                if op < 0.5 and m:
                    m[i] = rnd.randrange(256)
                elif op < 0.75:
                    m.insert(i, rnd.randrange(256))
                elif m:
                    del m[i]
            out.append(bytes(m))
    for _ in range(3000):
        out.append(bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 40))))
    return out


def test_fast_reader_equals_the_field_walker() -> None:
    for buf in samples():
        expected = walker_items(buf)
        assert proto.bytes_extra_items(buf) == expected, buf
        assert list(proto.bytes_extra_items(buf).items()) == list(expected.items()), buf
        assert proto.bytes_extra_sender(buf) == expected.get(1), buf
    assert proto.bytes_extra_items(None) == {} and proto.bytes_extra_sender(None) is None
    assert proto.bytes_extra_items(memoryview(F.bytes_extra(sender="wxid_a"))) == {1: "wxid_a",
                                                                                  7: "<msgsource><silence>0</silence></msgsource>"}


def test_lz4_first_guess_gives_what_the_worst_case_buffer_gives() -> None:
    import os

    import lz4.block

    from chatvault.importers.wechat import content as C

    def worst_case(blob: bytes) -> str | None:
        size = min(max(len(blob) * 255, 1024), C.MAX_DECOMPRESSED)
        try:
            raw = lz4.block.decompress(blob, uncompressed_size=size)
        except (lz4.block.LZ4BlockError, ValueError, MemoryError):
            return None
        return raw.rstrip(b"\x00").decode("utf-8", "replace")

    rnd = random.Random(1)
    blobs = [lz4.block.compress(F.x_article().encode() + b"\x00", store_size=False)]
    for n in (0, 1, 10, 100, 1000, 5000, 60000):          # up to LZ4's 255x: the first guess is too small
        for rep in (b"a", b"<x>", bytes(range(256))):
            blobs.append(lz4.block.compress((rep * (n // len(rep) + 1))[:n] + b"\x00", store_size=False))
        mixed = bytes(rnd.randrange(256) if rnd.random() < 0.3 else 65 for _ in range(n)) + b"\x00"
        blobs.append(lz4.block.compress(mixed, store_size=False))
    broken = []
    for b in blobs:
        for _ in range(30):
            m = bytearray(b)
            m[rnd.randrange(len(m))] = rnd.randrange(256)
            broken += [bytes(m), b[: rnd.randrange(len(b) + 1)]]
    for blob in blobs + broken + [os.urandom(k) for k in range(1, 300)]:
        assert C.decompress_lz4(blob) == worst_case(blob), blob[:40]


def test_mmreader_items_equal_the_element_path() -> None:
    import xml.etree.ElementTree as ET

    from chatvault.importers.wechat import content as C

    docs = [
        F.x_article(),
        "<appmsg><mmreader><category><item><title>a</title></item><item/><x/></category><category><item>b</item>"
        "</category><item/></mmreader><y><mmreader><category><item>deep</item></category></mmreader></y></appmsg>",
        "<appmsg><mmreader><mmreader><category><item>n</item></category></mmreader><category><item>o</item>"
        "</category></mmreader></appmsg>",
        "<appmsg/>", "<msg><appmsg><mmreader/></appmsg></msg>",
    ]
    for doc in docs:
        root = ET.XML(doc)
        for el in root.iter():
            want = list(el.iterfind(".//mmreader/category/item"))
            got = list(C._mmreader_items(el))
            assert len(got) == len(want) and all(a is b for a, b in zip(got, want, strict=True)), doc
