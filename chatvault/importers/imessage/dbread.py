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
        self.notes: list[ImportWarning] = []            # what opening found (a file cut short)
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
            self.conn.execute("PRAGMA trusted_schema = OFF")     # views/triggers of the file never call functions
            self.tables = self._tables()
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise damaged(db, exc) from exc
        if "message" not in self.tables:
            self.close()
            raise InputError(f"{db.name} is an SQLite database but not a Messages database (it has no message "
                             "table).", location=str(db),
                             hint="Choose the chat.db of ~/Library/Messages (or an iPhone backup's sms.db).")

    def _tables(self) -> set[str]:
        """The table names; a file cut short (fewer pages than its header counts) is refused by SQLite
        as a whole unless the schema is read leniently (`writable_schema`, harmless on this read-only
        connection): then every page still there can be read, and a warning says what is missing."""
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        try:
            return {r[0] for r in self.conn.execute(sql)}
        except sqlite3.DatabaseError:
            short = _cut_short(self.db)
            if short is None:
                raise
            self.conn.execute("PRAGMA writable_schema = ON")
            names = {r[0] for r in self.conn.execute(sql)}
            self.notes.append(ImportWarning(
                f"{self.db.name} is cut short: it holds {short[1]:,} of its {short[0]:,} pages (the copy did not "
                "finish?). Everything in the pages that are there was imported.", location=str(self.db)))
            return names

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


def _cut_short(db: Path) -> tuple[int, int] | None:
    """(pages the header counts, pages the file holds) when the file is shorter than its header says."""
    try:
        with db.open("rb") as f:
            head = f.read(100)
        size = db.stat().st_size
    except OSError:
        return None
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return None
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    counted = int.from_bytes(head[28:32], "big")
    held = size // page if page else 0
    return (counted, held) if page and counted > held else None


def damaged(db: Path, exc: BaseException) -> InputError:
    return InputError(f"{db.name} cannot be read as an SQLite database ({exc}). It may be cut short, still being "
                      "copied, or damaged.", location=str(db),
                      hint="Copy the Messages folder again (quit Messages first so the copy is complete).")


def rows(op: Opened, sql_head: str, ctx: JobContext, warnings: list[ImportWarning],
         table: str = "message", where: str = "") -> Iterator[tuple]:
    """`SELECT <cols> FROM ... WHERE <table>.ROWID > ? ORDER BY ROWID` read in batches; where a page is
    damaged, rows are read one at a time up to the damage, the next readable ROWID is searched for, and
    reading goes on from there (what SQLite can still read is kept); each skipped ROWID range goes into
    `warnings`. `sql_head` selects the ROWID as its first column."""
    extra = f" AND ({where})" if where else ""
    sql = sql_head + f" WHERE {table}.ROWID > ?{extra} ORDER BY {table}.ROWID LIMIT ?"
    top = _max_rowid(op, table)
    last, single = 0, 0
    while True:
        ctx.check()
        try:
            batch = op.conn.execute(sql, (last, 1 if single else BATCH)).fetchall()
        except sqlite3.DatabaseError as exc:
            if not single:
                single = BATCH                       # read up to the damage one row at a time
                continue
            resumed = _skip(op, sql, last, top, exc, warnings, table)
            if resumed is None:
                return
            last = resumed
            continue
        batch = [r for r in batch if r[0] > last]    # (a damaged index never sends us backwards)
        if not batch:
            return
        yield from batch
        last = batch[-1][0]
        single = max(0, single - 1)


def _max_rowid(op: Opened, table: str) -> int | None:
    try:
        top = op.conn.execute(f"SELECT max(ROWID) FROM {table}").fetchone()[0]
        return int(top) if top is not None else None
    except sqlite3.DatabaseError:
        return None


def _skip(op: Opened, sql: str, last: int, top: int | None, exc: BaseException, warnings: list[ImportWarning],
          table: str) -> int | None:
    """After a read error past ROWID `last`: the ROWID after which reading works again (the smallest one
    found by doubling, then halving, the step), or None when nothing further can be read."""
    def readable(after: int) -> bool:
        try:
            op.conn.execute(sql, (after, 1)).fetchall()
            return True
        except sqlite3.DatabaseError:
            return False

    bad, step, good = last, 1, None
    for _ in range(MAX_PROBES):
        cand = last + step
        if (top is not None and cand >= top) or cand >= 1 << 62:
            break
        if readable(cand):
            good = cand
            break
        bad, step = cand, step * 2
    if good is None:
        warnings.append(ImportWarning(
            f"{op.db.name} is damaged after row {last} of its {table} table ({exc}): what came before was "
            "imported, nothing after it could be read.", location=str(op.db)))
        return None
    while good - bad > 1:
        mid = (good + bad) // 2
        if readable(mid):
            good = mid
        else:
            bad = mid
    warnings.append(ImportWarning(
        f"{op.db.name} is damaged: rows {last + 1}–{good} of its {table} table could not be read ({exc}); "
        "the rest was imported.", location=str(op.db)))
    return good
