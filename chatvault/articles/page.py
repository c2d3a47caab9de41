"""An article page: its title, account and images, and the safe offline view made from it.

The view is the article's body only, sanitised with an allowlist (nh3, Rust ammonia): no scripts,
styles, event handlers, forms, frames or remote URLs survive. Each image points at its stored copy
(`cvimg:N`, N = the ordinal in `article_images`); an image that was not stored becomes its alt text.
Links stay as text targets (http/https only) that the viewer never opens by itself.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import nh3

MAX_IMAGES = 300
IMAGE_SCHEME = "cvimg"

_META = re.compile(r"""<meta\s[^>]*?(?:property|name)\s*=\s*["'](?P<name>og:title|og:article:author|author|twitter:title)["']"""
                   r"""[^>]*?content\s*=\s*["'](?P<value>[^"']*)["']""", re.I)
_META_REV = re.compile(r"""<meta\s[^>]*?content\s*=\s*["'](?P<value>[^"']*)["'][^>]*?(?:property|name)\s*=\s*["']"""
                       r"""(?P<name>og:title|og:article:author|author|twitter:title)["']""", re.I)
_JS_VAR = re.compile(r"""var\s+(?P<name>msg_title|nickname)\s*=\s*(?:htmlDecode\()?\s*["'](?P<value>[^"'\n]{1,300})["']""")
_JS_NAME = re.compile(r"""id\s*=\s*["']js_name["'][^>]*>\s*(?P<value>[^<]{1,200})<""", re.I)
_TITLE = re.compile(r"<title[^>]*>(?P<value>[^<]{1,500})</title>", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I | re.S)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def _clean_text(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", html.unescape(html.unescape(value))).strip()
    return text[:500] or None


def title_and_account(page: str) -> tuple[str | None, str | None]:
    head = page[:600_000]
    found: dict[str, str] = {}
    for rx in (_META, _META_REV):
        for m in rx.finditer(head):
            found.setdefault(m.group("name").lower(), m.group("value"))
    for m in _JS_VAR.finditer(head):
        found.setdefault(m.group("name"), m.group("value"))
    title = found.get("og:title") or found.get("twitter:title") or found.get("msg_title")
    if not title and (m := _TITLE.search(head)):
        title = m.group("value")
    account = found.get("nickname") or found.get("og:article:author") or found.get("author")
    if not account and (m := _JS_NAME.search(head)):
        account = m.group("value")
    return _clean_text(title), _clean_text(account)


def _attrs(tag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in _ATTR.findall(tag[4:]):
        if value[:1] in "\"'":
            value = value[1:-1]
        out.setdefault(name.lower(), html.unescape(value))
    return out


def _img_url(attrs: dict[str, str], base: str) -> str | None:
    for name in ("data-src", "data-original", "data-actualsrc", "src"):
        v = (attrs.get(name) or "").strip()
        if v and not v.lower().startswith(("data:", "javascript:", "blob:")):
            url = urljoin(base, v)
            return url if url.startswith(("http://", "https://")) else None
    return None


def image_urls(page: str, base: str) -> list[str]:
    """The article's image URLs in page order, once each, at most MAX_IMAGES."""
    out: list[str] = []
    seen: set[str] = set()
    for m in _IMG.finditer(body_html(page)):
        url = _img_url(_attrs(m.group(0)), base)
        if url and url not in seen:
            seen.add(url)
            out.append(url)
            if len(out) >= MAX_IMAGES:
                break
    return out


class _Body(HTMLParser):
    """Finds the article body: the element with id js_content (WeChat), else <article>, else <body>."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.start: int | None = None
        self.end: int | None = None
        self.depth = 0
        self.kind: str | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.end is not None:
            return
        if self.start is None:
            ids = {k: (v or "") for k, v in attrs}
            if ids.get("id") == "js_content" or tag == "article":
                self.start, self.kind, self.depth = self._offset(), tag, 1
            return
        if tag == self.kind and tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.start is None or self.end is not None or tag != self.kind:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self._offset()


def body_html(page: str) -> str:
    """The part of the page that is the article (see `_Body`), or the whole page."""
    p = _Body()
    p.line_starts = [0] + [m.end() for m in re.finditer("\n", page)]   # type: ignore[attr-defined]
    try:
        p.feed(page)
        p.close()
    except (AssertionError, ValueError):   # html.parser on hopeless input: fall back to the whole page
        return page
    if p.start is None:
        return page
    return page[p.start:p.end if p.end is not None else len(page)]


def view_html(page: str, base: str, stored: dict[str, int]) -> str:
    """The offline view: the sanitised body, every stored image as `cvimg:N`, nothing remote."""
    def fix(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(0))
        url = _img_url(attrs, base)
        alt = html.escape(attrs.get("alt") or "", quote=True)
        if url is not None and url in stored:
            return f'<img src="{IMAGE_SCHEME}:{stored[url]}" alt="{alt}">'
        return f"<span>[{alt or 'image'}]</span>" if alt else ""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return value if value.startswith(IMAGE_SCHEME + ":") and value[len(IMAGE_SCHEME) + 1:].isdigit() else None
        if element == "a" and attribute == "href":
            return value if value.lower().startswith(("http://", "https://")) else None
        return value

    body = _IMG.sub(fix, body_html(page))
    return nh3.clean(body, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", IMAGE_SCHEME},
                     attribute_filter=keep, strip_comments=True, link_rel="noopener noreferrer nofollow")
