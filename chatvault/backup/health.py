"""Backup health per destination (Qt-free; the GUI banner, tray and `backup status` use it).

green: a verified backup within the destination's max age, and the last attempt did not fail.
amber: still within the max age, but the last attempt failed, or the last verified backup is older
       than half the max age (it will turn red soon unless a backup succeeds).
red:   no verified backup within the max age (or ever), or the last backup attempt found damage:
       the vault's own pages or blobs (the run refused to snapshot them), or a new snapshot whose
       restore test failed. Damage stays red until a backup succeeds again.

`running` is true only while the process that started a run is alive: a killed run leaves its row
'running' until the next run, but its PID is gone (and a backup's lock file is free).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from chatvault import clock
from chatvault.backup.destinations import list_destinations, run_alive
from chatvault.backup.source import RED_CODES
from chatvault.store.db import Connection


@dataclass
class DestinationHealth:
    name: str
    kind: str
    where: str
    state: str  # green | amber | red
    message: str
    last_success_at: float | None = None  # unix seconds of the last verified backup
    last_snapshot: str | None = None
    last_failure_at: float | None = None
    last_failure_reason: str | None = None
    last_bytes_sent: int | None = None
    last_bytes_total: int | None = None
    last_duration_s: float | None = None
    max_age_s: int = 0
    running: bool = False
    damaged: bool = False  # the last backup attempt found damage (source or restore test): red
    damage: dict[str, Any] | None = None  # its named pages/blobs/messages (from the run's detail)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _ago(seconds: float) -> str:
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours ago"
    return f"{seconds / 86400:.0f} days ago"


def health(conn: Connection) -> list[DestinationHealth]:
    now = clock.clock.now()
    out = []
    for dest in list_destinations(conn):
        ok = conn.execute(
            "SELECT * FROM backup_runs WHERE destination_id = ? AND kind = 'backup' AND status = 'success' "
            "AND verified = 1 ORDER BY finished_at DESC LIMIT 1", (dest.id,)).fetchone()
        last = conn.execute(
            "SELECT * FROM backup_runs WHERE destination_id = ? AND kind = 'backup' AND status != 'running' "
            "ORDER BY id DESC LIMIT 1", (dest.id,)).fetchone()
        fail = conn.execute(
            "SELECT * FROM backup_runs WHERE destination_id = ? AND status = 'failure' "
            "ORDER BY id DESC LIMIT 1", (dest.id,)).fetchone()
        running = any(run_alive(r) for r in conn.execute(
            "SELECT * FROM backup_runs WHERE destination_id = ? AND status = 'running'", (dest.id,)))
        h = DestinationHealth(dest.name, dest.kind, dest.where, "red", "", max_age_s=dest.max_age_s, running=running)
        if ok is not None:
            h.last_success_at = ok["finished_at"] / 1000
            h.last_snapshot = ok["snapshot_id"]
        if last is not None:
            h.last_bytes_sent, h.last_bytes_total = last["bytes_sent"], last["bytes_total"]
            h.last_duration_s = (last["duration_ms"] or 0) / 1000
        if fail is not None:
            h.last_failure_at = fail["finished_at"] / 1000 if fail["finished_at"] else None
            h.last_failure_reason = fail["error"]
        last_failed = last is not None and last["status"] == "failure"
        # damage found since the last successful backup (a later "unplugged" does not hide it)
        dmg = conn.execute(
            "SELECT error, detail FROM backup_runs WHERE destination_id = ? AND kind = 'backup' "
            f"AND status = 'failure' AND error_code IN ({','.join('?' * len(RED_CODES))}) AND id > coalesce(("
            "SELECT max(id) FROM backup_runs WHERE destination_id = ? AND kind = 'backup' AND status = 'success'"
            "), 0) ORDER BY id DESC LIMIT 1", (dest.id, *RED_CODES, dest.id)).fetchone()
        h.damaged = dmg is not None
        if dmg is not None:
            h.damage = (json.loads(dmg["detail"] or "{}") or {}).get("damage")
            h.state = "red"
            h.message = f"{dest.name}: DAMAGE FOUND: {dmg['error']}"
            if h.last_success_at is not None:
                h.message += f" The last clean backup is from {_ago(now - h.last_success_at)}."
        elif h.last_success_at is None:
            h.state = "red"
            h.message = f"{dest.name}: no verified backup yet"
            if last_failed:
                h.message += f"; the last attempt failed: {last['error']}"
        else:
            age = now - h.last_success_at
            h.message = f"{dest.name}: last verified backup {_ago(age)}"
            if age > dest.max_age_s:
                h.state = "red"
                h.message += f" (older than {dest.max_age_s / 86400:g} days)"
                if last_failed:
                    h.message += f"; the last attempt failed: {last['error']}"
            elif last_failed:
                h.state = "amber"
                h.message += f"; the last attempt failed: {last['error']}"
            elif age > dest.max_age_s / 2:
                h.state = "amber"
            else:
                h.state = "green"
        if not dest.enabled:
            h.message += " (scheduled backups are off)"
        out.append(h)
    return out


def overall(states: list[DestinationHealth]) -> str:
    """The worst state: what the tray icon shows. No destination at all is red."""
    if not states:
        return "red"
    order = {"green": 0, "amber": 1, "red": 2}
    return max((h.state for h in states), key=order.__getitem__)
