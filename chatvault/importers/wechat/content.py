"""WeChat message payloads → ChatVault kind, text and details. Shared by all three variants.

Every XML string is refused if it has a DTD (entity bombs, external entities), then parsed by the C
parser; anything else starting with `<!` goes through defusedxml (docs/wechat.md). A
payload that cannot be parsed keeps its raw text and is flagged `unparsable_xml` instead of being
dropped. Type codes: xaoyaoo/PyWxDump `doc/wx数据库简述.md`, ppwwyyxx/wechat-dump `wechat/msg.py`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lz4.block
import zstandard
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from chatvault.model import MessageKind

MAX_XML = 4 * 1024 * 1024          # bigger payloads are kept raw, not parsed
MAX_TAGS = 50_000                  # a chat-history bundle of 1,000 items has ~20k; more is an attack
MAX_DECOMPRESSED = 16 * 1024 * 1024

TEXT, IMAGE, VOICE, CONTACT_CARD, VIDEO, STICKER, LOCATION, APP, CALL, SHORT_VIDEO = 1, 3, 34, 42, 43, 47, 48, 49, 50, 62
SYSTEM, SYSMSG = 10000, 10002

_RECALL = re.compile(r"撤回了一条消息|recalled a message|已撤回|withdrew a message", re.I)
_PAT = re.compile(r"拍了拍|\bpatted\b", re.I)
_JOIN = re.compile(r"加入了群聊|加入群聊|joined the group|invited .* to the group", re.I)
_CALL_LEN = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_GROUP_PREFIX = re.compile(r"^([A-Za-z0-9_\-@.]{3,64}):\n", re.S)

_zstd = zstandard.ZstdDecompressor()
_XMLParser = ET.XMLParser


@dataclass
class Parsed:
    kind: MessageKind
    text: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    reply_to: str | None = None
    source_suffix: str = ""         # appended to the stable key (recall notices)
    media: dict[str, Any] = field(default_factory=dict)   # hints for attachment lookup
    unparsable: str | None = None   # reason when the XML could not be read


def parse_xml(s: str | None) -> ET.Element | None:
    """Parse untrusted XML with defusedxml; None on any problem (caller flags it)."""
    if not s or len(s) > MAX_XML or (len(s) > MAX_TAGS and s.count("<") > MAX_TAGS):
        return None
    s = s.strip()
    start = s.find("<")
    if start < 0:
        return None
    body = s[start:]
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        return None          # WeChat never writes a DTD; one here is hostile (or broken): flagged, not parsed
    try:
        # No DTD means no entity can be declared: only the five predefined entities and character
        # references exist, so nothing expands and nothing external is fetched. That is everything
        # defusedxml guards against here, and the C parser (expat via _elementtree) is ~10x faster
        # than defusedxml's pure-Python parser class. defusedxml stays as the second line: any
        # spelling expat would read as a DTD that the check above missed is refused by it.
        if "<!" in body and "<!" in body.replace("<![CDATA[", "").replace("<!--", ""):
            return _defused_fromstring(body, forbid_dtd=True)
        parser = _XMLParser()
        parser.feed(body)
        return parser.close()
    except (ET.ParseError, DefusedXmlException, ValueError, RecursionError):
        return None


def _t(el: ET.Element | None, path: str) -> str | None:
    """The stripped text of the first `path` under `el`; None when absent or blank."""
    if el is None:
        return None
    val = el.findtext(path)      # None: no such element; "": it has no text
    if not val:
        return None
    return val.strip() or None


def _int(v: Any) -> int | None:
    if v is None:               # int("None") fails: the same answer without raising
        return None
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    if v is None:
        return None
    try:
        return float(str(v).strip())
    except (TypeError, ValueError):
        return None


_EMPTY = (None, "", {}, [])        # never mutated: compared against only


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in _EMPTY}


def decompress_lz4(blob: bytes | None) -> str | None:
    """PC 3.x CompressContent: an LZ4 block (no size header) of UTF-8 XML with a trailing NUL."""
    if not blob:
        return None
    blob = bytes(blob)
    size = min(max(len(blob) * 255, 1024), MAX_DECOMPRESSED)
    # First into a buffer of a likely size (XML rarely shrinks 8x): the decoder either fills it with
    # exactly the bytes the worst-case buffer would get, or stops for want of room and we go on to
    # the worst case (255x, LZ4's limit), whose allocation is slow to make and free every time.
    guess = len(blob) * 8 + 1024
    if guess < size:
        try:
            return lz4.block.decompress(blob, uncompressed_size=guess).rstrip(b"\x00").decode("utf-8", "replace")
        except (lz4.block.LZ4BlockError, ValueError, MemoryError):
            pass
    try:
        raw = lz4.block.decompress(blob, uncompressed_size=size)
    except (lz4.block.LZ4BlockError, ValueError, MemoryError):
        return None
    return raw.rstrip(b"\x00").decode("utf-8", "replace")


def maybe_zstd(value: bytes | str | None) -> str | None:
    """Weixin 4 message_content: text, or a zstd frame (WCDB_CT_* = 4)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    value = bytes(value)
    if value[:4] == b"\x28\xb5\x2f\xfd":
        try:
            with _zstd.stream_reader(value) as r:
                raw = r.read(MAX_DECOMPRESSED + 1)
        except zstandard.ZstdError:
            return value.decode("utf-8", "replace")
        return raw[:MAX_DECOMPRESSED].decode("utf-8", "replace")
    return value.decode("utf-8", "replace")


def split_group_prefix(content: str | None) -> tuple[str | None, str | None]:
    """'wxid_abc:\\nhello' → ('wxid_abc', 'hello'); used for group messages on Android and Weixin 4."""
    if not content:
        return None, content
    m = _GROUP_PREFIX.match(content)
    if not m:
        return None, content
    return m.group(1), content[m.end():]


def _attrs(el: ET.Element | None) -> dict[str, str]:
    return dict(el.attrib) if el is not None else {}


# --- per type ----------------------------------------------------------------------------

def _image(root: ET.Element | None) -> Parsed:
    a = _attrs(root.find("img") if root is not None else None)
    return Parsed(MessageKind.IMAGE, None, _clean({
        "md5": a.get("md5"), "size": _int(a.get("length")), "hd_size": _int(a.get("hdlength")),
        "width": _int(a.get("cdnthumbwidth")), "height": _int(a.get("cdnthumbheight"))}),
        media={"md5": a.get("md5")})


def _voice(root: ET.Element | None) -> Parsed:
    a = _attrs(root.find("voicemsg") if root is not None else None)
    ms = _int(a.get("voicelength"))
    return Parsed(MessageKind.VOICE, None, _clean({"duration_ms": ms, "format": "silk" if a.get("voiceformat") == "4" else a.get("voiceformat"),
                                                   "size": _int(a.get("length"))}))


def _video(root: ET.Element | None) -> Parsed:
    a = _attrs(root.find("videomsg") if root is not None else None)
    secs = _int(a.get("playlength"))
    return Parsed(MessageKind.VIDEO, None, _clean({
        "duration_ms": secs * 1000 if secs is not None else None, "size": _int(a.get("length")),
        "md5": a.get("md5") or a.get("newmd5")}), media={"md5": a.get("md5") or a.get("newmd5")})


def _sticker(root: ET.Element | None) -> Parsed:
    a = _attrs(root.find("emoji") if root is not None else None)
    return Parsed(MessageKind.STICKER, None, _clean({
        "md5": a.get("md5"), "url": a.get("cdnurl"), "width": _int(a.get("width")),
        "height": _int(a.get("height")), "product_id": a.get("productid")}))


def _location(root: ET.Element | None) -> Parsed:
    a = _attrs(root.find("location") if root is not None else None)
    label = a.get("label") or None
    poi = a.get("poiname") or None
    return Parsed(MessageKind.LOCATION, poi or label, _clean({
        "lat": _float(a.get("x")), "lon": _float(a.get("y")), "label": label, "poi": poi,
        "scale": _int(a.get("scale"))}))


def _card(root: ET.Element | None) -> Parsed:
    a = _attrs(root)
    return Parsed(MessageKind.CONTACT, a.get("nickname") or a.get("username"), _clean({
        "username": a.get("username"), "nickname": a.get("nickname"), "alias": a.get("alias"),
        "province": a.get("province"), "city": a.get("city"), "sign": a.get("sign"),
        "official_account": a.get("certflag") not in (None, "", "0")}))


def _call(content: str, root: ET.Element | None) -> Parsed:
    msg = _t(root, ".//msg") if root is not None else None
    label = msg or content
    extra: dict[str, Any] = {}
    probe = (label or "")[:2000]
    m = _CALL_LEN.search(probe)
    if m:
        h, mi, s = (int(m.group(1)), int(m.group(2)), m.group(3))
        extra["duration_s"] = (h * 3600 + mi * 60 + int(s)) if s is not None else h * 60 + mi
    room = _t(root, ".//room_type")
    if room is not None:
        extra["room_type"] = room
    if root is not None and root.get("type"):
        extra["voip_type"] = root.get("type")
    low = probe.lower()
    if "取消" in probe or "cancel" in low:
        extra["outcome"] = "cancelled"
    elif "拒绝" in probe or "declin" in low:
        extra["outcome"] = "declined"
    elif "未接" in probe or "missed" in low:
        extra["outcome"] = "missed"
    return Parsed(MessageKind.CALL, label, extra)


def _system(content: str) -> Parsed:
    text = content
    root = parse_xml(content) if content[:64].lstrip().startswith("<") else None
    if root is not None:
        text = "".join(root.itertext()).strip() or content
    head = text[:2000]      # system notices are short; never run the patterns over megabytes
    if _RECALL.search(head):
        return Parsed(MessageKind.RECALLED, text, {"event": "recall"}, source_suffix="-recalled")
    if _PAT.search(head):
        return Parsed(MessageKind.SYSTEM, text, {"event": "pat"})
    if _JOIN.search(head):
        return Parsed(MessageKind.SYSTEM, text, {"event": "join"})
    return Parsed(MessageKind.SYSTEM, text, {})


def _sysmsg(content: str) -> Parsed:
    root = parse_xml(content)
    if root is None:
        p = _system(content)
        p.unparsable = "unparsable XML"
        return p
    stype = root.get("type") or ""
    if stype == "revokemsg":
        text = _t(root, ".//replacemsg") or "A message was recalled"
        return Parsed(MessageKind.RECALLED, text, _clean({"event": "recall", "recalled_id": _t(root, ".//newmsgid")}))
    if stype == "pat":
        return Parsed(MessageKind.SYSTEM, _pat_text(root), _clean({
            "event": "pat", "from": _t(root, ".//fromusername"), "patted": _t(root, ".//pattedusername"),
            "template": _t(root, ".//template")}))
    text = " ".join(t.strip() for t in root.itertext() if t.strip())
    p = _system(text)
    p.extra.setdefault("sysmsg_type", stype)
    return p


def _pat_text(root: ET.Element) -> str:
    tpl = _t(root, ".//template") or ""
    return re.sub(r"\$\{([^}]+)\}", r"\1", tpl) or "pat"


def _record_items(recorditem: str | None) -> list[dict[str, Any]]:
    """Inner messages of a chat-history bundle (the `recorditem` CDATA is XML itself)."""
    root = parse_xml(recorditem)
    if root is None:
        return []
    items = []
    for it in root.iter("dataitem"):
        items.append(_clean({
            "type": _int(it.get("datatype")), "id": it.get("dataid"),
            "sender": _t(it, "sourcename"), "time": _t(it, "sourcetime"),
            "ts": _int(_t(it, "srcMsgCreateTime")),
            "text": _t(it, "datadesc") or _t(it, "datatitle"), "title": _t(it, "datatitle"),
            "file_ext": _t(it, "datafmt"), "size": _int(_t(it, "datasize")),
            "url": _t(it, "link") or _t(it, ".//weburlitem/link"),
        }))
    return items


_TRANSFER_STATE = {1: "sent", 3: "accepted", 4: "returned", 5: "expired", 7: "pending", 8: "received"}


def _appmsg(content: str | None, sub_hint: int | None = None) -> Parsed:
    root = parse_xml(content)
    if root is None:
        kind = MessageKind.UNKNOWN
        p = Parsed(kind, content, {"wechat_type": APP, "wechat_subtype": sub_hint})
        p.unparsable = "unparsable XML" if content else "empty app message"
        return p
    app = root.find("appmsg") if root.tag != "appmsg" else root
    if app is None:
        return Parsed(MessageKind.UNKNOWN, content, {"wechat_type": APP})
    sub = _int(_t(app, "type")) or sub_hint or 0
    title, des, url = _t(app, "title"), _t(app, "des"), _t(app, "url")
    common = _clean({"wechat_subtype": sub, "title": title, "description": des, "url": url,
                     "cover": _t(app, "thumburl") or _t(app, ".//cover"),
                     "source_account": _t(app, "sourceusername") or _t(root, ".//sourceusername"),
                     "source_name": _t(app, "sourcedisplayname") or _t(root, ".//appinfo/appname")})
    if sub == 57:  # quote / reply
        ref = app.find("refermsg")
        quoted = _clean({"type": _int(_t(ref, "type")), "sender": _t(ref, "chatusr") or _t(ref, "fromusr"),
                         "sender_name": _t(ref, "displayname"), "content": _t(ref, "content"),
                         "ts": _int(_t(ref, "createtime"))})
        return Parsed(MessageKind.TEXT, title, {"wechat_subtype": 57, "quoted": quoted},
                      reply_to=_t(ref, "svrid"))
    if sub in (6, 74):  # file (74: announcement of an upload in progress)
        att = app.find("appattach")
        return Parsed(MessageKind.FILE, title, _clean({
            "wechat_subtype": sub, "file_name": title, "size": _int(_t(att, "totallen")),
            "file_ext": _t(att, "fileext"), "md5": _t(app, "md5")}),
            media={"file_name": title, "md5": _t(app, "md5")})
    if sub == 2000:  # transfer
        pay = app.find("wcpayinfo")
        state_code = _int(_t(pay, "paysubtype"))
        return Parsed(MessageKind.PAYMENT, _t(pay, "feedesc") or title, _clean({
            "wechat_subtype": sub, "payment": "transfer", "amount": _t(pay, "feedesc"),
            "state": _TRANSFER_STATE.get(state_code or -1, str(state_code) if state_code is not None else None),
            "memo": _t(pay, "pay_memo"), "transfer_id": _t(pay, "transferid"),
            "payer": _t(pay, "payer_username"), "receiver": _t(pay, "receiver_username")}))
    if sub == 2001:  # red packet
        pay = app.find("wcpayinfo")
        greeting = _t(pay, "receivertitle") or _t(pay, "sendertitle") or title
        return Parsed(MessageKind.PAYMENT, greeting, _clean({
            "wechat_subtype": sub, "payment": "red_packet", "greeting": greeting,
            "amount": _t(pay, "feedesc"), "scene": _t(pay, "scenetext"),
            "state": _t(pay, "paymsgid") and "sent"}))
    if sub in (33, 36, 44, 48):  # mini-program cards
        weapp = app.find("weappinfo")
        return Parsed(MessageKind.LINK, title, dict(common, **_clean({"mini_program": _clean({
            "app_id": _t(weapp, "appid"), "username": _t(weapp, "username"),
            "page": _t(weapp, "pagepath"), "name": _t(app, "sourcedisplayname")})})))
    if sub == 19 or sub == 40:  # chat-history bundle (merged forward)
        items = _record_items(_t(app, "recorditem"))
        return Parsed(MessageKind.TEXT, "\n".join(x for x in (title, des) if x), dict(common, bundle=items))
    if sub == 8:  # custom sticker sent as app message
        return Parsed(MessageKind.STICKER, title, common)
    if sub == 62:  # pat as app message
        return Parsed(MessageKind.SYSTEM, title, dict(common, event="pat"))
    if sub in (87,):  # group announcement
        return Parsed(MessageKind.SYSTEM, des or title, dict(common, event="announcement"))
    if sub == 1:  # plain text shared through an app
        return Parsed(MessageKind.TEXT, title, common)
    if sub == 2:  # image shared through an app
        return Parsed(MessageKind.IMAGE, title, common, media={"md5": _t(app, "md5")})
    if sub == 3 or sub == 76:  # music
        return Parsed(MessageKind.LINK, title, dict(common, media_type="music"))
    if sub == 4:
        return Parsed(MessageKind.LINK, title, dict(common, media_type="video"))
    if sub == 5 or sub == 49 or sub == 51 or sub == 63 or url:
        # links, official-account articles (several items in mmreader), Channels videos
        articles = []
        for item in _mmreader_items(app):
            articles.append(_clean({"title": _t(item, "title"), "url": _t(item, "url"),
                                    "description": _t(item, "digest"), "cover": _t(item, "cover")}))
        if articles:
            common["articles"] = articles
        if sub == 51:
            fi = app.find("finderFeed")
            common["channels"] = _clean({"nickname": _t(fi, "nickname"), "description": _t(fi, "desc")})
        return Parsed(MessageKind.LINK, title or des, common)
    return Parsed(MessageKind.UNKNOWN, title or des or content, dict(common, raw=content))


def _mmreader_items(app: ET.Element) -> Iterator[ET.Element]:
    """`app.iterfind(".//mmreader/category/item")`, spelled out (ElementPath's generators cost more
    than the loops): every mmreader below `app`, its category children, their item children."""
    for reader in app.iter("mmreader"):
        if reader is app:
            continue
        for category in reader:
            if category.tag == "category":
                for item in category:
                    if item.tag == "item":
                        yield item


def parse_message(base: int, sub: int | None, content: str | None, compressed: str | None = None) -> Parsed:
    """Map one WeChat message (base type, sub type, text content, decompressed app XML) to ChatVault."""
    content = content or ""
    if base == TEXT:
        return Parsed(MessageKind.TEXT, content)
    if base == APP:
        return _appmsg(compressed or content, sub)
    if base in (SYSTEM,):
        return _system(content)
    if base == SYSMSG:
        return _sysmsg(content)
    if base == CALL or base in (52, 53, 64):
        return _call(content, parse_xml(content))
    handler = _HANDLERS.get(base)
    if handler is not None:
        root = parse_xml(content)
        p = handler(root)
        if root is None and content.strip():
            p.unparsable = "unparsable XML"
        return p
    if base in (37, 40, 51, 65, 9999, 10001):   # friend requests, possible friends, status sync
        return Parsed(MessageKind.SYSTEM, content, {"wechat_type": base})
    return Parsed(MessageKind.UNKNOWN, content or None, {"wechat_type": base, "wechat_subtype": sub})


_HANDLERS = {IMAGE: _image, VOICE: _voice, VIDEO: _video, SHORT_VIDEO: _video, STICKER: _sticker,
             LOCATION: _location, CONTACT_CARD: _card}
