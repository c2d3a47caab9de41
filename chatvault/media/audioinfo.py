"""The length of Ogg audio (Opus voice notes from WhatsApp and Telegram, Vorbis) from its headers: the
first page names the codec and its rate (Opus: always 48 kHz, minus the pre-skip), the last page's
granule position is the sample count. Only the first 4 KB and the last 64 KB are read (a `BlobReader`
decrypts just those chunks); nothing is decoded."""

from __future__ import annotations

import io
from typing import BinaryIO

TAIL = 65536


def ogg_duration_ms(fh: BinaryIO) -> int | None:
    """Milliseconds of an Ogg Opus or Vorbis stream, or None when it is not one or says nothing."""
    try:
        fh.seek(0)
        first = fh.read(4096)
        if len(first) < 28 or not first.startswith(b"OggS"):
            return None
        body = first[27 + first[26]:]
        if body.startswith(b"OpusHead") and len(body) >= 12:
            rate, preskip = 48000, int.from_bytes(body[10:12], "little")
        elif body[1:7] == b"vorbis" and len(body) >= 16:
            rate, preskip = int.from_bytes(body[12:16], "little"), 0
        else:
            return None
        if rate <= 0:
            return None
        end = fh.seek(0, io.SEEK_END)
        fh.seek(max(0, end - TAIL))
        tail = fh.read()
    except (OSError, ValueError):
        return None
    i = tail.rfind(b"OggS")
    while i >= 0:
        if len(tail) >= i + 14:
            granule = int.from_bytes(tail[i + 6:i + 14], "little", signed=True)
            if granule > preskip:
                return int((granule - preskip) * 1000 // rate)
        i = tail.rfind(b"OggS", 0, i)
    return None
