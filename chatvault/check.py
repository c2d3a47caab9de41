"""`chatvault check`: is the vault whole? Header sanity, SQLCipher and SQLite integrity.

Checks are plain functions that add `Problem`s to a report (`chatvault.checkreport`); the parts
of the core that check their own data (media, search, ingest, backup) are listed in `CHECKS`, so
one command checks everything and the list is read in one place. Database damage is
named by page and by table, with what the table holds (`chatvault.store.damage`); a partial last
page (a write cut short by a full disk) is reported and, with --repair, removed. A listed
check that meets damage in a table it reads is skipped and says so; one that meets a full disk
stops the command with that error.
"""

from __future__ import annotations

import os

from chatvault.backup.check import check_backups
from chatvault.checkreport import CheckFn, CheckReport, Problem
from chatvault.compliance.checks import check_audit, check_rows
from chatvault.compliance.holds import check_holds
from chatvault.errors import ChatVaultError, StorageError
from chatvault.fsutil import storage_error
from chatvault.ingest.check import check_imports
from chatvault.jobs.context import JobContext
from chatvault.media.check import check_media
from chatvault.search.check import check_search_index
from chatvault.store.damage import Damage, damaged_tables, hmac_failures, holds
from chatvault.store.db import DatabaseError, classify
from chatvault.vault.vault import Vault, permission_warnings


def check_header(vault: Vault, report: CheckReport) -> None:
    kdf = vault.header.kdf
    if kdf.below_floor:
        report.problems.append(Problem(
            "header", f"The passphrase key derivation is weaker than recommended ({kdf.m_kib} KiB, t={kdf.t}).",
            severity="warning", detail={"hint": "Run `chatvault passwd` to re-wrap with current parameters."}))
    for text in permission_warnings(vault.path):
        report.problems.append(Problem("header", text, severity="warning"))
    if "recovery" not in vault.header.slots:
        report.problems.append(Problem("header", "The vault has no recovery key slot.", severity="warning"))


def check_database(vault: Vault, report: CheckReport, repair: bool = False) -> None:
    try:
        conn = vault.connect(readonly=True)
    except ChatVaultError as exc:
        # The header's AEAD already proved the key right, so a refusal here is damage, not a wrong key.
        report.problems.append(Problem(
            "database", f"vault.db cannot be opened: its first page or file header is damaged ({exc.message})",
            detail={"page": 1, "hint": "Restore vault.db from a backup (`chatvault restore`)."}))
        return
    # SQLCipher refuses every read on a connection after one page failed its HMAC: each step that
    # may meet damage gets a fresh connection.
    damage = Damage()
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        report.checked["pages"] = int(conn.execute("PRAGMA page_count").fetchone()[0])
        hmac_failures(conn, damage)
    except DatabaseError as exc:
        report.problems.append(Problem("database", f"The database cannot be read: {exc}", detail={"page": 1}))
        return
    finally:
        conn.close()
    if tail_bytes(vault, page_size):     # a partial page past the database's end: `check_tail` reports it
        beyond = vault.db_path.stat().st_size // page_size + 1
        damage.pages = [p for p in damage.pages if not (p == beyond and p > report.checked["pages"])]
    conn = vault.connect(readonly=True)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except DatabaseError as exc:
        rows = [str(exc)]
    finally:
        conn.close()
    if damage.pages or rows != ["ok"]:
        damaged_tables(lambda: vault.connect(readonly=True), damage)   # which tables: what the user loses
    _report_damage(report, damage, rows)
    if "messages" not in damage.tables:
        _check_duplicates(vault, report)
    check_tail(vault, report, page_size, repair)


def _check_duplicates(vault: Vault, report: CheckReport) -> None:
    conn = vault.connect(readonly=True)
    try:
        dup = conn.execute(
            "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT conversation_id, source_key FROM messages)) "
            "FROM messages"
        ).fetchone()[0]
        if dup:
            report.problems.append(Problem("database", f"{dup} duplicate messages."))
    except DatabaseError as exc:
        report.problems.append(Problem("database", f"The messages cannot be counted: {exc}"))
    finally:
        conn.close()


def _report_damage(report: CheckReport, damage: Damage, rows: list[str]) -> None:
    hint = "Restore vault.db from a backup (`chatvault restore`) to get the damaged part back."
    for page in damage.pages:
        report.problems.append(Problem("database", f"Damaged encrypted page {page} (its authentication fails).",
                                       detail={"page": page, "hint": hint}))
    for table in damage.tables:
        findings = [d for d in damage.details if d.startswith(f"{table}: ")]
        report.problems.append(Problem(
            "database", f"Table {table} cannot be read whole; affected: {holds(table)}.",
            detail={"table": table, "findings": findings[:20], "hint": hint}))
    if not damage.tables:
        for row in rows:
            if row != "ok":
                report.problems.append(Problem("database", f"SQLite integrity: {row}"))


def check_tail(vault: Vault, report: CheckReport, page_size: int, repair: bool) -> None:
    """A partial last page (a write cut short by a full disk or a crash) is found and, with
    --repair, removed: SQLite's checkpoint rewrites and truncates the file when the WAL still
    holds that page; otherwise a partial page that lies past the database's last page is cut off.
    A partial page inside the database stays, and is reported as a damaged page."""
    torn = tail_bytes(vault, page_size)
    if not torn:
        return
    size = vault.db_path.stat().st_size
    p = Problem("database", f"vault.db ends with a partial page: the last {torn} bytes are less than one "
                            f"{page_size}-byte page (a write cut short, e.g. by a full disk).",
                severity="warning", detail={"page": size // page_size + 1, "bytes": torn,
                                            "hint": "Free some disk space and run `chatvault check --repair`."})
    report.problems.append(p)
    if repair:
        p.repaired = repair_tail(vault, page_size)


def tail_bytes(vault: Vault, page_size: int) -> int:
    try:
        return vault.db_path.stat().st_size % page_size
    except OSError:
        return 0


def repair_tail(vault: Vault, page_size: int) -> bool:
    conn = vault.connect()
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        if not tail_bytes(vault, page_size):
            return True
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        whole = vault.db_path.stat().st_size // page_size
        if pages > whole:
            return False                     # the partial page is part of the database: damage, not a leftover
        with open(vault.db_path, "r+b") as fh:
            fh.truncate(whole * page_size)
            os.fsync(fh.fileno())
        return True
    except DatabaseError as exc:
        err = classify(exc, "repairing the end of vault.db", vault.db_path)
        if isinstance(err, StorageError):
            raise err from exc               # disk full: said as such, the file is left as it was
        return False
    except OSError as exc:
        raise storage_error(exc, "repairing the end of vault.db") from exc
    finally:
        conn.close()


# The parts of the core that check their own data, in the order they run (after header and database).
CHECKS: tuple[CheckFn, ...] = (check_media, check_search_index, check_imports, check_backups, check_audit,
                               check_holds, check_rows)


def run_checks(vault: Vault, *, read_data: bool = False, repair: bool = False, ctx: JobContext | None = None,
               report: CheckReport | None = None) -> CheckReport:
    """Every check. With `ctx`, Ctrl-C stops between checks and inside the long ones (`Cancelled`);
    pass `report` to keep what was found and repaired before that."""
    report = report if report is not None else CheckReport()
    if ctx is not None:
        report.job = ctx
    job = report.job
    job.status("checking the header")
    check_header(vault, report)
    job.check()
    job.status("checking the database")
    check_database(vault, report, repair)
    for fn in CHECKS:
        job.check()
        job.status(f"checking {fn.__module__.split('.')[1]}")
        try:
            fn(vault, report, read_data, repair)
        except (DatabaseError, ChatVaultError) as exc:
            env = classify(exc, "checking the vault", vault.db_path) if isinstance(exc, DatabaseError) else exc
            if isinstance(env, StorageError):
                raise env from exc           # disk full or an I/O error: the environment, said as such
            # Damage in a table this check reads (or a vault.db that will not open) must not stop the
            # other checks, nor let a repair act on half-read data: the check is skipped and said so.
            area = fn.__module__.split(".")[1] if fn.__module__.count(".") else fn.__module__
            report.problems.append(Problem(
                area, f"This part could not be checked{' or repaired' if repair else ''}: vault.db is damaged "
                      f"where it reads ({exc}).", detail={"check": fn.__name__,
                                                          "hint": "See the damaged pages listed above."}))
    return report
