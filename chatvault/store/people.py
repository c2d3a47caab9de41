"""One person across sources: the user links participants (a WhatsApp number, a Telegram account, a
WeChat id) into one person; search, filters and views then show them as one (docs/people.md).

A link only sets `participants.person_id`: what each source said about its participant (key,
names, messages) is never changed, so unlinking gives back exactly what was there. Every link,
unlink and rename is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatvault import clock
from chatvault.errors import UsageError
from chatvault.store import audit
from chatvault.store.db import Connection, rollback


def sender_name_sql(alias: str = "p") -> str:
    """SQL for the name a sender is shown under: the linked person's name, else the participant's."""
    return f"COALESCE((SELECT pe.name FROM people pe WHERE pe.id = {alias}.person_id), {alias}.display_name)"


def same_person_sql(inner: str) -> str:
    """SQL for the participant ids of `inner` (a SELECT of participant ids) and of everyone linked to them."""
    return (f"SELECT id FROM ({inner}) UNION SELECT o.id FROM participants o JOIN participants i ON "
            f"i.person_id = o.person_id WHERE i.person_id IS NOT NULL AND i.id IN ({inner})")


@dataclass
class Participant:
    id: int
    source_id: int
    app: str
    account: str
    key: str
    name: str | None
    is_me: bool
    person_id: int | None
    messages: int

    def label(self) -> str:
        who = self.name or self.key
        return f"{who} ({self.app}{':' + self.account if self.account else ''}, {self.key})"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source_id": self.source_id, "app": self.app, "account": self.account,
                "key": self.key, "name": self.name, "is_me": self.is_me, "person_id": self.person_id,
                "messages": self.messages}


_PARTICIPANTS = ("SELECT p.id, p.source_id, s.app, s.account, p.source_key, p.display_name, p.is_me, p.person_id, "
                 "(SELECT count(*) FROM messages m WHERE m.sender_id = p.id) AS messages "
                 "FROM participants p JOIN sources s ON s.id = p.source_id")


def _participant(row: Any) -> Participant:
    return Participant(int(row[0]), int(row[1]), row[2], row[3] or "", row[4], row[5], bool(row[6]),
                       None if row[7] is None else int(row[7]), int(row[8]))


def participants(conn: Connection, ids: list[int]) -> list[Participant]:
    if not ids:
        return []
    rows = conn.execute(f"{_PARTICIPANTS} WHERE p.id IN ({','.join('?' * len(ids))}) ORDER BY p.id", ids)
    return [_participant(r) for r in rows]


def find(conn: Connection, text: str, limit: int = 50) -> list[Participant]:
    """Participants whose name (any name they had), key or source matches `text`, most messages first."""
    needle = "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        f"{_PARTICIPANTS} WHERE lower(p.display_name) LIKE ? ESCAPE '\\' OR lower(p.source_key) LIKE ? ESCAPE '\\' "
        "OR p.id IN (SELECT participant_id FROM participant_names WHERE lower(name) LIKE ? ESCAPE '\\') "
        "ORDER BY messages DESC, p.id LIMIT ?", (needle, needle, needle, int(limit)))
    return [_participant(r) for r in rows]


def resolve(conn: Connection, ref: str) -> Participant:
    """A participant from its id, `app:key`, or a name that only one participant has."""
    ref = ref.strip()
    if ref.isdigit():
        found = participants(conn, [int(ref)])
        if found:
            return found[0]
    if ":" in ref:
        app, key = ref.split(":", 1)
        row = conn.execute(f"{_PARTICIPANTS} WHERE lower(s.app) = ? AND p.source_key = ? ORDER BY p.id",
                           (app.lower(), key)).fetchall()
        if len(row) == 1:
            return _participant(row[0])
    rows = conn.execute(f"{_PARTICIPANTS} WHERE p.display_name = ? OR p.source_key = ? ORDER BY p.id",
                        (ref, ref)).fetchall()
    if len(rows) == 1:
        return _participant(rows[0])
    if not rows:
        raise UsageError(f"No participant is called {ref!r}.",
                         hint="`chatvault people find TEXT` lists participants with their ids.")
    raise UsageError(f"{len(rows)} participants are called {ref!r}.",
                     hint="Give the id or app:key instead (`chatvault people find TEXT` lists them).")


@dataclass
class Person:
    id: int
    name: str
    created_at: int
    members: list[Participant]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "created_at": self.created_at,
                "participants": [m.to_json() for m in self.members],
                "messages": sum(m.messages for m in self.members)}


def people(conn: Connection) -> list[Person]:
    """Every linked person with their participants, by name."""
    out = []
    for pid, name, created in conn.execute("SELECT id, name, created_at FROM people ORDER BY name COLLATE NOCASE, id"):
        rows = conn.execute(f"{_PARTICIPANTS} WHERE p.person_id = ? ORDER BY p.id", (pid,))
        out.append(Person(int(pid), name, int(created), [_participant(r) for r in rows]))
    return out


def person(conn: Connection, person_id: int) -> Person:
    for p in people(conn):
        if p.id == person_id:
            return p
    raise UsageError(f"There is no linked person {person_id}.", hint="`chatvault people ls` lists them.")


def link(conn: Connection, participant_ids: list[int], name: str | None = None, actor: str = "user") -> Person:
    """Link participants into one person (joining the people some of them already belong to).
    `name` defaults to the name of the participant with the most messages. One transaction."""
    ids = sorted(set(int(i) for i in participant_ids))
    found = participants(conn, ids)
    if len(found) != len(ids):
        missing = sorted(set(ids) - {p.id for p in found})
        raise UsageError(f"There is no participant {missing[0]}.", hint="`chatvault people find TEXT` lists them.")
    if len(found) < 2 and all(p.person_id is None for p in found):
        raise UsageError("Linking needs at least two participants.", hint="Give two or more.")
    existing = sorted({p.person_id for p in found if p.person_id is not None})
    chosen = (name or "").strip() or _default_name(conn, found, existing)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if existing:
            target = existing[0]
            conn.execute("UPDATE people SET name = ? WHERE id = ?", (chosen, target))
            for other in existing[1:]:
                conn.execute("UPDATE participants SET person_id = ? WHERE person_id = ?", (target, other))
                conn.execute("DELETE FROM people WHERE id = ?", (other,))
        else:
            target = int(conn.execute("INSERT INTO people(name, created_at) VALUES (?, ?)",
                                      (chosen, clock.now_ms())).lastrowid)
        conn.execute(f"UPDATE participants SET person_id = ? WHERE id IN ({','.join('?' * len(ids))})", [target, *ids])
        audit.append(conn, "person.link", {"person": target, "name": chosen, "participants": ids,
                                           "merged_people": existing[1:]}, actor=actor)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return person(conn, target)


def _default_name(conn: Connection, found: list[Participant], existing: list[int]) -> str:
    if existing:
        row = conn.execute("SELECT name FROM people WHERE id = ?", (existing[0],)).fetchone()
        if row:
            return row[0]
    best = max(found, key=lambda p: (p.messages, bool(p.name)))
    return best.name or best.key


def unlink(conn: Connection, person_id: int, participant_ids: list[int] | None = None, actor: str = "user") -> int:
    """Take participants (default: all) out of a person; a person left with fewer than two is
    dissolved. Returns how many participants were unlinked."""
    current = person(conn, person_id)
    members = {m.id for m in current.members}
    take = members if participant_ids is None else set(int(i) for i in participant_ids)
    stray = take - members
    if stray:
        raise UsageError(f"Participant {min(stray)} is not linked to person {person_id}.",
                         hint=f"`chatvault people show {person_id}` lists who is.")
    left = members - take
    if len(left) < 2:
        take, left = members, set()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"UPDATE participants SET person_id = NULL WHERE id IN ({','.join('?' * len(take))})",
                     sorted(take))
        if not left:
            conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
        audit.append(conn, "person.unlink", {"person": person_id, "participants": sorted(take),
                                             "dissolved": not left}, actor=actor)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return len(take)


def rename(conn: Connection, person_id: int, name: str, actor: str = "user") -> Person:
    name = name.strip()
    if not name:
        raise UsageError("A person's name cannot be empty.")
    person(conn, person_id)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE people SET name = ? WHERE id = ?", (name, person_id))
        audit.append(conn, "person.rename", {"person": person_id, "name": name}, actor=actor)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return person(conn, person_id)
