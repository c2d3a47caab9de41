"""Backup destinations and the history of every backup, verify and prune run (health reads it)."""

from __future__ import annotations

STATEMENTS = [
    """
    CREATE TABLE backup_destinations (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL CHECK (kind IN ('folder', 's3')),
        config      TEXT NOT NULL,                 -- JSON: path / endpoint, bucket, prefix, object lock
        retention   TEXT NOT NULL DEFAULT '{}',    -- JSON: keep_last, keep_daily, ... (empty = keep all)
        max_age_s   INTEGER NOT NULL DEFAULT 259200,  -- status turns red without a verified backup this old
        interval_s  INTEGER NOT NULL DEFAULT 86400,   -- the scheduler runs a backup this often
        restore_test INTEGER NOT NULL DEFAULT 0,   -- restore the new snapshot to a temp folder after each run
        enabled     INTEGER NOT NULL DEFAULT 1,
        created_at  INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE backup_runs (
        id             INTEGER PRIMARY KEY,
        destination_id INTEGER NOT NULL REFERENCES backup_destinations(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('backup', 'verify', 'prune')),
        status         TEXT NOT NULL CHECK (status IN ('running', 'success', 'failure', 'cancelled')),
        started_at     INTEGER NOT NULL,           -- UTC ms
        finished_at    INTEGER,
        snapshot_id    TEXT,
        verified       INTEGER NOT NULL DEFAULT 0, -- the snapshot was read back and checked
        bytes_total    INTEGER NOT NULL DEFAULT 0,
        bytes_sent     INTEGER NOT NULL DEFAULT 0,
        objects_sent   INTEGER NOT NULL DEFAULT 0,
        duration_ms    INTEGER,
        error_code     TEXT,
        error          TEXT,
        detail         TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX backup_runs_by_destination ON backup_runs (destination_id, started_at)",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
