"""The card of a non-text message (payment, location, call, link, poll, contact, recall, ...).

The human sentence of a kind comes from `chatvault.export.describe.describe` (shared with the PDF
and CSV exports, so every format says the same thing); this module lays it out as HTML: an icon, the
sentence, and the details that deserve a clickable line (a link's address, a location's coordinates).
"""

from __future__ import annotations

from collections.abc import Callable

from chatvault.export.describe import describe
from chatvault.export.html.escaping import esc
from chatvault.export.selection import ExportMessage

_ICON = {"payment": "¥", "location": "📍", "call": "📞", "link": "🔗", "poll": "📊", "contact": "👤",
         "recalled": "↩", "unknown": "?", "sticker": "🙂", "image": "🖼", "video": "🎞", "voice": "🎤",
         "file": "📄"}
_LABEL = {"image": "Photo", "video": "Video", "voice": "Voice message", "file": "File", "sticker": "Sticker",
          "location": "Location", "contact": "Contact", "link": "Link", "payment": "Payment", "call": "Call",
          "system": "System message", "recalled": "Recalled message", "poll": "Poll", "unknown": "Message"}


def kind_label(m: ExportMessage, lang: str = "en") -> str:
    """The message's kind as the shared sentence ("[Red packet] ¥88.00 · 恭喜发财")."""
    return describe(m, lang) or _LABEL.get(m.kind, m.kind)


def card(m: ExportMessage, link: Callable[[str, str], str], lang: str = "en") -> str:
    """The kind's card: icon + the shared sentence, plus what deserves a clickable line (a link's
    address, a location's coordinates). `link(url, label)` makes safe outside links."""
    x = m.extra
    lines: list[str] = []
    if m.kind == "location":
        lat, lon = x.get("lat", x.get("latitude")), x.get("lon", x.get("longitude"))
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
            lines.append(link(f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
                              "OpenStreetMap"))
    elif m.kind == "link":
        url = x.get("url")
        if isinstance(url, str) and url:
            lines.append(link(url, url))
        for art in x.get("articles") or []:
            if isinstance(art, dict) and isinstance(art.get("url"), str):
                lines.append(link(art["url"], str(art.get("title") or art["url"])))
    icon = _ICON.get(m.kind, "•")
    head = f'<div class="kt"><span class="ic">{icon}</span> {esc(kind_label(m, lang))}</div>'
    body = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="card k-{esc(m.kind)}">{head}{body}</div>'
