"""Weixin 4 `wxgf` pictures converted to a standard format; the wxgf itself is kept beside it.

The container (public reverse engineering; see docs/media.md for the sources): `wxgf` (4 bytes),
the header length (1 byte) and a header (version, width, height, flags), then partitions, each a
4-byte big-endian length followed by that many bytes of an HEVC (H.265) Annex-B stream that starts
with a start code and carries its own VPS/SPS/PPS. A still picture is one dominant partition; a
picture with transparency adds a partition whose frames are the alpha mask (grey: flat chroma); an
animated sticker has several frames per stream (colour and mask streams alternate).

Decoder: FFmpeg's native HEVC decoder through PyAV (in-process, in the wheel on every platform,
and also able to decode multi-frame streams; measured in docs/media.md). Output: JPEG for a still
picture without transparency (what WeChat sends photos as, opened by everything), PNG for one with
an alpha mask, GIF for an animation (plays in the app's viewer, every browser and the HTML export).
A file that does not convert raises `WxgfError` with a short reason; the caller keeps it as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

MAGIC = b"wxgf"
MIME = "image/x-wxgf"
MAX_BYTES = 64 << 20             # read whole into memory: bigger ones are kept unconverted
MAX_PIXELS = 89_478_485          # Pillow's decompression-bomb limit, per frame
MAX_FRAMES = 600                 # an animated sticker is a few dozen frames
FRAME_MS = 100                   # the header's timing fields are undocumented: 10 frames/s
_START = (b"\x00\x00\x00\x01", b"\x00\x00\x01")


class WxgfError(ValueError):
    """A wxgf that cannot be converted; `reason` is short and shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Converted:
    data: bytes
    ext: str                     # jpg | png | gif
    mime: str
    width: int
    height: int
    frames: int
    alpha: bool


def is_wxgf(head: bytes) -> bool:
    return head[:4] == MAGIC


def partitions(data: bytes) -> list[bytes]:
    """The HEVC streams of a wxgf: each start code preceded by a big-endian length that fits."""
    if not is_wxgf(data):
        raise WxgfError("not a wxgf file")
    if len(data) < 6:
        raise WxgfError("damaged wxgf header")
    header_len = data[4]
    if header_len < 5 or header_len >= len(data):
        raise WxgfError("damaged wxgf header")
    for code in _START:
        found: list[bytes] = []
        pos = header_len
        while pos < len(data):
            idx = data.find(code, pos)
            if idx < 0:
                break
            length = int.from_bytes(data[idx - 4:idx], "big") if idx - 4 >= header_len else 0
            if 0 < length <= len(data) - idx:
                found.append(data[idx:idx + length])
                pos = idx + length
            else:
                pos = idx + 1
        if found:
            return found
    raise WxgfError("no HEVC stream found in the wxgf file")


def _decode(stream: bytes) -> list:
    """Every frame of one Annex-B HEVC stream (PyAV frames)."""
    import av

    try:
        codec = av.CodecContext.create("hevc", "r")
        frames = []
        for packet in [*codec.parse(stream), *codec.parse(b"")]:
            for frame in codec.decode(packet):
                if frame.width * frame.height > MAX_PIXELS:
                    raise WxgfError(f"too large to convert ({frame.width}×{frame.height})")
                frames.append(frame)
                if len(frames) > MAX_FRAMES:
                    raise WxgfError(f"more than {MAX_FRAMES} frames")
        frames.extend(codec.decode(None))
        return frames
    except av.error.FFmpegError as exc:
        raise WxgfError(f"the HEVC stream does not decode ({type(exc).__name__})") from None


def _is_mask(frame) -> bool:
    """A mask stream is grey: both chroma planes flat at the neutral value."""
    f = frame.reformat(format="yuv420p") if frame.format.name != "yuv420p" else frame
    for plane in (f.planes[1], f.planes[2]):
        data, step, width = bytes(plane), plane.line_size, plane.width
        for y in range(plane.height):      # each row's visible part (a row is padded to line_size)
            row = data[y * step:y * step + width]
            if min(row) < 124 or max(row) > 132:
                return False
    return True


def convert(data: bytes) -> Converted:
    """The wxgf `data` as JPEG, PNG (transparency) or GIF (animation). Raises WxgfError."""
    if len(data) > MAX_BYTES:
        raise WxgfError("too big to convert in memory")
    decoded = [(frames, _is_mask(frames[0])) for frames in map(_decode, partitions(data)) if frames]
    colour = [f for frames, grey in decoded for f in frames if not grey]
    masks = [f for frames, grey in decoded for f in frames if grey]
    if not colour and len(decoded) >= 2 and len(decoded) % 2 == 0:
        # A grey picture with its mask: every stream is grey; they come as (picture, mask) pairs.
        colour = [f for frames, _g in decoded[0::2] for f in frames]
        masks = [f for frames, _g in decoded[1::2] for f in frames]
    elif not colour:                      # a grey picture and no mask: it is the picture
        colour, masks = masks, []
    if not colour:
        raise WxgfError("its HEVC streams decode to no picture")
    images = [f.to_image().convert("RGB") for f in colour]
    alpha = bool(masks) and len(masks) == len(colour) and all(
        (m.width, m.height) == (c.width, c.height) for m, c in zip(masks, colour, strict=True))
    if alpha:
        for im, m in zip(images, masks, strict=True):
            im.putalpha(m.to_image().convert("L"))
    return _encode(images, alpha)


def _encode(images: list, alpha: bool) -> Converted:
    out = io.BytesIO()
    first = images[0]
    if len(images) > 1:
        first.save(out, "GIF", save_all=True, append_images=images[1:], duration=FRAME_MS, loop=0, disposal=2)
        ext, mime = "gif", "image/gif"
    elif alpha:
        first.save(out, "PNG", optimize=True)
        ext, mime = "png", "image/png"
    else:
        first.save(out, "JPEG", quality=92)
        ext, mime = "jpg", "image/jpeg"
    return Converted(out.getvalue(), ext, mime, first.width, first.height, len(images), alpha)
