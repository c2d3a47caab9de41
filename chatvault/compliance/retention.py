"""Retention policies: keep messages N days after their date, then delete them with tombstones.

A policy's scope is a custodian, a source or a chat (or none: the whole vault). A message covered
by several policies is kept as long as the longest of them says. Held messages are never deleted
(they are counted as "held"). A locked policy can be lengthened, never shortened, unlocked or
removed (triggers in m011 refuse it whatever path asks) — like Purview's preservation lock.

A run deletes in batches of `BATCH` messages, each batch one transaction holding its tombstones
and an audit entry: killed at any moment, every message is either still there or gone with its
tombstone, and the next run goes on from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chatvault import clock, faults
from chatvault.compliance import custodians, worm
from chatvault.compliance.deletion import delete_messages, purge_blob_files
from chatvault.compliance.holds import held_sql
from chatvault.compliance.roles import environment_errors
from chatvault.errors import UsageError
from chatvault.ingest.parse import env_int
from chatvault.jobs.context import JobContext
from chatvault.store import audit as audit_trail
from chatvault.store.custody import in_custodians_sql
from chatvault.store.db import DatabaseError, immediate, rollback

DAY_MS = 86_400_000
BATCH = env_int("CHATVAULT_RETENTION_BATCH", 2_000)   # lowered by the kill tests
_COLS = ("id", "name", "custodian_id", "source_id", "conversation_id", "keep_days", "locked", "created_at",
         "updated_at", "removed_at")


def _in_scope(p: str, m: str = "m") -> str:
    return (f"({p}.conversation_id IS NULL OR {p}.conversation_id = {m}.conversation_id)"
            f" AND ({p}.source_id IS NULL OR {p}.source_id = (SELECT rc.source_id FROM conversations rc"
            f" WHERE rc.id = {m}.conversation_id))"
            f" AND ({p}.custodian_id IS NULL OR {in_custodians_sql(m, p + '.custodian_id')})")


def list_policies(conn: Any, *, include_removed: bool = False) -> list[dict[str, Any]]:
    sql = f"SELECT {', '.join(_COLS)} FROM retention_policies"
    sql += "" if include_removed else " WHERE removed_at IS NULL"
    return [dict(zip(_COLS, r, strict=True)) | {"locked": bool(r[6])} for r in conn.execute(sql + " ORDER BY id")]


def _policy(conn: Any, policy_id: int) -> dict[str, Any]:
    row = conn.execute(f"SELECT {', '.join(_COLS)} FROM retention_policies WHERE id = ? AND removed_at IS NULL",
                       (policy_id,)).fetchone()
    if row is None:
        raise UsageError(f"There is no retention policy {policy_id}.", hint="List them with `chatvault retention ls`.")
    return dict(zip(_COLS, row, strict=True))


def set_policy(conn: Any, name: str, keep_days: int, *, custodian: str | None = None, source: str | None = None,
               conversation_id: int | None = None, policy_id: int | None = None, actor: str = "user") -> int:
    """Create a policy, or change the period of `policy_id` (a locked one only lengthened)."""
    if keep_days <= 0:
        raise UsageError("A retention period must be at least one day.")
    now = clock.now_ms()
    if policy_id is not None:
        old = _policy(conn, policy_id)
        _guarded(conn, "UPDATE retention_policies SET keep_days = ?, updated_at = ? WHERE id = ?",
                 (keep_days, now, policy_id), "retention.set",
                 {"policy_id": policy_id, "from_days": old["keep_days"], "keep_days": keep_days}, actor)
        if old["locked"]:
            worm.align(conn, keep_days, actor)
        return policy_id
    cid = custodians.find(conn, custodian)["id"] if custodian else None
    sid = _source_id(conn, source) if source else None
    with immediate(conn):
        cur = conn.execute(
            "INSERT INTO retention_policies(name, custodian_id, source_id, conversation_id, keep_days, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name.strip() or "policy", cid, sid, conversation_id, keep_days, now, now))
        pid = int(cur.lastrowid)
        audit_trail.append(conn, "retention.add", {"policy_id": pid, "name": name, "keep_days": keep_days,
                                                   "custodian_id": cid, "source_id": sid,
                                                   "conversation_id": conversation_id}, actor)
    return pid


def _source_id(conn: Any, ref: str) -> int:
    text = str(ref).strip()
    for r in conn.execute("SELECT id, app, account, display_name FROM sources"):
        if text in (str(r[0]), f"{r[1]}:{r[2]}", r[2]) or text.lower() == (r[3] or "").lower():
            return int(r[0])
    raise UsageError(f"No source matches '{text}'.", hint="List them with `chatvault source ls`.")


def _guarded(conn: Any, sql: str, params: tuple, action: str, detail: dict[str, Any], actor: str) -> None:
    """One change to a policy with its audit entry; a change a locked policy refuses is audited as
    refused (after the rollback, so the evidence survives) and raised as a UsageError."""
    try:
        with immediate(conn):
            conn.execute(sql, params)
            audit_trail.append(conn, action, detail, actor)
    except DatabaseError as exc:
        if "locked" not in str(exc):
            raise
        with immediate(conn):
            audit_trail.append(conn, action + ".refused", detail, actor)
        raise UsageError("This retention policy is locked: it can be lengthened, never shortened, unlocked or "
                         "removed.", hint="Give a longer period, or add a separate policy for a narrower scope.") from None


def lock(conn: Any, policy_id: int, actor: str = "user") -> list[str]:
    """Lock a policy; S3 Object Lock destinations follow it (`worm.align`). Returns notes."""
    policy = _policy(conn, policy_id)
    _guarded(conn, "UPDATE retention_policies SET locked = 1, updated_at = ? WHERE id = ?", (clock.now_ms(), policy_id),
             "retention.lock", {"policy_id": policy_id}, actor)
    return worm.align(conn, int(policy["keep_days"]), actor)


def remove(conn: Any, policy_id: int, actor: str = "user") -> None:
    _policy(conn, policy_id)
    _guarded(conn, "UPDATE retention_policies SET removed_at = ? WHERE id = ?", (clock.now_ms(), policy_id),
             "retention.remove", {"policy_id": policy_id}, actor)


def _due_sql(now_ms: int) -> str:
    """Messages past every covering policy's period (some policy covers them), with the policy
    that expires them last; held ones are excluded by the caller."""
    return f"""SELECT m.id, (SELECT p.id FROM retention_policies p WHERE p.removed_at IS NULL AND {_in_scope('p')}
                              ORDER BY p.keep_days DESC, p.id LIMIT 1) AS policy
               FROM messages m
               WHERE EXISTS (SELECT 1 FROM retention_policies p WHERE p.removed_at IS NULL AND {_in_scope('p')})
                 AND NOT EXISTS (SELECT 1 FROM retention_policies q WHERE q.removed_at IS NULL AND {_in_scope('q')}
                                 AND m.ts >= {int(now_ms)} - q.keep_days * {DAY_MS})"""


@dataclass
class RetentionReport:
    dry_run: bool
    due: int = 0                     # past their period
    held: int = 0                    # past their period but under a legal hold: kept
    deleted: int = 0
    attachments: int = 0
    blobs_removed: int = 0
    by_policy: dict[int, int] = field(default_factory=dict)
    would_delete: list[dict[str, Any]] = field(default_factory=list)   # dry run: exactly what would go

    def to_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "due": self.due, "held": self.held, "deleted": self.deleted,
                "attachments": self.attachments, "blobs_removed": self.blobs_removed,
                "by_policy": {str(k): v for k, v in self.by_policy.items()}, "would_delete": self.would_delete}


@environment_errors("applying retention", None)
def run(vault: Any, *, dry_run: bool = False, job: JobContext | None = None, actor: str = "user",
        now_ms: int | None = None) -> RetentionReport:
    """Apply every policy now. Dry run: list every message that would go (and count the held ones)."""
    job = job or JobContext()
    now = clock.now_ms() if now_ms is None else now_ms
    rep = RetentionReport(dry_run)
    conn = vault.connect()
    try:
        conn.execute("PRAGMA secure_delete = ON")       # freed pages are zeroed, not left with the text
        purge_blob_files(vault, conn)
        due = conn.execute(f"SELECT d.id, d.policy, {held_sql('m')} FROM ({_due_sql(now)}) d"
                           " JOIN messages m ON m.id = d.id ORDER BY d.id").fetchall()
        rep.due = len(due)
        todo = [(int(mid), int(pid)) for mid, pid, held in due if not held]
        rep.held = rep.due - len(todo)
        job.set_total(items=len(todo))
        if dry_run:
            rep.would_delete = _describe(conn, [m for m, _ in todo])
            for _mid, pid in todo:
                rep.by_policy[pid] = rep.by_policy.get(pid, 0) + 1
            return rep
        for i in range(0, len(todo), BATCH):
            job.check()
            _delete_batch(conn, todo[i:i + BATCH], rep, actor)
            job.advance(items=min(BATCH, len(todo) - i))
        rep.blobs_removed = purge_blob_files(vault, conn)
        conn.execute("BEGIN IMMEDIATE")
        audit_trail.append(conn, "retention.run", rep.to_json() | {"would_delete": None}, actor)
        conn.execute("COMMIT")
        return rep
    finally:
        conn.close()


def _delete_batch(conn: Any, batch: list[tuple[int, int]], rep: RetentionReport, actor: str) -> None:
    by_policy: dict[int, list[int]] = {}
    for mid, pid in batch:
        by_policy.setdefault(pid, []).append(mid)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for pid, ids in by_policy.items():
            done = delete_messages(conn, ids, reason="retention", policy_id=pid)
            rep.deleted += done.messages
            rep.attachments += done.attachments
            rep.by_policy[pid] = rep.by_policy.get(pid, 0) + done.messages
            audit_trail.append(conn, "retention.delete", {"policy_id": pid, "messages": done.messages,
                                                          "attachments": done.attachments, "blobs": done.blobs,
                                                          "tombstones": [done.tombstone_ids[0], done.tombstone_ids[-1]]
                                                          if done.tombstone_ids else []}, actor)
        faults.hit("retention.before_commit")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def _describe(conn: Any, ids: list[int]) -> list[dict[str, Any]]:
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in conn.execute(
                "SELECT m.id, m.conversation_id, c.title, m.ts, p.display_name, m.kind FROM messages m"
                " JOIN conversations c ON c.id = m.conversation_id LEFT JOIN participants p ON p.id = m.sender_id"
                f" WHERE m.id IN ({','.join('?' * len(chunk))}) ORDER BY m.id", chunk):
            out.append(dict(zip(("message_id", "conversation_id", "conversation", "ts", "sender", "kind"), r,
                                strict=True)))
    return out
