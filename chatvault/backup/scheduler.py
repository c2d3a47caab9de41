"""The in-app backup scheduler (Qt-free). The GUI calls `next_due()` to arm a timer and
`run_due(ctx)` on its worker thread; cron, systemd timers or Task Scheduler call
`chatvault backup run` instead (docs/backup.md).

A destination is due `interval_s` after its last successful backup; after a failure it is retried
after `min(interval_s, RETRY_S)`, so an unplugged drive is retried hourly, not in a tight loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatvault import clock
from chatvault.backup.destinations import Destination, list_destinations
from chatvault.errors import ChatVaultError
from chatvault.jobs.context import JobContext
from chatvault.vault.vault import Vault

RETRY_S = 3600


@dataclass
class DueRun:
    destination: str
    ok: bool
    snapshot_id: str | None = None
    error: str | None = None
    pruned: int = 0
    extra: dict = field(default_factory=dict)


class Scheduler:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @staticmethod
    def due_at(conn: object, dest: Destination) -> float:
        """Unix time `dest` is next due on this connection (0.0: never backed up, due now)."""
        last = conn.execute(  # type: ignore[attr-defined]
            "SELECT status, finished_at FROM backup_runs WHERE destination_id = ? AND kind = 'backup' "
            "AND status != 'running' ORDER BY id DESC LIMIT 1", (dest.id,)).fetchone()
        if last is None or last["finished_at"] is None:
            return 0.0
        finished = last["finished_at"] / 1000
        if last["status"] == "success":
            return finished + dest.interval_s
        return finished + min(dest.interval_s, RETRY_S)

    def schedule(self, conn: object | None = None) -> list[tuple[str, float]]:
        """(destination name, due unix time) for every enabled destination, soonest first; on `conn` when
        given (a caller that already holds a connection), else on a connection of its own."""
        if conn is not None:
            out = [(d.name, self.due_at(conn, d)) for d in list_destinations(conn) if d.enabled]  # type: ignore[arg-type]
            return sorted(out, key=lambda x: x[1])
        own = self.vault.connect(readonly=True)
        try:
            return self.schedule(own)
        finally:
            own.close()

    def next_due(self) -> float | None:
        """Unix time of the next due backup (may be in the past: run now), or None without destinations."""
        s = self.schedule()
        return s[0][1] if s else None

    def due(self) -> list[str]:
        now = clock.clock.now()
        return [name for name, at in self.schedule() if at <= now]

    def _retention(self, ctx: JobContext) -> list[DueRun]:
        """Retention policies once a day, before the backups (so a snapshot never keeps for long what
        a policy deleted). Reported as the pseudo-destination "retention"."""
        from chatvault.compliance.schedule import run_retention_if_due

        try:
            rep = run_retention_if_due(self.vault, ctx)
        except ChatVaultError as exc:
            return [DueRun("retention", False, error=exc.message)]
        return [] if rep is None else [DueRun("retention", True, extra=rep.to_json() | {"would_delete": None})]

    def run_due(self, ctx: JobContext | None = None) -> list[DueRun]:
        """Back up to every due destination (then prune by its retention rules). Never raises for a
        failing destination: the failure is recorded in the history and returned."""
        from chatvault.backup.destinations import get_destination
        from chatvault.backup.engine import run_backup, run_prune

        ctx = ctx or JobContext()
        results = self._retention(ctx)
        for name in self.due():
            ctx.check()
            conn = self.vault.connect(readonly=True)
            try:
                dest = get_destination(conn, name)
            finally:
                conn.close()
            try:
                r = run_backup(self.vault, dest, ctx)
                pruned = 0
                if dest.retention:
                    pruned = len(run_prune(self.vault, dest, ctx=ctx).forget)
                results.append(DueRun(name, True, r.snapshot_id, pruned=pruned))
            except ChatVaultError as exc:
                results.append(DueRun(name, False, error=exc.message))
        return results
