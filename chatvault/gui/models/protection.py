"""What the protection page shows, read in one go on a worker thread: destinations and their health,
the backup schedule, the run history and the watch folders (through the core, no SQL here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chatvault.vault.vault import Vault


@dataclass
class ProtectionState:
    healths: list[Any] = field(default_factory=list)       # backup.health.DestinationHealth
    destinations: dict[str, Any] = field(default_factory=dict)   # name -> Destination
    due: dict[str, float] = field(default_factory=dict)    # enabled destination -> due unix time
    schedule: list[tuple[str, float]] = field(default_factory=list)   # soonest first
    history: list[dict[str, Any]] = field(default_factory=list)
    destination_names: dict[int, str] = field(default_factory=dict)
    folders: list[Any] = field(default_factory=list)       # watch.folders.WatchFolder


def read_health(vault: Vault) -> list[Any]:
    from chatvault.backup.health import health

    conn = vault.connect(readonly=True)
    try:
        return health(conn)
    finally:
        conn.close()


def read_state(vault: Vault) -> ProtectionState:
    """Everything the page shows, on one read-only connection (call it off the UI thread)."""
    from chatvault.backup.destinations import list_destinations, runs
    from chatvault.backup.health import health
    from chatvault.backup.scheduler import Scheduler
    from chatvault.store import queries
    from chatvault.watch.folders import list_folders

    conn = vault.connect(readonly=True)
    try:
        schedule = Scheduler(vault).schedule(conn)
        return ProtectionState(healths=health(conn), destinations={d.name: d for d in list_destinations(conn)},
                               due=dict(schedule), schedule=schedule, history=runs(conn, limit=30),
                               destination_names=queries.destination_names(conn), folders=list_folders(conn))
    finally:
        conn.close()
