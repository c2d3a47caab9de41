"""Articles kept offline: every official-account / we-media article a message links to, and its snapshots.

- `articles`: one row per article, keyed by its normalised URL (`chatvault.articles.urls.article_key`);
  `status` is the newest known state at the source (`unknown` until checked, then `available`,
  `deleted`, `blocked` or `unavailable`) with the source's own wording and when it was checked.
- `article_links`: which messages (chats, Moments posts, Favorites) link to which article.
- `article_snapshots`: a captured copy: where it came from (`wechat-cache` during an import, or
  `fetched` with the user's consent), the page as received and the offline view made from it, both
  encrypted blobs in the media store.
- `article_images`: the images of a snapshot, stored as blobs; the view refers to them by ordinal.
- `article_checks`: every check of the source (append-only history behind `articles.status`).

The link index is filled incrementally from `messages` (watermark `articles.scanned_upto` in
`settings`), so existing vaults get their articles on the first scan after this step.
"""

from __future__ import annotations

STATEMENTS = [
    """CREATE TABLE articles (
        id             INTEGER PRIMARY KEY,
        key            TEXT NOT NULL UNIQUE,
        url            TEXT NOT NULL,
        host           TEXT NOT NULL,
        title          TEXT,
        account        TEXT,
        first_seen     INTEGER NOT NULL,
        status         TEXT NOT NULL DEFAULT 'unknown'
                       CHECK (status IN ('unknown', 'available', 'deleted', 'blocked', 'unavailable')),
        status_text    TEXT,
        checked_at     INTEGER,
        fetch_failed   TEXT,
        fetch_tried_at INTEGER
    )""",
    """CREATE TABLE article_links (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        message_id INTEGER NOT NULL,
        url        TEXT NOT NULL,
        PRIMARY KEY (article_id, message_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_links_by_message ON article_links (message_id)",
    """CREATE TABLE article_snapshots (
        id           INTEGER PRIMARY KEY,
        article_id   INTEGER NOT NULL REFERENCES articles(id),
        captured_at  INTEGER NOT NULL,
        origin       TEXT NOT NULL CHECK (origin IN ('wechat-cache', 'fetched')),
        source_url   TEXT NOT NULL,
        html_blob_id TEXT NOT NULL REFERENCES blobs(id),
        view_blob_id TEXT NOT NULL REFERENCES blobs(id),
        size         INTEGER NOT NULL,
        images       INTEGER NOT NULL DEFAULT 0,
        images_missing INTEGER NOT NULL DEFAULT 0,
        status       TEXT NOT NULL CHECK (status IN ('available', 'deleted', 'blocked', 'unavailable')),
        status_text  TEXT,
        checked_at   INTEGER NOT NULL,
        location     TEXT
    )""",
    "CREATE INDEX article_snapshots_by_article ON article_snapshots (article_id, captured_at)",
    """CREATE TABLE article_images (
        snapshot_id INTEGER NOT NULL REFERENCES article_snapshots(id),
        ordinal     INTEGER NOT NULL,
        url         TEXT NOT NULL,
        blob_id     TEXT REFERENCES blobs(id),
        mime        TEXT,
        size        INTEGER,
        problem     TEXT,
        PRIMARY KEY (snapshot_id, ordinal)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_images_by_blob ON article_images (blob_id)",
    """CREATE TABLE article_checks (
        id          INTEGER PRIMARY KEY,
        article_id  INTEGER NOT NULL REFERENCES articles(id),
        checked_at  INTEGER NOT NULL,
        status      TEXT NOT NULL,
        http_status INTEGER,
        wording     TEXT
    )""",
    "CREATE INDEX article_checks_by_article ON article_checks (article_id, checked_at)",
    "INSERT INTO settings(key, value) VALUES ('articles.scanned_upto', '0') "
    "ON CONFLICT(key) DO UPDATE SET value = '0'",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
