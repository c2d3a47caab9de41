"""Link messages to the articles they point at, incrementally (watermark `articles.scanned_upto`).

Link messages (`kind = 'link'`, and bundles/Favorites holding article items) and any text with an
article host in it are read once, in message-id order; a chat, a Moments post or a Favorite are all
messages, so one scan covers them.
"""

from __future__ import annotations

import json
from typing import Any

from chatvault.articles import db
from chatvault.articles.urls import ARTICLE_HOSTS, message_articles

WATERMARK = "articles.scanned_upto"
BATCH = 2000
# Cheap pre-filter in SQL (one substring test per row): only rows that can hold an article link are
# parsed in Python. Every article host ends in ".com" (asserted), so a row without it has none.
assert all(h.endswith(".com") for h in ARTICLE_HOSTS)
_HOSTS_SQL = "instr(coalesce(text, '') || coalesce(extra, ''), '.com') > 0"


def _watermark(conn: Any) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (WATERMARK,)).fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def scan(conn: Any, check: Any = None) -> int:
    """Link every message stored since the last scan; returns how many links were added.
    Runs its own short transactions (the caller holds the vault's writer role)."""
    added = 0
    while True:
        start = _watermark(conn)
        rows = conn.execute(
            f"SELECT id, ts, text, extra FROM messages WHERE id > ? AND id <= ? + ? AND ({_HOSTS_SQL}) ORDER BY id",
            (start, start, BATCH)).fetchall()
        top = conn.execute("SELECT max(id) FROM messages WHERE id > ? AND id <= ? + ?", (start, start, BATCH)).fetchone()[0]
        if top is None:
            more = conn.execute("SELECT min(id) FROM messages WHERE id > ?", (start,)).fetchone()[0]
            if more is None:
                return added
            top = int(more) - 1           # a gap in the ids: jump over it
        conn.execute("BEGIN IMMEDIATE")
        try:
            for r in rows:
                added += link_one(conn, int(r[0]), int(r[1]), r[2], r[3])
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value", (WATERMARK, str(int(top))))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if check is not None:
            check()


def link_one(conn: Any, message_id: int, ts: int, text: str | None, extra_json: str | None) -> int:
    try:
        extra = json.loads(extra_json) if extra_json else None
    except ValueError:
        extra = None
    added = 0
    for link, url, title, account in message_articles(text, extra):
        article_id = db.upsert_article(conn, link, title, account, ts)
        added += db.link_message(conn, article_id, message_id, url)
    return added
