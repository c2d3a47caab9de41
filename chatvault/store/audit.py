"""The audit trail: an append-only hash chain of what was done to the vault.

Every entry's hash covers its own fields and the previous entry's hash (the rule is fixed by
migration m010 and documented in docs/audit.md), so an entry changed, inserted or deleted in the
middle breaks the chain at that point, and `verify()` names the first broken link. The newest
entry (the head) is sealed into every backup snapshot, which catches what a chain alone cannot:
the whole tail rewritten or cut off by someone who can write the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from chatvault import clock

PREFIX = b"chatvault-audit-v1\n"
GENESIS = "0" * 64


def entry_hash(entry_id: int, at: int, actor: str, action: str, detail: str | None, prev: str) -> str:
    """The hash of one entry, byte for byte the rule of migration m010."""
    body = json.dumps([entry_id, at, actor, action, detail, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(PREFIX + body.encode("utf-8")).hexdigest()


def head(conn: Any) -> dict[str, Any] | None:
    """The newest entry's id and hash (what a backup snapshot seals), None for an empty log."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else {"id": int(row[0]), "hash": row[1]}


def anchor_problem(conn: Any, anchor: dict[str, Any], where: str) -> str | None:
    """None when the entry `anchor` names ({"id", "hash"}, e.g. sealed in a backup snapshot) is still
    in the chain with the same hash; else what is wrong, naming `where` the anchor came from."""
    row = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (int(anchor["id"]),)).fetchone()
    if row is not None and row[0] == anchor["hash"]:
        return None
    found = "is missing" if row is None else "differs"
    return (f"Audit entry {anchor['id']} {found} from the one sealed in {where}: "
            "the audit trail was rewritten or cut after that backup.")


def append(conn: Any, action: str, detail: dict[str, Any] | None = None, actor: str = "user") -> dict[str, Any]:
    """Add one entry chained to the newest; the caller's transaction (or autocommit) holds it.
    Returns the new head."""
    last = head(conn)
    entry_id = 1 if last is None else last["id"] + 1
    prev = GENESIS if last is None else last["hash"]
    at = clock.now_ms()
    text = json.dumps(detail or {}, ensure_ascii=False)
    h = entry_hash(entry_id, at, actor, action, text, prev)
    conn.execute("INSERT INTO audit_log(id, at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (entry_id, at, actor, action, text, prev, h))
    return {"id": entry_id, "hash": h}


@dataclass
class ChainReport:
    entries: int = 0
    head: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)   # the first broken link first

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "problems": self.problems}


def verify(conn: Any, anchors: list[dict[str, Any]] | None = None) -> ChainReport:
    """Walk the chain oldest first; name the first entry whose hash or link is wrong, and check each
    anchor ({"id", "hash", "where"}: a head sealed in a backup snapshot) is still in the chain."""
    report = ChainReport()
    prev, expected_id = GENESIS, None
    for entry_id, at, actor, action, detail, prev_hash, h in conn.execute(
            "SELECT id, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY id"):
        report.entries += 1
        if not report.problems:
            problem = _link_problem(entry_id, at, actor, action, detail, prev_hash, h, prev, expected_id)
            if problem:
                report.problems.append(problem)
        prev, expected_id = h or "", entry_id + 1
    report.head = head(conn)
    for anchor in anchors or []:
        message = anchor_problem(conn, anchor, anchor.get("where", "a backup"))
        if message:
            report.problems.append({"id": int(anchor["id"]), "problem": "anchor", "message": message})
    return report


def _link_problem(entry_id: int, at: int, actor: str, action: str, detail: str | None, prev_hash: str | None,
                  h: str | None, prev: str, expected_id: int | None) -> dict[str, Any] | None:
    if expected_id is not None and entry_id != expected_id:
        return {"id": entry_id, "problem": "gap",
                "message": f"Audit entries {expected_id}–{entry_id - 1} are missing (deleted from the database)."}
    if prev_hash != prev:
        return {"id": entry_id, "problem": "link",
                "message": f"Audit entry {entry_id} does not follow the entry before it "
                           "(an entry before it was changed, inserted or deleted)."}
    if h != entry_hash(entry_id, at, actor, action, detail, prev):
        return {"id": entry_id, "problem": "altered",
                "message": f"Audit entry {entry_id} ({action}) was changed after it was written."}
    return None


def entries(conn: Any, *, since: int | None = None, until: int | None = None, actor: str | None = None,
            action: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Entries oldest first, filtered by time (ms UTC, until exclusive), actor and action prefix."""
    where, params = [], []
    if since is not None:
        where.append("at >= ?")
        params.append(since)
    if until is not None:
        where.append("at < ?")
        params.append(until)
    if actor:
        where.append("actor = ?")
        params.append(actor)
    if action:
        where.append("(action = ? OR action LIKE ? ESCAPE '\\')")
        params += [action, action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"]
    sql = "SELECT id, at, actor, action, detail, prev_hash, hash FROM audit_log"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    out = []
    for row in conn.execute(sql, params):
        d = dict(zip(("id", "at", "actor", "action", "detail", "prev_hash", "hash"), tuple(row), strict=True))
        try:
            d["detail"] = json.loads(d["detail"] or "{}")
        except ValueError:
            pass
        out.append(d)
    return out
