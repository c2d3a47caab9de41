"""Backup destinations and run history, kept in the vault database (migration 007)."""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatvault import clock
from chatvault.backup.target import Target
from chatvault.errors import ChatVaultError, InputError, UsageError
from chatvault.store.db import Connection

DEFAULT_MAX_AGE_S = 3 * 86400
DEFAULT_INTERVAL_S = 86400
RETENTION_KEYS = ("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")


@dataclass
class Destination:
    id: int
    name: str
    kind: str
    config: dict[str, Any]
    retention: dict[str, int] = field(default_factory=dict)
    max_age_s: int = DEFAULT_MAX_AGE_S
    interval_s: int = DEFAULT_INTERVAL_S
    restore_test: bool = False
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "config": self.config, "retention": self.retention,
                "max_age_s": self.max_age_s, "interval_s": self.interval_s, "restore_test": self.restore_test,
                "enabled": self.enabled}

    @property
    def where(self) -> str:
        if self.kind == "folder":
            return str(self.config["path"])
        c = self.config
        return f"s3://{c['bucket']}/{c.get('prefix', '')} at {c.get('endpoint') or 'AWS'}"


def _row(r: Any) -> Destination:
    return Destination(int(r["id"]), r["name"], r["kind"], json.loads(r["config"]), json.loads(r["retention"] or "{}"),
                       int(r["max_age_s"]), int(r["interval_s"]), bool(r["restore_test"]), bool(r["enabled"]))


def list_destinations(conn: Connection) -> list[Destination]:
    return [_row(r) for r in conn.execute("SELECT * FROM backup_destinations ORDER BY name")]


def get_destination(conn: Connection, name: str) -> Destination:
    r = conn.execute("SELECT * FROM backup_destinations WHERE name = ?", (name,)).fetchone()
    if r is None:
        names = ", ".join(d.name for d in list_destinations(conn)) or "none yet"
        raise InputError(f"There is no backup destination named '{name}' (configured: {names}).",
                         hint="List them with `chatvault backup ls`, add one with `chatvault backup add`.")
    return _row(r)


def add_destination(conn: Connection, name: str, kind: str, config: dict[str, Any], *,
                    retention: dict[str, int] | None = None, max_age_s: int = DEFAULT_MAX_AGE_S,
                    interval_s: int = DEFAULT_INTERVAL_S, restore_test: bool = False) -> Destination:
    if not name or "/" in name or len(name) > 64:
        raise UsageError("A destination name must be 1-64 characters without '/'.")
    if kind not in ("folder", "s3"):
        raise UsageError(f"Unknown destination kind '{kind}' (folder or s3).")
    if kind == "folder":
        config = {"path": str(prepare_folder(Path(config["path"])))}
    else:
        if not config.get("bucket"):
            raise UsageError("An S3 destination needs --bucket.")
        mode = config.get("lock_mode")
        if mode and mode.upper() not in ("GOVERNANCE", "COMPLIANCE"):
            raise UsageError("Object Lock mode must be governance or compliance.")
        if mode and not float(config.get("lock_days") or 0) > 0:
            raise UsageError("Object Lock needs a retention period (--lock-days N).")
    for k, v in (retention or {}).items():
        if k not in RETENTION_KEYS or int(v) < 0:
            raise UsageError(f"Bad retention rule {k}={v}.")
    if conn.execute("SELECT 1 FROM backup_destinations WHERE name = ?", (name,)).fetchone():
        raise UsageError(f"A backup destination named '{name}' already exists.",
                         hint="Choose another name, or remove it first with `chatvault backup rm`.")
    conn.execute(
        "INSERT INTO backup_destinations(name, kind, config, retention, max_age_s, interval_s, restore_test, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (name, kind, json.dumps(config), json.dumps(retention or {}), int(max_age_s), int(interval_s),
         int(restore_test), clock.now_ms()))
    return get_destination(conn, name)


def prepare_folder(path: Path) -> Path:
    """The folder of a new folder destination, created (private) when its parent exists; refused
    otherwise, so that a destination is never accepted only for every later run to fail."""
    path = path.expanduser().resolve()
    if path.is_dir():
        return path
    if path.exists():
        raise UsageError(f"{path} is a file, not a folder.", hint="Give a folder for the backups.")
    if not path.parent.is_dir():
        raise UsageError(f"Neither {path} nor its parent folder {path.parent} exists.",
                         hint="Connect the drive or create the parent folder first, then add the destination.")
    try:
        path.mkdir(mode=0o700)
    except OSError as exc:
        raise UsageError(f"Cannot create the backup folder {path}: {exc.strerror}.",
                         hint="Check that the drive is writable, or choose another folder.") from exc
    return path


def remove_destination(conn: Connection, name: str) -> None:
    dest = get_destination(conn, name)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM backup_runs WHERE destination_id = ?", (dest.id,))
    conn.execute("DELETE FROM backup_destinations WHERE id = ?", (dest.id,))
    conn.execute("COMMIT")


def open_target(dest: Destination) -> Target:
    if dest.kind == "folder":
        from chatvault.backup.folder import FolderTarget

        return FolderTarget(Path(dest.config["path"]))
    from chatvault.backup.s3 import S3Target

    return S3Target(dest.name, dest.config)


# --- run history -------------------------------------------------------------------------
def start_run(conn: Connection, dest: Destination, kind: str) -> int:
    # Any 'running' row left for this destination is from a process that died (we hold the lock).
    conn.execute(
        "UPDATE backup_runs SET status = 'failure', error_code = 'interrupted', "
        "error = 'The run was interrupted (the process stopped before it finished).', finished_at = ? "
        "WHERE destination_id = ? AND status = 'running'", (clock.now_ms(), dest.id))
    cur = conn.execute("INSERT INTO backup_runs(destination_id, kind, status, started_at, detail) "
                       "VALUES (?, ?, 'running', ?, ?)",
                       (dest.id, kind, clock.now_ms(),
                        json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "t": time.time()})))
    return int(cur.lastrowid)


def run_alive(row: Any) -> bool:
    """Is the process of a 'running' run row still alive? (A killed run leaves its row behind.)"""
    try:
        d = json.loads(row["detail"] or "{}")
    except ValueError:
        d = {}
    pid, host = d.get("pid"), d.get("host")
    if not isinstance(pid, int) or host != socket.gethostname():
        return True  # started elsewhere or by an older version: cannot tell, say what the row says
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process has that PID
        pass
    started = _process_start(pid)
    # the PID was given to a new process after the run's own died
    return started is None or not isinstance(d.get("t"), float | int) or started <= float(d["t"]) + 2


def _process_start(pid: int) -> float | None:
    """When process `pid` started (unix seconds), where /proc tells (Linux); else None."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat") as fh:
            btime = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def finish_run(conn: Connection, run_id: int, *, status: str, snapshot_id: str | None = None, verified: bool = False,
               bytes_total: int = 0, bytes_sent: int = 0, objects_sent: int = 0, duration_ms: int = 0,
               error: ChatVaultError | BaseException | None = None, detail: dict[str, Any] | None = None) -> None:
    code = getattr(error, "code", type(error).__name__) if error is not None else None
    message = getattr(error, "message", str(error)) if error is not None else None
    conn.execute(
        "UPDATE backup_runs SET status = ?, finished_at = ?, snapshot_id = ?, verified = ?, bytes_total = ?, "
        "bytes_sent = ?, objects_sent = ?, duration_ms = ?, error_code = ?, error = ?, detail = ? WHERE id = ?",
        (status, clock.now_ms(), snapshot_id, int(verified), bytes_total, bytes_sent, objects_sent, duration_ms,
         code, message, json.dumps(detail or {}), run_id))


def runs(conn: Connection, dest: Destination | None = None, limit: int = 50) -> list[dict[str, Any]]:
    if dest is None:
        rows = conn.execute("SELECT * FROM backup_runs ORDER BY id DESC LIMIT ?", (limit,))
    else:
        rows = conn.execute("SELECT * FROM backup_runs WHERE destination_id = ? ORDER BY id DESC LIMIT ?",
                            (dest.id, limit))
    return [dict(r) | {"detail": json.loads(r["detail"] or "{}")} for r in rows]
