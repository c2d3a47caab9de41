"""The import engine: turns an importer's record stream into vault rows, safely and fast.

Shape (see docs/import.md):

    parse thread/process: importer.read() → keys → rows (ingest/parse.py, ingest/rows.py) ─┐ bounded queue
    calling thread: chunk → lookup existing keys → insert new rows, attachments,          ◄┘
                    search index, run counters → COMMIT every BATCH messages (ingest/writer.py)

Each transaction holds whole chunks, so a crash (kill -9) leaves the vault at a chunk boundary; the
next import of the same export finds the committed messages by their keys and adds only the rest.
Blobs are written (durably) before the transaction that references them commits. Missing-at-source
marking runs at the end, only for conversations where this export reaches the newest stored message
(ingest/reconcile.py).

This module is the orchestration: one `_Run` per import holds the writer lock, the connection, the
run record, the file-hash thread, the parse producer, the writer and the `TreeCache` its attachment
openers reopen the export through; everything is released when the run ends.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

from chatvault import clock, faults
from chatvault.articles.after_import import after_import
from chatvault.compliance import custodians, holds
from chatvault.errors import Cancelled, ChatVaultError, StorageError, UnknownFormat
from chatvault.importers.base import Importer, ImportOptions
from chatvault.importers.openers import TreeCache
from chatvault.ingest import owner, parse
from chatvault.ingest.preview import choose
from chatvault.ingest.reorder import KNOWN_OPTION
from chatvault.ingest.reorder import feed_known as reorder_feed_known
from chatvault.ingest.report import ImportReport
from chatvault.ingest.rows import dumps
from chatvault.ingest.writer import Writer
from chatvault.jobs.context import JobContext
from chatvault.store import audit as audit_trail
from chatvault.store.db import Connection, DatabaseError, classify, rollback
from chatvault.vault.vault import Vault

IMPORT_CACHE_KIB = 128 * 1024


def _hash(path: Path, out: dict) -> None:
    """SHA-256 of the export file (of the listing, for a folder); runs beside the import."""
    try:
        h = hashlib.sha256()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    full = os.path.join(root, f)
                    try:
                        st = os.lstat(full)
                    except OSError:
                        continue
                    h.update(f"{os.path.relpath(full, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            out["hash"] = "dir:" + h.hexdigest()
        else:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
            out["hash"] = h.hexdigest()
        out["size"] = path.stat().st_size if path.is_file() else None
    except OSError:
        out["hash"] = None


def run_import(vault: Vault, path: Path, *, format: str | None = None, options: ImportOptions | None = None,
               ctx: JobContext | None = None) -> ImportReport:
    """Import one export into the vault. Returns the report; raises `ChatVaultError` on failure."""
    path = Path(path)
    started = time.monotonic()
    importer, detection = choose(path, format)
    report = ImportReport(run_id=None, format=importer.name, path=str(path.resolve()),
                          detection={"confidence": detection.confidence, "reason": detection.reason,
                                     "variant": detection.variant})
    run = _Run(vault, path, importer, options or ImportOptions(), ctx or JobContext(), report, started)
    run.open()
    try:
        return run.execute()
    except (DatabaseError, OSError) as exc:   # outside the batches: starting or ending the run record
        err = _classify(exc, vault.db_path)
        if err is exc:
            raise
        raise err from exc
    finally:
        run.close()


class _Run:
    """One import run and everything it holds until it ends (see the module's docstring)."""

    def __init__(self, vault: Vault, path: Path, importer: Importer, options: ImportOptions, ctx: JobContext,
                 report: ImportReport, started: float) -> None:
        self.vault = vault
        self.path = path
        self.importer = importer
        self.options = options
        self.ctx = ctx
        self.report = report
        self.started = started
        self.trees = TreeCache()          # the export reopened for attachment openers; closed by close()
        self.hashed: dict = {}
        self.hasher = threading.Thread(target=_hash, args=(path, self.hashed), name="chatvault-import-hash",
                                       daemon=True)
        self.producer: parse.ThreadProducer | parse.ProcessProducer | None = None
        self.writer: Writer | None = None
        self.took_lock = False

    def open(self) -> None:
        """Take the writer lock (unless the caller holds it), connect, start hashing the export."""
        vault = self.vault
        self.took_lock = not vault.writer_lock.held
        if self.took_lock:
            vault.writer_lock.acquire("import")
        try:
            self.conn = vault.connect()
            # This connection's page cache: 128 MiB instead of 64 (the unique key and time indexes of a
            # long chat stay in memory; measured 15-25 % faster at 100k messages). Raising
            # wal_autocheckpoint made no measurable difference.
            self.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        except BaseException:
            if self.took_lock:
                vault.writer_lock.release()
            raise
        self.hasher.start()

    def execute(self) -> ImportReport:
        r, ctx, conn = self.report, self.ctx, self.conn
        r.run_id, r.resumed_from = _start_run(conn, self.importer, r.path, self.options.custodian)
        self.writer = writer = Writer(self.vault, conn, r.run_id, r, ctx, self.importer, self.options, self.trees)
        self.options = owner.feed(conn, self.importer.name, self.options)     # what the reader gets: with a kept "me"
        self.options = reorder_feed_known(conn, self.importer.name, self.options)  # and each chat's stored date order
        total_bytes = self.importer.total_bytes(self.path)
        ctx.set_total(bytes_=total_bytes)
        ctx.status(f"Checking {self.path.name}")
        self.hasher.join()
        same = None if self.options.options.get("reread") else _identical_run(conn, self.importer,
                                                                               self.hashed.get("hash"), self.options)
        if same is not None:
            return self._identical(same)
        ctx.status(f"Importing {self.path.name} ({self.importer.title})")
        outcome, failure = self._read(writer, total_bytes)
        if failure is not None and (not isinstance(failure, ChatVaultError) or isinstance(failure, StorageError)):
            writer.rollback()            # the environment failed mid-batch: keep only committed batches
        elif outcome == "ok" and r.damaged():
            outcome = "partial"
        self.hasher.join()
        r.file_hash = self.hashed.get("hash")
        r.outcome = outcome
        r.seconds = round(time.monotonic() - self.started, 3)
        if failure is not None:
            self._fail(writer, failure)
        _end_run(writer, r, self.hashed, self.options)
        if outcome != "cancelled":       # the run is recorded; its articles are linked (and cached copies kept)
            after_import(self.vault, conn, self.path, self.importer.name, r, ctx.check)
        ctx.status("Done" if outcome != "cancelled" else "Cancelled")
        return r

    def _identical(self, same: Any) -> ImportReport:
        """Byte-identical export, same parser and options: it cannot hold anything the vault lacks."""
        r = self.report
        assert self.writer is not None
        r.identical_to = int(same["id"])
        prev = json.loads(same["counts"] or "{}")
        r.already_present = int(prev.get("messages_seen", 0))
        r.messages_seen = r.already_present
        r.conversations = int(prev.get("conversations", 0))
        r.file_hash = self.hashed.get("hash")
        r.outcome = "ok"
        r.warnings.append(f"This file is identical to the one imported in run {same['id']}; nothing new "
                          "to read (import with the option reread to parse it again).")
        r.seconds = round(time.monotonic() - self.started, 3)
        _end_run(self.writer, r, self.hashed, self.options)
        self.ctx.set_position(bytes_=self.ctx.snapshot().bytes_total or 0)
        return r

    def _read(self, writer: Writer, total_bytes: int | None) -> tuple[str, BaseException | None]:
        """Parse and write the whole export: (outcome, the failure or None)."""
        make = parse.ProcessProducer if parse.use_process(total_bytes) else parse.ThreadProducer
        self.producer = producer = make(self.importer, self.path, self.options, self.ctx)
        producer.start()
        try:
            while True:
                item = producer.get()
                if item is parse.END:
                    break
                if isinstance(item, BaseException):
                    raise item
                self.ctx.check()
                writer.chunk(item)
            writer.commit({"messages_seen": self.report.messages_seen, "done": True})
            writer.finish(mark_missing=True)
        except Cancelled:
            return "cancelled", None     # whole chunks already in the transaction are kept
        except BaseException as exc:  # noqa: BLE001 - recorded on the run, then re-raised
            return "failed", exc
        finally:
            producer.stop()
        return "ok", None

    def _fail(self, writer: Writer, failure: BaseException) -> NoReturn:
        """Record the failure on the run (when the vault still can) and raise it, classified."""
        r = self.report
        r.error = _message(failure)
        try:
            if isinstance(failure, StorageError | DatabaseError | OSError):
                writer.rollback()
            _end_run(writer, r, self.hashed, self.options)
        except (DatabaseError, OSError, ChatVaultError):
            pass                         # the run stays 'running' and is marked 'interrupted' next time
        err = failure if isinstance(failure, ChatVaultError) else _classify(failure, self.vault.db_path)
        if isinstance(err, ChatVaultError):
            err.report = r  # type: ignore[attr-defined]
        if err is failure:
            raise failure
        raise err from failure

    def close(self) -> None:
        if self.producer is not None:
            self.producer.stop()
        self.trees.close()
        if self.writer is not None:
            self.writer.rollback()
        try:
            faults.hit("import.before_close")   # closing checkpoints the WAL into vault.db
        finally:
            self.conn.close()
        if self.took_lock:
            self.vault.writer_lock.release()


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ChatVaultError) else f"{type(exc).__name__}: {exc}"


def _classify(exc: BaseException, path: Path | None = None) -> BaseException:
    if isinstance(exc, DatabaseError):
        return classify(exc, "importing", path)
    if isinstance(exc, OSError):
        from chatvault.fsutil import storage_error

        return storage_error(exc, "importing")
    return exc
def _start_run(conn: Connection, importer: Importer, path: str,
               custodian: str | None = None) -> tuple[int, int | None]:
    custodian_id = custodians.find(conn, custodian)["id"] if custodian else custodians.default_id(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # We hold the writer lock: a run still 'running' belongs to a process that died.
        conn.execute("UPDATE import_runs SET outcome = 'interrupted', finished_at = coalesce(finished_at, ?) "
                     "WHERE outcome = 'running'", (clock.now_ms(),))
        row = conn.execute("SELECT id, outcome FROM import_runs WHERE path = ? ORDER BY id DESC LIMIT 1",
                           (path,)).fetchone()
        resumed = int(row["id"]) if row is not None and row["outcome"] in ("interrupted", "cancelled", "failed") else None
        cur = conn.execute(
            "INSERT INTO import_runs(started_at, format, parser_version, path, outcome, counts, custodian_id) "
            "VALUES (?,?,?,?, 'running', '{}', ?)",
            (clock.now_ms(), importer.name, importer.parser_version, path, custodian_id))
        run_id = int(cur.lastrowid)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    faults.hit("import.after_start")
    return run_id, resumed


def _options_digest(options: ImportOptions) -> str:
    # The database key never changes what is read (a wrong one fails), so it is left out. The image
    # key does (V2 pictures decoded or kept), so a run with another one is not "identical"; it enters
    # only through this one-way, truncated hash: stored nowhere as itself.
    # The stored date orders fed to the reader follow the vault, not the user's options.
    data = {"me": options.me} | {k: v for k, v in options.options.items()
                                 if k not in ("reread", "key", KNOWN_OPTION)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _identical_run(conn: Connection, importer: Importer, file_hash: str | None, options: ImportOptions) -> Any:
    if not file_hash:
        return None
    # Only the latest run of this file counts: after a run with other options (another date order)
    # going back to the first options must read the file again, or the vault keeps the second reading.
    row = conn.execute(
        "SELECT id, counts, parser_version FROM import_runs WHERE file_hash = ? AND format = ? "
        "AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
        (file_hash, importer.name),
    ).fetchone()
    if row is not None and row["parser_version"] == importer.parser_version \
            and json.loads(row["counts"] or "{}").get("options") == _options_digest(options):
        return row
    return None


def _end_run(writer: Writer, report: ImportReport, hashed: dict, options: ImportOptions) -> None:
    conn = writer.conn
    writer.begin()
    counts = report.counts() | {"unparsed_lines": report.unparsed_lines[:100], "warnings": report.warnings[:100],
                                "resumed_from": report.resumed_from, "identical_to": report.identical_to,
                                "options": _options_digest(options), "complete": writer.complete}
    conn.execute("UPDATE import_runs SET finished_at = ?, outcome = ?, counts = ?, error = ?, file_hash = ?, "
                 "file_size = ?, checkpoint = NULL WHERE id = ?",
                 (clock.now_ms(), report.outcome, dumps(counts), report.error, hashed.get("hash"),
                  hashed.get("size"), report.run_id))
    if holds.any_active(conn):
        holds.refresh_items(conn)        # messages this run brought into a hold's scope get their digest
    audit_trail.append(conn, "import", {"run_id": report.run_id, "format": report.format, "path": report.path,
                                        "outcome": report.outcome, "added": report.added})
    writer.commit(None, progress=False)


__all__ = ["ImportReport", "ImportOptions", "run_import", "choose", "UnknownFormat"]
