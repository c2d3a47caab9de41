"""The list of watched folders (table `watch_folders`) and what each one has seen."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from chatvault import clock
from chatvault.errors import InputError, UsageError
from chatvault.store.db import Connection

RULES = ("capture", "auto-import")


@dataclass(frozen=True)
class WatchFolder:
    id: int
    path: str
    rule: str
    enabled: bool
    added_at: int
    last_scan_at: int | None
    options: dict
    custodian_id: int | None = None    # whose archive the imports it starts are (None: the default custodian)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _row(r) -> WatchFolder:
    return WatchFolder(int(r[0]), r[1], r[2], bool(r[3]), int(r[4]), r[5], json.loads(r[6] or "{}"),
                       None if r[7] is None else int(r[7]))


def list_folders(conn: Connection) -> list[WatchFolder]:
    rows = conn.execute(
        "SELECT id, path, rule, enabled, added_at, last_scan_at, options, custodian_id FROM watch_folders ORDER BY id").fetchall()
    return [_row(r) for r in rows]


def add_folder(conn: Connection, path: str | Path, rule: str = "capture", options: dict | None = None,
               custodian_id: int | None = None) -> WatchFolder:
    if rule not in RULES:
        raise UsageError(f"Unknown rule {rule!r}.", hint=f"Use one of: {', '.join(RULES)}.")
    p = Path(path).expanduser()
    if not p.is_dir():
        raise InputError(f"{p} is not a folder.", hint="Give the folder the messenger saves media or exports to.")
    real = os.path.realpath(p)
    if conn.execute("SELECT 1 FROM watch_folders WHERE path = ?", (real,)).fetchone():
        raise UsageError(f"{real} is already watched.", hint="`chatvault watch ls` lists the watched folders.")
    conn.execute("INSERT INTO watch_folders(path, rule, added_at, options, custodian_id) VALUES (?, ?, ?, ?, ?)",
                 (real, rule, clock.now_ms(), json.dumps(options or {}), custodian_id))
    row = conn.execute("SELECT id, path, rule, enabled, added_at, last_scan_at, options, custodian_id "
                       "FROM watch_folders WHERE path = ?", (real,)).fetchone()
    return _row(row)


def remove_folder(conn: Connection, ref: str) -> WatchFolder:
    """Stop watching (by id or path). What was captured stays in the vault; the log keeps the history."""
    folders = list_folders(conn)
    match = [f for f in folders if str(f.id) == ref or f.path == ref
             or (os.path.exists(ref) and f.path == os.path.realpath(ref))]
    if not match:
        raise UsageError(f"No watched folder {ref!r}.", hint="`chatvault watch ls` lists ids and paths.")
    f = match[0]
    conn.execute("DELETE FROM watch_files WHERE watch_id = ?", (f.id,))
    conn.execute("DELETE FROM watch_folders WHERE id = ?", (f.id,))
    return f
