"""`decode_dat`: one-byte XOR keys found from every supported image magic; Weixin 4 V1/V2 files."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from chatvault.importers.wechat.dat import (
    DAMAGED,
    NEEDS_IMAGE_KEY,
    UNKNOWN_XOR,
    WRONG_IMAGE_KEY,
    DatUndecodable,
    decode_dat,
    decode_v4,
    detect_key,
    learn_xor_byte,
    parse_image_key,
    probe_v4,
    undecodable_reason,
    xor_bytes,
)
from tests import wechat_fixtures as F


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (9, 7), (10, 200, 30)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("BMP", "bmp"),
                                     ("WEBP", "webp"), ("TIFF", "tif")])
@pytest.mark.parametrize("key", [0x00, 0x51, 0xA7, 0xFF])
def test_every_magic_and_key(fmt, ext, key):
    original = _image(fmt)
    out = decode_dat(xor_bytes(original, key))
    assert out == (original, ext)


def test_not_an_image_and_weixin4_v2_are_left_alone():
    assert decode_dat(b"") is None
    assert decode_dat(b"hello world, not an image at all") is None
    assert decode_dat(b"\x07\x08V2\x08\x07" + bytes(100)) is None
    # two bytes that happen to XOR to "BM" are not enough without a matching BMP size field
    assert decode_dat(xor_bytes(b"BM" + bytes(40), 0x33)) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_never_raises(data):
    found = detect_key(data)
    if found is not None:
        assert decode_dat(data) is not None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"\x07\x08V1\x08\x07", b"\x07\x08V2\x08\x07"]), st.binary(max_size=200))
def test_v4_garbage_never_raises(sig, rest):
    out = decode_dat(sig + rest, F.IMAGE_KEY)
    assert out is None or detect_key(out[0][:16]) is not None


def _silk(seconds: float = 0.5) -> bytes:
    import math
    import struct

    import pysilk

    pcm = b"".join(struct.pack("<h", int(6000 * math.sin(i / 8))) for i in range(int(24000 * seconds)))
    out = io.BytesIO()
    pysilk.encode(io.BytesIO(pcm), out, 24000, 24000, tencent=True)
    return out.getvalue()


def test_voice_note_silk_to_wav():
    import wave

    from chatvault.importers.wechat.dat import is_silk, silk_to_wav

    data = _silk()
    assert data.startswith(b"\x02#!SILK_V3") and is_silk(data)
    wav = silk_to_wav(data)
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getnchannels() == 1 and w.getframerate() == 24000
        assert abs(w.getnframes() / 24000 - 0.5) < 0.05


def test_damaged_silk_gives_none_not_a_crash():
    import random

    from chatvault.importers.wechat.dat import silk_to_wav

    good = _silk(0.2)
    rnd = random.Random(7)
    assert silk_to_wav(b"hello") is None and silk_to_wav(b"\x02#!SILK_V3") is None
    for _ in range(200):
        bad = bytearray(good[: rnd.randrange(10, len(good))])
        for _ in range(5):
            bad[rnd.randrange(10, len(bad))] = rnd.randrange(256)
        out = silk_to_wav(bytes(bad))
        assert out is None or out.startswith(b"RIFF")


# --- Weixin 4 V1/V2 ---------------------------------------------------------------------------


def _probe(tmp_path, data, key=None, xor=None):
    p = tmp_path / "x.dat"
    p.write_bytes(data)
    try:
        return probe_v4(p, key, xor)
    except DatUndecodable as exc:
        return exc.reason


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif")])
@pytest.mark.parametrize("size", [(4, 3), (40, 30), (300, 200)])     # under one AES part, around it, far over
@pytest.mark.parametrize("lengths", [(1024, 1024), (1024, 0), (16, 2), (0, 12), (10**9, 0)])
def test_v1_decodes_without_a_key_and_v2_with_it(tmp_path, fmt, ext, size, lengths):
    img = F.image_bytes(fmt, size)
    aes_len, xor_len = lengths
    v1 = F.v4_dat(img, 1, aes_len=aes_len, xor_len=xor_len, xor_key=0xA5)
    v2 = F.v4_dat(img, 2, aes_len=aes_len, xor_len=xor_len)
    assert decode_dat(v1) == (img, ext) and _probe(tmp_path, v1) == ext
    assert decode_dat(v2, F.IMAGE_KEY) == (img, ext) and _probe(tmp_path, v2, F.IMAGE_KEY) == ext
    # without the key, or with another one: None, never garbage, and the reason says which
    assert decode_dat(v2) is None and undecodable_reason(v2) == NEEDS_IMAGE_KEY == _probe(tmp_path, v2)
    wrong = b"1111222233334444"
    assert decode_dat(v2, wrong) is None
    assert undecodable_reason(v2, wrong) == WRONG_IMAGE_KEY == _probe(tmp_path, v2, wrong)


def test_the_fifteenth_header_byte_is_ignored():
    img = F.image_bytes("PNG")
    assert decode_dat(F.v4_dat(img, 2, pad_byte=1), F.IMAGE_KEY) == (img, "png")


@pytest.mark.parametrize("fmt,ext", [("WEBP", "webp"), ("BMP", "bmp"), ("TIFF", "tif")])
def test_formats_without_a_trailer_need_the_xor_byte(tmp_path, fmt, ext):
    img = F.image_bytes(fmt)
    dat = F.v4_dat(img, 1, xor_key=0x37)
    assert decode_dat(dat) is None and undecodable_reason(dat) == UNKNOWN_XOR == _probe(tmp_path, dat)
    assert decode_dat(dat, xor_key=0x37) == (img, ext) and _probe(tmp_path, dat, None, 0x37) == ext
    assert decode_dat(F.v4_dat(img, 1, xor_len=0)) == (img, ext)          # no XOR tail: nothing to know
    # the account's byte is learned from a picture that has a trailer
    jpg = tmp_path / "a_t.dat"
    jpg.write_bytes(F.v4_dat(F.image_bytes("JPEG"), 2, xor_key=0x37))
    assert learn_xor_byte([tmp_path / "nothing.dat", jpg]) is None                   # V2 without the key
    assert learn_xor_byte([tmp_path / "nothing.dat", jpg], F.IMAGE_KEY) == 0x37


def test_truncated_and_garbled_files_are_refused(tmp_path):
    rnd = __import__("random").Random(5)
    for version in (1, 2):
        img = F.image_bytes("JPEG", (120, 90))
        dat = F.v4_dat(img, version)
        for cut in (6, 14, 15, 40, len(dat) // 2, len(dat) - 1):
            assert decode_dat(dat[:cut], F.IMAGE_KEY) is None
            assert _probe(tmp_path, dat[:cut], F.IMAGE_KEY) in (DAMAGED, WRONG_IMAGE_KEY, UNKNOWN_XOR)
        for _ in range(50):   # one flipped byte in the header, the AES part or the tail
            bad = bytearray(dat)
            at = rnd.choice([rnd.randrange(6, 14), rnd.randrange(15, 15 + 1040), rnd.randrange(len(dat) - 2, len(dat))])
            bad[at] ^= 1 << rnd.randrange(8)
            out = decode_dat(bytes(bad), F.IMAGE_KEY)
            assert out is None or (out[0][:3] == b"\xff\xd8\xff" and out[0].endswith(b"\xff\xd9"))
    assert undecodable_reason(b"\x07\x08V1\x08\x07" + bytes(100)) == DAMAGED


def test_image_key_spellings():
    assert parse_image_key("0f1e2d3c4b5a6978") == b"0f1e2d3c4b5a6978"
    assert parse_image_key(F.IMAGE_KEY.hex()) == F.IMAGE_KEY == parse_image_key("0x" + F.IMAGE_KEY.hex().upper())
    assert parse_image_key(None) is None and parse_image_key("") is None
    for bad in ("abc", "z" * 32, "0f1e2d3c4b5a69780"):
        with pytest.raises(ValueError) as e:
            parse_image_key(bad)
        assert bad not in str(e.value)


def test_decode_v4_refuses_other_files():
    with pytest.raises(DatUndecodable):
        decode_v4(b"not a v4 file at all")
