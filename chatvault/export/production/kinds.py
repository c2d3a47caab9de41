"""The words for a message that is not plain text, as the production's RSMF bodies and transcripts
state them (English: review platforms and load files are read by the legal team)."""

from __future__ import annotations

from typing import Any

from chatvault.export.selection import ExportMessage

_LABELS = {"image": "Photo", "video": "Video", "voice": "Voice message", "file": "File", "sticker": "Sticker",
           "location": "Location", "contact": "Contact card", "link": "Link", "payment": "Payment",
           "call": "Call", "system": "System message", "recalled": "Recalled message", "poll": "Poll",
           "unknown": "Unknown message"}


def _join(parts: list[Any]) -> str:
    return ", ".join(str(p) for p in parts if p not in (None, "", [], {}))


def describe_kind(m: ExportMessage) -> str:
    """What the message is, in words; the text itself for a text message."""
    if m.kind == "text":
        return m.text or ""
    label = _LABELS.get(m.kind, m.kind)
    x = m.extra
    if m.kind == "location":
        detail = _join([x.get("place_name") or x.get("title"), x.get("address"),
                        f"{x['latitude']}, {x['longitude']}" if x.get("latitude") is not None else None,
                        "live" if x.get("live") else None])
    elif m.kind == "payment":
        detail = _join([x.get("pay_kind") or x.get("type"), x.get("amount"), x.get("currency"),
                        x.get("state") or x.get("status"), x.get("memo") or x.get("note")])
    elif m.kind == "call":
        detail = _join([x.get("voip_type") or x.get("call_type"), x.get("outcome"),
                        f"{int(x['duration_s'])} s" if isinstance(x.get("duration_s"), int | float) else None])
    elif m.kind == "poll":
        poll = x.get("poll") if isinstance(x.get("poll"), dict) else {}
        answers = poll.get("answers") or poll.get("options") or []
        texts = [a.get("text") if isinstance(a, dict) else a for a in answers] if isinstance(answers, list) else []
        detail = _join([poll.get("question"), " / ".join(str(t) for t in texts if t)])
    elif m.kind == "contact":
        c = x.get("contact")
        detail = _join([c.get("first_name"), c.get("last_name"), c.get("phone_number")]) if isinstance(c, dict) \
            else _join([c])
    elif m.kind == "link":
        detail = _join([x.get("title"), x.get("url")])
    elif m.kind == "system":
        return m.text or label
    elif m.kind == "recalled":
        return m.text or label
    else:
        names = [a.get("original_name") or a.get("expected_path") for a in m.attachments]
        detail = _join(names)
    return f"[{label}: {detail}]" if detail else f"[{label}]"
