"""`chatvault check` warns when backups are stale or failing (it never contacts a destination)."""

from __future__ import annotations

from typing import Any

from chatvault.backup.health import health
from chatvault.checkreport import CheckReport, Problem


def check_backups(vault: Any, report: CheckReport, read_data: bool, repair: bool) -> None:
    conn = vault.connect(readonly=True)
    try:
        try:
            hs = health(conn)
        except Exception:  # noqa: BLE001 - a database without the backup tables: nothing to report
            return
        for h in hs:
            if h.state == "red":
                report.problems.append(Problem("backup", h.message, severity="warning"))
    finally:
        conn.close()
