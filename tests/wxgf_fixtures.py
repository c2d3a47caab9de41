"""Weixin 4 `wxgf` pictures built here from HEVC streams we encode (x265 through PyAV), never copied.

Layout as publicly described (docs/media.md): `wxgf`, a header-length byte, a header (version,
width, height, flags; zero-padded), then partitions of a 4-byte big-endian length and an Annex-B
HEVC stream. A still picture is one stream; transparency adds a grey mask stream; an animation
has several frames per stream.
"""

from __future__ import annotations

from fractions import Fraction

HEADER_LEN = 16


def hevc(images: list) -> bytes:
    """An Annex-B HEVC stream of the PIL images (all the same size), one frame each."""
    import av

    w, h = images[0].size
    enc = av.CodecContext.create("libx265", "w")
    enc.width, enc.height, enc.pix_fmt = w, h, "yuv420p"
    enc.time_base = Fraction(1, 10)
    enc.options = {"x265-params": "log-level=error"}
    out = bytearray()
    for i, im in enumerate(images):
        frame = av.VideoFrame.from_image(im.convert("RGB")).reformat(format="yuv420p")
        frame.pts = i
        for packet in enc.encode(frame):
            out += bytes(packet)
    for packet in enc.encode(None):
        out += bytes(packet)
    return bytes(out)


def wxgf(streams: list[bytes], size: tuple[int, int], *, flags: int = 0) -> bytes:
    """A wxgf container around the HEVC `streams`."""
    w, h = size
    header = b"wxgf" + bytes([HEADER_LEN]) + (1).to_bytes(2, "big") + w.to_bytes(2, "big") + h.to_bytes(2, "big")
    header += bytes([flags])
    header = header.ljust(HEADER_LEN, b"\x00")
    return header + b"".join(len(s).to_bytes(4, "big") + s for s in streams)


def solid(color: tuple[int, int, int], size: tuple[int, int] = (64, 48)):
    from PIL import Image

    return Image.new("RGB", size, color)


def half_mask(size: tuple[int, int] = (64, 48)):
    """White (opaque) left half, black (transparent) right half."""
    from PIL import Image

    im = Image.new("L", size, 0)
    im.paste(255, (0, 0, size[0] // 2, size[1]))
    return im.convert("RGB")


def still(color: tuple[int, int, int] = (200, 40, 30)) -> bytes:
    return wxgf([hevc([solid(color)])], (64, 48))


def with_alpha(color: tuple[int, int, int] = (30, 60, 200)) -> bytes:
    return wxgf([hevc([solid(color)]), hevc([half_mask()])], (64, 48), flags=1)


def animated(colors=((220, 20, 20), (20, 220, 20), (20, 20, 220))) -> bytes:
    frames = [solid(c) for c in colors]
    return wxgf([hevc(frames), hevc([half_mask()] * len(frames))], (64, 48), flags=3)
