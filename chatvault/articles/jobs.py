"""Fetching and checking articles: the jobs behind `chatvault articles fetch|check` and the app's button.

Both need the user's consent (a `Fetcher` cannot be made without it). Fetching takes each article
that has no snapshot yet, once: the page, then its images from the allowed image hosts; a page the
source already answers with "deleted"/"blocked"/404 is recorded as such (nothing to save). Checking
asks the source again for articles that have a snapshot and records what it says now; the snapshot
is never replaced. Network time is spent without the writer lock; each snapshot is written under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chatvault import clock
from chatvault.articles import db, index, page, snapshot
from chatvault.articles.net import MAX_IMAGE, MAX_PAGE, Fetcher, FetchError
from chatvault.articles.status import Verdict, judge
from chatvault.articles.urls import ARTICLE_HOSTS, article_link, image_host_allowed
from chatvault.errors import Cancelled, VaultInUse
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore

MAX_IMAGES_TOTAL = 80 << 20          # all images of one article together
RETRY_AFTER_MS = 6 * 3600 * 1000      # a failed fetch is tried again after this long
LOCK_WAIT_S = 60.0


@dataclass
class Outcome:
    fetched: list[dict] = field(default_factory=list)
    checked: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    requests: int = 0
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "checked": self.checked, "failed": self.failed, "requests": self.requests,
                "cancelled": self.cancelled}


def _page_allowed(url: str) -> bool:
    return (article_link(url) is not None) or ((url.split("/")[2:3] or [""])[0].lower() in ARTICLE_HOSTS)


def _locked(vault: Any, ctx: JobContext, fn: Callable[[], Any]) -> Any:
    """Run `fn` under the writer lock (waiting politely while an import holds it)."""
    lock = vault.writer_lock
    if lock.held:
        return fn()
    waited = 0.0
    while True:
        try:
            lock.acquire("saving articles")
            break
        except VaultInUse:
            if waited >= LOCK_WAIT_S:
                raise
            ctx.check()
            time.sleep(0.5)
            waited += 0.5
    try:
        return fn()
    finally:
        lock.release()


def _images(fetcher: Fetcher, host: str, urls: list[str], ctx: JobContext) -> list[snapshot.Image]:
    out, total = [], 0
    for url in urls:
        ctx.check()
        if not image_host_allowed(host, url):
            out.append(snapshot.Image(url, problem="not fetched: not on the article's image hosts"))
            continue
        if total >= MAX_IMAGES_TOTAL:
            out.append(snapshot.Image(url, problem=f"not fetched: the article's images passed {MAX_IMAGES_TOTAL >> 20} MiB"))
            continue
        try:
            r = fetcher.get(url, max_bytes=MAX_IMAGE, allow=lambda u: image_host_allowed(host, u),
                            cancelled=lambda: ctx.cancelled)
        except FetchError as exc:
            out.append(snapshot.Image(url, problem=exc.problem))
            continue
        if r.status != 200:
            out.append(snapshot.Image(url, problem=f"HTTP {r.status} {r.reason}".strip()))
            continue
        total += len(r.body)
        out.append(snapshot.Image(url, r.body))
    return out


def fetch_one(vault: Any, conn: Any, store: BlobStore, fetcher: Fetcher, art: dict, ctx: JobContext, out: Outcome) -> None:
    link = article_link(art["url"])
    if link is None:
        return
    ctx.status(f"Fetching {art['url']}")
    try:
        r = fetcher.get(link.url, max_bytes=MAX_PAGE, allow=_page_allowed, cancelled=lambda: ctx.cancelled)
    except FetchError as exc:
        problem = exc.problem
        _locked(vault, ctx, lambda: _fail(conn, art["id"], problem))
        out.failed.append({"article_id": art["id"], "url": art["url"], "problem": problem})
        return
    text = r.text() if r.status == 200 else ""
    verdict = judge(r.status, text, r.reason, needs_content=link.platform == "wechat")
    if verdict.status != "available":
        def gone() -> None:
            conn.execute("BEGIN IMMEDIATE")
            db.record_check(conn, art["id"], verdict.status, verdict.wording, verdict.http_status)
            conn.execute("UPDATE articles SET fetch_failed = ?, fetch_tried_at = ? WHERE id = ?",
                         (f"{verdict.status}: {verdict.wording}", clock.now_ms(), art["id"]))
            conn.execute("COMMIT")
        _locked(vault, ctx, gone)
        out.failed.append({"article_id": art["id"], "url": art["url"], "status": verdict.status,
                           "problem": verdict.wording})
        return
    images = _images(fetcher, link.host, page.image_urls(text, r.url), ctx)
    cap = snapshot.Capture(link, "fetched", r.url, r.body, text, verdict, clock.now_ms(), images)
    snap_id = _locked(vault, ctx, lambda: snapshot.save(store, conn, cap))
    out.fetched.append({"article_id": art["id"], "url": art["url"], "snapshot_id": snap_id,
                        "images": sum(1 for i in images if i.data), "images_missing": sum(1 for i in images if not i.data)})


def _fail(conn: Any, article_id: int, problem: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    db.mark_fetch_failed(conn, article_id, problem)
    conn.execute("COMMIT")


def check_one(vault: Any, conn: Any, fetcher: Fetcher, art: dict, ctx: JobContext, out: Outcome) -> None:
    link = article_link(art["url"])
    if link is None:
        return
    ctx.status(f"Checking {art['url']}")
    try:
        r = fetcher.get(link.url, max_bytes=MAX_PAGE, allow=_page_allowed, cancelled=lambda: ctx.cancelled)
        verdict = judge(r.status, r.text() if r.status == 200 else "", r.reason, needs_content=link.platform == "wechat")
    except FetchError as exc:
        verdict = Verdict("unavailable", exc.problem, exc.http_status)

    def write() -> None:
        conn.execute("BEGIN IMMEDIATE")
        db.record_check(conn, art["id"], verdict.status, verdict.wording, verdict.http_status)
        conn.execute("COMMIT")
    _locked(vault, ctx, write)
    out.checked.append({"article_id": art["id"], "url": art["url"], "status": verdict.status,
                        "wording": verdict.wording, "http_status": verdict.http_status})


def refresh_index(vault: Any, conn: Any, ctx: JobContext) -> int:
    """Link messages stored since the last scan (under the writer lock)."""
    return _locked(vault, ctx, lambda: index.scan(conn, ctx.check))


def run(vault: Any, fetcher: Fetcher, ctx: JobContext, *, fetch: bool = True, check_ids: list[int] | None = None,
        recheck_days: int = 0, limit: int = 10_000) -> Outcome:
    """Fetch what has no snapshot (`fetch`), check `check_ids` and, with `recheck_days`, every saved article
    not checked for that long. Cancel stops between requests; what was saved stays."""
    out = Outcome()
    conn = vault.connect()
    store = BlobStore(vault)
    try:
        refresh_index(vault, conn, ctx)
        todo: list[tuple[str, dict]] = []
        if fetch:
            todo += [("fetch", a) for a in db.needing_fetch(conn, limit, RETRY_AFTER_MS)]
        ids = list(check_ids or [])
        if recheck_days > 0:
            ids += [a["id"] for a in db.needing_check(conn, clock.now_ms() - recheck_days * 86_400_000, limit)]
        seen: set[int] = set()
        for aid in ids:
            a = db.article(conn, aid)
            if a is not None and aid not in seen:
                seen.add(aid)
                todo.append(("check", a))
        ctx.set_total(items=len(todo))
        try:
            for what, art in todo:
                ctx.check()
                if what == "fetch":
                    fetch_one(vault, conn, store, fetcher, art, ctx, out)
                else:
                    check_one(vault, conn, fetcher, art, ctx, out)
                ctx.advance(items=1)
        except Cancelled:
            out.cancelled = True
    finally:
        out.requests = fetcher.requests
        conn.close()
    return out


def save_settings(vault: Any, settings: db.NetworkSettings) -> None:
    """Store the user's choice about fetching (consent, pace, re-checks) in the vault."""
    conn = vault.connect()
    try:
        _locked(vault, JobContext(), lambda: db.save_network_settings(conn, settings))
    finally:
        conn.close()
