"""Snapshots from WeChat's own browser cache, taken while an account folder is imported.

Every Chromium simple-cache entry in the imported tree (`chromecache`) whose URL is an article
becomes a snapshot with origin `wechat-cache`, dated when WeChat received the page; its images come
from the same cache (by URL, or by URL without its query: WeChat adds `tp=webp&wxfrom=5`-style
parameters when it loads them). A cached page that already said "deleted"/"blocked" is recorded as a
check of that date. Entries are read through the file-tree layer, so zips and folders both work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chatvault import clock
from chatvault.articles import db, page, snapshot
from chatvault.articles.chromecache import (
    ENTRY_NAME,
    HEADER,
    MAX_KEY,
    CacheEntry,
    NotCacheEntry,
    key_url,
    parse_entry,
    read_key,
)
from chatvault.articles.net import MAX_IMAGE, MAX_PAGE, FetchError, decode_body, decode_html
from chatvault.articles.status import judge
from chatvault.articles.urls import article_link
from chatvault.importers.filetree import FileTree
from chatvault.media.blobstore import BlobStore

MAX_ENTRY = MAX_IMAGE + (1 << 20)


@dataclass
class CacheResult:
    entries: int = 0
    snapshots: int = 0
    gone: int = 0
    problems: list[str] = field(default_factory=list)


def _index(tree: FileTree) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(name, URL) of every cache entry in the tree, and URL (with and without query) → name.
    Reads only each entry's header and key."""
    entries: list[tuple[str, str]] = []
    urls: dict[str, str] = {}
    for name in tree.names():
        if not ENTRY_NAME.search(name):
            continue
        try:
            url = key_url(read_key(tree.read_head(name, HEADER.size + MAX_KEY)))
        except NotCacheEntry:
            continue
        entries.append((name, url))
        urls.setdefault(url, name)
        urls.setdefault(url.split("?", 1)[0], name)
    return entries, urls


def _entry(tree: FileTree, name: str) -> CacheEntry | None:
    if tree.size(name) > MAX_ENTRY:
        return None
    with tree.open(name) as fh:
        data = fh.read(MAX_ENTRY + 1)
    try:
        return parse_entry(data)
    except NotCacheEntry:
        return None


def _image(tree: FileTree, urls: dict[str, str], url: str) -> snapshot.Image:
    name = urls.get(url) or urls.get(url.split("?", 1)[0])
    if name is None:
        return snapshot.Image(url, problem="not in WeChat's cache")
    e = _entry(tree, name)
    if e is None or e.status not in (200, None):
        return snapshot.Image(url, problem="unreadable in WeChat's cache")
    try:
        return snapshot.Image(url, decode_body(e.body, e.encoding, MAX_IMAGE))
    except FetchError as exc:
        return snapshot.Image(url, problem=exc.problem)


def capture(store: BlobStore, conn: Any, tree: FileTree, check: Any = None) -> CacheResult:
    """Take every cached article in `tree` not taken before (its own transactions)."""
    res = CacheResult()
    entries, urls = _index(tree)
    done: set[str] = set()
    for name, url in sorted(entries):
        if check is not None:
            check()
        link = article_link(url)
        if link is None or link.key in done:
            continue
        done.add(link.key)
        res.entries += 1
        e = _entry(tree, name)
        if e is None:
            res.problems.append(f"{name}: not a complete cache entry")
            continue
        try:
            body = decode_body(e.body, e.encoding, MAX_PAGE)
        except FetchError as exc:
            res.problems.append(f"{name}: {exc.problem}")
            continue
        charset = None
        for part in e.headers.get("content-type", "").split(";")[1:]:
            k, _, v = part.strip().partition("=")
            charset = v.strip("\"' ") if k.lower() == "charset" else charset
        text = decode_html(body, charset)
        verdict = judge(e.status or 200, text, None, needs_content=link.platform == "wechat")
        when = int((e.response_time or datetime.now(UTC)).timestamp() * 1000)
        if verdict.status != "available":
            _gone(conn, link, verdict, when)
            res.gone += 1
            continue
        if snapshot.has_snapshot(conn, link.key, "wechat-cache"):
            continue
        images = [_image(tree, urls, u) for u in page.image_urls(text, url)]
        cap = snapshot.Capture(link, "wechat-cache", url, body, text, verdict, when, images, location=name)
        snapshot.save(store, conn, cap)
        res.snapshots += 1
    return res


def _gone(conn: Any, link: Any, verdict: Any, when: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        article_id = db.upsert_article(conn, link, None, None, min(when, clock.now_ms()))
        db.record_check(conn, article_id, verdict.status, verdict.wording, verdict.http_status, at_ms=when)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
