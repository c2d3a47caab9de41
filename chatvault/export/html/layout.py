"""The page frame every HTML export page shares: CSP, stylesheet, our one script, navigation, search box.

The Content-Security-Policy allows only files of the export itself (`'self'`): no inline script or
style, no remote image, media, font or frame, no form posting anywhere, no `<base>` rewriting. Pages
carry `<meta name="referrer" content="no-referrer">` so a clicked outside link learns nothing.
"""

from __future__ import annotations

from chatvault.export.html.escaping import esc
from chatvault.export.html.words import EN

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
       "font-src 'self'; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
       "form-action 'none'")


def head(title: str, up: str, attrs: str = "", w: dict[str, str] | None = None) -> str:
    """The document start up to </head>; `attrs` are extra attributes of <html> (ours, already escaped)."""
    lang = (w or EN)["html_lang"]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"{attrs}><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{esc(title)}</title>\n'
        f'<link rel="stylesheet" href="{up}assets/cv.css">\n'
        f'<script src="{up}assets/cv.js" defer></script>\n</head>\n')


def search_box(enabled: bool, w: dict[str, str] | None = None, everything: bool = False) -> str:
    if not enabled:
        return ""
    w = w or EN
    hint = w["search_all" if everything else "search_chat"]
    return ('<form class="search" role="search" id="cv-search">'
            f'<input type="search" id="cv-q" placeholder="{hint}" aria-label="{hint}" '
            f'autocomplete="off"><button type="submit">{w["search"]}</button></form>')


def nav(up: str, chat_title: str | None, prev: str | None, nxt: str | None, label: str,
        search: bool, w: dict[str, str] | None = None) -> str:
    w = w or EN
    parts = [f'<a class="home" href="{up}index.html">{w["all_chats"]}</a>']
    if chat_title is not None:
        parts.append(f'<a class="chat" href="index.html">{esc(chat_title)}</a>')
    pn = []
    pn.append(f'<a class="prev" rel="prev" href="{esc(prev)}">{w["prev"]}</a>' if prev
              else f'<span class="prev off">{w["prev"]}</span>')
    pn.append(f'<span class="here">{esc(label)}</span>')
    pn.append(f'<a class="next" rel="next" href="{esc(nxt)}">{w["next"]}</a>' if nxt
              else f'<span class="next off">{w["next"]}</span>')
    return (f'<header class="top"><nav>{" · ".join(parts)}</nav><nav class="pn">{"".join(pn)}</nav>'
            f'{search_box(search, w)}</header>\n<section id="cv-results" hidden></section>\n')


def pager(prev: str | None, nxt: str | None, w: dict[str, str] | None = None) -> str:
    w = w or EN
    a = f'<a class="prev" rel="prev" href="{esc(prev)}">{w["prev_page"]}</a>' if prev else ""
    b = f'<a class="next" rel="next" href="{esc(nxt)}">{w["next_page"]}</a>' if nxt else ""
    return f'<footer class="pn">{a}{b}</footer>\n'
