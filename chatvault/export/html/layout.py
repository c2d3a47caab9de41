"""The page frame every HTML export page shares: CSP, stylesheet, our one script, navigation, search box.

The Content-Security-Policy allows only files of the export itself (`'self'`): no inline script or
style, no remote image, media, font or frame, no form posting anywhere, no `<base>` rewriting. Pages
carry `<meta name="referrer" content="no-referrer">` so a clicked outside link learns nothing.
"""

from __future__ import annotations

from chatvault.export.html.escaping import esc

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
       "font-src 'self'; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
       "form-action 'none'")


def head(title: str, up: str, attrs: str = "") -> str:
    """The document start up to </head>; `attrs` are extra attributes of <html> (ours, already escaped)."""
    return (
        f'<!DOCTYPE html>\n<html lang="en"{attrs}><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{esc(title)}</title>\n'
        f'<link rel="stylesheet" href="{up}assets/cv.css">\n'
        f'<script src="{up}assets/cv.js" defer></script>\n</head>\n')


def search_box(enabled: bool) -> str:
    if not enabled:
        return ""
    return ('<form class="search" role="search" id="cv-search">'
            '<input type="search" id="cv-q" placeholder="Search this chat" aria-label="Search this chat" '
            'autocomplete="off"><button type="submit">Search</button></form>')


def nav(up: str, chat_title: str | None, prev: str | None, nxt: str | None, label: str,
        search: bool) -> str:
    parts = [f'<a class="home" href="{up}index.html">All chats</a>']
    if chat_title is not None:
        parts.append(f'<a class="chat" href="index.html">{esc(chat_title)}</a>')
    pn = []
    pn.append(f'<a class="prev" rel="prev" href="{esc(prev)}">‹ Previous</a>' if prev
              else '<span class="prev off">‹ Previous</span>')
    pn.append(f'<span class="here">{esc(label)}</span>')
    pn.append(f'<a class="next" rel="next" href="{esc(nxt)}">Next ›</a>' if nxt
              else '<span class="next off">Next ›</span>')
    return (f'<header class="top"><nav>{" · ".join(parts)}</nav><nav class="pn">{"".join(pn)}</nav>'
            f'{search_box(search)}</header>\n<section id="cv-results" hidden></section>\n')


def pager(prev: str | None, nxt: str | None) -> str:
    a = f'<a class="prev" rel="prev" href="{esc(prev)}">‹ Previous page</a>' if prev else ""
    b = f'<a class="next" rel="next" href="{esc(nxt)}">Next page ›</a>' if nxt else ""
    return f'<footer class="pn">{a}{b}</footer>\n'
