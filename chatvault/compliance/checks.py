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
