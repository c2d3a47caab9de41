"""Android `SnsMicroMsg.db`: `SnsInfo.content` (a TimeLineObject) and `SnsInfo.attrBuf` (an SnsObject)
as protobuf, and `SnsComment.curActionBuf` (an SnsAction).

Field numbers read (the message layouts of WeChat's Moments protocol as public protocol
re-implementations describe them; unknown fields are skipped, a blob without id/author/time is a
`BadPost`):
- TimeLineObject: 1 id, 2 username, 3 private, 4 createTime, 5 contentDesc, 6 location, 7 ContentObj,
  10 sourceNickName. Location: 1 city, 2 longitude, 3 latitude (32-bit floats), 4 poiName,
  5 poiAddress. ContentObj: 1 contentStyle, 2 title, 3 description, 4 media (repeated), 5 contentUrl.
  Media: 1 id, 2 type, 3 title, 4 description, 6 url, 7 thumb, 8 md5, 9 width, 10 height.
- SnsObject: 1 id, 2 username, 9 likes and 12 comments (repeated SnsCommentInfo: 1 username,
  2 nickname, 4 type, 5 content, 6 createTime, 7 commentId, 8 replyCommentId, 9 replyUsername),
  19 groups (repeated, 1 group id), 24 hidden from (repeated, 1 wxid), 27 visible to (repeated, 1 wxid).
- SnsAction: 1 fromUsername, 2 toUsername, 3 fromNickname, 5 type, 7 createTime, 8 content,
  9 replyCommentId, 10 commentId.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from chatvault.importers.wechat.moments.post import Comment, Like, Media, Post, post_id
from chatvault.importers.wechat.moments.xmlpost import BadPost
from chatvault.importers.wechat.proto import _varint

LIKE, COMMENT = 1, 2


def _fields(buf: bytes | None) -> Iterator[tuple[int, int, int | bytes]]:
    """(number, wire type, value) including 32/64-bit fields (as bytes); stops at a malformed byte."""
    if not buf:
        return
    buf = bytes(buf)
    pos, n = 0, len(buf)
    try:
        while pos < n:
            tag, pos = _varint(buf, pos)
            num, wt = tag >> 3, tag & 7
            if wt == 0:
                val, pos = _varint(buf, pos)
                yield num, wt, val
            elif wt == 2:
                ln, pos = _varint(buf, pos)
                if pos + ln > n:
                    raise ValueError("truncated")
                yield num, wt, buf[pos:pos + ln]
                pos += ln
            elif wt in (1, 5):
                size = 8 if wt == 1 else 4
                if pos + size > n:
                    raise ValueError("truncated")
                yield num, wt, buf[pos:pos + size]
                pos += size
            else:
                raise ValueError(f"wire type {wt}")
    except ValueError as exc:
        raise BadPost(f"malformed protobuf ({exc})") from None


def _msg(buf: bytes | None) -> dict[int, list[int | bytes]]:
    out: dict[int, list[int | bytes]] = {}
    for num, _wt, val in _fields(buf):
        out.setdefault(num, []).append(val)
    return out


def _s(m: dict, num: int) -> str | None:
    v = m.get(num, [None])[0]
    if isinstance(v, bytes):
        s = v.decode("utf-8", "replace").strip()
        return s or None
    return str(v) if isinstance(v, int) else None


def _i(m: dict, num: int) -> int | None:
    v = m.get(num, [None])[0]
    if isinstance(v, int):
        return v
    if isinstance(v, bytes) and v.strip().isdigit():
        return int(v)
    return None


def _f(m: dict, num: int) -> float | None:
    v = m.get(num, [None])[0]
    if isinstance(v, bytes) and len(v) == 4:
        f = struct.unpack("<f", v)[0]
        return round(f, 6) if f == f and f != 0.0 else None
    return None


def _media(buf: bytes) -> Media:
    m = _msg(buf)
    mid = _s(m, 1)
    return Media(id=post_id(mid) or mid, type=_i(m, 2) or 2, title=_s(m, 3), url=_s(m, 6), thumb=_s(m, 7),
                 md5=_s(m, 8), width=_i(m, 9), height=_i(m, 10))


def parse_content(blob: bytes | None, *, fallback_id: str | None, author: str | None, fallback_ts: int | None) -> Post:
    """A `Post` from `SnsInfo.content`."""
    if not blob:
        raise BadPost("empty post content")
    m = _msg(blob)
    pid = post_id(_s(m, 1)) or fallback_id
    who = _s(m, 2) or author
    ts = _i(m, 4) or fallback_ts
    if not pid or not who or not ts or not m:
        raise BadPost("the post has no id, author or time")
    obj = _msg(m[7][0]) if isinstance(m.get(7, [None])[0], bytes) else {}
    media = [_media(b) for b in obj.get(4, []) if isinstance(b, bytes)]
    style = _i(obj, 1)
    link = {"url": _s(obj, 5), "title": _s(obj, 2), "description": _s(obj, 3)}
    if link["url"] and style != 1:
        cover = next((x.thumb or x.url for x in media if x.type != 6), None)
        if cover:
            link["cover"] = cover
        media = [x for x in media if x.type == 6]
    loc = _msg(m[6][0]) if isinstance(m.get(6, [None])[0], bytes) else {}
    location = {k: v for k, v in (("poi", _s(loc, 4)), ("address", _s(loc, 5)), ("city", _s(loc, 1)),
                                  ("lat", _f(loc, 3)), ("lon", _f(loc, 2))) if v is not None}
    if not (location.get("poi") or location.get("address") or location.get("city")):
        location = {}
    post = Post(id=pid, author=who, ts=ts, text=_s(m, 5), style=style, media=media,
                link={k: v for k, v in link.items() if v}, location=location)
    if _i(m, 3) == 1:
        post.visibility["private"] = True
    if _s(m, 10):
        post.extra["source"] = _s(m, 10)
    return post


def _info(buf: bytes) -> tuple[int | None, Comment | Like | None]:
    c = _msg(buf)
    user = _s(c, 1)
    if not user:
        return None, None
    kind = _i(c, 4)
    if kind == LIKE:
        return LIKE, Like(author=user, ts=_i(c, 6), nickname=_s(c, 2))
    return COMMENT, Comment(author=user, ts=_i(c, 6) or 0, text=_s(c, 5), id=_s(c, 7),
                            reply_to_comment=_s(c, 8), reply_to_user=_s(c, 9), nickname=_s(c, 2))


def apply_attrs(post: Post, blob: bytes | None) -> None:
    """Likes, comments and the visibility lists of `SnsInfo.attrBuf`, onto `post`."""
    if not blob:
        return
    m = _msg(blob)
    for num in (9, 12):
        for b in m.get(num, []):
            if isinstance(b, bytes):
                kind, item = _info(b)
                if isinstance(item, Like):
                    post.likes.append(item)
                elif isinstance(item, Comment) and kind == COMMENT:
                    post.comments.append(item)
    lists = {"groups": 19, "hidden_from": 24, "visible_to": 27}
    for name, num in lists.items():
        vals = [_s(_msg(b), 1) for b in m.get(num, []) if isinstance(b, bytes)]
        vals = [v for v in vals if v]
        if vals:
            post.visibility[name] = vals


def action(blob: bytes | None, talker: str | None, kind: int | None, ts: int | None,
           svr_id: int | None) -> Comment | Like | None:
    """One `SnsComment` row (its `curActionBuf`): a comment or a like on a post."""
    a = _msg(blob) if blob else {}
    user = _s(a, 1) or talker
    if not user:
        return None
    kind = _i(a, 5) or kind
    when = _i(a, 7) or ts
    if kind == LIKE:
        return Like(author=user, ts=when, nickname=_s(a, 3))
    cid = _s(a, 10) or (str(svr_id) if svr_id else None)
    return Comment(author=user, ts=when or 0, text=_s(a, 8), id=cid, reply_to_comment=_s(a, 9),
                   reply_to_user=_s(a, 2) if _s(a, 9) else None, nickname=_s(a, 3))
