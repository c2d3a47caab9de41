"""The words of a card message (file, link, payment, location, contact, poll) and of a missing attachment,
read from the keys the importers actually store in `extra` (see each importer):

- WeChat transfer / red packet: `payment` = "transfer" | "red_packet", `amount` as WeChat wrote it
  ("¥88.00"), `memo`, `greeting`, `state`; the demo archive writes `type` and a bare "88.00".
- Location: WeChat `label` (address) + `poi` (place); Telegram `place_name` / `address` and
  `latitude` / `longitude`; WhatsApp `latitude` / `longitude` / `url`; the demo `name` / `address`.
- Contact: Telegram `contact` {first_name, last_name, phone_number}; WeChat `nickname` / `alias`;
  the demo `name` / `detail`.
- Poll: Telegram `poll` {question, answers[{text, voters}]}; WhatsApp `poll` {question,
  options[{text, votes}]}; the demo `options` (plain strings).
- WhatsApp "<Media omitted>": the attachment's `extra.omitted` (the chat was exported without media).

The strings keep the `BubbleDelegate` translation context they had when they lived in bubbles.py.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication

from chatvault.gui import timefmt
from chatvault.gui.articles.wording import saved_copy_line

_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


def human_size(n: int | None) -> str:
    if not n:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def att_extra(att: dict[str, Any]) -> dict[str, Any]:
    """An attachment row's `extra` as a dict (the row holds JSON text)."""
    raw = att.get("extra")
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def payment_kind(ex: dict[str, Any]) -> str:
    """"red_packet" or "transfer": importers store `payment`, the demo archive `type`."""
    kind = ex.get("payment") or ex.get("type") or "transfer"
    return "red_packet" if kind in ("red_packet", "redpacket", "hongbao") else "transfer"


def money(amount: Any, currency: str | None) -> str:
    """The amount once, with one currency symbol: WeChat writes "¥88.00" itself, the demo "88.00"."""
    text = str(amount or "").strip()
    if not text:
        return ""
    if not (text[0].isdigit() or text[0] in "-+."):
        return text                                   # "¥88.00", "$5", "HK$10" as the source wrote it
    cur = (currency or "CNY").upper()
    symbol = _SYMBOLS.get(cur)
    return f"{symbol}{text}" if symbol else f"{text} {cur}"


def _payment(msg: dict[str, Any], ex: dict[str, Any]) -> tuple[str, list[str], str]:
    red = payment_kind(ex) == "red_packet"
    amount = money(ex.get("amount") or (msg.get("text") if not red else None), ex.get("currency"))
    states = {
        "pending": QCoreApplication.translate("BubbleDelegate", "Pending"),
        "sent": QCoreApplication.translate("BubbleDelegate", "Sent"),
        "received": QCoreApplication.translate("BubbleDelegate", "Received"),
        "accepted": QCoreApplication.translate("BubbleDelegate", "Received"),
        "returned": QCoreApplication.translate("BubbleDelegate", "Returned"),
        "expired": QCoreApplication.translate("BubbleDelegate", "Expired"),
    }
    state = states.get(str(ex.get("state") or ""), "")
    label = QCoreApplication.translate("BubbleDelegate", "Red packet") if red else \
        QCoreApplication.translate("BubbleDelegate", "Transfer")
    title = ex.get("memo") or ex.get("greeting") or (msg.get("text") if red else None) or label
    lines = [amount if amount != title else "", state]
    return title, [x for x in lines if x], label


def _location(msg: dict[str, Any], ex: dict[str, Any]) -> tuple[str, list[str], str]:
    name = ex.get("poi") or ex.get("place_name") or ex.get("name") or msg.get("text") or ""
    address = ex.get("address") or ex.get("label") or ""
    lat = ex.get("lat") if ex.get("lat") is not None else ex.get("latitude")
    lon = ex.get("lon") if ex.get("lon") is not None else ex.get("longitude")
    coords = f"{lat:.5f}, {lon:.5f}" if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) else ""
    if name.startswith(("http://", "https://")) and coords:   # WhatsApp's text is the maps link
        name = ""
    if ex.get("live"):
        name = name or QCoreApplication.translate("BubbleDelegate", "Live location")
    title = name or address or coords or QCoreApplication.translate("BubbleDelegate", "Location")
    lines = [x for x in (address if address != title else "", coords if coords != title else "") if x]
    return title, lines, QCoreApplication.translate("BubbleDelegate", "Location")


def _contact(msg: dict[str, Any], ex: dict[str, Any]) -> tuple[str, list[str], str]:
    c = ex.get("contact") if isinstance(ex.get("contact"), dict) else {}
    full = " ".join(str(c.get(k)) for k in ("first_name", "last_name") if c.get(k)).strip()
    name = ex.get("name") or full or ex.get("nickname") or msg.get("text") or ex.get("username") or ""
    details = [ex.get("detail"), c.get("phone_number"), ex.get("alias") and f"ID: {ex['alias']}",
               " ".join(x for x in (ex.get("province"), ex.get("city")) if x)]
    return name, [str(d) for d in details if d], QCoreApplication.translate("BubbleDelegate", "Contact card")


def _poll(msg: dict[str, Any], ex: dict[str, Any]) -> tuple[str, list[str], str]:
    poll = ex.get("poll") if isinstance(ex.get("poll"), dict) else {}
    question = poll.get("question") or msg.get("text") or ""
    if isinstance(question, list):      # Telegram rich text
        question = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in question)
    options = poll.get("answers") or poll.get("options") or ex.get("options") or []
    lines = []
    for o in options if isinstance(options, list) else []:
        if isinstance(o, dict):
            votes = o.get("voters", o.get("votes"))
            text = str(o.get("text") or "")
            if isinstance(votes, int):
                text += "  · " + QCoreApplication.translate("BubbleDelegate", "%n vote(s)", None, votes)
            lines.append(f"○ {text}")
        else:
            lines.append(f"○ {o}")
    if isinstance(poll.get("total_voters"), int):
        lines.append(QCoreApplication.translate("BubbleDelegate", "%n vote(s)", None, poll["total_voters"]))
    return str(question), lines, QCoreApplication.translate("BubbleDelegate", "Poll")


def card_lines(msg: dict[str, Any]) -> tuple[str, list[str], str]:
    """(title, detail lines, footer) of a card message."""
    kind, ex = msg["kind"], msg["extra"]
    att = (msg.get("attachments") or [{}])[0]
    if kind == "file":
        name = att.get("original_name") or ex.get("file_name") or ex.get("name") or msg.get("text") \
            or QCoreApplication.translate("BubbleDelegate", "File")
        lines = [human_size(att.get("size") or ex.get("size"))]
        if att and att.get("status") != "stored":
            lines.append(missing_reason(att, "file"))
        return name, [x for x in lines if x], QCoreApplication.translate("BubbleDelegate", "File")
    if kind == "link":
        url = ex.get("url") or ""
        title = ex.get("title") or ex.get("game_title") or msg.get("text") or url
        desc = ex.get("description") or ex.get("game_description") or ""
        saved = saved_copy_line(msg.get("article"))
        return title, [x for x in (desc, url if url != title else "", saved) if x], \
            ex.get("source") or ex.get("source_name") or QCoreApplication.translate("BubbleDelegate", "Link")
    if kind == "payment":
        return _payment(msg, ex)
    if kind == "location":
        return _location(msg, ex)
    if kind == "contact":
        return _contact(msg, ex)
    if kind == "poll":
        return _poll(msg, ex)
    return msg.get("text") or "", [], ""


def missing_reason(att: dict[str, Any] | str | None, kind: str) -> str:
    """Why an attachment is not in the vault, and what the user can do about it."""
    if isinstance(att, dict):
        status, extra = att.get("status"), att_extra(att)
    else:
        status, extra = att, {}
    if status == "expired":
        return QCoreApplication.translate(
            "BubbleDelegate", "Expired on the phone before the export: it cannot be recovered from this export.")
    if extra.get("omitted"):
        return QCoreApplication.translate(
            "BubbleDelegate", "The chat was exported without media. Export it again with media included, then re-import.")
    if kind == "image":
        return QCoreApplication.translate(
            "BubbleDelegate", "The original was never downloaded. Open it in the app, then re-import.")
    return QCoreApplication.translate(
            "BubbleDelegate", "Not in the export. Open it in the app to download it, then re-import.")


def voice_seconds(msg: dict[str, Any]) -> int:
    """A voice note's length in whole seconds: the message's `duration_ms` (WeChat), the attachment's
    column, or the attachment's `duration_seconds` (Telegram, vaults imported before the column was
    filled from it)."""
    ex = msg.get("extra") or {}
    atts = msg.get("attachments") or [{}]
    ms = ex.get("duration_ms") or atts[0].get("duration_ms")
    if not ms:
        secs = att_extra(atts[0]).get("duration_seconds") or ex.get("duration_seconds")
        ms = secs * 1000 if isinstance(secs, (int, float)) else 0
    return max(0, round(float(ms) / 1000)) if isinstance(ms, (int, float)) else 0


def voice_label(msg: dict[str, Any], position_ms: int | None = None) -> str:
    """"0:07" for a voice note, or "0:03 / 0:07" while it plays."""
    total = timefmt.duration(voice_seconds(msg))
    if position_ms is None:
        return total
    return f"{timefmt.duration(position_ms / 1000)} / {total}"
