"""One Moments post as the three layouts describe it, and the records it becomes.

The readers (`xmlpost` for PC 3.x and Weixin 4, `pbpost` for Android) fill a `Post`; `records` turns
it into ChatVault's neutral records: the post is a `MessageRec` in the account's Moments feed
conversation (sender = author, source_id = the post id), each comment a `MessageRec` replying to it
(key `<post id>:c<comment id>`), likes go in the post's `extra["moments"]["likes"]`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chatvault.importers.wechat.common import Directory, ts_utc
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

MOMENTS_KEY = "@moments"      # the feed conversation of an account ("@" never starts a wxid)
U64 = (1 << 64) - 1

# contentStyle values of a TimelineObject (the kinds of post WeChat shows)
STYLE_IMAGE, STYLE_TEXT, STYLE_LINK, STYLE_MUSIC, STYLE_VIDEO = 1, 2, 3, 4, 15
MEDIA_IMAGE, MEDIA_VIDEO = 2, 6


def post_id(value: Any) -> str | None:
    """A post id as WeChat shows it: the unsigned 64-bit decimal (PC FeedId and Android snsId are the
    same number stored signed), so one post read from the phone and the PC has one key."""
    if value is None or value == "":
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return str(n & U64) if n else None


@dataclass(slots=True)
class Media:
    id: str | None = None
    type: int = MEDIA_IMAGE
    url: str | None = None
    thumb: str | None = None
    md5: str | None = None
    width: int | None = None
    height: int | None = None
    title: str | None = None


@dataclass(slots=True)
class Comment:
    author: str
    ts: int
    text: str | None
    id: str | None = None
    reply_to_user: str | None = None
    reply_to_comment: str | None = None
    nickname: str | None = None


@dataclass(slots=True)
class Like:
    author: str
    ts: int | None = None
    nickname: str | None = None


@dataclass
class Post:
    id: str
    author: str
    ts: int
    text: str | None = None
    style: int | None = None
    media: list[Media] = field(default_factory=list)
    link: dict[str, Any] = field(default_factory=dict)        # url, title, description, cover
    location: dict[str, Any] = field(default_factory=dict)    # poi, address, city, lat, lon
    visibility: dict[str, Any] = field(default_factory=dict)  # private, visible_to, hidden_from, groups
    likes: list[Like] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)       # layout-specific raw details worth keeping


MediaResolver = Callable[[Media, int], list[AttachmentRef]]   # (media, post time) → refs (full, else thumb)


def kind_of(post: Post) -> MessageKind:
    if any(m.type == MEDIA_VIDEO for m in post.media) or post.style == STYLE_VIDEO:
        return MessageKind.VIDEO
    if post.link.get("url") and post.style not in (STYLE_IMAGE,):
        return MessageKind.LINK
    if any(m.type == MEDIA_IMAGE for m in post.media):
        return MessageKind.IMAGE
    return MessageKind.TEXT


def _media_info(m: Media) -> dict[str, Any]:
    return {k: v for k, v in (("id", m.id), ("type", "video" if m.type == MEDIA_VIDEO else "image"),
                              ("url", m.url), ("thumb", m.thumb), ("md5", m.md5), ("width", m.width),
                              ("height", m.height)) if v not in (None, "")}


def comment_key(post: str, c: Comment) -> str:
    if c.id and c.id not in ("0", ""):
        return f"{post}:c{c.id}"
    digest = hashlib.sha1(f"{c.author}\x00{c.ts}\x00{c.text or ''}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"{post}:cfp{digest[:16]}"


def records(post: Post, d: Directory, resolve: MediaResolver, location: str) -> Iterator[MessageRec]:
    """The post, then its comments (oldest first)."""
    kind = kind_of(post)
    atts: list[AttachmentRef] = []
    if kind in (MessageKind.IMAGE, MessageKind.VIDEO):
        for m in post.media:
            atts.extend(resolve(m, post.ts))
    likes = [{k: v for k, v in (("key", lk.author), ("name", d.name(lk.author) if d.contacts.get(lk.author)
                                                    else lk.nickname or d.name(lk.author)),
                                ("ts", lk.ts)) if v is not None} for lk in post.likes]
    info: dict[str, Any] = {"type": "post", "likes": likes, "comment_count": len(post.comments)}
    if post.style is not None:
        info["style"] = post.style
    if post.media:
        info["media"] = [_media_info(m) for m in post.media]
    if post.visibility:
        info["visibility"] = post.visibility
    info.update(post.extra)
    extra: dict[str, Any] = {"moments": info}
    if post.location:
        extra["location"] = post.location
    extra.update({k: v for k, v in post.link.items() if v})
    text = post.text
    if not text and kind == MessageKind.LINK:
        text = post.link.get("title")
    yield MessageRec(conversation_key=MOMENTS_KEY, ts=ts_utc(post.ts), kind=kind, text=text,
                     sender_key=post.author, sender_name=d.name(post.author), source_id=post.id,
                     attachments=atts, extra=extra, location=location)
    for c in sorted(post.comments, key=lambda c: c.ts):
        cinfo: dict[str, Any] = {"type": "comment", "post": post.id}
        if c.reply_to_user:
            cinfo["reply_to_user"] = c.reply_to_user
            cinfo["reply_to_name"] = d.name(c.reply_to_user)
        if c.reply_to_comment and c.reply_to_comment != "0":
            cinfo["reply_to_comment"] = c.reply_to_comment
        name = d.name(c.author) if d.contacts.get(c.author) else (c.nickname or d.name(c.author))
        yield MessageRec(conversation_key=MOMENTS_KEY, ts=ts_utc(c.ts), kind=MessageKind.TEXT, text=c.text,
                         sender_key=c.author, sender_name=name, source_id=comment_key(post.id, c),
                         reply_to=post.id, extra={"moments": cinfo}, location=f"{location}/comment")


def missing_ref(m: Media, expected: str | None, status: str = AttachmentStatus.MISSING) -> AttachmentRef:
    """A picture or video the local cache does not hold: the URL stays in extra for later."""
    extra = {k: v for k, v in (("url", m.url), ("thumb_url", m.thumb), ("media_id", m.id)) if v}
    return AttachmentRef(name=None, open=None, mime_hint="video/mp4" if m.type == MEDIA_VIDEO else None,
                         status=status, expected_path=expected, extra=extra)
