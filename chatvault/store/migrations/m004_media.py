"""Media: thumbnail bookkeeping and a fast path from a captured file name to missing attachments."""

from __future__ import annotations

# basename(expected_path) in SQL: strip everything up to the last '/' after mapping '\\' to '/'.
_N = "replace(expected_path, '\\', '/')"
EXPECTED_NAME_SQL = f"replace({_N}, rtrim({_N}, replace({_N}, '/', '')), '')"

STATEMENTS = [
    # A file that cannot be thumbnailed (a bomb, a broken image) is tried once, not on every start.
    """CREATE TABLE thumb_failures (
        blob_id TEXT PRIMARY KEY REFERENCES blobs(id),
        reason  TEXT NOT NULL,
        at      INTEGER NOT NULL
    ) WITHOUT ROWID""",
    # Which blob is the thumbnail of which original (an original can be in many attachments).
    """CREATE TABLE thumbs (
        blob_id  TEXT PRIMARY KEY REFERENCES blobs(id),
        thumb_id TEXT NOT NULL REFERENCES blobs(id),
        width    INTEGER,
        height   INTEGER
    ) WITHOUT ROWID""",
    "CREATE INDEX attachments_missing_by_name ON attachments (original_name) WHERE status != 'stored'",
    # The last part of the expected path (either slash), so a captured file finds its row by index.
    f"CREATE INDEX attachments_missing_by_path_name ON attachments ({EXPECTED_NAME_SQL}) "
    "WHERE status != 'stored'",
    "CREATE INDEX attachments_by_thumb ON attachments (thumb_blob_id)",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
