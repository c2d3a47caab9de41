"""The backup entry points the CLI, GUI and scheduler call: each takes the vault and a
destination, holds the backup lock where it writes, and records the run in the history
(`backup_runs`). The work itself is in run.py (one backup), verify.py, restore.py and prune.py;
layout.py knows what a destination holds."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from chatvault.backup import source as src
from chatvault.backup.cache import cache_path
from chatvault.backup.common import BackupLock, vault_keys, wrap
from chatvault.backup.crypto import BackupKeys
from chatvault.backup.destinations import Destination, finish_run, open_target, start_run
from chatvault.backup.layout import SnapshotInfo, list_snapshots, load_manifest
from chatvault.backup.prune import PruneReport, prune_target
from chatvault.backup.restore import RestoreReport, restore_snapshot
from chatvault.backup.run import BackupRun, RunResult, needs_full_listing
from chatvault.backup.snapshot import DbSnapshot
from chatvault.backup.target import Target
from chatvault.backup.verify import VerifyReport, count_affected_messages, verify_target
from chatvault.errors import Cancelled, ChatVaultError, IntegrityError
from chatvault.fsutil import storage_error
from chatvault.jobs.context import JobContext
from chatvault.vault.vault import Vault

__all__ = ["PruneReport", "RestoreReport", "RunResult", "SnapshotInfo", "VerifyReport", "list_snapshots",
           "load_manifest", "restore_snapshot", "run_backup", "run_prune", "run_verify", "vault_keys",
           "verify_target"]


def run_backup(vault: Vault, dest: Destination, ctx: JobContext | None = None) -> RunResult:
    """One backup of `vault` to `dest`; records the run (success only when verified) in the history."""
    ctx = ctx or JobContext()
    t0 = time.monotonic()
    result = RunResult(dest.name)
    conn = vault.connect()
    try:
        with BackupLock(vault.path):
            run_id: int | None = None
            try:
                k = vault_keys(vault)
                result.source_checked_from_ns = src.mark_start(cache_path(vault, dest))
                ctx.status("Taking a snapshot of the database")
                with DbSnapshot(vault) as snap:
                    run_id = start_run(conn, dest, "backup")
                    t2 = time.monotonic()
                    target = open_target(dest)
                    result.phases = {"db snapshot": round(t2 - t0, 4),
                                     "open destination": round(time.monotonic() - t2, 4)}
                    try:
                        BackupRun(vault, target, k, snap, ctx, result, needs_full_listing(conn, dest, target),
                                  cache_path=cache_path(vault, dest)).run()
                    finally:
                        snap.close()
                    if dest.restore_test and result.snapshot_id:
                        _restore_test(target, result, k, ctx)
                    target.close()
                result.duration_s = time.monotonic() - t0
                finish_run(conn, run_id, status="success", snapshot_id=result.snapshot_id, verified=result.verified,
                           bytes_total=result.bytes_total, bytes_sent=result.bytes_sent,
                           objects_sent=result.objects_sent, duration_ms=int(result.duration_s * 1000),
                           detail=result.to_json())
                return result
            except BaseException as exc:
                if run_id is not None:
                    status = "cancelled" if isinstance(exc, Cancelled | KeyboardInterrupt) else "failure"
                    err = exc if isinstance(exc, ChatVaultError | Cancelled) else wrap(exc)
                    finish_run(conn, run_id, status=status, snapshot_id=result.snapshot_id,
                               bytes_total=result.bytes_total,
                               bytes_sent=result.bytes_sent, objects_sent=result.objects_sent,
                               duration_ms=int((time.monotonic() - t0) * 1000), error=err, detail=result.to_json())
                if isinstance(exc, OSError):
                    raise storage_error(exc, f"backing up to {dest.name}") from exc
                raise
    finally:
        conn.close()


def _restore_test(target: Target, result: RunResult, k: BackupKeys, ctx: JobContext) -> None:
    """Restore the new snapshot into a temporary folder, checked; a failure names it damaged."""
    ctx.status("Test-restoring the new snapshot")
    with tempfile.TemporaryDirectory(prefix="chatvault-restore-test-") as tmp:
        rep = restore_snapshot(target, result.snapshot_id or "", Path(tmp) / "vault", keys=k,
                               check=True, ctx=ctx)
    if not rep.ok:
        raise src.RestoreTestFailed(
            f"The restore test of snapshot {result.snapshot_id} failed: "
            + "; ".join(rep.problems + [f"media/{b} lost" for b in rep.lost_blobs[:5]]),
            hint="That snapshot is damaged at the destination: `backup verify --read-data` "
                 "names the objects; prune keeps the last clean snapshot.")
    result.restore_tested = True


def run_verify(vault: Vault, dest: Destination, *, read_data: bool = False,
               ctx: JobContext | None = None) -> VerifyReport:
    conn = vault.connect()
    t0 = time.monotonic()
    try:
        run_id = start_run(conn, dest, "verify")
        try:
            target = open_target(dest)
            rep = verify_target(target, vault_keys(vault), read_data=read_data, ctx=ctx)
        except BaseException as exc:
            finish_run(conn, run_id, status="cancelled" if isinstance(exc, Cancelled) else "failure",
                       duration_ms=int((time.monotonic() - t0) * 1000), error=exc)
            raise
        count_affected_messages(conn, rep)
        err = None if rep.ok else IntegrityError(
            f"{len(rep.damaged)} damaged objects, {len(rep.bad_snapshots)} unreadable snapshots")
        finish_run(conn, run_id, status="success" if rep.ok else "failure", verified=rep.ok and read_data,
                   bytes_total=rep.bytes_read, duration_ms=int((time.monotonic() - t0) * 1000), error=err,
                   detail=rep.to_json() | {"damaged": rep.damaged[:50]})
        return rep
    finally:
        conn.close()


def run_prune(vault: Vault, dest: Destination, *, dry_run: bool = False, ctx: JobContext | None = None,
              retention: dict[str, int] | None = None, forget_before: float | None = None) -> PruneReport:
    """Forget snapshots the retention rules do not keep, then delete objects no remaining snapshot uses."""
    rules = dest.retention if retention is None else retention
    conn = vault.connect()
    t0 = time.monotonic()
    try:
        with BackupLock(vault.path):
            run_id = None if dry_run else start_run(conn, dest, "prune")
            try:
                rep = prune_target(open_target(dest), vault_keys(vault), rules,
                                   src.known_damaged_snapshots(conn, dest.id), dry_run=dry_run, ctx=ctx,
                                   forget_before=forget_before)
                if run_id is not None:
                    finish_run(conn, run_id, status="success", duration_ms=int((time.monotonic() - t0) * 1000),
                               detail=rep.to_json())
                return rep
            except BaseException as exc:
                if run_id is not None:
                    finish_run(conn, run_id, status="cancelled" if isinstance(exc, Cancelled) else "failure",
                               duration_ms=int((time.monotonic() - t0) * 1000), error=wrap(exc))
                raise
    finally:
        conn.close()
