"""The card of a non-text message (payment, location, call, link, poll, contact, recall, ...).

The human sentence of a kind comes from `chatvault.export.describe.describe` (shared with the PDF
and CSV exports, so every format says the same thing); this module lays it out as HTML: an icon, the
sentence, and the details that deserve their own line (an amount, coordinates, a link's address).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatvault.export.html.escaping import esc
from chatvault.export.selection import ExportMessage

_ICON = {"payment": "¥", "location": "📍", "call": "📞", "link": "🔗", "poll": "📊", "contact": "👤",
         "recalled": "↩", "unknown": "?", "sticker": "🙂", "image": "🖼", "video": "🎞", "voice": "🎤",
         "file": "📄"}
_LABEL = {"image": "Photo", "video": "Video", "voice": "Voice message", "file": "File", "sticker": "Sticker",
          "location": "Location", "contact": "Contact", "link": "Link", "payment": "Payment", "call": "Call",
          "system": "System message", "recalled": "Recalled message", "poll": "Poll", "unknown": "Message"}


def kind_label(m: ExportMessage) -> str:
    """The sentence for the message's kind (describe() when available, else the kind's name)."""
    try:
        from chatvault.export.describe import describe
    except ImportError:                      # exportdata's describe.py not merged into this tree
        return _LABEL.get(m.kind, m.kind)
    return describe(m) or _LABEL.get(m.kind, m.kind)


def card(m: ExportMessage, link: Callable[[str, str], str]) -> str:
    """The kind's card: icon + sentence + detail lines. `link(url, label)` makes safe outside links."""
    x = m.extra
    lines: list[str] = []
    if m.kind == "payment":
        lines += _fields(x, ("amount", "memo", "greeting", "state", "scene"))
    elif m.kind == "location":
        lat, lon = x.get("lat", x.get("latitude")), x.get("lon", x.get("longitude"))
        for key in ("label", "poi", "title", "address"):
            if x.get(key):
                lines.append(esc(str(x[key])))
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
            lines.append(link(f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
                              f"{lat:.6f}, {lon:.6f}"))
        if m.text:
            lines.append(esc(m.text))
    elif m.kind == "call":
        lines += _fields(x, ("outcome", "duration_seconds", "duration_ms", "discard_reason"))
    elif m.kind == "link":
        title = x.get("title") or m.text
        url = x.get("url")
        if title:
            lines.append(f"<b>{esc(str(title))}</b>")
        if x.get("description"):
            lines.append(esc(str(x["description"])))
        if isinstance(url, str) and url:
            lines.append(link(url, url))
        if m.text and m.text != title:
            lines.append(esc(m.text))
    elif m.kind in ("poll", "contact"):
        lines += _nested(x.get(m.kind))
        if m.text:
            lines.append(esc(m.text))
    icon = _ICON.get(m.kind, "•")
    head = f'<div class="kt"><span class="ic">{icon}</span> {esc(kind_label(m))}</div>'
    body = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="card k-{esc(m.kind)}">{head}{body}</div>'


def _fields(x: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    out = []
    for key in keys:
        value = x.get(key)
        if value not in (None, "", [], {}):
            out.append(f'<span class="fk">{esc(key.replace("_", " "))}</span> {esc(str(value))}')
    return out


def _nested(value: Any) -> list[str]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if isinstance(v, list):
                v = ", ".join(str(i.get("text", i)) if isinstance(i, dict) else str(i) for i in v)
            out.append(f'<span class="fk">{esc(str(k))}</span> {esc(str(v))}')
        return out
    return [esc(str(value))] if value else []
