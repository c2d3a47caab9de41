"""The backup's SQL statements replayed into a private, temporary SQLite database.

A `.backup` carries Signal's database as `CREATE TABLE` / `CREATE INDEX` / `INSERT` statements with
bound parameters. They are run, one by one, in a database file that only this process can read
(a 0700 folder, a 0600 file, no journal), under an authorizer that allows only creating tables and
indexes and inserting rows: a crafted backup cannot attach another file, set pragmas, or leave a
trigger or view behind. The file is overwritten with zeros and removed when the import ends.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from chatvault.importers.signal_backup import proto

_ALLOWED_PREFIXES = ("CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "INSERT INTO")
STATEMENT_SECONDS = 10.0      # one INSERT of Signal's runs in microseconds; a recursive query bomb is stopped
_OK = {sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_INSERT, sqlite3.SQLITE_READ,
       sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_TRANSACTION,
       sqlite3.SQLITE_REINDEX}


def _authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    if trigger is not None:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_UPDATE:        # the schema's own bookkeeping (sqlite_master) only
        return sqlite3.SQLITE_OK if (arg1 or "").startswith("sqlite_") else sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK if action in _OK else sqlite3.SQLITE_DENY


def work_parent() -> Path:
    parent = os.environ.get("CHATVAULT_TMPDIR")
    if parent is None:
        from chatvault.paths import data_dir

        parent = str(data_dir() / "tmp")
    Path(parent).mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(parent)


def _param(raw: bytes):
    p = proto.parse(raw)
    if 1 in p:
        return proto.text(p[1][0])
    if 2 in p:
        return proto.signed64(p[2][0])
    if 3 in p:
        return proto.double(p[3][0])
    if 4 in p:
        return bytes(p[4][0])
    return None


class Replay:
    """The temporary database and the statements that could not be run."""

    def __init__(self, parent: Path | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="signal-backup-", dir=parent or work_parent()))
        os.chmod(self.dir, 0o700)
        self.path = self.dir / "signal.db"
        os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA trusted_schema = OFF")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.set_authorizer(_authorize)
        self._started = 0.0
        self.conn.set_progress_handler(self._too_long, 100_000)
        self.conn.execute("BEGIN")
        self.skipped = 0            # statements of kinds a reader needs not (triggers, FTS tables, views)
        self.failed: list[str] = []  # statements SQLite refused, with why (the first few)
        self.failures = 0
        self.pending = 0

    def _too_long(self) -> int:
        return int(self._started > 0 and time.monotonic() - self._started > STATEMENT_SECONDS)

    def run(self, raw: bytes) -> None:
        st = proto.parse(raw)
        sql = proto.text(proto.first(st, 1)) or ""
        head = " ".join(sql.split()[:3]).upper()
        if not head.startswith(_ALLOWED_PREFIXES) or "sqlite_" in sql[:60].lower():
            self.skipped += 1
            return
        if head.startswith("CREATE TABLE") and "VIRTUAL" in head:
            self.skipped += 1
            return
        params = [_param(p) for p in st.get(2, [])]
        self._started = time.monotonic()
        try:
            self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            self.failures += 1
            if len(self.failed) < 5:
                self.failed.append(f"{sql[:80]}…: {exc}")
        finally:
            self._started = 0.0
        self.pending += 1
        if self.pending >= 5000:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")
            self.pending = 0

    def finish(self) -> sqlite3.Connection:
        """Commit and hand over the database for reading (read-only from here on)."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.set_authorizer(None)
        self.conn.set_progress_handler(None, 0)
        self.conn.execute("PRAGMA query_only = ON")
        return self.conn

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        try:
            size = self.path.stat().st_size
            with open(self.path, "r+b") as fh:
                block = bytes(1 << 20)
                while size > 0:
                    fh.write(block[:min(size, len(block))])
                    size -= len(block)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
