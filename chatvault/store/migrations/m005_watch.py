"""Watch folders, what the watcher last saw in each, and the append-only capture log."""

from __future__ import annotations

STATEMENTS = [
    """CREATE TABLE watch_folders (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,
        rule         TEXT NOT NULL CHECK (rule IN ('capture', 'auto-import')),
        enabled      INTEGER NOT NULL DEFAULT 1,
        added_at     INTEGER NOT NULL,
        last_scan_at INTEGER,
        options      TEXT NOT NULL DEFAULT '{}'
    )""",
    # The last state seen of every file, so the start-up scan knows what changed while closed.
    """CREATE TABLE watch_files (
        watch_id   INTEGER NOT NULL REFERENCES watch_folders(id) ON DELETE CASCADE,
        rel_path   TEXT NOT NULL,
        size       INTEGER NOT NULL,
        mtime_ns   INTEGER NOT NULL,
        blob_id    TEXT REFERENCES blobs(id),
        present    INTEGER NOT NULL DEFAULT 1,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        PRIMARY KEY (watch_id, rel_path)
    ) WITHOUT ROWID""",
    # What happened, when: captured, duplicate, vanished, imported, failed, skipped.
    """CREATE TABLE capture_log (
        id            INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        watch_id      INTEGER,
        path          TEXT NOT NULL,
        event         TEXT NOT NULL CHECK (event IN
                      ('captured', 'duplicate', 'vanished', 'imported', 'failed', 'skipped')),
        blob_id       TEXT REFERENCES blobs(id),
        size          INTEGER,
        mtime_ns      INTEGER,
        attachment_id INTEGER,
        detail        TEXT
    )""",
    "CREATE INDEX capture_log_by_blob ON capture_log (blob_id)",
    "CREATE INDEX capture_log_by_time ON capture_log (at)",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
