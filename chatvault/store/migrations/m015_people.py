"""People: the same person across sources (a WhatsApp number, a Telegram account, a WeChat id),
linked by the user so search, filters and views show them as one person (docs/people.md).

A participant stays what its source said (key, names); `person_id` only groups it with others.
Unlinking sets it back to NULL, so a link can always be undone without losing anything.
"""

from __future__ import annotations

STATEMENTS = [
    """CREATE TABLE people (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,            -- the name the user chose for the linked person
        created_at  INTEGER NOT NULL
    )""",
    "ALTER TABLE participants ADD COLUMN person_id INTEGER REFERENCES people(id)",
    "CREATE INDEX participants_by_person ON participants (person_id) WHERE person_id IS NOT NULL",
    # Pairs the user said are not the same person: not suggested again.
    """CREATE TABLE people_dismissed (
        a INTEGER NOT NULL REFERENCES participants(id),
        b INTEGER NOT NULL REFERENCES participants(id),
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID""",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
