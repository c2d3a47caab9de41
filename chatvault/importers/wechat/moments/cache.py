"""Moments pictures and videos in the local cache of each layout.

WeChat keeps only what was looked at, for a while: PC 3.x under `FileStorage/Sns/Cache/<yyyy-mm>/`,
Weixin 4 under `cache/<yyyy-mm>/Sns/…`, Android under the account folder's `sns/` tree
(`snsb_<media id>` full picture, `snst_<media id>` thumbnail, `snsu_<media id>` uploaded original,
`sight_<media id>` video). A cached file is named after the media (its md5 attribute, the md5 of its
URL, or its id); `_t` marks a thumbnail. The folders are indexed once, by name, on the first post
that has media. A picture found only as a thumbnail is stored as one (`quality: thumbnail`); one not
found at all is recorded missing with its URL kept in the attachment's extra.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from chatvault.importers.wechat.common import file_ref
from chatvault.importers.wechat.moments.post import MEDIA_VIDEO, Media, missing_ref
from chatvault.model import AttachmentRef

_FULL_PREFIXES = ("snsb_", "snsu_", "sight_")
_THUMB_PREFIXES = ("snst_",)
MAX_FILES = 500_000            # a cache folder with more names than this is not indexed further


def _classify(name: str) -> tuple[str, bool]:
    """(lookup stem, is thumbnail) of a cached file name."""
    stem = name.split(".")[0].lower()
    for p in _THUMB_PREFIXES:
        if stem.startswith(p):
            return stem[len(p):], True
    for p in _FULL_PREFIXES:
        if stem.startswith(p):
            return stem[len(p):], False
    if stem.endswith("_t"):
        return stem[:-2], True
    return stem.removesuffix("_h"), False


class MediaCache:
    """Files under `bases` (inside `root`), found by the media's md5, URL md5 or id."""

    def __init__(self, root: Path, bases: list[Path], expected: str) -> None:
        self.root = root
        self.bases = bases
        self.expected = expected            # where the user should look, for missing media
        self._full: dict[str, Path] | None = None
        self._thumb: dict[str, Path] = {}

    def _index(self) -> None:
        self._full = {}
        n = 0
        for base in self.bases:
            if not base.is_dir():
                continue
            for folder, _dirs, names in os.walk(base):
                for name in names:
                    n += 1
                    if n > MAX_FILES:
                        return
                    stem, thumb = _classify(name)
                    target = self._thumb if thumb else self._full
                    target.setdefault(stem, Path(folder) / name)

    def _keys(self, m: Media) -> list[str]:
        keys = [m.md5, m.id]
        for url in (m.url, m.thumb):
            if url:
                keys.append(hashlib.md5(url.encode("utf-8", "replace")).hexdigest())
        return [k.lower() for k in keys if k]

    def resolve(self, m: Media, ts: int) -> list[AttachmentRef]:
        if self._full is None:
            self._index()
        assert self._full is not None
        keys = self._keys(m)
        mime = "video/mp4" if m.type == MEDIA_VIDEO else None
        keep = {k: v for k, v in (("url", m.url), ("thumb_url", m.thumb), ("media_id", m.id)) if v}
        for k in keys:
            path = self._full.get(k)
            if path is not None:
                ref = file_ref(path, self.root, expected=path.relative_to(self.root).as_posix(), mime=mime,
                               extra=dict(keep))
                if ref.open is not None:
                    return [ref]
        for k in keys:
            path = self._thumb.get(k)
            if path is not None:
                ref = file_ref(path, self.root, expected=path.relative_to(self.root).as_posix(),
                               extra=dict(keep, quality="thumbnail"))
                if ref.open is not None:
                    return [ref]
        return [missing_ref(m, self.expected)]
