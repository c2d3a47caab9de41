"""The TimelineObject XML of PC 3.x (`FeedsV20.Content`) and Weixin 4 (`SnsTimeLine.content`).

`<TimelineObject>`: `id`, `username`, `createTime`, `contentDesc`, `private`, `location` (attributes
poiName, poiAddress, city, latitude, longitude), `ContentObject` (`contentStyle`, `title`,
`description`, `contentUrl`, `mediaList/media` with `id`, `type` 2 = picture / 6 = video, `url`
(md5 attribute), `thumb`, `size` width/height). Weixin 4 also carries the likes and comments inside
(`LikeUserList/LikeUser`, `CommentUserList/CommentUser`: username, nickname, content, createTime,
cmtid, refCommentId/refUserName). Tag spelling varies between versions, so names are matched
case-insensitively. Parsed with the same hardened parser as chat XML (`content.parse_xml`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chatvault.importers.wechat.content import parse_xml
from chatvault.importers.wechat.moments.post import Comment, Like, Media, Post, post_id


class BadPost(ValueError):
    """A post the reader cannot understand: becomes an `Unparsed` record with this reason."""


def _kids(el: ET.Element | None, *names: str) -> list[ET.Element]:
    if el is None:
        return []
    want = {n.lower() for n in names}
    return [c for c in el if isinstance(c.tag, str) and c.tag.lower() in want]


def _kid(el: ET.Element | None, *names: str) -> ET.Element | None:
    found = _kids(el, *names)
    return found[0] if found else None


def _text(el: ET.Element | None, *names: str) -> str | None:
    k = _kid(el, *names) if names else el
    if k is None or k.text is None:
        return None
    s = k.text.strip()
    return s or None


def _int(v: str | None) -> int | None:
    try:
        return int(str(v).strip()) if v not in (None, "") else None
    except ValueError:
        return None


def _float(v: str | None) -> float | None:
    try:
        f = float(str(v).strip()) if v not in (None, "") else None
    except ValueError:
        return None
    return f if f is None or f == f else None   # NaN is no coordinate


def _attrs(el: ET.Element | None) -> dict[str, str]:
    return {k.lower(): v for k, v in el.attrib.items()} if el is not None else {}


def _root(xml: str) -> ET.Element:
    root = parse_xml(xml)
    if root is None:
        raise BadPost("the post's XML cannot be parsed")
    if root.tag.lower() != "timelineobject":
        inner = next((e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() == "timelineobject"), None)
        if inner is None:
            raise BadPost(f"no TimelineObject in the post's XML (root <{root.tag}>)")
        root = inner
    return root


def _media(el: ET.Element) -> Media:
    url = _kid(el, "url")
    size = _attrs(_kid(el, "size"))
    return Media(id=post_id(_text(el, "id")) or _text(el, "id"), type=_int(_text(el, "type")) or 2,
                 url=_text(url), thumb=_text(el, "thumb"),
                 md5=(_attrs(url).get("md5") or None), width=_int(size.get("width")),
                 height=_int(size.get("height")), title=_text(el, "title"))


def _location(el: ET.Element | None) -> dict:
    a = _attrs(el)
    out = {"poi": a.get("poiname") or None, "address": a.get("poiaddress") or None,
           "city": a.get("city") or None, "lat": _float(a.get("latitude")), "lon": _float(a.get("longitude"))}
    out = {k: v for k, v in out.items() if v not in (None, "", 0.0)}
    return out if (out.get("poi") or out.get("address") or out.get("city")) else {}


def _inline_social(root: ET.Element) -> tuple[list[Like], list[Comment]]:
    """Weixin 4: likes and comments inside the TimelineObject."""
    likes = [Like(author=u, ts=_int(_text(e, "createTime")), nickname=_text(e, "nickname", "nickName"))
             for lst in _kids(root, "LikeUserList", "likeList") for e in _kids(lst, "LikeUser", "like")
             if (u := _text(e, "username", "userName"))]
    comments = []
    for lst in _kids(root, "CommentUserList", "commentList"):
        for e in _kids(lst, "CommentUser", "comment"):
            u = _text(e, "username", "userName")
            if not u:
                continue
            comments.append(Comment(author=u, ts=_int(_text(e, "createTime")) or 0, text=_text(e, "content"),
                                    id=_text(e, "cmtid", "commentId", "id"),
                                    reply_to_user=_text(e, "refUserName", "refUsername", "replyUsername"),
                                    reply_to_comment=_text(e, "refCommentId", "replyCommentId"),
                                    nickname=_text(e, "nickname", "nickName")))
    return likes, comments


def parse_timeline(xml: str | None, *, author: str | None = None, fallback_id: str | None = None,
                   fallback_ts: int | None = None) -> Post:
    """A `Post` from one TimelineObject; `BadPost` when it has no id, author or time to stand on."""
    if not xml or not xml.strip():
        raise BadPost("empty post content")
    root = _root(xml)
    pid = post_id(_text(root, "id")) or fallback_id
    who = _text(root, "username", "userName") or author
    ts = _int(_text(root, "createTime")) or fallback_ts
    if not pid or not who or not ts:
        raise BadPost("the post has no id, author or time")
    obj = _kid(root, "ContentObject")
    mlist = _kid(obj, "mediaList")
    media = [_media(m) for m in _kids(mlist, "media")]
    style = _int(_text(obj, "contentStyle"))
    link = {"url": _text(obj, "contentUrl"), "title": _text(obj, "title"), "description": _text(obj, "description")}
    if link["url"] and style != 1:
        # A link post's picture is the card's cover, not a photo of the post.
        cover = next((m.thumb or m.url for m in media if m.type != 6), None)
        if cover:
            link["cover"] = cover
        media = [m for m in media if m.type == 6]
    post = Post(id=pid, author=who, ts=ts, text=_text(root, "contentDesc"), style=style, media=media,
                link={k: v for k, v in link.items() if v}, location=_location(_kid(root, "location")))
    if _int(_text(root, "private")) == 1:
        post.visibility["private"] = True
    source = _text(root, "sourceNickName") or _text(root, "sourceUserName")
    if source:
        post.extra["source"] = source
    post.likes, post.comments = _inline_social(root)
    return post
