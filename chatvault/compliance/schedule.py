"""Retention on a schedule: once a day, with the backups the app (or `chatvault watch run`'s host
scheduler) runs. A run another writer is blocking is simply tried at the next tick."""

from __future__ import annotations

from typing import Any

from chatvault import clock
from chatvault.compliance import retention
from chatvault.errors import VaultInUse
from chatvault.jobs.context import JobContext

INTERVAL_MS = 86_400_000
ACTOR = "scheduler"


def retention_due(conn: Any, now_ms: int | None = None) -> bool:
    """Policies exist and no retention run finished in the last day."""
    if conn.execute("SELECT 1 FROM retention_policies WHERE removed_at IS NULL LIMIT 1").fetchone() is None:
        return False
    last = conn.execute("SELECT max(at) FROM audit_log WHERE action = 'retention.run'").fetchone()[0]
    now = clock.now_ms() if now_ms is None else now_ms
    return last is None or last <= now - INTERVAL_MS


def run_retention_if_due(vault: Any, ctx: JobContext | None = None) -> retention.RetentionReport | None:
    conn = vault.connect(readonly=True)
    try:
        if not retention_due(conn):
            return None
    finally:
        conn.close()
    lock = vault.writer_lock
    took = False
    if not lock.held:
        try:
            lock.acquire("retention")
        except VaultInUse:
            return None
        took = True
    try:
        return retention.run(vault, job=ctx, actor=ACTOR)
    finally:
        if took:
            lock.release()
