"""The human text of a message of any kind, as every export writes it (HTML, PDF, CSV, productions).

`describe(message, lang)` turns an `ExportMessage` into one line of text: a text message is its text
as is; other kinds are a bracketed label and their details joined by " · " — "[Photo] IMG-1.jpg ·
1.2 MB · caption", "[Transfer] ¥88.00 · dinner · received", "[Missed video call]", "[Location]
上海虹桥站 · 申贵路1500号 · 31.194213, 121.320474". `state_line` says what happened to a message
(edited, recalled, deleted at the source): exports show these states, never hide them.

The `extra` keys read are the importers' (chatvault/importers/*), per kind:
- media: the attachment's original_name/size/duration_ms/status (Telegram puts duration_seconds and
  sticker_emoji in the attachment's extra; WeChat puts size/duration_ms in the message's extra;
  WhatsApp marks "<Media omitted>" with media_omitted);
- location: WeChat lat/lon/poi/label (label is the address line), Telegram latitude/longitude/
  place_name/address, WhatsApp latitude/longitude/url or live, the demo archive name/address;
- payment: WeChat `payment` (transfer, red_packet) with `amount` as WeChat shows it ("￥88.00"),
  memo/greeting/state; the demo archive `type` and a bare amount with `currency`; a Telegram invoice
  (kind link, `invoice_information` with the amount in minor units) is a payment request;
- call: Telegram action/duration_seconds/discard_reason, WeChat duration_s/outcome, demo type/
  duration_ms; the direction is who sent it (from_me: outgoing);
- contact: Telegram contact{first_name,last_name,phone_number}, WeChat nickname/alias/username,
  demo name/detail; poll: Telegram poll{question,answers[{text,voters,chosen}],closed,total_voters},
  WhatsApp poll{question,options[{text,votes}]}, demo options[str];
- recall: a kept message recalled later carries extra.recalled {at, notice, by_me}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from chatvault.export.selection import ExportMessage
from chatvault.export.words import words

MEDIA_KINDS = frozenset(("image", "video", "voice", "file"))

# Currency codes → the symbol written before the amount; a code without one is written after it.
_SYMBOL = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$",
           "TWD": "NT$", "KRW": "₩", "INR": "₹", "RUB": "₽", "AUD": "A$", "CAD": "CA$", "SGD": "S$"}
# What a source writes around an amount → the currency it means (WeChat writes "￥88.00" or "88.00元").
_MARK = {"¥": "CNY", "￥": "CNY", "元": "CNY", "rmb": "CNY", "cny": "CNY", "$": "USD", "us$": "USD",
         "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR", "₽": "RUB", "hk$": "HKD", "nt$": "TWD"}
_ZERO_DECIMALS = frozenset(("JPY", "KRW"))
_AMOUNT = re.compile(r"^\s*(?P<pre>[^\d\s.,+\-]*)\s*(?P<num>[+\-]?\d[\d,]*(?:\.\d+)?)\s*(?P<post>[^\d\s]*)\s*$")
_VIDEO = re.compile(r"video|视频|視訊", re.I)
_MISSED = re.compile(r"missed|未接", re.I)


def describe(message: ExportMessage, lang: str = "en") -> str:
    """The message as one human text, in `lang` ("en" or "zh_CN")."""
    w = words(lang)
    kind = message.kind
    fn = _KINDS.get(kind)
    if fn is None:
        return _bracket(w, w.get(f"kind.{kind}", w["kind.unknown"]), [message.text])
    return fn(message, w)


def kind_label(kind: str, lang: str = "en") -> str:
    w = words(lang)
    return w.get(f"kind.{kind}", w["kind.unknown"])


def states(message: ExportMessage) -> list[str]:
    """Machine names of the message's states: edited, recalled, deleted_at_source."""
    out = []
    if message.is_edited:
        out.append("edited")
    if message.kind == "recalled" or recall_of(message) is not None:
        out.append("recalled")
    if message.status == "missing-at-source":
        out.append("deleted_at_source")
    return out


def state_line(message: ExportMessage, lang: str = "en") -> str:
    """"Edited 2024-03-05 14:07 UTC+08:00 · Recalled by you · Deleted at source", or ""."""
    w = words(lang)
    parts = []
    if message.is_edited:
        parts.append(w["state.edited_at"].format(at=when(message.edited_at, message.tz_offset))
                     if message.edited_at else w["state.edited"])
    recalled = recall_of(message)
    if recalled is not None:
        mine = bool(recalled.get("by_me"))
        at = recalled.get("at")
        if isinstance(at, int):
            parts.append(w["state.recalled_by_me_at" if mine else "state.recalled_at"].format(
                at=when(at, message.tz_offset)))
        else:
            parts.append(w["state.recalled_by_me" if mine else "state.recalled"])
    if message.status == "missing-at-source":
        parts.append(w["state.deleted"])
    return w["list"].join(parts)


def forwarded_line(message: ExportMessage, lang: str = "en") -> str:
    """"Forwarded from Anna", "Forwarded", or ""."""
    w = words(lang)
    if message.forwarded_from:
        return w["state.forwarded"].format(who=message.forwarded_from)
    return w["state.forwarded_plain"] if message.extra.get("forwarded") else ""


def recall_of(message: ExportMessage) -> dict[str, Any] | None:
    """The recall of a message the vault kept (its notice came later), or None."""
    r = message.extra.get("recalled")
    return r if isinstance(r, dict) and message.kind != "recalled" else None


def when(ms: int | None, tz_offset: int | None) -> str:
    """"2024-03-05 14:07 UTC+08:00" in the message's own offset (UTC when unknown)."""
    if ms is None:
        return ""
    tz = UTC if tz_offset is None else timezone(timedelta(minutes=tz_offset))
    dt = datetime.fromtimestamp(ms / 1000, tz)
    off = tz_offset or 0
    sign = "+" if off >= 0 else "-"
    return f"{dt:%Y-%m-%d %H:%M} UTC{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}"


# --- small formatters ----------------------------------------------------------------------

def human_size(n: Any) -> str:
    if not isinstance(n, int | float) or isinstance(n, bool) or n <= 0:
        return ""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


def duration(seconds: Any) -> str:
    """3:05, 1:02:03; "" for nothing."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        return ""
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def amount_text(amount: Any, currency: str | None = None, *, minor_units: bool = False) -> str:
    """An amount with its currency written once: "￥88.00" → "¥88.00", ("88", "CNY") → "¥88.00",
    ("12.5", "CHF") → "12.50 CHF", (1000, "USD", minor_units) → "$10.00". Text that is no amount
    (a WeChat red packet's "恭喜发财") is returned as it is."""
    if amount is None or amount == "" or isinstance(amount, bool):
        return ""
    code = (currency or "").strip().upper() or None
    if isinstance(amount, int | float):
        value = float(amount)
        if minor_units:
            value /= 1 if code in _ZERO_DECIMALS else 100
    else:
        m = _AMOUNT.match(str(amount))
        if m is None:
            return str(amount).strip()
        for mark in (m.group("pre"), m.group("post")):
            if mark and mark.lower() in _MARK:
                code = code or _MARK[mark.lower()]
            elif mark and mark.isalpha() and len(mark) == 3:
                code = code or mark.upper()
            elif mark:
                return str(amount).strip()        # something we do not understand: as the source wrote it
        try:
            value = float(m.group("num").replace(",", ""))
        except ValueError:
            return str(amount).strip()
    digits = 0 if code in _ZERO_DECIMALS else 2
    number = f"{value:,.{digits}f}"
    if code is None:
        return number
    symbol = _SYMBOL.get(code)
    return f"{symbol}{number}" if symbol else f"{number} {code}"


def _coord(value: Any) -> str | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _norm(s: str) -> str:
    return " ".join(s.replace("￥", "¥").split()).casefold()


def _bracket(w: dict[str, str], label: str, details: Iterable[Any]) -> str:
    """"[label] a · b · c", leaving out empty details and details already said."""
    parts: list[str] = []
    said = _norm(label)
    for d in details:
        if d is None or isinstance(d, bool):
            continue
        s = str(d).strip()
        if not s or _norm(s) in said:
            continue
        parts.append(s)
        said += "\n" + _norm(s)
    return f"[{label}]" + (" " + w["list"].join(parts) if parts else "")


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):       # Telegram rich text: strings and {"text": ...} parts
        return "".join(v if isinstance(v, str) else str(v.get("text", "")) if isinstance(v, dict) else ""
                       for v in value).strip() or None
    return None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- per kind ------------------------------------------------------------------------------

def _text(m: ExportMessage, w: dict[str, str]) -> str:
    bundle = m.extra.get("bundle")
    if isinstance(bundle, list) and bundle:      # a forwarded chat history (WeChat)
        items = []
        for it in bundle:
            if isinstance(it, dict):
                body = _str(it.get("text")) or _str(it.get("title")) or ""
                who = _str(it.get("sender"))
                items.append(f"{who}: {body}" if who else body)
        return _bracket(w, w["chat_history"], [m.text, *items])
    return m.text or ""


def _media(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    details: list[Any] = []
    atts = m.attachments or [{}]
    for att in atts:
        aex = att.get("extra") or {}
        name = att.get("original_name") or ex.get("file_name") or ex.get("name")
        size = att.get("size") or ex.get("size")
        ms = att.get("duration_ms") or ex.get("duration_ms")
        secs = ms / 1000 if _num(ms) else _num(aex.get("duration_seconds")) or _num(ex.get("duration_seconds")) \
            or _num(ex.get("duration_s"))
        details += [name, duration(secs) if m.kind in ("voice", "video") else None, human_size(size)]
        if aex.get("omitted") or (ex.get("media_omitted") and att.get("status") != "stored"):
            details.append(w["att.omitted"])
        elif att.get("status") == "expired":
            details.append(w["att.expired"])
        elif att.get("status") == "missing":
            details.append(w["att.missing"])
        details += [_str(aex.get("title")), _str(aex.get("performer"))]
    details += [m.text, _str(ex.get("transcript"))]
    return _bracket(w, w[f"kind.{m.kind}"], details)


def _sticker(m: ExportMessage, w: dict[str, str]) -> str:
    emoji = next((a.get("extra", {}).get("sticker_emoji") for a in m.attachments
                  if (a.get("extra") or {}).get("sticker_emoji")), None)
    return _bracket(w, w["kind.sticker"], [emoji, _str(m.extra.get("name")), m.text])


def _location(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    name = _str(ex.get("poi")) or _str(ex.get("place_name")) or _str(ex.get("name"))
    address = _str(ex.get("address")) or _str(ex.get("label"))
    lat = _coord(ex.get("lat", ex.get("latitude")))
    lon = _coord(ex.get("lon", ex.get("longitude")))
    where = f"{lat}, {lon}" if lat is not None and lon is not None else None
    label = w["live_location"] if ex.get("live") or ex.get("live_location_period_seconds") else w["kind.location"]
    text = m.text
    if where is not None and text and ("://" in text or text.startswith("location:")):
        text = None                                # WhatsApp's "location: https://maps..." line: said by the coordinates
    return _bracket(w, label, [name, address, where, text if where or name else text or _str(ex.get("url"))])


def _link(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    inv = ex.get("invoice_information")
    if isinstance(inv, dict):                      # a Telegram invoice: asks to be paid
        return _bracket(w, w["pay.request"], [
            amount_text(inv.get("amount"), _str(inv.get("currency")), minor_units=True),
            _str(inv.get("title")), _str(inv.get("description")), m.text])
    if ex.get("game_title"):
        return _bracket(w, w["game"], [_str(ex.get("game_title")), _str(ex.get("game_description")), m.text])
    mini = ex.get("mini_program")
    label = w["kind.link"]
    details: list[Any] = [m.text, _str(ex.get("title"))]
    if isinstance(mini, dict):
        label = w["mini_program"]
        details.insert(0, _str(mini.get("name")))
    elif ex.get("media_type") == "music":
        label = w["music"]
    articles = ex.get("articles")
    if isinstance(articles, list) and len(articles) > 1:
        label = w["article"]
        details += [_str(a.get("title")) for a in articles if isinstance(a, dict)]
    else:
        details.append(_str(ex.get("description")))
    channels = ex.get("channels")
    if isinstance(channels, dict):
        details.append(_str(channels.get("nickname")))
    details += [_str(ex.get("source_name")) or _str(ex.get("source")), _str(ex.get("url"))]
    return _bracket(w, label, details)


def payment_type(extra: dict[str, Any]) -> str:
    """transfer, red_packet, request or "" (unknown)."""
    kind = str(extra.get("payment") or extra.get("type") or "").lower()
    if kind in ("red_packet", "redpacket", "red-packet", "hongbao", "lucky_money"):
        return "red_packet"
    if kind in ("request", "collect", "payment_request", "aa", "invoice"):
        return "request"
    if kind == "transfer" or extra.get("wechat_subtype") == 2000:
        return "transfer"
    return "red_packet" if extra.get("wechat_subtype") == 2001 else ""


def _payment(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    ptype = payment_type(ex)
    label = w[f"pay.{ptype}"] if ptype else w["kind.payment"]
    raw = ex.get("amount")
    amount = amount_text(raw, _str(ex.get("currency")))
    state = ex.get("state")
    state_words = w.get(f"pay.state.{state}", str(state)) if state else None
    greeting = _str(ex.get("greeting")) or _str(ex.get("memo"))
    text = m.text
    if text is not None and (text == raw or amount_text(text, _str(ex.get("currency"))) == amount):
        text = None                                # WeChat's text is the amount again
    return _bracket(w, label, [amount, greeting, text, _str(ex.get("scene")), state_words])


def _call(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    label_text = m.text or ""
    if ex.get("action") == "group_call":
        what = w["call.group"]
    elif ex.get("is_video") or ex.get("type") == "video" or ex.get("media") == "video" or _VIDEO.search(label_text):
        what = w["call.video"]
    elif ex.get("type") == "voice" or ex.get("media") == "voice" or ex.get("room_type") is not None:
        what = w["call.voice"]
    else:
        what = w["call.any"]
    outcome = str(ex.get("outcome") or ex.get("discard_reason") or "")
    if not outcome and _MISSED.search(label_text):
        outcome = "missed"
    ms = _num(ex.get("duration_ms"))
    secs = ms / 1000 if ms is not None else _num(ex.get("duration_s")) or _num(ex.get("duration_seconds"))
    if outcome in ("missed", "cancelled", "declined", "busy"):
        head = w[f"call.{outcome}"].format(what=what)
    else:
        head = w["call.outgoing" if m.from_me else "call.incoming"].format(what=what)
    head = head[:1].upper() + head[1:]
    known = secs is not None or outcome
    return _bracket(w, head, [duration(secs) if secs else None, None if known else m.text])


def _recalled(m: ExportMessage, w: dict[str, str]) -> str:
    if m.text:
        return m.text
    return w["recalled.by_me"] if m.from_me else w["recalled"]


def _poll(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    poll = ex.get("poll") if isinstance(ex.get("poll"), dict) else {}
    question = _str(poll.get("question")) or m.text
    options = poll.get("answers") or poll.get("options") or ex.get("options") or []
    details: list[Any] = [question]
    for opt in options if isinstance(options, list) else []:
        if isinstance(opt, dict):
            text = _str(opt.get("text")) or ""
            n = opt.get("voters", opt.get("votes"))
            votes = None
            if isinstance(n, int) and not isinstance(n, bool):
                votes = w["poll.vote1"] if n == 1 else w["poll.votes"].format(n=n)
            extra = [x for x in (votes, w["poll.chosen"] if opt.get("chosen") else None) if x]
            details.append(f"○ {text}" + (f" ({w['sep'].join(extra)})" if extra else ""))
        elif _str(opt):
            details.append(f"○ {_str(opt)}")
    if isinstance(poll.get("total_voters"), int):
        details.append(w["poll.voters"].format(n=poll["total_voters"]))
    if poll.get("closed"):
        details.append(w["poll.closed"])
    if m.text and question != m.text and "\n" not in m.text:
        details.append(m.text)
    return _bracket(w, w["kind.poll"], details)


def _contact(m: ExportMessage, w: dict[str, str]) -> str:
    ex = m.extra
    c = ex.get("contact") if isinstance(ex.get("contact"), dict) else {}
    name = " ".join(s for s in (_str(c.get("first_name")), _str(c.get("last_name"))) if s) or None
    name = name or _str(ex.get("name")) or _str(ex.get("nickname"))
    details = [name, _str(c.get("phone_number")), _str(ex.get("detail")), _str(ex.get("alias")),
               None if ex.get("alias") else _str(ex.get("username"))]
    details += [a.get("original_name") for a in m.attachments if a.get("status") != "stored" and a.get("original_name")]
    details.append(m.text)
    return _bracket(w, w["kind.contact"], details)


def _system(m: ExportMessage, w: dict[str, str]) -> str:
    if m.text:
        return m.text
    action = _str(m.extra.get("action"))
    return action.replace("_", " ") if action else w["kind.system"]


def _unknown(m: ExportMessage, w: dict[str, str]) -> str:
    code = m.extra.get("wechat_type")
    return _bracket(w, w["unknown"], [m.text, f"type {code}" if code is not None else None])


_KINDS = {"text": _text, "image": _media, "video": _media, "voice": _media, "file": _media,
          "sticker": _sticker, "location": _location, "link": _link, "payment": _payment, "call": _call,
          "recalled": _recalled, "poll": _poll, "contact": _contact, "system": _system, "unknown": _unknown}
