"""The Favorites list: pages of favorites read on the shared pool, on the view's own connection.

The model asks for the first page when the filters change and for the next page when the list is
scrolled to its end (`canFetchMore`/`fetchMore`); each read runs as one task of a one-at-a-time
group on a read-only connection of its own, so the UI thread never waits for SQLite, and a newer
request (the user kept typing) makes an older answer stale.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from chatvault.gui.models.rows import RowListModel
from chatvault.gui.ops import TaskGroup, post
from chatvault.store import favorites as store
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

FavoriteRole = Qt.ItemDataRole.UserRole + 60
PAGE = 60


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    """The row with `extra` as a dict (the store hands JSON text)."""
    if isinstance(row.get("extra"), str):
        try:
            row["extra"] = json.loads(row["extra"]) or {}
        except ValueError:
            row["extra"] = {}
    row.setdefault("extra", None)
    if row["extra"] is None:
        row["extra"] = {}
    return row


class _Signals(QObject):
    done = Signal(int, object, object)      # generation, result, error


def _read(conn: Connection, lock: threading.Lock, gen: int, filters: dict[str, Any], offset: int,
          want_meta: bool, want_at: int | None, signals: _Signals) -> None:
    result = error = None
    with lock:
        try:
            at = store.position(conn, want_at, **filters) if want_at is not None else None
            limit = PAGE if at is None else max(PAGE, (at // PAGE + 1) * PAGE)
            rows = [decoded(r) for r in store.items(conn, offset=offset, limit=limit, **filters)]
            result = {"rows": rows, "offset": offset, "at": at,
                      "total": store.count(conn, **filters) if want_meta else None,
                      "tags": store.tags(conn) if want_meta else None}
        except Exception as exc:  # noqa: BLE001 - reported to the page, never crashes the UI
            error = exc
    post(signals, signals.done.emit, gen, result, error)


class FavoritesModel(RowListModel):
    """The favorites the filters select, newest first, a page at a time."""

    ROW_ROLE = FavoriteRole
    loaded = Signal(object)        # the row to select after a jump (int) or None
    tags_changed = Signal(list)
    failed = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.total = 0
        self.filters: dict[str, Any] = {}
        self.conn: Connection | None = None
        self.tasks = TaskGroup(max_running=1)
        self._lock = threading.Lock()
        self._gen = 0
        self._busy = False
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)

    def row_list(self) -> list[dict[str, Any]]:
        return self.rows

    def row_data(self, row: dict[str, Any], role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.get("text") or row["extra"].get("title") or ""
        return None

    def set_vault(self, vault: Vault | None) -> None:
        self.close()
        if vault is not None:
            self.conn = vault.connect(readonly=True)

    def close(self) -> None:
        self._gen += 1
        if self.conn is not None:
            try:
                self.conn.interrupt()
            except Exception:  # noqa: BLE001 - nothing running
                pass
            self.tasks.drain(5000)
            self.conn.close()
            self.conn = None
        self._busy = False
        self.beginResetModel()
        self.rows, self.total = [], 0
        self.endResetModel()

    def reload(self, filters: dict[str, Any] | None = None, at: int | None = None) -> None:
        """Read the first page for `filters` (or the ones in use); with `at`, every page up to that favorite."""
        if filters is not None:
            self.filters = {k: v for k, v in filters.items() if v}
        self._submit(0, True, at)

    def _submit(self, offset: int, meta: bool, at: int | None = None) -> None:
        if self.conn is None:
            return
        self._gen += 1
        self._busy = True
        self.tasks.start(partial(_read, self.conn, self._lock, self._gen, dict(self.filters), offset, meta, at,
                                 self._signals))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._busy and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent):
            self._submit(len(self.rows), False)

    def _done(self, gen: int, result: Any, error: Any) -> None:
        if gen != self._gen:
            return
        self._busy = False
        if error is not None:
            self.failed.emit(error)
            return
        if result["offset"] == 0:
            self.beginResetModel()
            self.rows = result["rows"]
            self.total = result["total"] if result["total"] is not None else self.total
            self.endResetModel()
            if result["tags"] is not None:
                self.tags_changed.emit(result["tags"])
        elif result["rows"]:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(result["rows"]) - 1)
            self.rows.extend(result["rows"])
            self.endInsertRows()
        self.loaded.emit(result["at"])

    def row_of(self, message_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r["id"] == message_id), None)
