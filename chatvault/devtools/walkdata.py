"""What the new-user walk (`chatvault.gui.devtools.walk`) reads from the vault it drives: the user's
own strings (never UI text) and the first message of a kind. The GUI holds no SQL text."""

from __future__ import annotations

from chatvault.store.db import Connection


def user_strings(conn: Connection) -> list[str]:
    """Names, texts, file names and import paths the vault holds: user data, not UI text."""
    rows = conn.execute(
        "SELECT title FROM conversations UNION SELECT display_name FROM participants UNION "
        "SELECT display_name FROM sources UNION SELECT text FROM messages UNION "
        "SELECT original_name FROM attachments UNION SELECT path FROM import_runs").fetchall()
    return [r[0] for r in rows if r[0]]


def first_of_kind(conn: Connection, kind: str) -> tuple[int, int] | None:
    """(conversation id, message id) of the oldest message of `kind`, or None."""
    row = conn.execute("SELECT conversation_id, id FROM messages WHERE kind = ? ORDER BY ts LIMIT 1",
                       (kind,)).fetchone()
    return (int(row[0]), int(row[1])) if row else None
