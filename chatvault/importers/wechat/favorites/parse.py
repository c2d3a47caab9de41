"""A WeChat favorite (收藏) as its `<favitem>` XML describes it, on every platform.

PC 3.x keeps it in `FavItems.XmlBuf` (and each part again as a `FavDataItem` row), Weixin 4 in
`fav_db_item.content`, Android in `FavItemInfo.xml`. The layout (from public descriptions of the
format; see docs/wechat.md): `<favitem type="N">` with `<title>`/`<desc>`, `<source sourcetype=…>`
(fromusr: the chat, realchatname: who said it in a group, createtime: the original message's time,
msgid), `<datalist>` of `<dataitem datatype=… dataid=…>` parts (datatitle, datadesc, datafmt,
fullsize, fullmd5, thumbfullmd5, duration, datasrcname/datasrctime/srcMsgCreateTime: the sender and
time of an inner message of a chat-history bundle, `<dataitemsource>`), `<weburlitem>` (pagetitle,
pagedesc, clean_url), `<locitem>` (lat, lng, label, poiname), `<productitem>`, `<appbranditem>`
(mini programs), `<finderFeed>` (channels) and `<taglist><tag>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from chatvault.importers.wechat.content import parse_xml
from chatvault.model import MessageKind

# WeChat's favorite type codes → (category the Favorites view filters on, message kind).
FAV_TYPES: dict[int, tuple[str, MessageKind]] = {
    1: ("text", MessageKind.TEXT),
    2: ("image", MessageKind.IMAGE),
    3: ("voice", MessageKind.VOICE),
    4: ("video", MessageKind.VIDEO),
    5: ("link", MessageKind.LINK),
    6: ("location", MessageKind.LOCATION),
    7: ("music", MessageKind.LINK),
    8: ("file", MessageKind.FILE),
    10: ("product", MessageKind.LINK),
    11: ("product", MessageKind.LINK),
    12: ("video", MessageKind.VIDEO),
    14: ("chat_history", MessageKind.TEXT),
    15: ("video", MessageKind.VIDEO),
    16: ("video", MessageKind.VIDEO),
    17: ("chat_history", MessageKind.TEXT),
    18: ("note", MessageKind.TEXT),
    19: ("mini_program", MessageKind.LINK),
    20: ("channels", MessageKind.LINK),
}
# A part's datatype → what it is (the same numbering as the favorite types).
MEDIA_PARTS = {2: "image", 3: "voice", 4: "video", 8: "file", 15: "video", 16: "video"}


def _txt(el: ET.Element | None, path: str) -> str | None:
    if el is None:
        return None
    v = el.findtext(path)
    return v.strip() or None if v else None


def _int(v: Any) -> int | None:
    try:
        return int(str(v).strip()) if v is not None and str(v).strip() else None
    except ValueError:
        try:
            return int(float(str(v).strip()))
        except ValueError:
            return None


def _float(v: Any) -> float | None:
    try:
        return float(str(v).strip()) if v is not None and str(v).strip() else None
    except ValueError:
        return None


@dataclass
class FavSource:
    """Where a favorite (or one part of it) came from."""

    chat: str | None = None        # fromusr: the chat (a person, a group, an official account)
    sender: str | None = None      # realchatname: who said it in a group
    to: str | None = None
    msgid: str | None = None
    ts: int | None = None          # the original message's time (seconds)
    link: str | None = None
    type: int | None = None        # sourcetype

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class FavPart:
    """One `<dataitem>`: an inner message of a bundle, a paragraph or picture of a note, the file itself."""

    datatype: int = 0
    data_id: str | None = None
    html_id: str | None = None
    title: str | None = None
    desc: str | None = None
    fmt: str | None = None
    size: int | None = None
    full_md5: str | None = None
    thumb_md5: str | None = None
    duration: int | None = None
    url: str | None = None
    sender_name: str | None = None   # datasrcname
    time_text: str | None = None     # datasrctime, as WeChat wrote it ("2026-01-01 08:00")
    ts: int | None = None            # srcMsgCreateTime (seconds)
    data_path: str | None = None     # sourcedatapath (where the chat had the file)
    thumb_path: str | None = None
    lat: float | None = None
    lng: float | None = None
    poi: str | None = None
    source: FavSource = field(default_factory=FavSource)

    @property
    def media(self) -> str | None:
        return MEDIA_PARTS.get(self.datatype)


@dataclass
class FavEntry:
    local_id: int
    type: int
    updated: int | None = None        # when it was favorited (seconds)
    server_id: int | None = None
    title: str | None = None
    desc: str | None = None
    source: FavSource = field(default_factory=FavSource)
    parts: list[FavPart] = field(default_factory=list)
    web: dict[str, Any] = field(default_factory=dict)
    location: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)       # product, music, mini program, channels
    tags: list[str] = field(default_factory=list)

    @property
    def category(self) -> str:
        return FAV_TYPES.get(self.type, ("other", MessageKind.UNKNOWN))[0]


def _source(el: ET.Element | None) -> FavSource:
    if el is None:
        return FavSource()
    return FavSource(chat=_txt(el, "fromusr"), sender=_txt(el, "realchatname"), to=_txt(el, "tousr"),
                     msgid=_txt(el, "msgid"), ts=_int(_txt(el, "createtime")), link=_txt(el, "link"),
                     type=_int(el.get("sourcetype")))


def _part(el: ET.Element) -> FavPart:
    return FavPart(
        datatype=_int(el.get("datatype")) or 0, data_id=el.get("dataid") or None, html_id=el.get("htmlid") or None,
        title=_txt(el, "datatitle"), desc=_txt(el, "datadesc"),
        fmt=(_txt(el, "datafmt") or "").lower().lstrip(".") or None,
        size=_int(_txt(el, "fullsize") or _txt(el, "datasize")),
        full_md5=(_txt(el, "fullmd5") or "").lower() or None, thumb_md5=(_txt(el, "thumbfullmd5") or "").lower() or None,
        duration=_int(_txt(el, "duration")),
        url=_txt(el, "stream_weburl") or _txt(el, "link") or _txt(el, "weburlitem/clean_url"),
        sender_name=_txt(el, "datasrcname") or _txt(el, "sourcename"),
        time_text=_txt(el, "datasrctime") or _txt(el, "sourcetime"), ts=_int(_txt(el, "srcMsgCreateTime")),
        data_path=_txt(el, "sourcedatapath"), thumb_path=_txt(el, "sourcethumbpath"),
        lat=_float(_txt(el, "locitem/lat")), lng=_float(_txt(el, "locitem/lng")),
        poi=_txt(el, "locitem/poiname") or _txt(el, "locitem/label"),
        source=_source(el.find("dataitemsource")))


def _card(root: ET.Element) -> dict[str, Any]:
    """Product, music, mini-program and channels details (whichever the item has)."""
    out: dict[str, Any] = {}
    product = root.find("productitem")
    if product is not None:
        out["product"] = {k: v for k, v in (("title", _txt(product, "producttitle")), ("description", _txt(product, "productdesc")),
                                            ("thumb", _txt(product, "productthumbUrl")), ("type", _int(product.get("type"))))
                          if v not in (None, "")}
    app = root.find("appbranditem")
    if app is not None:
        out["mini_program"] = {k: v for k, v in (("name", _txt(app, "sourcedisplayname")), ("username", _txt(app, "username")),
                                                 ("app_id", _txt(app, "appid")), ("page", _txt(app, "pagepath")))
                               if v not in (None, "")}
    finder = root.find("finderFeed")
    if finder is not None:
        out["channels"] = {k: v for k, v in (("nickname", _txt(finder, "nickname")), ("description", _txt(finder, "desc")),
                                             ("object_id", _txt(finder, "objectId")))
                           if v not in (None, "")}
    return out


class FavUnreadable(ValueError):
    """The item's XML cannot be read (damaged, hostile or not a favorite)."""


def parse_favitem(xml: str | None, local_id: int, type_hint: int | None = None, updated: int | None = None) -> FavEntry:
    """The favorite `xml` describes; `FavUnreadable` when there is no readable `<favitem>`."""
    root = parse_xml(xml) if xml else None
    if root is None:
        raise FavUnreadable("unreadable favorite XML" if xml else "empty favorite")
    if root.tag != "favitem":
        found = root.find(".//favitem")
        if found is None:
            raise FavUnreadable(f"not a favorite (<{root.tag[:40]}>)")
        root = found
    ftype = _int(root.get("type")) or type_hint or 0
    web = root.find("weburlitem")
    loc = root.find("locitem")
    entry = FavEntry(
        local_id=local_id, type=ftype, updated=updated,
        title=_txt(root, "title"), desc=_txt(root, "desc"), source=_source(root.find("source")),
        parts=[_part(d) for d in root.findall("datalist/dataitem")],
        tags=[t.text.strip() for t in root.findall("taglist/tag") if t.text and t.text.strip()],
        card=_card(root))
    if web is not None:
        entry.web = {k: v for k, v in (("title", _txt(web, "pagetitle")), ("description", _txt(web, "pagedesc")),
                                       ("url", _txt(web, "clean_url") or _txt(web, "link")),
                                       ("thumb", _txt(web, "pagethumb_url"))) if v}
    if loc is not None:
        entry.location = {k: v for k, v in (("lat", _float(_txt(loc, "lat"))), ("lon", _float(_txt(loc, "lng"))),
                                            ("label", _txt(loc, "label")), ("poi", _txt(loc, "poiname")),
                                            ("scale", _int(_txt(loc, "scale")))) if v is not None}
    return entry
