"""The search model: the worker that runs one query at a time on the shared pool (a newer query
interrupts the older), and the list model of hits."""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
    Signal,
)

from chatvault.gui.models.rows import RowListModel
from chatvault.gui.ops import TaskGroup, post
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


PAGE = 200


HitRole = Qt.ItemDataRole.UserRole + 20


def run_query(conn: Connection, query: str, filters: dict[str, Any], sort: str, limit: int) -> Any:
    """Translate the page's filters into the search API's and run it (on the worker thread)."""
    from chatvault.search import api

    return api.search(conn, query, filters=search_filters(filters), sort=sort, limit=limit)


def search_filters(filters: dict[str, Any]) -> Any:
    """The search page's filters (`SearchPage.filters()`) as the search API's `SearchFilters`."""
    from chatvault.search import api

    return api.SearchFilters(
        conversations=[filters["conversation_id"]] if filters.get("conversation_id") is not None else (),
        sender=filters.get("sender"),
        after=filters.get("since"),
        before=filters.get("until"),
        kinds=[filters["kind"]] if filters.get("kind") else (),
        status="missing-at-source" if filters.get("missing_at_source") else None,
        custodians=[filters["custodian"]] if filters.get("custodian") is not None else (),
        feeds=[filters["feed"]] if filters.get("feed") else (),
    )


class _Signals(QObject):
    done = Signal(int, object, object, float)  # generation, result, error, seconds


def _search_job(gen: int, conn: Connection, lock: threading.Lock, query: str, filters: dict[str, Any], sort: str,
                signals: _Signals) -> None:
    """One query on the shared pool; `lock` keeps the page's connection to one query at a time (an
    older query, interrupted, finishes before the newer starts)."""
    t0 = time.perf_counter()
    result = error = None
    with lock:
        try:
            result = run_query(conn, query, filters, sort, PAGE)
        except Exception as exc:  # noqa: BLE001 - interrupted or bad query: reported, never crashes the UI
            error = exc
    post(signals, signals.done.emit, gen, result, error, time.perf_counter() - t0)   # see gui/ops.py


class SearchWorker(QObject):
    """Runs one query at a time on its own read-only connection; a newer query interrupts the older."""

    results = Signal(object, float)   # SearchResult, seconds
    failed = Signal(object)
    started = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tasks = TaskGroup(max_running=1)       # one query at a time, as the connection allows
        self._lock = threading.Lock()
        self.conn: Connection | None = None
        self.generation = 0
        self.queries_run = 0
        self.busy = False
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)

    def set_vault(self, vault: Vault | None) -> None:
        self.close()
        if vault is not None:
            self.conn = vault.connect(readonly=True)

    def submit(self, query: str, filters: dict[str, Any], sort: str) -> int:
        if self.conn is None:
            return -1
        self.generation += 1
        if self.busy:
            try:
                self.conn.interrupt()
            except Exception:  # noqa: BLE001 - nothing running any more
                pass
        self.busy = True
        self.queries_run += 1
        self.started.emit(query)
        self.tasks.start(partial(_search_job, self.generation, self.conn, self._lock, query, filters, sort,
                                 self._signals), priority=1)   # ahead of queued thumbnails
        return self.generation

    def _done(self, gen: int, result: Any, error: Any, seconds: float) -> None:
        if gen != self.generation:
            return  # a stale query: the user kept typing
        self.busy = False
        if error is not None:
            self.failed.emit(error)
        else:
            self.results.emit(result, seconds)

    def close(self) -> None:
        self.generation += 1
        if self.conn is not None:
            try:
                self.conn.interrupt()
            except Exception:  # noqa: BLE001
                pass
            self.tasks.drain(5000)
            self.conn.close()
            self.conn = None
        self.busy = False


class ResultModel(RowListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []

    def set_hits(self, hits: list[Any]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    ROW_ROLE = HitRole

    def row_list(self) -> list[Any]:
        return self.hits

    def row_data(self, hit: Any, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.conversation} · {hit.sender or ''}: {hit.snippet}"
        return None
