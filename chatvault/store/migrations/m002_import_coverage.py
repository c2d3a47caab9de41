"""Import coverage: which period of which conversation each import run saw (for missing-at-source)."""

from __future__ import annotations

STATEMENTS = [
    """
    CREATE TABLE import_coverage (
        run_id          INTEGER NOT NULL REFERENCES import_runs(id),
        conversation_id INTEGER NOT NULL REFERENCES conversations(id),
        first_ts        INTEGER NOT NULL,     -- ms UTC of the earliest message this run saw
        last_ts         INTEGER NOT NULL,     -- ms UTC of the latest
        messages        INTEGER NOT NULL,     -- messages this run saw in the conversation
        added           INTEGER NOT NULL DEFAULT 0,
        missing         INTEGER NOT NULL DEFAULT 0,   -- stored messages newly marked missing-at-source
        restored        INTEGER NOT NULL DEFAULT 0,   -- marked missing before, seen again now
        newer           INTEGER NOT NULL DEFAULT 1,   -- 1 when this export reached the newest stored message
        PRIMARY KEY (run_id, conversation_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX import_coverage_by_conversation ON import_coverage (conversation_id, run_id)",
    "CREATE INDEX import_runs_by_path ON import_runs (path, id)",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
