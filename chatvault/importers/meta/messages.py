"""One Meta message object (Facebook Messenger or Instagram, old snake_case or the newer camelCase of
Messenger's end-to-end encrypted chats download) → a `MessageRec`, with its media, share, call,
reactions and unsent state. Strings are repaired (`text.fix`) before anything reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chatvault.importers.filetree import FileTree
from chatvault.importers.meta.text import fix, fix_all
from chatvault.importers.openers import TreeMember
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

# Media lists and the kind a message holding them has, strongest first.
MEDIA_FIELDS = (("photos", MessageKind.IMAGE), ("videos", MessageKind.VIDEO), ("gifs", MessageKind.IMAGE),
                ("audio_files", MessageKind.VOICE), ("files", MessageKind.FILE))
_EXT_KIND = {"jpg": MessageKind.IMAGE, "jpeg": MessageKind.IMAGE, "png": MessageKind.IMAGE,
             "gif": MessageKind.IMAGE, "webp": MessageKind.IMAGE, "heic": MessageKind.IMAGE,
             "mp4": MessageKind.VIDEO, "mov": MessageKind.VIDEO, "m4a": MessageKind.VOICE,
             "aac": MessageKind.VOICE, "ogg": MessageKind.VOICE, "opus": MessageKind.VOICE,
             "wav": MessageKind.VOICE, "mp3": MessageKind.VOICE}
SYSTEM_TYPES = {"Subscribe": "joined", "Unsubscribe": "left"}


class NotAMessage(ValueError):
    """The object lacks what every Meta message has (a time, a sender of the right type)."""


def timestamp(msg: dict[str, Any]) -> datetime:
    raw = msg.get("timestamp_ms", msg.get("timestamp"))
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise NotAMessage("no timestamp_ms (a number)")
    ms = float(raw)
    if ms < 10_000_000_000:           # seconds, as some tools rewrite it
        ms *= 1000
    try:
        return datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise NotAMessage(f"timestamp {raw} is out of range") from exc


def sender_of(msg: dict[str, Any]) -> str | None:
    name = msg.get("sender_name", msg.get("senderName"))
    if name is None:
        return None
    if not isinstance(name, str):
        raise NotAMessage("sender_name is not text")
    return fix(name).strip() or None


def build(tree: FileTree, root: str, folder: str, conv_key: str, msg: Any, where: str) -> MessageRec:
    """The record for one message object; `NotAMessage` for an object that is not one."""
    if not isinstance(msg, dict):
        raise NotAMessage("not a JSON object")
    ts = timestamp(msg)
    sender = sender_of(msg)
    m = fix_all(msg)
    text = _text(m)
    rec = MessageRec(conversation_key=conv_key, ts=ts, text=text, sender_key=sender, sender_name=sender,
                     location=where)
    atts, kind = _media(tree, root, folder, m)
    rec.attachments = atts
    rec.kind = kind or MessageKind.TEXT
    _share(m, rec)
    _call(m, rec)
    _system(m, rec)
    _reactions(m, rec)
    if m.get("is_unsent") is True or m.get("isUnsent") is True:
        rec.kind = MessageKind.RECALLED
        rec.extra["recalled"] = {"by": sender}
    if isinstance(m.get("payment_info"), dict):
        rec.kind = MessageKind.PAYMENT
        rec.extra["payment"] = "transfer"
        rec.extra["amount"] = str(m["payment_info"].get("amount") or "")
    if m.get("is_geoblocked_for_viewer") is True:
        rec.extra["unavailable"] = "geoblocked"
    if m.get("is_taken_down") is True:
        rec.extra["unavailable"] = "taken down by Meta"
    if rec.kind == MessageKind.TEXT and not text and not rec.attachments:
        rec.kind = MessageKind.UNKNOWN        # nothing Meta kept (a like, a removed story reply)
    return rec


def _text(m: dict[str, Any]) -> str | None:
    value = m.get("content", m.get("text"))
    return value if isinstance(value, str) and value != "" else None


def _media(tree: FileTree, root: str, folder: str, m: dict[str, Any]) -> tuple[list[AttachmentRef], MessageKind | None]:
    atts: list[AttachmentRef] = []
    kind: MessageKind | None = None
    for field, field_kind in MEDIA_FIELDS:
        for item in _items(m.get(field)):
            atts.append(_attachment(tree, root, folder, item))
            kind = kind or field_kind
    for item in _items(m.get("media")):                      # camelCase downloads: one list for all
        att = _attachment(tree, root, folder, item)
        atts.append(att)
        ext = (att.name or "").rsplit(".", 1)[-1].lower()
        kind = kind or _EXT_KIND.get(ext, MessageKind.FILE)
    sticker = m.get("sticker")
    if isinstance(sticker, dict):
        atts.append(_attachment(tree, root, folder, sticker))
        kind = kind or MessageKind.STICKER
    return atts, kind


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _attachment(tree: FileTree, root: str, folder: str, item: dict[str, Any]) -> AttachmentRef:
    uri = item.get("uri")
    extra: dict[str, Any] = {}
    created = item.get("creation_timestamp")
    if isinstance(created, int) and not isinstance(created, bool):
        extra["created"] = created
    if not isinstance(uri, str) or not uri:
        return AttachmentRef(status=AttachmentStatus.MISSING, extra=extra | {"reason": "no file named"})
    name = uri.rsplit("/", 1)[-1]
    if uri.startswith(("http://", "https://")):
        return AttachmentRef(name=name.split("?", 1)[0], status=AttachmentStatus.MISSING, expected_path=uri,
                             extra=extra | {"remote": True})
    member = _find(tree, root, folder, uri)
    if member is None:
        return AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=uri, extra=extra)
    return AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                         status=AttachmentStatus.STORED, expected_path=uri, extra=extra)


def _find(tree: FileTree, root: str, folder: str, uri: str) -> str | None:
    """The member a media uri names: under the download's root, else under the thread's folder (a
    thread copied out on its own), else by its unique base name."""
    uri = uri.lstrip("/")
    for candidate in (root + uri, uri):
        if candidate in tree:
            return candidate
    at = uri.rfind("/", 0, uri.rfind("/")) if uri.count("/") >= 1 else -1
    tail = uri[at + 1:] if at >= 0 else uri              # e.g. photos/123.jpg
    if folder and f"{folder}/{tail}" in tree:
        return f"{folder}/{tail}"
    return tree.find(uri)


def _share(m: dict[str, Any], rec: MessageRec) -> None:
    share = m.get("share")
    if not isinstance(share, dict):
        return
    link = share.get("link")
    if isinstance(link, str) and link:
        rec.extra["url"] = link
    for key, dest in (("share_text", "description"), ("original_content_owner", "source_name")):
        value = share.get(key)
        if isinstance(value, str) and value:
            rec.extra[dest] = value
    if rec.kind == MessageKind.TEXT and not rec.attachments:
        rec.kind = MessageKind.LINK


def _call(m: dict[str, Any], rec: MessageRec) -> None:
    duration = m.get("call_duration")
    if m.get("type") != "Call" and duration is None:
        return
    rec.kind = MessageKind.CALL
    if isinstance(duration, int) and not isinstance(duration, bool):
        rec.extra["duration_seconds"] = duration
    if m.get("missed") is True or duration == 0:
        rec.extra["outcome"] = "missed"


def _system(m: dict[str, Any], rec: MessageRec) -> None:
    action = SYSTEM_TYPES.get(str(m.get("type")))
    if action is None:
        return
    rec.kind = MessageKind.SYSTEM
    rec.extra["system"] = action
    users = [u.get("name") for u in _items(m.get("users")) if isinstance(u.get("name"), str)]
    if users:
        rec.extra["users"] = users


def _reactions(m: dict[str, Any], rec: MessageRec) -> None:
    out = []
    for r in _items(m.get("reactions")):
        emoji, actor = r.get("reaction"), r.get("actor")
        if isinstance(emoji, str) and emoji:
            ts = r.get("timestamp")
            out.append({"emoji": emoji, "by": actor if isinstance(actor, str) else None,
                        "by_key": actor if isinstance(actor, str) else None,
                        "ts": ts * 1000 if isinstance(ts, int) and not isinstance(ts, bool) and ts < 10**11 else ts})
    if out:
        rec.extra["reactions"] = out
