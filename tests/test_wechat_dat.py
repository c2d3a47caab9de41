"""`decode_dat`: one-byte XOR keys found from every supported image magic."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from chatvault.media.wechat_dat import decode_dat, detect_key, xor_bytes


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

    from chatvault.media.wechat_dat import is_silk, silk_to_wav

    data = _silk()
    assert data.startswith(b"\x02#!SILK_V3") and is_silk(data)
    wav = silk_to_wav(data)
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getnchannels() == 1 and w.getframerate() == 24000
        assert abs(w.getnframes() / 24000 - 0.5) < 0.05


def test_damaged_silk_gives_none_not_a_crash():
    import random

    from chatvault.media.wechat_dat import silk_to_wav

    good = _silk(0.2)
    rnd = random.Random(7)
    assert silk_to_wav(b"hello") is None and silk_to_wav(b"\x02#!SILK_V3") is None
    for _ in range(200):
        bad = bytearray(good[: rnd.randrange(10, len(good))])
        for _ in range(5):
            bad[rnd.randrange(10, len(bad))] = rnd.randrange(256)
        out = silk_to_wav(bytes(bad))
        assert out is None or out.startswith(b"RIFF")
