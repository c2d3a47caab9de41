"""Erasure requests ("right to be forgotten", GDPR art. 17 / PIPL art. 47): one person's messages
and media, across every source and identity, deleted with tombstones — refused, naming the hold,
where a legal hold covers any of them.

A person is found by name (current or earlier), account id or phone number among the participants
of every source; the user confirms which identities are that person. Their messages (the ones they
sent) go with their media; their names are replaced by "(erased)" in the participant rows (the
rows stay: tombstones and other people's messages in the same chats point to them). Backups: see
`docs/compliance.md` — `chatvault erase --prune-backups` makes a fresh snapshot at every
destination and then forgets every snapshot taken before the erasure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chatvault import clock, faults
from chatvault.compliance.deletion import delete_messages, purge_blob_files
from chatvault.compliance.holds import covering
from chatvault.compliance.roles import environment_errors
from chatvault.errors import ChatVaultError, UsageError
from chatvault.ingest.parse import env_int
from chatvault.jobs.context import JobContext
from chatvault.store import audit as audit_trail
from chatvault.store.db import rollback

ERASED_NAME = "(erased)"
BATCH = env_int("CHATVAULT_ERASE_BATCH", 2_000)   # lowered by the kill tests


class HeldError(ChatVaultError):
    """An erasure (or deletion) refused because a legal hold covers what it would delete."""

    code = "held"


def find_person(conn: Any, person: str) -> list[dict[str, Any]]:
    """Participants of every source who may be `person`: same key, a name containing it (earlier
    names too), or the same phone digits."""
    needle = person.strip()
    if not needle:
        raise UsageError("Say whom to erase: a name, an account id or a phone number.")
    digits = "".join(ch for ch in needle if ch.isdigit())
    like = "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        """SELECT p.id, p.source_id, s.app, s.account, p.source_key, p.display_name, p.extra, p.is_me,
                  (SELECT count(*) FROM messages m WHERE m.sender_id = p.id) AS messages
           FROM participants p JOIN sources s ON s.id = p.source_id
           WHERE p.source_key = ? OR lower(p.display_name) LIKE ? ESCAPE '\\'
              OR p.id IN (SELECT participant_id FROM participant_names WHERE lower(name) LIKE ? ESCAPE '\\')
              OR (? != '' AND length(?) >= 6 AND (replace(replace(replace(p.source_key, '+', ''), ' ', ''), '-', '')
                  LIKE '%' || ? || '%' OR p.extra LIKE '%' || ? || '%'))
           ORDER BY messages DESC, p.id""",
        (needle, like, like, digits, digits, digits, digits)).fetchall()
    keys = ("id", "source_id", "app", "account", "source_key", "display_name", "extra", "is_me", "messages")
    return [dict(zip(keys, r, strict=True)) for r in rows]


@dataclass
class ErasureReport:
    person: str
    participants: list[int]
    dry_run: bool
    messages: int = 0
    attachments: int = 0
    blobs_removed: int = 0
    erasure_id: int | None = None
    held: list[dict[str, Any]] = field(default_factory=list)   # {message_id, holds: [{id, matter}]}
    listing: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"person": self.person, "participants": self.participants, "dry_run": self.dry_run,
                "messages": self.messages, "attachments": self.attachments, "blobs_removed": self.blobs_removed,
                "erasure_id": self.erasure_id, "held": self.held, "listing": self.listing}


@environment_errors("erasing", None)
def erase(vault: Any, person: str, participant_ids: list[int], *, reason: str = "", dry_run: bool = False,
          job: JobContext | None = None, actor: str = "user") -> ErasureReport:
    """Erase what `participant_ids` (the identities of `person` the user confirmed) sent."""
    if not participant_ids:
        raise UsageError(f"No identity of '{person}' was chosen.",
                         hint="List the candidates with `chatvault erase --person NAME --dry-run`.")
    job = job or JobContext()
    rep = ErasureReport(person, sorted(set(participant_ids)), dry_run)
    conn = vault.connect()
    try:
        marks = ",".join("?" * len(rep.participants))
        ids = [int(r[0]) for r in conn.execute(
            f"SELECT id FROM messages WHERE sender_id IN ({marks}) ORDER BY id", rep.participants)]
        held = covering(conn, ids)
        rep.held = [{"message_id": mid, "holds": hs} for mid, hs in sorted(held.items())]
        rep.messages = len(ids)
        rep.attachments = int(conn.execute(
            f"SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.sender_id IN ({marks})",
            rep.participants).fetchone()[0])
        if dry_run:
            rep.listing = _listing(conn, ids[:1000])
            return rep
        if held:
            matters = sorted({f"{h['id']} ({h['matter']})" for hs in held.values() for h in hs})
            conn.execute("BEGIN IMMEDIATE")
            audit_trail.append(conn, "erase.refused", {"person": person, "participants": rep.participants,
                                                       "held_messages": len(held), "holds": matters}, actor)
            conn.execute("COMMIT")
            raise HeldError(f"Nothing was erased: {len(held)} of {person}'s messages are under legal hold "
                            f"{', '.join(matters)}.",
                            hint="A hold must be released (by whoever placed it, with a reason) before an erasure.")
        conn.execute("PRAGMA secure_delete = ON")   # freed pages are zeroed, not left with the text
        rep.erasure_id = _erase(conn, rep, ids, reason, actor, job)
        rep.blobs_removed = purge_blob_files(vault, conn)
        # The full-text index keeps deleted tokens in its segments until they merge: merge now, and
        # move the WAL's pages into the database, so no copy of the text outlives the erasure.
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return rep
    finally:
        conn.close()


def _erase(conn: Any, rep: ErasureReport, ids: list[int], reason: str, actor: str, job: JobContext) -> int:
    """Batches, each a transaction with its tombstones; the erasure row and the name scrub go
    with the last one, so a killed erasure is finished by running it again."""
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO erasures(person, participants, reason, actor, requested_at) VALUES (?, ?, ?, ?, ?)",
                       (rep.person, json.dumps(rep.participants), reason, actor, clock.now_ms()))
    erasure_id = int(cur.lastrowid)
    audit_trail.append(conn, "erase.start", {"erasure_id": erasure_id, "person": rep.person,
                                             "participants": rep.participants, "messages": len(ids)}, actor)
    conn.execute("COMMIT")
    job.set_total(items=len(ids))
    for i in range(0, len(ids), BATCH):
        job.check()
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = delete_messages(conn, ids[i:i + BATCH], reason="erasure", erasure_id=erasure_id)
            faults.hit("erase.before_commit")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        job.advance(items=done.messages)
    marks = ",".join("?" * len(rep.participants))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"UPDATE participants SET display_name = ?, extra = NULL WHERE id IN ({marks})",
                 [ERASED_NAME, *rep.participants])
    conn.execute(f"DELETE FROM participant_names WHERE participant_id IN ({marks})", rep.participants)
    conn.execute("UPDATE erasures SET done_at = ?, messages = ?, attachments = ? WHERE id = ?",
                 (clock.now_ms(), rep.messages, rep.attachments, erasure_id))
    audit_trail.append(conn, "erase.done", {"erasure_id": erasure_id, "messages": rep.messages,
                                            "attachments": rep.attachments}, actor)
    conn.execute("COMMIT")
    return erasure_id


def _listing(conn: Any, ids: list[int]) -> list[dict[str, Any]]:
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in conn.execute(
                "SELECT m.id, c.title, m.ts, m.kind, substr(coalesce(m.text, ''), 1, 80) FROM messages m"
                f" JOIN conversations c ON c.id = m.conversation_id WHERE m.id IN ({','.join('?' * len(chunk))})"
                " ORDER BY m.ts", chunk):
            out.append(dict(zip(("message_id", "conversation", "ts", "kind", "text"), r, strict=True)))
    return out
