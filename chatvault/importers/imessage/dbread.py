"""Opening a Messages database read-only, the columns it has, and reading rows past damage.

A copied `chat.db` often comes with `chat.db-wal` (the newest messages not yet checkpointed): the
pair is then copied to a private temporary folder and opened there, so SQLite replays the log without
ever writing beside the user's copy. A database without a log is opened immutable, in place.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from chatvault.errors import InputError
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning

BATCH = 2000
MAX_PROBES = 64


class Opened:
    """A read-only connection to a Messages database (and the temporary copy it may need)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._tmp: tempfile.TemporaryDirectory | None = None
        wal = db.with_name(db.name + "-wal")
        try:
            if wal.is_file() and wal.stat().st_size > 0:
                self._tmp = tempfile.TemporaryDirectory(prefix="chatvault-imessage-")
                work = Path(self._tmp.name) / db.name
                shutil.copyfile(db, work)
                shutil.copyfile(wal, work.with_name(work.name + "-wal"))
                self.conn = sqlite3.connect(str(work), check_same_thread=False)
                self.conn.execute("PRAGMA query_only = 1")
            else:
                uri = db.resolve().as_uri() + "?mode=ro&immutable=1"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self.conn.text_factory = lambda b: b.decode("utf-8", "replace")
            self.tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise damaged(db, exc) from exc
        if "message" not in self.tables:
            self.close()
            raise InputError(f"{db.name} is an SQLite database but not a Messages database (it has no message "
                             "table).", location=str(db),
                             hint="Choose the chat.db of ~/Library/Messages (or an iPhone backup's sms.db).")

    def columns(self, table: str) -> set[str]:
        if table not in self.tables:
            return set()
        try:
            return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
        except sqlite3.Error:
            return set()

    def select(self, table: str, wanted: tuple[str, ...], alias: str = "") -> str:
        """A select list of `wanted` columns; those the table lacks (older versions) read as NULL."""
        have = self.columns(table)
        pre = f"{alias}." if alias else ""
        return ", ".join(f"{pre}{c}" if c in have else f"NULL AS {c}" for c in wanted)

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def damaged(db: Path, exc: BaseException) -> InputError:
    return InputError(f"{db.name} cannot be read as an SQLite database ({exc}). It may be cut short, still being "
                      "copied, or damaged.", location=str(db),
                      hint="Copy the Messages folder again (quit Messages first so the copy is complete).")


def rows(op: Opened, sql_head: str, ctx: JobContext, warnings: list[ImportWarning],
         table: str = "message") -> Iterator[tuple]:
    """`SELECT <cols> FROM ... WHERE <alias>.ROWID > ? ORDER BY ROWID` read in batches; where a page is
    damaged, the rows past it are probed for and read on (what SQLite can still read is kept), and the
    skipped ROWID range goes into `warnings`. `sql_head` ends with the ROWID column as the first one."""
    last = -(1 << 62)
    sql = sql_head + f" WHERE {table}.ROWID > ? ORDER BY {table}.ROWID LIMIT {BATCH}"
    while True:
        ctx.check()
        try:
            batch = op.conn.execute(sql, (last,)).fetchall()
        except sqlite3.DatabaseError as exc:
            resumed = _probe(op, sql, last, exc, warnings)
            if resumed is None:
                return
            last = resumed
            continue
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def _probe(op: Opened, sql: str, last: int, exc: BaseException, warnings: list[ImportWarning]) -> int | None:
    """After a read error past ROWID `last`: the ROWID after which reading works again, or None."""
    step = 1
    for _ in range(MAX_PROBES):
        start = last + step
        try:
            op.conn.execute(sql.replace(f"LIMIT {BATCH}", "LIMIT 1"), (start,)).fetchall()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        warnings.append(ImportWarning(
            f"{op.db.name} is damaged: rows {last + 1}–{start} of its message table could not be read "
            f"({exc}); the rest was imported.", location=str(op.db)))
        return start
    warnings.append(ImportWarning(
        f"{op.db.name} is damaged after row {last} of its message table ({exc}): what came before was imported, "
        "nothing after it could be read.", location=str(op.db)))
    return None
