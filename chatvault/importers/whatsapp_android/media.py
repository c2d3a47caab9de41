"""The `Media/` tree, linked to messages through `message_media.file_path` (legacy: `media_name`).

WhatsApp stores the path relative to its folder (`Media/WhatsApp Images/Sent/IMG-…jpg`,
`Media/WhatsApp Voice Notes/202406/PTT-…opus`) or, on old phones, absolute
(`/storage/emulated/0/WhatsApp/Media/…`, Android 11+: `…/Android/media/com.whatsapp/WhatsApp/Media/…`).
Both are reduced to the part from `Media/` on and looked up under each `Media/` root the chosen
tree holds; failing that, a unique file name anywhere in the tree. A file not there is an
`AttachmentRef` without opener, `missing`, with the path WhatsApp expected.
"""

from __future__ import annotations

import mimetypes

from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeMember
from chatvault.model import AttachmentRef, AttachmentStatus


def relative(path: str) -> str:
    """`Media/...` of a stored path (unchanged when it has no Media/ part)."""
    p = path.replace("\\", "/")
    at = p.rfind("/Media/")
    if at >= 0:
        return p[at + 1:]
    return p.lstrip("/")


class MediaTree:
    def __init__(self, tree: FileTree | None, roots: list[str]) -> None:
        self.tree = tree
        self.roots = roots or [""]
        self.found = 0
        self.missing = 0

    def ref(self, path: str | None, name: str | None, mime: str | None, size: int | None,
            extra: dict | None = None) -> AttachmentRef:
        """The attachment of one message: opened from the tree when the file is there."""
        expected = path or name or ""
        base = (name or expected.replace("\\", "/").rsplit("/", 1)[-1]) or None
        member = self._find(path, base)
        if mime is None and base:
            mime = mimetypes.guess_type(base)[0]
        if member is not None and self.tree is not None:
            self.found += 1
            return AttachmentRef(name=base, open=TreeMember(self.tree, member), mime_hint=mime,
                                 size_hint=self.tree.size(member), status=AttachmentStatus.STORED,
                                 expected_path=expected or None, extra=extra or {})
        self.missing += 1
        return AttachmentRef(name=base, open=None, mime_hint=mime, size_hint=size, status=AttachmentStatus.MISSING,
                             expected_path=expected or None, extra=extra or {})

    def _find(self, path: str | None, base: str | None) -> str | None:
        tree = self.tree
        if tree is None or tree.kind == "file":
            return None
        if path:
            rel = relative(path)
            for root in self.roots:
                if (root + rel) in tree:
                    return root + rel
        if base:
            hit = tree.find(base)
            if hit is not None and hit.rsplit("/", 1)[-1] == base:
                return hit
        return None
