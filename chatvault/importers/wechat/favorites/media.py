"""The files of favorites in WeChat's local cache, found by the part's data id or md5.

- PC 3.x: `FileStorage/Fav/{Data,Thumb,…}/<sub-folder>/<data id>[_t].<fmt>`; a part also names the
  file it was favorited from (`sourcedatapath`, `…\\FileStorage\\File\\…`), read when the
  favorite's own copy is gone.
- Weixin 4: `business/favorite/{data,mid,thumb}/<sub-folder>/<name>`, plain or a V1/V2 `.dat`; the
  name is not always derivable from the item, but the content's md5 is the part's `fullmd5`
  (thumbnail: `thumbfullmd5`), so files whose names say nothing are matched by content.
- Android: `MicroMsg/<account>/favorite/…/<data id>…`.

The sub-folder layout differs between versions, so the cache is indexed by walking it once per
import (favorites are few thousand at most). A part whose file is in none of these places is
recorded as missing with the path WeChat would have used.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from chatvault.importers.wechat.common import file_ref, regular_file, safe_join
from chatvault.importers.wechat.dat import decode_dat
from chatvault.importers.wechat.favorites.parse import FavEntry, FavPart
from chatvault.model import AttachmentRef, AttachmentStatus

_HASH_LIMIT = 64 * 1024 * 1024        # files larger than this are matched by name only
_MIME = {"image": None, "video": "video/mp4", "voice": "audio/silk", "file": None}
_THUMB_DIRS = ("thumb", "mid")


def _stem(name: str) -> tuple[str, bool]:
    """(lower-case key, is a thumbnail) of a cache file name: `abc_t.jpg` → ('abc', True)."""
    first = name.split(".")[0].lower()
    for suffix, thumb in (("_t", True), ("_thumb", True), ("_h", False)):
        if first.endswith(suffix):
            return first[: -len(suffix)], thumb
    return first, False


class FavCache:
    """One account's favorites cache: files by name key, thumbnails apart, content md5s on demand."""

    def __init__(self, root: Path, base: str, expected: str, *, image_key: bytes | None = None,
                 xor_key: int | None = None) -> None:
        self.root = root
        self.base = base                 # the cache folder relative to the account folder
        self.expected = expected         # how a missing file's path is written ({id}, {fmt})
        self.image_key, self.xor_key = image_key, xor_key
        self.files: dict[str, Path] = {}
        self.thumbs: dict[str, Path] = {}
        self._by_md5: dict[str, Path] | None = None
        folder = safe_join(root, base)
        if folder is None or not folder.is_dir():
            return
        for dirpath, _dirs, names in os.walk(folder):
            thumb_dir = Path(dirpath).name.lower() in _THUMB_DIRS or any(
                part.lower() in _THUMB_DIRS for part in Path(dirpath).relative_to(folder).parts[:1])
            for name in names:
                if not regular_file(Path(dirpath) / name, root):   # no FIFO, device or link out of the folder
                    continue
                key, thumb = _stem(name)
                target = self.thumbs if (thumb or thumb_dir) else self.files
                target.setdefault(key, Path(dirpath) / name)

    def _content_md5s(self) -> dict[str, Path]:
        """md5 of every cache file's content (decoded when it is a `.dat`), computed once."""
        if self._by_md5 is None:
            self._by_md5 = {}
            for path in [*self.files.values(), *self.thumbs.values()]:
                try:
                    if path.stat().st_size > _HASH_LIMIT:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                digests = {hashlib.md5(data).hexdigest()}
                if path.suffix.lower() == ".dat":
                    decoded = decode_dat(data, self.image_key, self.xor_key)
                    if decoded:
                        digests.add(hashlib.md5(decoded[0]).hexdigest())
                for d in digests:
                    self._by_md5.setdefault(d, path)
        return self._by_md5

    def find(self, part: FavPart) -> tuple[Path | None, bool]:
        """(the best file for `part`, whether it is only the thumbnail)."""
        keys = [k.lower() for k in (part.data_id, part.full_md5) if k]
        for k in keys:
            if k in self.files:
                return self.files[k], False
        if part.full_md5 and (self.files or self.thumbs):
            hit = self._content_md5s().get(part.full_md5)
            if hit is not None and hit not in self.thumbs.values():
                return hit, False
        for k in [*keys, *(k.lower() for k in (part.thumb_md5,) if k)]:
            if k in self.thumbs:
                return self.thumbs[k], True
        if part.thumb_md5 and (self.files or self.thumbs):
            hit = self._content_md5s().get(part.thumb_md5)
            if hit is not None:
                return hit, True
        return None, False

    def expected_path(self, part: FavPart) -> str:
        ident = part.data_id or part.full_md5 or "?"
        return self.expected.format(id=ident, fmt=f".{part.fmt}" if part.fmt else "")


def _from_chat(root: Path, source_path: str | None) -> Path | None:
    """The chat's own copy a PC part was favorited from (`…\\FileStorage\\File\\2026-01\\a.pdf`)."""
    if not source_path:
        return None
    norm = source_path.replace("\\", "/")
    at = norm.find("FileStorage/")
    if at < 0:
        return None
    path = safe_join(root, norm[at:])
    return path if regular_file(path, root) else None


def attachment(cache: FavCache, entry: FavEntry, part: FavPart, index: int) -> AttachmentRef:
    """The attachment of one media part: stored from the cache (or the chat's copy), else missing."""
    media = part.media or "file"
    name = part.title if media == "file" and part.title else None
    if name is None and part.data_id:
        name = f"{part.data_id}.{part.fmt}" if part.fmt else None
    extra: dict = {"fav_part": index}
    if part.data_id:
        extra["data_id"] = part.data_id
    if media == "voice":
        extra["codec"] = "silk" if (part.fmt or "silk") in ("silk", "amr", "speex") else part.fmt
    if part.duration:
        extra["duration_ms"] = part.duration
    path, thumb = cache.find(part)
    if path is None:
        path = _from_chat(cache.root, part.data_path)
    expected = cache.expected_path(part)
    if path is not None:
        if thumb:
            extra["quality"] = "thumbnail"
        mime = _MIME.get(media) if not thumb else None
        return file_ref(path, cache.root, expected=expected, name=None if thumb else name, mime=mime,
                        extra=extra, image_key=cache.image_key, xor_key=cache.xor_key)
    return AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=expected, extra=extra,
                         mime_hint=_MIME.get(media))
