"""Real exports from ../shared/samples (CHATVAULT_SAMPLES) must import: run by `make samples`.

Each area appends its own test functions below.
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES = Path(os.environ.get("CHATVAULT_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "samples"))


def test_wechat_dat_sample_decodes_to_a_jpeg() -> None:
    """WechatImageDecoder/test.dat: a one-byte-XOR JPEG; the key is found from the magic alone."""
    import io

    from PIL import Image

    from chatvault.media.wechat_dat import decode_dat, detect_key

    data = (SAMPLES / "wechat" / "WechatImageDecoder" / "test.dat").read_bytes()
    assert detect_key(data) == (0x51, "jpg")
    image, ext = decode_dat(data)
    assert ext == "jpg" and image[:3] == b"\xff\xd8\xff" and image[-2:] == b"\xff\xd9"
    with Image.open(io.BytesIO(image)) as im:
        im.load()
        assert im.format == "JPEG" and im.size == (460, 460)
