"""`chatvault check` parts for compliance: the audit trail's hash chain."""

from __future__ import annotations

from typing import Any

from chatvault.checkreport import CheckReport, Problem
from chatvault.store import audit as audit_trail


def check_audit(vault: Any, report: CheckReport, read_data: bool, repair: bool) -> None:
    """Every audit entry hashes to what it says and links to the one before it; a break is named
    (an entry changed, inserted or deleted in the database) and never repaired: the trail is
    evidence, and `chatvault audit verify` also compares it with the heads sealed in backups."""
    conn = vault.connect(readonly=True)
    try:
        result = audit_trail.verify(conn)
    finally:
        conn.close()
    report.checked["audit_entries"] = result.entries
    for p in result.problems:
        report.problems.append(Problem("audit", p["message"], detail={"entry": p["id"], "problem": p["problem"],
                                                                      "hint": "Run `chatvault audit verify`."}))


def check_rows(vault: Any, report: CheckReport, read_data: bool, repair: bool) -> None:
    """No message row vanished outside ChatVault: per chat, the messages its imports added, less the
    ones deleted with a tombstone, are all still there. (Runs cut short before they recorded their
    coverage are not counted, so only rows *missing* are named, never extra ones.)"""
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute(
            """SELECT c.id, c.title,
                      (SELECT coalesce(sum(ic.added), 0) FROM import_coverage ic WHERE ic.conversation_id = c.id),
                      (SELECT count(*) FROM tombstones t WHERE t.conversation_id = c.id),
                      (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)
               FROM conversations c""").fetchall()
    finally:
        conn.close()
    for cid, title, added, removed, present in rows:
        gone = added - removed - present
        if gone > 0:
            report.problems.append(Problem(
                "compliance", f"Chat {title or cid}: {gone} message row(s) were deleted from the database directly "
                              "(its imports added more than it holds, and no tombstone accounts for them).",
                detail={"conversation_id": cid, "missing_rows": gone, "hint": "Restore the vault from a backup."}))
