"""`chatvault check` additions for imports: runs a crash left unfinished, and bookkeeping that must agree."""

from __future__ import annotations

from chatvault.checkreport import CheckReport, Problem
from chatvault.store.db import DatabaseError
from chatvault.vault.vault import Vault


def check_imports(vault: Vault, report: CheckReport, read_data: bool, repair: bool) -> None:
    conn = vault.connect(readonly=True)
    try:
        runs = conn.execute(
            "SELECT r.id, r.path FROM import_runs r WHERE r.outcome IN ('running', 'interrupted') AND NOT EXISTS "
            "(SELECT 1 FROM import_runs l WHERE l.path = r.path AND l.id > r.id AND l.outcome IN ('ok', 'partial')) "
            "ORDER BY r.id").fetchall()
        for run_id, path in runs:
            report.problems.append(Problem(
                "imports", f"Import run {run_id} of {path} did not finish; its committed batches are kept.",
                severity="warning", detail={"run_id": run_id, "hint": "Import the same export again to complete it."}))
        orphans = conn.execute(
            "SELECT count(*) FROM messages m WHERE m.first_run_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM import_runs r WHERE r.id = m.first_run_id)").fetchone()[0]
        if orphans:
            report.problems.append(Problem("imports", f"{orphans} messages name an import run that does not exist."))
        unmarked = conn.execute("SELECT count(*) FROM messages WHERE status = 'missing-at-source' "
                                "AND missing_run_id IS NULL").fetchone()[0]
        if unmarked:
            report.problems.append(Problem("imports", f"{unmarked} messages are missing-at-source without the run "
                                                      "that noticed it.", severity="warning"))
        report.checked["import_runs"] = int(conn.execute("SELECT count(*) FROM import_runs").fetchone()[0])
    except DatabaseError as exc:
        report.problems.append(Problem("imports", f"The import records cannot be read: {exc}"))
    finally:
        conn.close()
