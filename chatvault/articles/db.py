"""Reading and writing the article tables (migration m013). Callers own the transactions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatvault import clock
from chatvault.articles.urls import ArticleLink

STATUSES = ("available", "deleted", "blocked", "unavailable")
SETTING_NETWORK = "articles.network"          # '1' when the user allowed fetching
SETTING_INTERVAL = "articles.interval_seconds"
SETTING_RECHECK_DAYS = "articles.recheck_days"
DEFAULT_INTERVAL = 2.0
DEFAULT_RECHECK_DAYS = 0


@dataclass
class NetworkSettings:
    allowed: bool = False
    interval: float = DEFAULT_INTERVAL        # seconds between two requests to one host
    recheck_days: int = DEFAULT_RECHECK_DAYS  # 0: only when asked ("Check again")


def _setting(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def network_settings(conn: Any) -> NetworkSettings:
    s = NetworkSettings(allowed=_setting(conn, SETTING_NETWORK) == "1")
    try:
        s.interval = max(0.1, float(_setting(conn, SETTING_INTERVAL) or DEFAULT_INTERVAL))
        s.recheck_days = max(0, int(_setting(conn, SETTING_RECHECK_DAYS) or DEFAULT_RECHECK_DAYS))
    except ValueError:
        pass
    return s


def save_network_settings(conn: Any, s: NetworkSettings) -> None:
    """Store the consent and its limits (own transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for key, value in ((SETTING_NETWORK, "1" if s.allowed else "0"), (SETTING_INTERVAL, repr(float(s.interval))),
                           (SETTING_RECHECK_DAYS, str(int(s.recheck_days)))):
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value", (key, value))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def upsert_article(conn: Any, link: ArticleLink, title: str | None, account: str | None, seen_ms: int) -> int:
    """The article's id (made when new); a title or account learnt later fills an empty one."""
    conn.execute(
        "INSERT INTO articles(key, url, host, title, account, first_seen) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET title = coalesce(articles.title, excluded.title), "
        "account = coalesce(articles.account, excluded.account), "
        "first_seen = min(articles.first_seen, excluded.first_seen)",
        (link.key, link.url, link.host, (title or None) and title[:500], (account or None) and account[:200], seen_ms))
    return int(conn.execute("SELECT id FROM articles WHERE key = ?", (link.key,)).fetchone()[0])


def link_message(conn: Any, article_id: int, message_id: int, url: str) -> bool:
    cur = conn.execute("INSERT OR IGNORE INTO article_links(article_id, message_id, url) VALUES (?, ?, ?)",
                       (article_id, message_id, url[:4096]))
    return cur.rowcount > 0


def record_check(conn: Any, article_id: int, status: str, wording: str | None, http_status: int | None,
                 at_ms: int | None = None) -> None:
    """One check of the source: history row, and the article's newest known state."""
    at = at_ms if at_ms is not None else clock.now_ms()
    conn.execute("INSERT INTO article_checks(article_id, checked_at, status, http_status, wording) VALUES (?, ?, ?, ?, ?)",
                 (article_id, at, status, http_status, wording))
    conn.execute("UPDATE articles SET status = ?, status_text = ?, checked_at = ? WHERE id = ? "
                 "AND (checked_at IS NULL OR checked_at <= ?)", (status, wording, at, article_id, at))


_LIST = """SELECT a.id, a.key, a.url, a.host, a.title, a.account, a.first_seen, a.status, a.status_text, a.checked_at,
  a.fetch_failed, a.fetch_tried_at,
  (SELECT count(*) FROM article_links l WHERE l.article_id = a.id) AS messages,
  s.id AS snapshot_id, s.captured_at, s.origin, s.size, s.images, s.images_missing
FROM articles a LEFT JOIN article_snapshots s ON s.id = (SELECT max(id) FROM article_snapshots x WHERE x.article_id = a.id)"""


def _row(r: Any) -> dict[str, Any]:
    d = dict(r)
    d["has_snapshot"] = d.get("snapshot_id") is not None
    return d


def list_articles(conn: Any, *, status: str | None = None, saved: bool | None = None, limit: int = 10000) -> list[dict]:
    where, args = [], []
    if status:
        where.append("a.status = ?")
        args.append(status)
    if saved is not None:
        where.append("s.id IS NOT NULL" if saved else "s.id IS NULL")
    sql = _LIST + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.first_seen DESC, a.id DESC LIMIT ?"
    return [_row(r) for r in conn.execute(sql, (*args, limit))]


def article(conn: Any, article_id: int) -> dict[str, Any] | None:
    r = conn.execute(_LIST + " WHERE a.id = ?", (article_id,)).fetchone()
    return None if r is None else _row(r)


def find_article(conn: Any, ref: str) -> dict[str, Any] | None:
    """An article by id, key or any URL that names it."""
    from chatvault.articles.urls import article_link

    if ref.isdigit():
        return article(conn, int(ref))
    link = article_link(ref)
    key = link.key if link else ref
    r = conn.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()
    return None if r is None else article(conn, int(r[0]))


def snapshot(conn: Any, snapshot_id: int) -> dict[str, Any] | None:
    r = conn.execute("SELECT * FROM article_snapshots WHERE id = ?", (snapshot_id,)).fetchone()
    if r is None:
        return None
    d = dict(r)
    d["image_rows"] = [dict(x) for x in conn.execute(
        "SELECT ordinal, url, blob_id, mime, size, problem FROM article_images WHERE snapshot_id = ? ORDER BY ordinal",
        (snapshot_id,))]
    return d


def snapshots_of(conn: Any, article_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT id, captured_at, origin, source_url, size, images, images_missing, status, status_text, checked_at "
        "FROM article_snapshots WHERE article_id = ? ORDER BY captured_at", (article_id,))]


def checks_of(conn: Any, article_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT checked_at, status, http_status, wording FROM article_checks WHERE article_id = ? ORDER BY checked_at, id",
        (article_id,))]


def messages_of(conn: Any, article_id: int, limit: int = 1000) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT m.id, m.conversation_id, m.ts, m.kind, l.url FROM article_links l JOIN messages m ON m.id = l.message_id "
        "WHERE l.article_id = ? ORDER BY m.ts LIMIT ?", (article_id, limit))]


def for_messages(conn: Any, message_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The article (with its newest snapshot) each of these messages links to: the best one when several."""
    if not message_ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(message_ids), 500):
        part = message_ids[i:i + 500]
        marks = ",".join("?" * len(part))
        for r in conn.execute(
                "SELECT l.message_id, a.id, a.title, a.url, a.status, a.status_text, a.checked_at, s.id, s.captured_at, "
                "s.origin FROM article_links l JOIN articles a ON a.id = l.article_id LEFT JOIN article_snapshots s ON "
                "s.id = (SELECT max(id) FROM article_snapshots x WHERE x.article_id = a.id) "
                f"WHERE l.message_id IN ({marks}) ORDER BY l.message_id, s.id IS NULL, a.id", part):
            mid = int(r[0])
            if mid not in out:
                out[mid] = {"article_id": r[1], "title": r[2], "url": r[3], "status": r[4], "status_text": r[5],
                            "checked_at": r[6], "snapshot_id": r[7], "captured_at": r[8], "origin": r[9]}
    return out


def needing_fetch(conn: Any, limit: int, retry_after_ms: int) -> list[dict[str, Any]]:
    """Articles without a snapshot that are not known gone, not tried recently; newest links first."""
    now = clock.now_ms()
    return [dict(r) for r in conn.execute(
        "SELECT a.id, a.url, a.host, a.key FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_snapshots s "
        "WHERE s.article_id = a.id) AND a.status NOT IN ('deleted', 'blocked') "
        "AND (a.fetch_tried_at IS NULL OR a.fetch_tried_at < ?) ORDER BY a.first_seen DESC, a.id DESC LIMIT ?",
        (now - retry_after_ms, limit))]


def needing_check(conn: Any, older_than_ms: int, limit: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT a.id, a.url, a.host, a.key FROM articles a WHERE EXISTS (SELECT 1 FROM article_snapshots s "
        "WHERE s.article_id = a.id) AND coalesce(a.checked_at, 0) < ? ORDER BY coalesce(a.checked_at, 0), a.id LIMIT ?",
        (older_than_ms, limit))]


def mark_fetch_failed(conn: Any, article_id: int, problem: str | None) -> None:
    conn.execute("UPDATE articles SET fetch_failed = ?, fetch_tried_at = ? WHERE id = ?",
                 (problem, clock.now_ms(), article_id))


def counts(conn: Any) -> dict[str, int]:
    r = conn.execute(
        "SELECT count(*), sum(EXISTS (SELECT 1 FROM article_snapshots s WHERE s.article_id = a.id)), "
        "sum(a.status = 'deleted'), sum(a.status = 'blocked'), sum(a.status = 'unavailable') FROM articles a").fetchone()
    return {"articles": int(r[0] or 0), "saved": int(r[1] or 0), "deleted": int(r[2] or 0),
            "blocked": int(r[3] or 0), "unavailable": int(r[4] or 0)}
