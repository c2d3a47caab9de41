"""One DiscordChatExporter message object → a `MessageRec`: text, attachments (downloaded beside the
export with `--media`, else links), embeds, stickers, reactions with who reacted, replies, edits,
pins, calls and the channel's system messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeMember
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

# Discord's message types that are notices, and the word ChatVault stores for them.
SYSTEM_TYPES = {
    "RecipientAdd": "joined", "RecipientRemove": "left", "GuildMemberJoin": "joined",
    "ChannelNameChange": "renamed", "ChannelIconChange": "icon", "ChannelPinnedMessage": "pinned",
    "ThreadCreated": "thread", "GuildBoost": "boost", "GuildBoostTier1": "boost", "GuildBoostTier2": "boost",
    "GuildBoostTier3": "boost", "ChannelFollowAdd": "follow", "AutoModerationAction": "moderation",
}
IMAGE_EXT = ("png", "jpg", "jpeg", "gif", "webp", "bmp", "heic")
VIDEO_EXT = ("mp4", "mov", "webm", "mkv")
AUDIO_EXT = ("mp3", "ogg", "oga", "opus", "wav", "m4a", "flac")


class NotAMessage(ValueError):
    pass


def when(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise NotAMessage(f"{field} is not a time")
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise NotAMessage(f"{field} {value!r} is not an ISO time") from exc
    if ts.tzinfo is None:
        raise NotAMessage(f"{field} {value!r} has no offset")
    return ts


def author_of(msg: dict[str, Any]) -> tuple[str, str]:
    a = msg.get("author")
    if not isinstance(a, dict) or not isinstance(a.get("id"), str):
        raise NotAMessage("no author with an id")
    name = a.get("nickname") or a.get("name") or a["id"]
    return a["id"], str(name)


def build(tree: FileTree, base: str, conv_key: str, msg: Any, where: str) -> MessageRec:
    if not isinstance(msg, dict) or not isinstance(msg.get("id"), str):
        raise NotAMessage("not a message object with an id")
    ts = when(msg.get("timestamp"), "timestamp")
    key, name = author_of(msg)
    content = msg.get("content")
    text = content if isinstance(content, str) and content else None
    rec = MessageRec(conversation_key=conv_key, ts=ts, text=text, sender_key=key, sender_name=name,
                     source_id=msg["id"], location=where)
    mtype = str(msg.get("type") or "Default")
    if isinstance(msg.get("timestampEdited"), str):
        rec.edited = True
        rec.edited_ts = when(msg["timestampEdited"], "timestampEdited")
    ref = msg.get("reference")
    if isinstance(ref, dict) and isinstance(ref.get("messageId"), str):
        rec.reply_to = ref["messageId"]
    if msg.get("isPinned") is True:
        rec.extra["pinned"] = True
    if (msg.get("author") or {}).get("isBot") is True:
        rec.extra["bot"] = True
    _attachments(tree, base, msg, rec)
    _embeds(msg, rec)
    _stickers(msg, rec)
    _reactions(msg, rec)
    if mtype == "Call":
        rec.kind = MessageKind.CALL
        end = msg.get("callEndedTimestamp")
        if isinstance(end, str):
            rec.extra["duration_seconds"] = max(0, int((when(end, "callEndedTimestamp") - ts).total_seconds()))
        else:
            rec.extra["outcome"] = "missed"
    elif mtype in SYSTEM_TYPES:
        rec.kind = MessageKind.SYSTEM
        rec.extra["system"] = SYSTEM_TYPES[mtype]
        mentioned = [m.get("nickname") or m.get("name") for m in msg.get("mentions") or () if isinstance(m, dict)]
        if mentioned:
            rec.extra["users"] = [m for m in mentioned if isinstance(m, str)]
    elif mtype not in ("Default", "Reply") and rec.kind == MessageKind.TEXT:
        rec.extra["discord_type"] = mtype
    if rec.kind == MessageKind.TEXT and not text and not rec.attachments:
        rec.kind = MessageKind.UNKNOWN
    return rec


def _attachments(tree: FileTree, base: str, msg: dict[str, Any], rec: MessageRec) -> None:
    for a in msg.get("attachments") or ():
        if not isinstance(a, dict):
            continue
        url = a.get("url") if isinstance(a.get("url"), str) else ""
        name = a.get("fileName") if isinstance(a.get("fileName"), str) else url.rsplit("/", 1)[-1].split("?")[0]
        size = a.get("fileSizeBytes") if isinstance(a.get("fileSizeBytes"), int) else None
        ext = (name or "").rsplit(".", 1)[-1].lower()
        kind = (MessageKind.IMAGE if ext in IMAGE_EXT else MessageKind.VIDEO if ext in VIDEO_EXT
                else MessageKind.VOICE if ext in AUDIO_EXT and "voice" in (name or "").lower() else MessageKind.FILE)
        if rec.kind == MessageKind.TEXT:
            rec.kind = kind
        member = None if url.startswith(("http://", "https://")) or not url else _find(tree, base, url)
        if member is None:
            remote = url.startswith(("http://", "https://"))
            rec.attachments.append(AttachmentRef(name=name, status=AttachmentStatus.MISSING, size_hint=size,
                                                 expected_path=url or None, extra={"remote": True} if remote else {}))
        else:
            rec.attachments.append(AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                                                 status=AttachmentStatus.STORED, expected_path=url))


def _find(tree: FileTree, base: str, url: str) -> str | None:
    from urllib.parse import unquote

    rel = unquote(url).replace("\\", "/").lstrip("./")
    for candidate in (f"{base}/{rel}" if base else rel, rel):
        if candidate in tree:
            return candidate
    return tree.find(rel)


def _embeds(msg: dict[str, Any], rec: MessageRec) -> None:
    embeds = [e for e in msg.get("embeds") or () if isinstance(e, dict)]
    if not embeds:
        return
    e = embeds[0]
    for key, dest in (("url", "url"), ("title", "title"), ("description", "description")):
        if isinstance(e.get(key), str) and e[key]:
            rec.extra[dest] = e[key]
    if rec.kind == MessageKind.TEXT and rec.extra.get("url"):
        rec.kind = MessageKind.LINK


def _stickers(msg: dict[str, Any], rec: MessageRec) -> None:
    for s in msg.get("stickers") or ():
        if isinstance(s, dict):
            rec.kind = MessageKind.STICKER if rec.kind == MessageKind.TEXT else rec.kind
            if isinstance(s.get("name"), str):
                rec.extra["sticker"] = s["name"]


def _reactions(msg: dict[str, Any], rec: MessageRec) -> None:
    out = []
    for r in msg.get("reactions") or ():
        if not isinstance(r, dict) or not isinstance(r.get("emoji"), dict):
            continue
        emoji = r["emoji"].get("name") or r["emoji"].get("code")
        users = [u for u in r.get("users") or () if isinstance(u, dict)]
        if users:
            for u in users:
                out.append({"emoji": emoji, "by": u.get("nickname") or u.get("name"), "by_key": u.get("id"),
                            "ts": None})
        elif isinstance(r.get("count"), int):
            out.append({"emoji": emoji, "count": r["count"]})
    if out:
        rec.extra["reactions"] = out
