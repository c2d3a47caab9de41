"""Every name a participant was shown under, so a renamed (or re-remarked) contact stays findable.

`participants.display_name` is the newest name; this table keeps each name an import gave, like
`conversation_titles` does for chats. Seeded with the names stored before this step.
"""

from __future__ import annotations

STATEMENTS = [
    """CREATE TABLE participant_names (
        participant_id INTEGER NOT NULL REFERENCES participants(id),
        name           TEXT NOT NULL,
        first_seen_at  INTEGER NOT NULL,          -- ms UTC of the run that showed it
        import_run_id  INTEGER,
        PRIMARY KEY (participant_id, name)
    ) WITHOUT ROWID""",
    """INSERT OR IGNORE INTO participant_names(participant_id, name, first_seen_at, import_run_id)
       SELECT id, display_name, CAST(strftime('%s', 'now') AS INTEGER) * 1000, NULL FROM participants
       WHERE display_name IS NOT NULL AND display_name != source_key""",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
