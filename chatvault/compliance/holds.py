"""Legal holds: while a hold is active, nothing in its scope can be deleted — by retention, by an
erasure, or by any other path (a trigger on `messages` refuses it, m011).

A scope is any combination of custodian, chat, participant and date range (none: the whole vault).
When a hold is placed, each message in scope gets a digest in `hold_items` (messages that arrive in
scope later get theirs after the import that brings them), so `check` names a held message that was
changed or deleted behind ChatVault's back. An import that edits a held message keeps the earlier
text in `held_versions`, so the original can always be re-created.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from chatvault import clock
from chatvault.checkreport import CheckReport, Problem
from chatvault.errors import UsageError
from chatvault.store import audit as audit_trail
from chatvault.store.custody import in_custodians_sql
from chatvault.store.db import immediate


@dataclass
class HoldScope:
    custodian_id: int | None = None
    conversation_id: int | None = None
    participant_id: int | None = None
    after_ms: int | None = None          # inclusive
    before_ms: int | None = None         # exclusive

    def to_json(self) -> dict[str, Any]:
        return {"custodian_id": self.custodian_id, "conversation_id": self.conversation_id,
                "participant_id": self.participant_id, "after_ms": self.after_ms, "before_ms": self.before_ms}


def scope_sql(h: str = "h", m: str = "m") -> str:
    """True when message `m` is in the scope of hold `h` (the rule of trigger messages_held_no_delete)."""
    return (f"({h}.conversation_id IS NULL OR {h}.conversation_id = {m}.conversation_id)"
            f" AND ({h}.participant_id IS NULL OR {h}.participant_id = {m}.sender_id)"
            f" AND ({h}.after_ms IS NULL OR {m}.ts >= {h}.after_ms)"
            f" AND ({h}.before_ms IS NULL OR {m}.ts < {h}.before_ms)"
            f" AND ({h}.custodian_id IS NULL OR {in_custodians_sql(m, h + '.custodian_id')})")


def held_sql(m: str = "m") -> str:
    """True when any active hold covers message `m`."""
    return f"EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND {scope_sql('h', m)})"


def digest(conversation_id: int, source_key: str, ts: int, sender_id: int | None, kind: str,
           text: str | None, extra: str | None) -> str:
    body = json.dumps([conversation_id, source_key, ts, sender_id, kind, text, extra], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _with_digest(conn: Any) -> None:
    conn.create_function("cv_hold_digest", 7, digest, deterministic=True)


def place(conn: Any, matter: str, reason: str, scope: HoldScope, actor: str = "user") -> dict[str, Any]:
    """Place a hold (its own transaction) and record a digest of every message in scope; returns the
    hold with its count."""
    if not matter.strip() or not reason.strip():
        raise UsageError("A legal hold needs a matter name and a reason.")
    if scope.after_ms is not None and scope.before_ms is not None and scope.after_ms >= scope.before_ms:
        raise UsageError("The hold's date range is empty.")
    with immediate(conn):
        cur = conn.execute(
            "INSERT INTO legal_holds(conversation_id, reason, created_at, matter, custodian_id, participant_id,"
            " after_ms, before_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (scope.conversation_id, reason.strip(), clock.now_ms(), matter.strip(), scope.custodian_id,
             scope.participant_id, scope.after_ms, scope.before_ms, actor))
        hold_id = int(cur.lastrowid)
        items = refresh_items(conn, hold_id)
        audit_trail.append(conn, "hold.add", {"hold_id": hold_id, "matter": matter, "reason": reason,
                                              "scope": scope.to_json(), "messages": items}, actor)
    return {"id": hold_id, "matter": matter, "messages": items}


def any_active(conn: Any) -> bool:
    return conn.execute("SELECT 1 FROM legal_holds WHERE released_at IS NULL LIMIT 1").fetchone() is not None


def refresh_items(conn: Any, hold_id: int | None = None) -> int:
    """Digest the messages that entered an active hold's scope since (all active holds by default)."""
    _with_digest(conn)
    added = 0
    ids = [hold_id] if hold_id is not None else [r[0] for r in conn.execute(
        "SELECT id FROM legal_holds WHERE released_at IS NULL")]
    for hid in ids:
        cur = conn.execute(
            f"""INSERT OR IGNORE INTO hold_items(hold_id, message_id, digest)
                SELECT h.id, m.id, cv_hold_digest(m.conversation_id, m.source_key, m.ts, m.sender_id, m.kind,
                                                  m.text, m.extra)
                FROM legal_holds h JOIN messages m ON {scope_sql('h', 'm')}
                WHERE h.id = ? AND h.released_at IS NULL""", (hid,))
        added += max(cur.rowcount, 0)
    return added


def release(conn: Any, hold_id: int, reason: str, actor: str = "user") -> None:
    row = conn.execute("SELECT matter, released_at FROM legal_holds WHERE id = ?", (hold_id,)).fetchone()
    if row is None:
        raise UsageError(f"There is no legal hold {hold_id}.", hint="List them with `chatvault hold ls`.")
    if row[1] is not None:
        raise UsageError(f"Legal hold {hold_id} ({row[0]}) was already released.")
    if not reason.strip():
        raise UsageError("Releasing a legal hold needs a reason.")
    with immediate(conn):
        conn.execute("UPDATE legal_holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ?",
                     (clock.now_ms(), actor, reason.strip(), hold_id))
        audit_trail.append(conn, "hold.release", {"hold_id": hold_id, "matter": row[0], "reason": reason}, actor)


_COLS = ("id", "matter", "reason", "created_at", "created_by", "released_at", "released_by", "release_reason",
         "custodian_id", "conversation_id", "participant_id", "after_ms", "before_ms")


def list_holds(conn: Any, *, active_only: bool = False) -> list[dict[str, Any]]:
    sql = f"SELECT {', '.join(_COLS)} FROM legal_holds" + (" WHERE released_at IS NULL" if active_only else "")
    out = []
    for row in conn.execute(sql + " ORDER BY id"):
        d = dict(zip(_COLS, row, strict=True))
        d["messages"] = conn.execute("SELECT count(*) FROM hold_items WHERE hold_id = ?", (d["id"],)).fetchone()[0]
        d["active"] = d["released_at"] is None
        out.append(d)
    return out


def covering(conn: Any, message_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For each of `message_ids` under an active hold: the holds (id, matter) covering it."""
    out: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(message_ids), 500):
        chunk = message_ids[i:i + 500]
        for mid, hid, matter in conn.execute(
                f"""SELECT m.id, h.id, h.matter FROM messages m JOIN legal_holds h ON h.released_at IS NULL
                    AND {scope_sql('h', 'm')} WHERE m.id IN ({','.join('?' * len(chunk))})""", chunk):
            out.setdefault(int(mid), []).append({"id": int(hid), "matter": matter})
    return out


def held_message_ids(conn: Any) -> set[int]:
    """Every message an active hold covers (the app's badge)."""
    return {int(r[0]) for r in conn.execute(f"SELECT m.id FROM messages m WHERE {held_sql('m')}")}


def check_holds(vault: Any, report: CheckReport, read_data: bool, repair: bool) -> None:
    """Every held message is still there and hashes to its digest (its original text, where an
    import edited it since: `held_versions`); what is not is named, never repaired."""
    conn = vault.connect(readonly=True)
    try:
        _with_digest(conn)
        rows = conn.execute(
            """SELECT hi.hold_id, hi.message_id, hi.digest, m.id,
                      cv_hold_digest(m.conversation_id, m.source_key, m.ts, m.sender_id,
                          CASE WHEN v.id IS NULL THEN m.kind ELSE v.kind END,
                          CASE WHEN v.id IS NULL THEN m.text ELSE v.text END,
                          CASE WHEN v.id IS NULL THEN m.extra ELSE v.extra END)
               FROM hold_items hi JOIN legal_holds h ON h.id = hi.hold_id
               LEFT JOIN messages m ON m.id = hi.message_id
               LEFT JOIN held_versions v ON v.id = (SELECT min(id) FROM held_versions WHERE message_id = hi.message_id)
               WHERE h.released_at IS NULL""")
        checked = 0
        for hold_id, mid, want, present, got in rows:      # streamed: a whole-vault hold is 1M rows
            checked += 1
            if present is None:
                text = f"Held message {mid} (legal hold {hold_id}) was deleted from the database directly."
            elif got != want:
                text = f"Held message {mid} (legal hold {hold_id}) was changed in the database directly."
            else:
                continue
            report.problems.append(Problem("compliance", text, detail={"message_id": mid, "hold_id": hold_id,
                                                                       "hint": "Restore the vault from a backup."}))
    finally:
        conn.close()
    report.checked["held_messages"] = checked
