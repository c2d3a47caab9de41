"""A parsed favorite as the records the import engine stores: one message in the account's Favorites feed.

The message's time is when the item was favorited; the original message's time, the chat it came
from and who said it, the tags and the WeChat type are in `extra` (the keys are listed in
docs/wechat.md, "Favorites"). A chat-history bundle keeps every inner message (`extra.bundle`, the
same shape the chat importers write, so search and exports read it unchanged); a note keeps its
parts in order (`extra.note`). Media parts become attachments, in the order of the parts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chatvault.importers.wechat.common import Directory, ts_utc
from chatvault.importers.wechat.favorites.parse import FAV_TYPES, FavEntry, FavPart
from chatvault.model import (
    AttachmentRef,
    ConversationKind,
    ConversationRec,
    Feed,
    MessageKind,
    MessageRec,
    ParticipantRec,
)

FEED = Feed.FAVORITES.value
FEED_KEY = "@favorites"          # never a wxid: WeChat ids never start with "@"
_ARTICLE_HOSTS = ("mp.weixin.qq.com",)
_TEXT_PART = 1

MediaResolver = Callable[[FavEntry, FavPart, int], AttachmentRef | None]


def feed_conversation(d: Directory) -> ConversationRec:
    """The account's one Favorites conversation (its `feed` is 'favorites')."""
    return ConversationRec(key=FEED_KEY, title="Favorites", kind=ConversationKind.SELF,
                           participants=[ParticipantRec(key=d.me, display_name=d.name(d.me), is_me=True)],
                           feed=Feed.FAVORITES)


def _ms(seconds: int | None) -> int | None:
    return seconds * 1000 if seconds else None


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _part_time(p: FavPart) -> str | None:
    if p.ts:
        return datetime.fromtimestamp(p.ts, UTC).strftime("%Y-%m-%d %H:%M")
    return p.time_text


def _bundle_item(p: FavPart) -> dict[str, Any]:
    """An inner message of a chat-history bundle, as the chat importers write `bundle` items."""
    media = p.media
    text = p.desc or p.title
    if not text and media:
        text = {"image": "[Photo]", "voice": "[Voice]", "video": "[Video]", "file": f"[File] {p.title or ''}".strip()}[media]
    return _clean({"type": p.datatype, "id": p.data_id, "sender": p.sender_name or p.source.sender or p.source.chat,
                   "time": _part_time(p), "ts": p.ts or p.source.ts, "text": text, "title": p.title,
                   "file_ext": p.fmt, "size": p.size, "url": p.url, "media": media})


def _note_part(p: FavPart) -> dict[str, Any]:
    kind = p.media or ("text" if p.datatype == _TEXT_PART else "location" if p.lat is not None
                       else "link" if p.url else "other")
    return _clean({"type": kind, "datatype": p.datatype, "id": p.data_id, "text": p.desc if kind == "text" else None,
                   "title": p.title, "description": p.desc if kind != "text" else None, "url": p.url,
                   "file_ext": p.fmt, "size": p.size, "duration_ms": p.duration,
                   "lat": p.lat, "lon": p.lng, "poi": p.poi})


def _is_article(e: FavEntry, url: str | None) -> bool:
    return bool((url and any(h in url for h in _ARTICLE_HOSTS)) or (e.source.chat or "").startswith("gh_"))


def _body(e: FavEntry) -> tuple[MessageKind, str | None, dict[str, Any]]:
    """(kind, text, type-specific details) for the item's category."""
    cat = e.category
    kind = FAV_TYPES.get(e.type, ("other", MessageKind.UNKNOWN))[1]
    first = e.parts[0] if e.parts else FavPart()
    if cat == "text":
        return kind, e.desc or first.desc or e.title, {}
    if cat in ("image", "video", "voice"):
        return kind, e.title or first.title or (first.desc if cat != "voice" else None), _clean(
            {"duration_ms": first.duration, "size": first.size})
    if cat == "file":
        name = first.title or e.title
        return kind, name, _clean({"file_name": name, "file_ext": first.fmt, "size": first.size})
    if cat == "location":
        loc = dict(e.location)
        if not loc and first.lat is not None:
            loc = _clean({"lat": first.lat, "lon": first.lng, "poi": first.poi})
        return kind, loc.get("poi") or loc.get("label") or e.title, loc
    if cat == "chat_history":
        items = [_bundle_item(p) for p in e.parts]
        return kind, e.title or "Chat history", {"bundle": items, "description": e.desc}
    if cat == "note":
        parts = [_note_part(p) for p in e.parts]
        text = "\n".join(p["text"] for p in parts if p.get("text")) or e.desc or e.title
        return kind, text, {"note": parts, "title": e.title or (text or "").split("\n", 1)[0][:80] or None}
    # links, articles, music, products, mini programs, channels
    url = e.web.get("url") or first.url or e.source.link
    title = e.web.get("title") or e.title or first.title
    desc = e.web.get("description") or e.desc or first.desc
    details = _clean({"title": title, "description": desc, "url": url, "cover": e.web.get("thumb"), **e.card})
    if cat == "link" and _is_article(e, url):
        details["article"] = True
    if kind == MessageKind.UNKNOWN:
        return kind, title or desc, details
    return kind, title or desc or url, details


def favorite_key(e: FavEntry, variant: str) -> str:
    """The stored key of a favorite: WeChat's server id when it has one (the same on the PC and the
    phone, so one account's favorites imported from both are one set), else this device's local id
    (`pc:17`: local ids are per database, the PC's 17 is not the phone's 17)."""
    return f"fav-{e.server_id}" if e.server_id else f"{variant}:{e.local_id}"


def entry_message(e: FavEntry, d: Directory, location: str, media: MediaResolver, variant: str = "pc") -> MessageRec:
    """The MessageRec of favorite `e` (its source_id: `favorite_key`)."""
    kind, text, details = _body(e)
    chat = e.source.chat or None
    group = bool(chat and chat.endswith("@chatroom"))
    sender = e.source.sender or (None if group else chat)
    if not sender and e.parts and e.category not in ("chat_history", "note"):
        sender = e.parts[0].source.sender or e.parts[0].source.chat
    atts: list[AttachmentRef] = []
    for i, part in enumerate(e.parts):
        if part.media:
            ref = media(e, part, i)
            if ref is not None:
                atts.append(ref)
    source = _clean({"chat": chat, "chat_name": d.title(chat) if chat else None, "sender": sender,
                     "sender_name": d.name(sender, chat if group else None) if sender else None,
                     "msgid": e.source.msgid, "link": e.source.link})
    extra = _clean({
        "feed": FEED, "fav_type": e.type, "fav_kind": e.category if not details.get("article") else "article",
        "fav_local_id": e.local_id, "fav_server_id": e.server_id, "tags": list(dict.fromkeys(e.tags)),
        "fav_source": source, "source_name": source.get("sender_name") or source.get("chat_name"),
        "original_ts": _ms(e.source.ts or (e.parts[0].ts if e.parts else None)),
        "favorited_ts": _ms(e.updated), **details})
    ts = ts_utc(e.updated or e.source.ts or 0)
    return MessageRec(conversation_key=FEED_KEY, ts=ts, kind=kind, text=text, sender_key=sender,
                      sender_name=source.get("sender_name"), source_id=favorite_key(e, variant),
                      attachments=atts, extra=extra, location=location)
