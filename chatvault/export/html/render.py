"""One message as HTML: a bubble like the messenger's, every piece of content escaped.

Nothing from the vault reaches the page unescaped: text goes through `html.escape` (quotes too), links
found in text become `<a>` only for http(s)/mailto (others stay text), with `rel="noopener noreferrer"`
and never an image load; attachment paths are our own safe names from `export/media.py`. The renderer
runs a million times for a big chat, so the common case (a plain text message) is a short path of
string joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from chatvault.export.html.escaping import BIDI, bidi_name, esc
from chatvault.export.html.kinds import card, kind_label
from chatvault.export.html.words import html_words
from chatvault.export.media import WRITTEN, ExportedFile
from chatvault.export.selection import ExportMessage

_URL = re.compile(r"\b(?:https?://|mailto:)[^\s<>\"'\u3000-\u303f\uff00-\uffef]+", re.IGNORECASE)
_TRAIL = ".,;:!?)]}’”"
# Bidi overrides/isolates in content must not flip the rest of the page: each bubble is isolated
# (`dir="auto"` + CSS `unicode-bidi: isolate`), and stray controls are shown, not obeyed.


def text_html(text: str) -> str:
    """Escaped text with http(s)/mailto links clickable (opened in a new tab, no referrer)."""
    if BIDI.search(text):
        text = BIDI.sub(bidi_name, text)
    if "://" not in text and "mailto:" not in text.lower():
        return esc(text)
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group().rstrip(_TRAIL)
        end = m.start() + len(url)
        out.append(esc(text[pos:m.start()]))
        out.append(link(url, url))
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def link(url: str, label: str) -> str:
    """A link to an outside address, or plain text if the address is not http(s)/mailto."""
    low = url.strip().lower()
    if not (low.startswith(("http://", "https://", "mailto:"))) or any(c in url for c in "\x00\r\n\t"):
        return esc(label)
    return (f'<a class="ext" href="{esc(url.strip())}" rel="noopener noreferrer nofollow" '
            f'target="_blank">{esc(label)}</a>')


def href(rel: str, up: str) -> str:
    """A relative link to a file of the export (our own safe names; percent-encoded for URLs)."""
    return esc(up + quote(rel, safe="/"))


@dataclass
class Quote:
    """The original of a reply: where it is in this export (page file, anchor) and a snippet."""

    page: str | None           # page file name within the chat folder, None when not exported
    anchor: str | None
    sender: str | None
    snippet: str


@dataclass
class Context:
    """What a page renderer needs besides the message: the chat, the import runs, helpers."""

    group: bool                                     # show sender names on incoming bubbles
    up: str                                         # relative path from a page to the export root
    runs: dict[int, dict[str, Any]]
    source: str                                     # "whatsapp · account"
    add_media: Callable[[dict[str, Any]], ExportedFile] | None
    quote: Callable[[ExportMessage], Quote | None]
    page_name: str = ""
    w: dict[str, str] = field(default_factory=lambda: html_words("en"))
    lang: str = "en"
    _runs_html: dict[tuple[int, str], str] = field(default_factory=dict)

    @property
    def source_row(self) -> str:
        return f"<dt>{self.w['p.source']}</dt><dd>{esc(self.source)}</dd>"

    def run_row(self, run_id: int, label: str) -> str:
        """The provenance line of an import run (rendered once per run, not once per message)."""
        key = (run_id, label)
        cached = self._runs_html.get(key)
        if cached is None:
            run = self.runs.get(run_id)
            text = self.w["p.run"].format(id=run_id)
            if run is not None:
                text += f" · {run.get('format') or ''} · {run.get('path') or ''} · {_ms(run.get('started_at'))}"
            cached = self._runs_html[key] = f"<dt>{self.w[label]}</dt><dd>{esc(text)}</dd>"
        return cached


def message_html(m: ExportMessage, ordinal: int, ctx: Context) -> str:
    """The bubble (or centred line for system messages) of one message, with its provenance toggle."""
    anchor = f"n{ordinal}"
    state = _badges(m, ctx.w)
    prov = _provenance(m, ordinal, ctx)
    if m.kind == "system":
        body = text_html(m.text or kind_label(m, ctx.lang))
        return f'<div class="sys" id="{anchor}" dir="auto">{body}{state}{prov}</div>\n'
    side = "out" if m.from_me else "in"
    cls = f"msg {side}"
    if m.status != "present":
        cls += " gone"
    if m.kind == "recalled" or m.extra.get("recalled"):
        cls += " recalled"
    parts: list[str] = []
    if ctx.group and not m.from_me and m.sender:
        parts.append(f'<div class="who">{esc(m.sender)}</div>')
    if m.forwarded_from:
        parts.append(f'<div class="fwd">{esc(ctx.w["forwarded"].format(who=m.forwarded_from))}</div>')
    if m.reply_to_id is not None or m.reply_to_key:
        parts.append(_reply(m, ctx))
    if m.kind not in ("text", "sticker", "image", "video", "voice", "file"):
        parts.append(card(m, link, ctx.lang))
    if m.text and m.kind not in ("location", "link", "payment", "call", "poll", "contact", "recalled"):
        parts.append(f'<div class="t">{text_html(m.text)}</div>')
    if m.attachments:
        parts.append(_attachments(m, ctx))
    elif m.kind in ("image", "video", "voice", "file", "sticker") and not m.text:
        parts.append(f'<div class="t kind">{esc(kind_label(m, ctx.lang))}</div>')
    reactions = m.extra.get("reactions")
    if reactions:
        parts.append(f'<div class="react">{esc(_reactions(reactions))}</div>')
    parts += _moments(m)
    time = m.time_iso[11:16]
    meta = f'<span class="tm" title="{esc(m.time_iso)}">{time}</span>'
    if m.is_edited:
        meta = f'<span class="ed">{ctx.w["edited"]}</span> ' + meta
    return (f'<div class="{cls}" id="{anchor}"><div class="b" dir="auto">{"".join(parts)}'
            f'<div class="meta">{state}{meta}{prov}</div></div></div>\n')


def _badges(m: ExportMessage, w: dict[str, str]) -> str:
    out = ""
    if m.status != "present":
        out += f'<span class="badge del" title="{w["deleted_title"]}">{w["deleted_badge"]}</span>'
    recall = m.extra.get("recalled")
    if m.kind == "recalled" or recall:
        mine = isinstance(recall, dict) and recall.get("by_me")
        out += f'<span class="badge rec">{w["recalled_by_me" if mine else "recalled"]}</span>'
    return out


def _reply(m: ExportMessage, ctx: Context) -> str:
    q = ctx.quote(m)
    if q is None:
        return f'<blockquote class="q missing">{ctx.w["reply_missing"]}</blockquote>'
    who = f'<b>{esc(q.sender)}</b> ' if q.sender else ""
    text = f'{who}<span>{esc(q.snippet)}</span>'
    if q.page is None or q.anchor is None:
        return f'<blockquote class="q" dir="auto">{text} <i>{ctx.w["not_exported"]}</i></blockquote>'
    target = q.anchor if q.page == ctx.page_name else f"{q.page}{q.anchor}"
    return f'<blockquote class="q" dir="auto"><a class="ql" href="{esc(target)}">{text}</a></blockquote>'


def _attachments(m: ExportMessage, ctx: Context) -> str:
    out: list[str] = []
    for att in m.attachments:
        f = ctx.add_media(att) if ctx.add_media else ExportedFile(
            "not exported", att.get("original_name") or "attachment", att.get("mime"), att.get("size"))
        out.append(_attachment(m, f, att, ctx.up, ctx.w))
    return "".join(out)


def _attachment(m: ExportMessage, f: ExportedFile, att: dict[str, Any], up: str, w: dict[str, str]) -> str:
    name = esc(f.name)
    if f.state != WRITTEN or not f.path:
        why = w.get(f.state, w["media_left_out"])
        return f'<div class="att miss"><span class="fn">{name}</span> <span class="badge">{why}</span></div>'
    src = href(f.path, up)
    kind = f.kind
    if f.path.endswith(".txt") and not (f.name or "").lower().endswith(".txt"):
        kind = "file"                   # made inert (an SVG/HTML "image"): a link to its text, never shown
    if m.kind == "sticker" and kind == "image":
        return f'<img class="sticker" src="{src}" alt="{esc(m.text or "sticker")}" loading="lazy">'
    if kind == "image":
        thumb = href(f.thumb, up) if f.thumb else src
        dims = ""
        if att.get("width") and att.get("height"):
            dims = f' width="{int(att["width"])}" height="{int(att["height"])}"'
        return (f'<a class="img" href="{src}" target="_blank"><img src="{thumb}" alt="{name}"{dims} '
                f'loading="lazy"></a>')
    if kind == "video":
        poster = f' poster="{href(f.thumb, up)}"' if f.thumb else ""
        return (f'<video controls preload="none" src="{src}"{poster}></video>'
                f'<div class="fn"><a href="{src}">{name}</a></div>')
    if kind == "audio":
        return (f'<audio controls preload="none" src="{src}"></audio>'
                f'<div class="fn"><a href="{src}">{name}</a></div>')
    size = f" · {_size(f.size)}" if f.size else ""
    return f'<div class="att"><a class="file" href="{src}">{name}</a><span class="sz">{size}</span></div>'


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _moments(m: ExportMessage) -> list[str]:
    """A Moments post's place and likes (its comments are the replies that quote it)."""
    info = m.extra.get("moments")
    if not isinstance(info, dict) or info.get("type") != "post":
        return []
    out = []
    loc = m.extra.get("location")
    if isinstance(loc, dict) and m.kind != "location":
        place = " · ".join(str(x) for x in (loc.get("poi"), loc.get("address") or loc.get("city")) if x)
        if place:
            out.append(f'<div class="react">📍 {esc(place)}</div>')
    likes = info.get("likes")
    if isinstance(likes, list) and likes:
        names = "、".join(str(lk.get("name") or lk.get("key") or "") for lk in likes if isinstance(lk, dict))
        out.append(f'<div class="react">♡ {esc(names)}</div>')
    return out


def _reactions(value: Any) -> str:
    if isinstance(value, list):
        bits = []
        for r in value:
            if isinstance(r, dict):
                bits.append(f"{r.get('emoji') or r.get('type') or '?'} {r.get('count') or ''}".strip())
            else:
                bits.append(str(r))
        return "  ".join(bits)
    return str(value)


def _provenance(m: ExportMessage, ordinal: int, ctx: Context) -> str:
    """The details toggle: source, original id, status, the import run (file, time), where it was read."""
    w = ctx.w
    rows = [ctx.source_row, f"<dt>{w['p.original']}</dt><dd>{esc(m.source_key)}</dd>"
                            f"<dt>{w['p.vault']}</dt><dd>{m.id}</dd>",
            f'<dt>{w["p.status"]}</dt><dd class="del">{w["p.deleted"]}</dd>' if m.status != "present"
            else f"<dt>{w['p.status']}</dt><dd>{w['p.present']}</dd>"]
    if m.tz_offset is None:
        rows.append(f"<dt>{w['p.time']}</dt><dd>{w['p.no_offset'].format(time=m.time_iso)}</dd>")
    if m.sender_key:
        rows.append(f"<dt>{w['p.sender']}</dt><dd>{esc(m.sender_key)}</dd>")
    if m.first_run_id is not None:
        rows.append(ctx.run_row(m.first_run_id, "p.imported"))
    if m.missing_run_id is not None:
        rows.append(ctx.run_row(m.missing_run_id, "p.gone"))
    if m.location:
        rows.append(f"<dt>{w['p.read_at']}</dt><dd>{esc(m.location)}</dd>")
    if m.is_edited and m.edited_at:
        rows.append(f"<dt>{w['p.edited']}</dt><dd>{_ms(m.edited_at)}</dd>")
    rows.append(f"<dt>{w['p.here']}</dt><dd>{ctx.page_name}#n{ordinal}</dd>")
    return (f'<details class="prov"><summary title="{w["provenance"]}">i</summary>'
            f'<dl>{"".join(rows)}</dl></details>')


def _ms(ms: Any) -> str:
    from chatvault.search.api import iso_time
    return iso_time(int(ms), 0) if isinstance(ms, int) else ""
