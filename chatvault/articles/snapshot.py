"""Storing a snapshot: the page as received, its offline view and its images, as encrypted blobs.

Blobs are written (durable) first, rows after, in one transaction: a crash between the two leaves
only unreferenced blobs that `check --repair` removes, never a row pointing at nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import filetype

from chatvault import clock
from chatvault.articles import db, page
from chatvault.articles.status import Verdict
from chatvault.articles.urls import ArticleLink
from chatvault.media.blobstore import BlobStore, StoredBlob


@dataclass
class Image:
    url: str
    data: bytes | None = None
    problem: str | None = None


@dataclass
class Capture:
    link: ArticleLink
    origin: str                     # wechat-cache | fetched
    source_url: str
    body: bytes                     # the page as received (decoded transfer encoding)
    text: str                       # the page as text
    verdict: Verdict
    captured_at: int                # ms
    images: list[Image] = field(default_factory=list)
    location: str | None = None     # where in the import it was found (cache file)


def image_mime(data: bytes) -> str | None:
    """The image type the bytes really are (an HTML error page served as an image is not one)."""
    kind = filetype.guess(data[:8192])
    if kind is not None and kind.mime.startswith("image/"):
        return kind.mime
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return None      # SVG can carry scripts and remote references: not kept as an image
    return None


def _record(conn: Any, stored: StoredBlob, mime: str | None) -> None:
    conn.execute("INSERT INTO blobs(id, size, stored_size, mime, created_at) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT(id) DO NOTHING", (stored.id, stored.size, stored.stored_size, mime, clock.now_ms()))


def save(store: BlobStore, conn: Any, cap: Capture) -> int:
    """Write one snapshot; returns its id. Opens and commits its own transaction."""
    kept: dict[str, int] = {}
    image_rows: list[tuple[int, str, StoredBlob | None, str | None, str | None]] = []
    for img in cap.images:
        ordinal = len(image_rows)
        mime = image_mime(img.data) if img.data else None
        if img.data and mime is None and img.problem is None:
            img.problem = "not an image (or an SVG, which is not kept)"
        stored = store.put_bytes(img.data) if img.data and mime else None
        if stored is not None:
            kept[img.url] = ordinal
        image_rows.append((ordinal, img.url, stored, mime, None if stored else (img.problem or "not stored")))
    title, account = page.title_and_account(cap.text)
    view = page.view_html(cap.text, cap.source_url, kept).encode("utf-8")
    html_blob = store.put_bytes(cap.body)
    view_blob = store.put_bytes(view)
    now = clock.now_ms()
    conn.execute("BEGIN IMMEDIATE")
    try:
        article_id = db.upsert_article(conn, cap.link, title, account, cap.captured_at)
        for stored, mime in ((html_blob, "text/html"), (view_blob, "text/html")):
            _record(conn, stored, mime)
        cur = conn.execute(
            "INSERT INTO article_snapshots(article_id, captured_at, origin, source_url, html_blob_id, view_blob_id, size,"
            " images, images_missing, status, status_text, checked_at, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article_id, cap.captured_at, cap.origin, cap.source_url, html_blob.id, view_blob.id, len(cap.body),
             len(kept), len(image_rows) - len(kept), cap.verdict.status, cap.verdict.wording, cap.captured_at,
             cap.location))
        snap_id = int(cur.lastrowid)
        for ordinal, url, stored, mime, problem in image_rows:
            if stored is not None:
                _record(conn, stored, mime)
            conn.execute("INSERT INTO article_images(snapshot_id, ordinal, url, blob_id, mime, size, problem) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (snap_id, ordinal, url[:4096], stored.id if stored else None,
                                                          mime, stored.size if stored else None, problem))
        db.record_check(conn, article_id, cap.verdict.status, cap.verdict.wording, cap.verdict.http_status,
                        at_ms=min(cap.captured_at, now))
        conn.execute("UPDATE articles SET fetch_failed = NULL, fetch_tried_at = ? WHERE id = ?", (now, article_id))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return snap_id


def has_snapshot(conn: Any, key: str, origin: str | None = None) -> bool:
    sql = ("SELECT 1 FROM article_snapshots s JOIN articles a ON a.id = s.article_id WHERE a.key = ?"
           + (" AND s.origin = ?" if origin else "") + " LIMIT 1")
    return conn.execute(sql, (key, origin) if origin else (key,)).fetchone() is not None
