"""Storing a file that may be a Weixin 4 wxgf picture: the converted picture and the wxgf both kept.

Used by the import engine and the watch-folder capture. A wxgf that converts gives two blobs: the
JPEG/PNG/GIF (what the attachment shows) and the wxgf itself (`source`, the row's
`source_blob_id`). One that does not convert is stored as it is, and `note` says why, for the
import report or the capture log; nothing is lost.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from chatvault.media import wxgf
from chatvault.media.attach import MediaInfo, describe, store_and_describe
from chatvault.media.blobstore import BlobBatch, BlobStore, StoredBlob


@dataclass(frozen=True)
class StoredFile:
    stored: StoredBlob
    info: MediaInfo
    source: StoredBlob | None = None     # the wxgf a converted picture came from
    note: str = ""                       # why a wxgf was kept unconverted ("" otherwise)
    converted: bool = False


def store_file(store: BlobStore, stream: BinaryIO, batch: BlobBatch | None = None) -> StoredFile:
    """`put` the stream; a wxgf is converted first and kept beside the picture."""
    head = stream.read(4)
    seekable = getattr(stream, "seekable", None)      # an importer's own stream may be a bare reader
    if callable(seekable) and seekable():
        stream.seek(0)
    else:
        stream = _Prefixed(head, stream)
    if not wxgf.is_wxgf(head):
        stored, info = store_and_describe(store, stream, batch)
        return StoredFile(stored, info)
    data = stream.read(wxgf.MAX_BYTES + 1)
    return store_bytes(store, data, batch)


def store_bytes(store: BlobStore, data: bytes, batch: BlobBatch | None = None) -> StoredFile:
    """As `store_file`, for bytes already in memory (a decoded `.dat`)."""
    if not wxgf.is_wxgf(data):
        stored = store.put(io.BytesIO(data), batch=batch)
        return StoredFile(stored, describe(data))
    source = store.put(io.BytesIO(data), batch=batch)
    source_info = MediaInfo(mime=wxgf.MIME)
    try:
        out = wxgf.convert(data)
    except wxgf.WxgfError as exc:
        return StoredFile(source, source_info, note=f"wxgf picture kept unconverted: {exc.reason}")
    stored = store.put(io.BytesIO(out.data), batch=batch)
    return StoredFile(stored, MediaInfo(out.mime, out.width, out.height), source=source, converted=True)


class _Prefixed(io.RawIOBase):
    """The bytes already read from a stream that cannot seek back, then the rest of it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # noqa: ANN001 - a writable buffer
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buf))
        buf[:len(data)] = data
        return len(data)
