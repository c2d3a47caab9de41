"""The watch service: watchdog observers + start-up and periodic scans, debounced capture or import.

Qt-free: the GUI wraps `WatchService` (start/stop/status snapshots) and `chatvault watch run` runs
it in the foreground. One worker thread owns the database connection and does every write:

- events (and scans) mark paths *pending*; a path is captured once its size and mtime stayed the
  same for `debounce` seconds (or its mtime is already older than that), and it is re-checked
  after the copy, so a file still being written is never stored half-written;
- a folder whose root disappears (unplugged drive, unmounted share) turns `unreachable`; nothing
  is logged as vanished for it; when it comes back it is re-watched and re-scanned;
- deleting a file only adds a `vanished` entry to the capture log: nothing leaves the vault;
- the vault's writer lock is taken per batch (unless the caller already holds it), so an import
  can run between captures.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from chatvault import clock
from chatvault.errors import ChatVaultError, StorageError, VaultInUse
from chatvault.importers.base import ImportOptions
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import ThumbWorker, pending_originals, thumbnail_blob
from chatvault.store.db import DatabaseError, classify, rollback
from chatvault.watch.capture import (
    CaptureResult,
    capture_file,
    is_partial_name,
    log_event,
    record_capture,
    within_root,
)
from chatvault.watch.folders import list_folders
from chatvault.watch.state import FolderState, FolderStatus, Pending, ServiceStatus

IMPORT_SUFFIXES = (".zip", ".txt")
BATCH_FILES = 64            # files per durability barrier and transaction
BATCH_BYTES = 64 << 20      # ... and bytes, which bounds the extra latency a batch adds
IMPORT_NAMES = ("result.json",)


class _Handler(FileSystemEventHandler):
    def __init__(self, service: WatchService, folder_id: int) -> None:
        self.service = service
        self.folder_id = folder_id

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        self.service._event(self.folder_id, event)


class WatchService:
    """Watch every enabled folder of a vault; `start()` returns at once, `stop()` is clean."""

    def __init__(self, vault, *, debounce: float = 1.0, tick: float = 0.2, rescan_every: float = 300.0,
                 reach_every: float = 1.0, on_change: Callable[[ServiceStatus], None] | None = None,
                 observer_factory: Callable[[], object] = Observer, retry_after: float = 10.0) -> None:
        self.vault = vault
        self.debounce = debounce
        self.tick = tick
        self.rescan_every = rescan_every
        self.reach_every = reach_every
        self.on_change = on_change
        self._observer_factory = observer_factory
        self._store = BlobStore(vault)
        self._lock = threading.Lock()
        self._events: list[tuple[int, FileSystemEvent]] = []
        self._folders: dict[int, FolderState] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer = None
        self._status = ServiceStatus(False)
        self._started = threading.Event()
        self._idle = threading.Event()
        self._error: BaseException | None = None
        self._thumbs_due = False
        self._thumb_worker: ThumbWorker | None = None
        self.retry_after = retry_after
        self._retry_at = 0.0

    # --- public API ------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._observer = self._observer_factory()
        self._observer.daemon = True
        self._observer.start()
        self._thread = threading.Thread(target=self._run, name="chatvault-watch", daemon=True)
        self._thread.start()
        self._started.wait(10)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the capture in progress, stop the observers and the worker, release the lock."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout)
            except RuntimeError:
                pass
        self._thread = None
        self._observer = None
        self._publish(running=False)

    @property
    def error(self) -> BaseException | None:
        """The exception that stopped the worker, if it died."""
        return self._error

    def status(self) -> ServiceStatus:
        with self._lock:
            return self._status

    def rescan(self) -> None:
        with self._lock:
            for f in self._folders.values():
                f.needs_scan = True
        self._wake.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Tests and benchmarks: wait until nothing is pending (True) or the timeout passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._idle.clear()
            self._wake.set()
            if self._idle.wait(max(0.0, deadline - time.monotonic())):
                if not self._busy():
                    return True
            if self._error is not None:
                raise self._error
        return False

    def _busy(self) -> bool:
        with self._lock:
            return bool(self._events) or self._thumbs_due or any(
                f.pending or f.needs_scan for f in self._folders.values() if f.status.state != "unreachable")

    # --- events ------------------------------------------------------------------------------
    def _event(self, folder_id: int, event: FileSystemEvent) -> None:
        with self._lock:
            self._events.append((folder_id, event))
        self._wake.set()

    # --- worker --------------------------------------------------------------------------------
    def _run(self) -> None:
        conn = self.vault.connect()
        try:
            self._load(conn)
            self._publish(running=True)
            self._started.set()
            last_reach = 0.0
            last_rescan = time.monotonic()
            while not self._stop.is_set():
                now = time.monotonic()
                if now - last_reach >= self.reach_every:
                    self._load(conn)
                    last_reach = now
                if now - last_rescan >= self.rescan_every:
                    self.rescan()
                    last_rescan = now
                self._drain_events(conn)
                self._scan_if_needed(conn)
                self._process_pending(conn)
                self._make_thumbnails(conn)
                self._publish()
                if not self._busy():
                    self._idle.set()
                self._wake.wait(self.tick)
                self._wake.clear()
        except BaseException as exc:  # noqa: BLE001 - reported through status, re-raised by wait_idle
            self._error = exc
            self._publish(error=str(exc))
            self._idle.set()
        finally:
            self._started.set()
            if self._thumb_worker is not None:
                self._thumb_worker.close()
            conn.close()

    def _load(self, conn) -> None:
        """Follow the folder list: `watch add`/`rm` (or the GUI) take effect without a restart."""
        specs = {spec.id: spec for spec in list_folders(conn) if spec.enabled}
        for fid in [fid for fid in self._folders if fid not in specs]:
            self._unschedule(self._folders.pop(fid))
        for fid, spec in specs.items():
            if fid not in self._folders:
                self._folders[fid] = FolderState(spec, FolderStatus(spec.id, spec.path, spec.rule))
        self._check_reachable()

    def _check_reachable(self) -> None:
        for f in self._folders.values():
            ok = os.path.isdir(f.spec.path)
            if ok and f.status.state in ("starting", "unreachable"):
                self._schedule(f)
                f.needs_scan = True
                f.status = replace(f.status, state="watching", last_error=None)
            elif not ok and f.status.state != "unreachable":
                self._unschedule(f)
                f.pending.clear()
                f.status = replace(f.status, state="unreachable", pending=0,
                                   last_error="The folder is not reachable (unplugged drive or unmounted share?); "
                                              "watching resumes when it is back.")

    def _schedule(self, f: FolderState) -> None:
        self._unschedule(f)
        try:
            f.watch = self._observer.schedule(_Handler(self, f.spec.id), f.spec.path, recursive=True)
        except OSError as exc:
            f.status = replace(f.status, last_error=f"Cannot watch the folder for changes ({exc}); "
                                                    "periodic scans still run.")

    def _unschedule(self, f: FolderState) -> None:
        if f.watch is not None:
            try:
                self._observer.unschedule(f.watch)
            except (KeyError, OSError, RuntimeError):
                pass
            f.watch = None

    def _drain_events(self, conn) -> None:
        with self._lock:
            events, self._events = self._events, []
        for folder_id, ev in events:
            f = self._folders.get(folder_id)
            if f is None or f.status.state == "unreachable":
                continue
            if ev.event_type == "moved":
                self._gone(conn, f, os.fsdecode(ev.src_path), renamed_to=os.fsdecode(ev.dest_path))
                self._mark(f, os.fsdecode(ev.dest_path), is_dir=ev.is_directory)
            elif ev.event_type == "deleted":
                self._gone(conn, f, os.fsdecode(ev.src_path))
            else:
                self._mark(f, os.fsdecode(ev.src_path), is_dir=ev.is_directory)

    def _mark(self, f: FolderState, path: str, *, is_dir: bool) -> None:
        if is_dir:
            f.needs_scan = True  # a folder moved or copied in: its files come without events
            return
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            return
        if path not in f.pending:
            f.pending[path] = Pending(st.st_size, st.st_mtime_ns, time.monotonic())

    def _gone(self, conn, f: FolderState, path: str, renamed_to: str | None = None) -> None:
        """A file left the watched folder: log it, never delete anything from the vault."""
        f.pending.pop(path, None)
        if not os.path.isdir(f.spec.path):
            return  # the whole folder went away: unreachable, not deleted
        rel = self._rel(f, path)
        if rel is None:
            return
        rows = conn.execute("SELECT rel_path, blob_id FROM watch_files WHERE watch_id = ? AND present = 1 AND "
                            "(rel_path = ? OR rel_path LIKE ? ESCAPE '\\')",
                            (f.spec.id, rel, _like_prefix(rel))).fetchall()
        if not rows:
            return
        with self._writer():
            conn.execute("BEGIN IMMEDIATE")
            try:
                new_rel = self._rel(f, renamed_to)
                for r in rows:
                    # A moved folder renames every file under it: name each file's new path.
                    detail = {"renamed_to": (new_rel + r[0][len(rel):]) if new_rel else renamed_to} \
                        if renamed_to else {}
                    log_event(conn, f.spec.id, r[0], "vanished", detail, blob_id=r[1])
                    conn.execute("UPDATE watch_files SET present = 0, last_seen = ? WHERE watch_id = ? AND "
                                 "rel_path = ?", (clock.now_ms(), f.spec.id, r[0]))
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise
        f.status = replace(f.status, vanished=f.status.vanished + len(rows), last_event_at=clock.now_ms())

    def _rel(self, f: FolderState, path: str | None) -> str | None:
        if path is None:
            return None
        try:
            return Path(path).relative_to(f.spec.path).as_posix()
        except ValueError:
            return None

    def _scan_if_needed(self, conn) -> None:
        for f in list(self._folders.values()):
            if not f.needs_scan or f.status.state == "unreachable" or self._stop.is_set():
                continue
            f.needs_scan = False
            f.status = replace(f.status, state="scanning")
            self._publish()
            self._scan(conn, f)
            if f.status.state == "scanning":
                f.status = replace(f.status, state="watching")

    def _scan(self, conn, f: FolderState) -> None:
        """Walk the folder without following links; mark what is new or changed since last seen."""
        known = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
            "SELECT rel_path, size, mtime_ns, present FROM watch_files WHERE watch_id = ?", (f.spec.id,))}
        seen: set[str] = set()
        root = f.spec.path
        stack = [root]
        while stack:
            if self._stop.is_set():
                return
            d = stack.pop()
            try:
                entries = list(os.scandir(d))
            except OSError:
                if not os.path.isdir(root):
                    return  # unplugged during the scan
                continue
            for e in entries:
                try:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                        continue
                    if not e.is_file(follow_symlinks=False):
                        continue  # symlinks, FIFOs, sockets, devices
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                rel = Path(e.path).relative_to(root).as_posix()
                seen.add(rel)
                k = known.get(rel)
                if k is None or (k[0], k[1]) != (st.st_size, st.st_mtime_ns) or not k[2]:
                    if e.path not in f.pending:
                        f.pending[e.path] = Pending(st.st_size, st.st_mtime_ns, time.monotonic())
        if not os.path.isdir(root):
            return
        gone = [rel for rel, k in known.items() if k[2] and rel not in seen]
        if gone:
            with self._writer():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for rel in gone:
                        log_event(conn, f.spec.id, rel, "vanished", {"found_by": "scan"})
                        conn.execute("UPDATE watch_files SET present = 0 WHERE watch_id = ? AND rel_path = ?",
                                     (f.spec.id, rel))
                    conn.execute("COMMIT")
                except BaseException:
                    rollback(conn)
                    raise
            f.status = replace(f.status, vanished=f.status.vanished + len(gone))
        with self._writer():
            conn.execute("UPDATE watch_folders SET last_scan_at = ? WHERE id = ?", (clock.now_ms(), f.spec.id))

    def _process_pending(self, conn) -> None:
        now_mono = time.monotonic()
        if now_mono < self._retry_at:
            return
        now_wall = time.time()
        for f in list(self._folders.values()):
            if f.status.state == "unreachable":
                continue
            ready: list[tuple[str, Pending]] = []
            for path, p in list(f.pending.items()):
                try:
                    st = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    f.pending.pop(path, None)
                    continue
                except OSError:
                    continue
                if (st.st_size, st.st_mtime_ns) != (p.size, p.mtime_ns):
                    f.pending[path] = Pending(st.st_size, st.st_mtime_ns, now_mono, p.attempts)
                    continue
                if now_mono - p.since >= self.debounce or now_wall - st.st_mtime_ns / 1e9 >= self.debounce:
                    ready.append((path, p))
            f.status = replace(f.status, pending=len(f.pending))
            if ready:
                self._handle_ready(conn, f, ready)

    def _handle_ready(self, conn, f: FolderState, ready: list[tuple[str, Pending]]) -> None:
        try:
            if f.spec.rule == "auto-import":
                for path, p in ready:
                    if self._stop.is_set() or not os.path.isdir(f.spec.path):
                        return
                    self._auto_import(conn, f, path, p)
                return
            with self._writer():
                while ready and not self._stop.is_set() and os.path.isdir(f.spec.path):
                    batch, size = [], 0
                    while ready and len(batch) < BATCH_FILES and size < BATCH_BYTES:
                        batch.append(ready.pop(0))
                        size += batch[-1][1].size
                    self._capture_batch(conn, f, batch)
        except VaultInUse:
            with self._lock:
                self._status = replace(self._status, waiting_for_lock=True)
        except (StorageError, DatabaseError) as exc:
            # Disk full, read-only or I/O error in the vault (a blob write, or SQLite's COMMIT): keep
            # every file pending and retry later.
            err = classify(exc, "recording captured files", self.vault.db_path) if isinstance(exc, DatabaseError) else exc
            if not isinstance(err, StorageError):
                raise
            self._retry_at = time.monotonic() + self.retry_after
            f.status = replace(f.status, last_error=f"{err.message} Capturing resumes by itself.")

    def _capture_batch(self, conn, f: FolderState, items: list[tuple[str, Pending]]) -> None:
        """Capture files into one durability barrier, then record them in one transaction."""
        results: list[tuple[str, CaptureResult]] = []
        with self._store.batch() as blob_batch:
            for path, p in items:
                if self._stop.is_set():
                    break
                rel = self._rel(f, path)
                name = Path(path).name
                if rel is None or is_partial_name(name) or not within_root(Path(f.spec.path), Path(path).parent):
                    f.pending.pop(path, None)
                    continue
                try:
                    result = capture_file(self._store, Path(f.spec.path), Path(path), expect=(p.size, p.mtime_ns),
                                          batch=blob_batch)
                except StorageError:
                    raise  # the vault's disk, not this file: handled by the caller, file stays pending
                except ChatVaultError as exc:
                    result = CaptureResult("failed", path, reason=exc.message)
                if result.outcome == "changed":
                    # Its blob (if any) becomes durable but unreferenced: `check --repair` removes it.
                    f.pending[path] = Pending(result.size, result.mtime_ns, time.monotonic(), p.attempts + 1)
                    continue
                results.append((path, rel, result))
        # Durable now; a file leaves `pending` only once its row is committed.
        for path, _rel, result in results:
            if result.outcome == "vanished":
                f.pending.pop(path, None)
        results = [r for r in results if r[2].outcome != "vanished"]
        if not results:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            for _path, rel, result in results:
                if result.outcome == "failed":
                    log_event(conn, f.spec.id, rel, "failed", {"reason": result.reason})
                elif record_capture(conn, replace(result, path=rel), watch_id=f.spec.id, rel_path=rel,
                                        store=self._store) or (
                        result.info is not None and result.info.kind == "image"):
                    self._thumbs_due = True      # filled attachments, or a captured picture (the gallery shows it)
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        for path, _rel, _result in results:
            f.pending.pop(path, None)
        st = f.status
        outcomes = [r.outcome for _, _, r in results]
        failed = [r.reason for _, _, r in results if r.outcome == "failed"]
        f.status = replace(
            st, last_event_at=clock.now_ms(), captured=st.captured + outcomes.count("captured"),
            duplicates=st.duplicates + outcomes.count("duplicate"), failed=st.failed + len(failed),
            last_error=failed[-1] if failed else st.last_error)

    def _auto_import(self, conn, f: FolderState, path: str, p: Pending) -> None:
        f.pending.pop(path, None)
        rel = self._rel(f, path)
        name = Path(path).name
        if rel is None or is_partial_name(name):
            return
        if name.lower() in IMPORT_NAMES:
            target = Path(path).parent
        elif name.lower().endswith(IMPORT_SUFFIXES):
            target = Path(path)
        else:
            return
        event, detail = "imported", {"target": str(target)}
        try:
            report = run_import(self.vault, target, f.spec.custodian_id)
            detail["report"] = _jsonable(report)
        except ChatVaultError as exc:
            event, detail["reason"] = "failed", exc.message
        now = clock.now_ms()
        with self._writer():
            self._log_import(conn, f, rel, event, detail, p, now)
        st = f.status
        f.status = replace(st, last_event_at=now, imported=st.imported + (event == "imported"),
                           failed=st.failed + (event == "failed"),
                           last_error=detail.get("reason", st.last_error))

    def _log_import(self, conn, f: FolderState, rel: str, event: str, detail: dict, p: Pending, now: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            log_event(conn, f.spec.id, rel, event, detail)
            conn.execute(
                "INSERT INTO watch_files(watch_id, rel_path, size, mtime_ns, blob_id, present, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, NULL, 1, ?, ?) ON CONFLICT(watch_id, rel_path) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, present = 1, last_seen = excluded.last_seen",
                (f.spec.id, rel, p.size, p.mtime_ns, now, now))
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise

    def _make_thumbnails(self, conn) -> None:
        """Captures that filled attachments get their thumbnails in the background, a few per tick."""
        if not self._thumbs_due or self._stop.is_set():
            return
        todo = pending_originals(conn, limit=20)
        if not todo:
            self._thumbs_due = False
            return
        if self._thumb_worker is None:
            self._thumb_worker = ThumbWorker()
        try:
            with self._writer():
                for blob_id in todo:
                    if self._stop.is_set():
                        return
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        thumbnail_blob(conn, self._store, blob_id, self._thumb_worker)
                    except ChatVaultError as exc:
                        conn.execute("INSERT OR REPLACE INTO thumb_failures(blob_id, reason, at) VALUES (?, ?, ?)",
                                     (blob_id, exc.message, clock.now_ms()))
                    except BaseException:
                        rollback(conn)
                        raise
                    conn.execute("COMMIT")
        except VaultInUse:
            return

    # --- the writer lock --------------------------------------------------------------------------
    def _writer(self):
        return _WriterScope(self)

    def _publish(self, running: bool | None = None, error: str | None = None) -> None:
        with self._lock:
            folders = tuple(replace(f.status, pending=len(f.pending)) for f in self._folders.values())
            old = self._status
            self._status = ServiceStatus(
                running=(self._thread is not None and not self._stop.is_set()) if running is None else running,
                folders=folders, waiting_for_lock=old.waiting_for_lock if error is None else False,
                last_error=error or old.last_error)
            status = self._status
        if self.on_change is not None:
            self.on_change(status)


class _WriterScope:
    """Hold the vault's writer lock for one batch, unless this process already holds it."""

    def __init__(self, service: WatchService) -> None:
        self.service = service
        self.took = False

    def __enter__(self) -> _WriterScope:
        lock = self.service.vault.writer_lock
        if not lock.held:
            lock.acquire("watch folders")
            self.took = True
            with self.service._lock:
                self.service._status = replace(self.service._status, waiting_for_lock=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.took:
            self.service.vault.writer_lock.release()


def run_import(vault, path: Path, custodian_id: int | None = None):
    """Hand an export to the import engine, as the folder's custodian's (docs/compliance.md)."""
    from chatvault.ingest.engine import run_import as engine_import

    options = ImportOptions(custodian=str(custodian_id)) if custodian_id is not None else None
    return engine_import(vault, path, options=options, ctx=JobContext())


def _jsonable(obj) -> object:
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    return str(obj)


def _like_prefix(rel: str) -> str:
    return rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
