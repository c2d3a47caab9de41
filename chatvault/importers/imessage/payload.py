"""The plists Messages keeps beside a message: `payload_data` of app and URL balloons (an
`NSKeyedArchiver` archive) and `message_summary_info` (edits and unsent parts, a plain plist).

Read from the shapes public projects document (imessage-exporter's `message_types`); every reader
here takes bytes and never raises: a blob it cannot read gives None / an empty summary.
"""

from __future__ import annotations

import plistlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from chatvault.importers.imessage import typedstream
from chatvault.model import MessageKind

APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
MAX_PLIST = 8 << 20


def load_plist(data: bytes | None) -> Any:
    if not data or len(data) > MAX_PLIST:
        return None
    try:
        return plistlib.loads(bytes(data))
    except Exception:  # noqa: BLE001 - plistlib raises many kinds for damaged input; all mean "unreadable"
        return None


_MALFORMED = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError)


def unarchive(data: bytes | Any) -> Any:
    """An NSKeyedArchiver plist as plain values: dictionaries, lists, strings; NSURL → its string,
    NSData → bytes, other classes → a dict of their fields plus `$class` (the class name); None for
    anything malformed."""
    try:
        return _unarchive(data)
    except _MALFORMED:
        return None


def _unarchive(data: bytes | Any) -> Any:
    top = load_plist(data) if isinstance(data, bytes | bytearray) else data
    if not isinstance(top, dict) or not isinstance(top.get("$objects"), list):
        return None
    objs = top["$objects"]
    memo: dict[int, Any] = {}

    def res(v: Any, depth: int = 0) -> Any:
        if depth > 40:
            return None
        if isinstance(v, plistlib.UID):
            i = v.data
            if i in memo:
                return memo[i]
            if not 0 <= i < len(objs):
                return None
            memo[i] = None                       # cycles resolve to None
            memo[i] = out = res(objs[i], depth + 1)
            return out
        if isinstance(v, list):
            return [res(x, depth + 1) for x in v]
        if not isinstance(v, dict):
            return None if v == "$null" else v
        cls = res(v.get("$class"), depth + 1) if "$class" in v else None
        name = cls.get("$classname") if isinstance(cls, dict) else None
        if "NS.keys" in v and "NS.objects" in v:
            keys = res(v["NS.keys"], depth + 1) or []
            vals = res(v["NS.objects"], depth + 1) or []
            return {str(k): x for k, x in zip(keys, vals, strict=False)}
        if "NS.objects" in v:
            return res(v["NS.objects"], depth + 1)
        if "NS.relative" in v:
            rel, base = res(v["NS.relative"], depth + 1), res(v.get("NS.base"), depth + 1)
            return f"{base or ''}{rel or ''}" if isinstance(rel, str) else None
        if "NS.string" in v:
            return res(v["NS.string"], depth + 1)
        if "NS.data" in v:
            return res(v["NS.data"], depth + 1)
        if "$classname" in v:
            return {"$classname": v["$classname"]}
        out = {k: res(x, depth + 1) for k, x in v.items() if k != "$class"}
        if name:
            out["$class"] = name
        return out

    root = top.get("$top", {}).get("root") if isinstance(top.get("$top"), dict) else None
    return res(root) if root is not None else None


def apple_time(value: float | int | None) -> datetime | None:
    """A Messages time: seconds since 2001 (older databases, plists) or nanoseconds (macOS 10.13+,
    iOS 11+). Told apart by size: no second count since 2001 reaches 10**11 (year 5170)."""
    if value is None or value == 0:
        return None
    try:
        v = float(value)
        if abs(v) >= 1e11:
            v /= 1e9
        return APPLE_EPOCH + timedelta(seconds=v)
    except (OverflowError, ValueError, TypeError):
        return None


# --- balloons --------------------------------------------------------------------------------------

@dataclass
class Balloon:
    kind: MessageKind
    text: str
    extra: dict[str, Any] = field(default_factory=dict)


URL_BALLOON = "com.apple.messages.URLBalloonProvider"
HANDWRITING = "com.apple.Handwriting.HandwritingProvider"
DIGITAL_TOUCH = "com.apple.DigitalTouchBalloonProvider"
APP_PLUGIN = "com.apple.messages.MSMessageExtensionBalloonPlugin"

_CAPTIONS = ("caption", "subcaption", "secondary-subcaption", "tertiary-subcaption", "image-title",
             "image-subtitle")


def _s(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def _nbsp(s: str) -> str:
    return s.replace("\xa0", " ").strip()


def url_balloon(data: bytes | None) -> Balloon | None:
    """A link preview: URL, title, summary, site (RichLink / LPLinkMetadata)."""
    root = unarchive(data)
    if not isinstance(root, dict):
        return None
    meta = root.get("richLinkMetadata") or root.get("metadata") or root
    if not isinstance(meta, dict):
        return None
    url = _s(meta.get("URL")) or _s(meta.get("originalURL"))
    original = _s(meta.get("originalURL"))
    title, summary, site = _s(meta.get("title")), _s(meta.get("summary")), _s(meta.get("siteName"))
    if not (url or title):
        return None
    head = " — ".join(x for x in (title, summary) if x)
    text = "\n".join(x for x in (head, original or url) if x)
    extra = {"url": original or url, "title": title or None, "summary": summary or None, "site": site or None,
             "item_type": _s(meta.get("itemType")) or None}
    return Balloon(MessageKind.LINK, text, {k: v for k, v in extra.items() if v})


def app_balloon(bundle: str, data: bytes | None) -> Balloon | None:
    """An iMessage app message (Apple Pay, Find My, Check In, games, business chat, ...)."""
    root = unarchive(data)
    if not isinstance(root, dict):
        return None
    info = root.get("userInfo") if isinstance(root.get("userInfo"), dict) else {}
    app = _nbsp(_s(root.get("an")))
    ld = _nbsp(_s(root.get("ldtext")))
    caps = [_nbsp(_s(info.get(k))) for k in _CAPTIONS]
    caps = [c for c in caps if c]
    url = _s(root.get("URL"))
    text = ld or " — ".join(dict.fromkeys(caps))          # ldtext: the summary Messages itself reads out
    if app and app.lower() not in text.lower():
        text = f"{app}: {text}" if text else app
    b = bundle.lower()
    if "peerpayment" in b or "passbook" in b or app.lower() in ("apple cash", "apple pay"):
        kind = MessageKind.PAYMENT
    elif "findmy" in b or app.lower() == "find my":
        kind = MessageKind.LOCATION
    elif url.startswith(("http://", "https://")):
        kind = MessageKind.LINK
    else:
        kind = MessageKind.TEXT
    extra: dict[str, Any] = {"app": app or None, "bundle": bundle or None, "captions": caps or None}
    amount = re.search(r"[$€£¥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:USD|EUR|GBP)", text) if kind == MessageKind.PAYMENT else None
    if amount:
        extra["amount"] = amount.group(0)
    if url.startswith(("http://", "https://")):
        extra["url"] = url
    elif url:
        extra["app_url"] = unquote(url)[:2000]
    return Balloon(kind, text or bundle, {k: v for k, v in extra.items() if v})


def balloon(bundle: str | None, data: bytes | None) -> Balloon | None:
    """The readable form of a balloon, or None when `bundle` is none or its payload is unreadable."""
    try:
        return _balloon(bundle, data)
    except _MALFORMED:
        return None


def _balloon(bundle: str | None, data: bytes | None) -> Balloon | None:
    if not bundle:
        return None
    if bundle == URL_BALLOON:
        return url_balloon(data)
    if bundle == HANDWRITING:           # strokes in a private protobuf: kept, named, not drawn
        return Balloon(MessageKind.UNKNOWN, "Handwritten message", {"app": "handwriting", "not_read": "strokes"})
    if bundle == DIGITAL_TOUCH:
        return Balloon(MessageKind.UNKNOWN, "Digital Touch message", {"app": "digital-touch", "not_read": "strokes"})
    if bundle.startswith(APP_PLUGIN) or data:
        return app_balloon(bundle.split(":")[-1], data)
    return None


# --- edits and unsent parts ------------------------------------------------------------------------

@dataclass
class Summary:
    edits: list[dict[str, Any]] = field(default_factory=list)   # {"part", "at", "text"} oldest first
    edited_parts: list[int] = field(default_factory=list)
    unsent_parts: list[int] = field(default_factory=list)
    part_ranges: dict[int, tuple[int, int]] = field(default_factory=dict)   # part → (offset, length)


def _ints(v: Any) -> list[int]:
    return [int(x) for x in v if isinstance(x, int)] if isinstance(v, list) else []


def summary(data: bytes | None) -> Summary:
    """`message_summary_info`: `ec` part → every version [{d: seconds since 2001, t: typedstream}],
    `ep` edited parts, `rp` retracted (unsent) parts, `otr` part → {lo, le} original ranges."""
    try:
        return _summary(data)
    except _MALFORMED:
        return Summary()


def _summary(data: bytes | None) -> Summary:
    s = Summary()
    root = load_plist(data)
    if not isinstance(root, dict):
        return s
    ec = root.get("ec")
    if isinstance(ec, dict):
        for part, versions in sorted(ec.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0):
            if not isinstance(versions, list):
                continue
            for v in versions:
                if not isinstance(v, dict):
                    continue
                at = apple_time(v.get("d")) if isinstance(v.get("d"), int | float) else None
                t = v.get("t")
                text = typedstream.text_of(t) if isinstance(t, bytes) else None
                s.edits.append({"part": int(part) if str(part).isdigit() else part,
                                "at": at.isoformat() if at else None, "text": text})
    s.edited_parts = _ints(root.get("ep"))
    s.unsent_parts = _ints(root.get("rp"))
    otr = root.get("otr")
    if isinstance(otr, dict):
        for part, r in otr.items():
            if str(part).isdigit() and isinstance(r, dict):
                s.part_ranges[int(part)] = (int(r.get("lo") or 0), int(r.get("le") or 0))
    return s
