"""Snapshots from WeChat's own browser cache, taken while an account folder is imported.

Every Chromium cache entry in the imported tree — simple-cache `_0` files (`chromecache`: Android,
macOS) and blockfile cache folders (`blockcache`: Windows) — whose URL is an article
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
from chatvault.articles.blockcache import BlockCache, is_block_file
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


class _Simple:
    """The simple-cache entries of a tree (one `_0` file each)."""

    def __init__(self, tree: FileTree) -> None:
        self.tree = tree

    def entries(self) -> list[tuple[str, Any]]:
        out = []
        for name in self.tree.names():
            if ENTRY_NAME.search(name):
                try:
                    out.append((key_url(read_key(self.tree.read_head(name, HEADER.size + MAX_KEY))), name))
                except NotCacheEntry:
                    continue
        return out

    def read(self, name: str) -> CacheEntry | None:
        if self.tree.size(name) > MAX_ENTRY:
            return None
        with self.tree.open(name) as fh:
            data = fh.read(MAX_ENTRY + 1)
        try:
            return parse_entry(data)
        except NotCacheEntry:
            return None


def _sources(tree: FileTree) -> list[Any]:
    """The simple cache entries, and every blockfile cache folder (a `data_1` block file)."""
    found: list[Any] = [_Simple(tree)]
    for name in tree.names():
        if name.rsplit("/", 1)[-1] == "data_1" and is_block_file(tree.read_head(name, 8)):
            found.append(BlockCache(tree, name.rsplit("/", 1)[0] if "/" in name else ""))
    return found


def _index(tree: FileTree) -> tuple[list[tuple[str, Any, Any]], dict[str, tuple[Any, Any]]]:
    """(url, source, handle) of every cache entry in the tree, and URL (with and without query) →
    (source, handle). Reads only keys."""
    entries: list[tuple[str, Any, Any]] = []
    urls: dict[str, tuple[Any, Any]] = {}
    for source in _sources(tree):
        for url, handle in ((e.url, e) if isinstance(source, BlockCache) else e for e in source.entries()):
            entries.append((url, source, handle))
            urls.setdefault(url, (source, handle))
            urls.setdefault(url.split("?", 1)[0], (source, handle))
    return entries, urls


def _image(urls: dict[str, tuple[Any, Any]], url: str) -> snapshot.Image:
    hit = urls.get(url) or urls.get(url.split("?", 1)[0])
    if hit is None:
        return snapshot.Image(url, problem="not in WeChat's cache")
    e = hit[0].read(hit[1])
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
    for url, source, handle in sorted(entries, key=lambda x: x[0]):
        if check is not None:
            check()
        link = article_link(url)
        if link is None or link.key in done:
            continue
        done.add(link.key)
        res.entries += 1
        name = handle if isinstance(handle, str) else f"{source.prefix}data_1"
        e = source.read(handle)
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
        images = [_image(urls, u) for u in page.image_urls(text, url)]
        cap = snapshot.Capture(link, "wechat-cache", url, body, text, verdict, when, images, location=name)
        snapshot.save(store, conn, cap)
        res.snapshots += 1
    return res


def _gone(conn: Any, link: Any, verdict: Any, when: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        article_id = db.upsert_article(conn, link, None, None, min(when, clock.now_ms()))
        seen = conn.execute("SELECT 1 FROM article_checks WHERE article_id = ? AND checked_at = ? AND status = ?",
                            (article_id, when, verdict.status)).fetchone()
        if seen is None:          # the same cached page read again adds no second check
            db.record_check(conn, article_id, verdict.status, verdict.wording, verdict.http_status, at_ms=when)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
