"""Which level of a WeChat picture or video a file is: original, HD or thumbnail (docs/media.md).

WeChat keeps up to three files of one picture, named after the same md5 (the media key):
- PC 3.x: `FileStorage/MsgAttach/<md5(chat)>/Image/<yyyy-mm>/<md5>.dat` (the picture that was
  opened) and `…/Thumb/<yyyy-mm>/<md5>_t.dat` (the preview); videos `FileStorage/Video/<yyyy-mm>/
  <md5>.mp4` with a `<md5>.jpg` cover.
- Weixin 4: `msg/attach/<md5(chat)>/<yyyy-mm>/Img/<md5>.dat`, `<md5>_t.dat` (thumbnail) and
  `<md5>_h.dat` (written when "view original" downloads the full picture); videos
  `msg/video/<yyyy-mm>/<md5>.mp4` with `<md5>_thumb.jpg`.
- Android: `image2/ab/cd/<name>` (ImgInfo2.bigImgPath) and `image2/ab/cd/th_<hash>`; videos
  `video/<name>.mp4` with `video/<name>.jpg`.

The message XML tells the rest: `<img length=… hdlength=…>` gives the size of the mid ("HD")
picture and of the original the sender sent with "Full image" (`hdlength` absent or not larger:
the sender sent no separate original, so the mid picture *is* the original). A file of exactly
`hdlength` bytes is the original; any other non-thumbnail file while a larger original exists is HD.

Pure functions, shared by the readers, the watch-folder capture and the Moments reader
(`reader_ref`), so every path into the vault grades a file the same way.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from chatvault.model import QUALITY_RANK, AttachmentRef, AttachmentStatus, MediaQuality

_THUMB_STEM = re.compile(r"(_t|_thumb|_tb)$", re.IGNORECASE)
_HD_STEM = re.compile(r"_h$", re.IGNORECASE)


def _parts(name: str) -> tuple[str, list[str]]:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.name, [p.lower() for p in path.parts[:-1]]


def _stem(base: str) -> str:
    return base.split(".", 1)[0]


def is_thumbnail_name(name: str) -> bool:
    """`x_t.dat`, `x_thumb.jpg`, `th_x`, or anything under a `Thumb` folder."""
    base, folders = _parts(name)
    stem = _stem(base)
    return bool(_THUMB_STEM.search(stem)) or base.lower().startswith("th_") or "thumb" in folders


def media_key(name: str | None) -> str | None:
    """The md5/name every level of one picture shares: the file stem without `_t`/`_h`/`th_`, lower case."""
    if not name:
        return None
    base, _ = _parts(name)
    stem = _stem(base)
    if stem.lower().startswith("th_"):
        stem = stem[3:]
    stem = _HD_STEM.sub("", _THUMB_STEM.sub("", stem)).lower()
    return stem if stem and stem not in ("…", "...") else None


def image_level(name: str, size: int | None, hd_size: int | None = None,
                mid_size: int | None = None) -> MediaQuality:
    """The level of the picture file `name` holding `size` plain bytes (None: unknown, e.g. an
    encrypted Weixin 4 `.dat`), given the message's `hdlength` and `length`."""
    if is_thumbnail_name(name):
        return MediaQuality.THUMBNAIL
    if _HD_STEM.search(_stem(_parts(name)[0])):
        return MediaQuality.ORIGINAL
    if not hd_size or (mid_size and hd_size <= mid_size):
        return MediaQuality.ORIGINAL        # the sender sent no larger original than this
    return MediaQuality.ORIGINAL if size == hd_size else MediaQuality.HD


def video_level(name: str) -> MediaQuality:
    return MediaQuality.THUMBNAIL if is_thumbnail_name(name) or name.lower().endswith(".jpg") else MediaQuality.ORIGINAL


def file_level(name: str, size: int | None, message_extra: dict[str, Any] | None, *, video: bool = False
               ) -> MediaQuality:
    """The level of a file for a message whose stored extra is `message_extra` (size, hd_size)."""
    if video:
        return video_level(name)
    extra = message_extra or {}
    return image_level(name, size, _int(extra.get("hd_size")), _int(extra.get("size")))


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def graded(ref: AttachmentRef, level: MediaQuality, *, original_path: str | None = None) -> AttachmentRef:
    """`ref` marked with its level; a thumbnail points at where the original is expected."""
    ref.extra["quality"] = str(level)
    if original_path and level != MediaQuality.ORIGINAL:
        ref.expected_path = original_path
    return ref


def reader_ref(candidates: list[tuple[AttachmentRef, MediaQuality]], *, expected: str | None,
               gone: str = AttachmentStatus.MISSING) -> AttachmentRef:
    """The best present file among `candidates` (ref, level), graded; else a missing reference.

    For readers of other WeChat stores (Moments, Favorites): pass the full picture and the
    thumbnail the cache holds; the vault stores the best and a later import or watch capture that
    brings a better level upgrades it in place (`chatvault.media.quality`). `expected` is where
    the original should be (shown by `chatvault media expiring`).
    """
    present = [(ref, lv) for ref, lv in candidates if ref.open is not None]
    if present:
        ref, level = max(present, key=lambda c: QUALITY_RANK[c[1]])
        return graded(ref, level, original_path=expected)
    return AttachmentRef(status=gone, expected_path=expected, extra={"quality": str(MediaQuality.MISSING)})
