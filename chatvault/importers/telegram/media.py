"""A Telegram message's file (photo, file, vCard) as an attachment: found in the tree, missing, or expired."""

from __future__ import annotations

from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeMember
from chatvault.importers.telegram.fields import bad, str_or_none
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind

MEDIA_KINDS = {
    "sticker": MessageKind.STICKER, "voice_message": MessageKind.VOICE, "audio_file": MessageKind.FILE,
    "video_file": MessageKind.VIDEO, "video_message": MessageKind.VIDEO, "animation": MessageKind.VIDEO,
}
NOT_INCLUDED = "(File not included"


def attachment(tree: FileTree, base: str, field: str, name: str | None, msg: dict) -> AttachmentRef:
    """The attachment a message's `field` (photo, file, contact_vcard) names."""
    rel = msg.get(field)
    if rel is not None and rel.__class__ is not str:
        raise bad(field, rel, "a file path (a string)")
    extra = {k: msg[k] for k in ("width", "height", "duration_seconds", "media_type", "sticker_emoji",
                                 "performer", "title") if k in msg}
    size = msg.get("file_size")
    if size.__class__ is not int or not 0 <= size < 1 << 63:   # a hint only, and SQLite's INTEGER range
        size = None
    str_or_none(msg, "mime_type")
    if not rel or rel.startswith(NOT_INCLUDED) or rel.startswith("(File "):
        status = AttachmentStatus.EXPIRED if rel and "expired" in rel.lower() else AttachmentStatus.MISSING
        return AttachmentRef(name=name, status=status, mime_hint=msg.get("mime_type"), size_hint=size,
                             expected_path=None, extra=extra | {"reason": rel or "not exported"})
    member = tree.find(rel, under=base or None)
    if member is None:
        return AttachmentRef(name=name or rel.rsplit("/", 1)[-1], status=AttachmentStatus.MISSING,
                             mime_hint=msg.get("mime_type"), size_hint=size, expected_path=rel, extra=extra)
    return AttachmentRef(name=name or rel.rsplit("/", 1)[-1], open=TreeMember(tree, member),
                         mime_hint=msg.get("mime_type"), size_hint=tree.size(member),
                         status=AttachmentStatus.STORED, expected_path=rel, extra=extra)
