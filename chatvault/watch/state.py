"""What the watch service knows and shows: each folder's status, the service's, and the paths
waiting to settle before they are captured (`service.py` keeps them, the GUI and CLI read the
snapshots)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chatvault.watch.folders import WatchFolder


@dataclass(frozen=True)
class FolderStatus:
    id: int
    path: str
    rule: str
    state: str = "starting"          # starting | scanning | watching | unreachable
    pending: int = 0
    captured: int = 0
    duplicates: int = 0
    imported: int = 0
    vanished: int = 0
    failed: int = 0
    last_event_at: int | None = None
    last_error: str | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ServiceStatus:
    running: bool
    folders: tuple[FolderStatus, ...] = ()
    waiting_for_lock: bool = False
    last_error: str | None = None

    def to_json(self) -> dict:
        return {"running": self.running, "waiting_for_lock": self.waiting_for_lock, "last_error": self.last_error,
                "folders": [f.to_json() for f in self.folders]}


@dataclass
class Pending:
    """A path seen changing: captured once its size and mtime stayed put for the debounce time."""


    size: int
    mtime_ns: int
    since: float
    attempts: int = 0


@dataclass
class FolderState:
    """One watched folder inside the service: its settings, status, observer and pending paths."""


    spec: WatchFolder
    status: FolderStatus
    watch: object | None = None
    pending: dict[str, Pending] = field(default_factory=dict)
    needs_scan: bool = True
