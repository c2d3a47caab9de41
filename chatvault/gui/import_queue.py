"""The app's import work, off the UI thread and free of Qt: reading a source to show what it holds
(`read_source`), and importing several sources as one job with one report (`run_queue`).

A queue runs its sources one after another on one `JobContext`: Cancel stops the running import at
its next batch (what was committed stays, as with one import) and the sources not started are
reported as such; a source that fails is reported with its error and the queue goes on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatvault.errors import Cancelled, ChatVaultError
from chatvault.importers.base import ImportOptions
from chatvault.jobs.context import JobContext

log = logging.getLogger(__name__)

ADDED, PRESENT, PARTIAL, FAILED, CANCELLED, NOT_STARTED, LEFT_OUT = (
    "added", "present", "partial", "failed", "cancelled", "not_started", "left_out")
TOTALS = ("added", "already_present", "missing_at_source", "recalled", "redated", "attachments_stored",
          "attachments_missing", "attachments_upgraded", "unparsed", "merged", "details_updated")


def read_source(vault: Any, path: Path, values: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """What importing `path` with `values` would bring, or why it cannot be read: never raises a
    `ChatVaultError` (the dialog shows it next to the source), only a bug."""
    from chatvault.importers import registry
    from chatvault.importers.whatsapp.dateorder import DateOrderNeeded

    out: dict[str, Any] = {"values": values, "preview": None, "error": None, "candidates": []}
    try:
        out["candidates"] = [(imp.name, d.confidence) for imp, d in registry.detect(path)]
    except ChatVaultError:
        pass                   # told by the preview below (with a format chosen, it may still read)
    try:
        out["preview"] = _preview(vault, path, values, ctx)
    except DateOrderNeeded as exc:
        out["error"] = exc
        _kept_order(vault, exc)
    except ChatVaultError as exc:
        out["error"] = exc
    except OSError as exc:                    # the file went away or cannot be read: the user's to fix
        from chatvault.errors import InputError

        out["error"] = InputError(f"Cannot read {path.name}: {exc.strerror or exc}.", location=str(path))
    return out


def _options(values: dict[str, Any], me: str | None = None) -> ImportOptions:
    return ImportOptions(me=me, options=dict(values.get("options") or {}))


def _preview(vault: Any, path: Path, values: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """The preview, plus who "me" was chosen to be before for where this import will land."""
    from chatvault.ingest import owner
    from chatvault.ingest.preview import preview

    pv = preview(path, format=values.get("format"), options=_options(values), ctx=ctx)
    if vault is not None:
        conn = vault.connect(readonly=True)
        try:
            pv["kept_me"] = owner.kept_label(conn, pv["format"])
        finally:
            conn.close()
    return pv


def _kept_order(vault: Any, exc: Any) -> None:
    """Asked again for a chat the vault holds: the answer kept for it is offered first."""
    from chatvault.ingest.reorder import known_orders

    if vault is not None and exc.conversation_key:
        conn = vault.connect(readonly=True)
        try:
            exc.kept_order = known_orders(conn, "whatsapp").get(exc.conversation_key)
        finally:
            conn.close()


@dataclass
class QueueItem:
    path: Path
    format: str | None
    options: dict[str, Any]
    me: str | None = None
    given: dict[str, str] = field(default_factory=dict)   # what the user typed (for the error's wording)
    error: BaseException | None = None                      # known not to import (shown, not run)
    left_out: bool = False                                  # the user cleared "Import this one"


@dataclass
class FileResult:
    path: Path
    status: str
    report: Any = None
    error: BaseException | None = None
    given: dict[str, str] = field(default_factory=dict)


@dataclass
class QueueState:
    """Which source runs now: read by the UI thread while the worker writes it."""

    index: int = 0
    count: int = 0
    name: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, index: int, name: str) -> None:
        with self.lock:
            self.index, self.name = index, name

    def get(self) -> tuple[int, int, str]:
        with self.lock:
            return self.index, self.count, self.name


@dataclass
class QueueResult:
    """One report for the whole queue: a row per source and the totals."""

    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def reports(self) -> list[Any]:
        return [r.report for r in self.results if r.report is not None]

    def total(self, name: str) -> int:
        return sum(getattr(rep, name, 0) or 0 for rep in self.reports)

    @property
    def outcome(self) -> str:
        if self.cancelled:
            return "cancelled"
        if any(r.status in (FAILED, PARTIAL) for r in self.results):
            return "partial"
        return "ok"

    def warnings(self, limit: int = 50) -> list[tuple[Path, str]]:
        """(source, warning) of every report, up to `limit` in all."""
        out = [(r.path, w) for r in self.results if r.report is not None for w in (r.report.warnings or [])]
        return out[:limit]

    @property
    def unparsed_lines(self) -> list[str]:
        return [line for rep in self.reports for line in (getattr(rep, "unparsed_lines", None) or [])]

    def __getattr__(self, name: str) -> int:
        """`added`, `recalled`… : the sum over the sources (so one source reads like its own report)."""
        if name in TOTALS:
            return self.total(name)
        raise AttributeError(name)


def status_of(report: Any) -> str:
    if report.outcome == "cancelled":
        return CANCELLED
    if report.outcome == "partial":
        return PARTIAL
    return ADDED if report.added or report.redated or report.attachments_filled or report.attachments_upgraded \
        else PRESENT


def run_queue(vault: Any, items: list[QueueItem], ctx: JobContext, state: QueueState) -> QueueResult:
    """Import `items` in order on `ctx`; each commits on its own, so a later failure undoes nothing."""
    from chatvault.ingest.engine import run_import

    result = QueueResult()
    state.count = len(items)
    for i, item in enumerate(items):
        if item.left_out:
            result.results.append(FileResult(item.path, LEFT_OUT))
            continue
        if item.error is not None:
            result.results.append(FileResult(item.path, FAILED, error=item.error, given=item.given))
            continue
        if ctx.cancelled:
            result.results.append(FileResult(item.path, NOT_STARTED))
            continue
        state.set(i, item.path.name)
        ctx.set_total(None, None)
        ctx.set_position(0, 0)
        try:
            options = ImportOptions(me=item.me, options=dict(item.options))
            report = run_import(vault, item.path, format=item.format, options=options, ctx=ctx)
        except Cancelled:
            result.results.append(FileResult(item.path, CANCELLED))
            continue
        except ChatVaultError as exc:
            log.info("a queued import failed: %s", type(exc).__name__)   # no path or text in the log
            result.results.append(FileResult(item.path, FAILED, report=getattr(exc, "report", None), error=exc,
                                             given=item.given))
            continue
        result.results.append(FileResult(item.path, status_of(report), report=report))
    result.cancelled = ctx.cancelled
    return result
