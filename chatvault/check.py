"""`chatvault check`: is the vault whole? Header sanity, SQLCipher and SQLite integrity.

Checks are plain functions that add `Problem`s to a report; other parts of the core (media,
backup) register their own with `register()` so one command checks everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chatvault.errors import ChatVaultError
from chatvault.store.db import DatabaseError
from chatvault.vault.vault import Vault, permission_warnings


@dataclass
class Problem:
    area: str  # header, database, media, ...
    message: str
    severity: str = "error"  # error | warning
    detail: dict[str, Any] = field(default_factory=dict)
    repaired: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" and not p.repaired for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "problems": [p.to_json() for p in self.problems]}


CheckFn = Callable[[Vault, CheckReport, bool, bool], None]
_extra_checks: list[CheckFn] = []


def register(fn: CheckFn) -> CheckFn:
    """Add a check `fn(vault, report, read_data, repair)`; used by media, backup, ..."""
    if fn not in _extra_checks:
        _extra_checks.append(fn)
    return fn


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


def check_database(vault: Vault, report: CheckReport) -> None:
    try:
        conn = vault.connect(readonly=True)
    except ChatVaultError as exc:
        # The header's AEAD already proved the key right, so a refusal here is damage, not a wrong key.
        report.problems.append(Problem(
            "database", f"vault.db cannot be opened: its first page or file header is damaged ({exc.message})",
            detail={"page": 1, "hint": "Restore vault.db from a backup (`chatvault restore`)."}))
        return
    try:
        rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        for row in rows:
            report.problems.append(Problem("database", f"Damaged encrypted page: {row[0]}", detail={"row": row[0]}))
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        for row in rows:
            if row[0] != "ok":
                report.problems.append(Problem("database", f"SQLite integrity: {row[0]}"))
        report.checked["pages"] = int(conn.execute("PRAGMA page_count").fetchone()[0])
        dup = conn.execute(
            "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT conversation_id, source_key FROM messages)) "
            "FROM messages"
        ).fetchone()[0]
        if dup:
            report.problems.append(Problem("database", f"{dup} duplicate messages."))
    except DatabaseError as exc:
        report.problems.append(Problem("database", f"The database cannot be read: {exc}"))
    finally:
        conn.close()


# The parts of the core that add their own checks (each module calls `register` on import).
PROVIDERS = ("chatvault.media.check", "chatvault.search.check", "chatvault.ingest.check", "chatvault.backup.check")


def run_checks(vault: Vault, *, read_data: bool = False, repair: bool = False) -> CheckReport:
    import importlib

    for name in PROVIDERS:
        importlib.import_module(name)
    report = CheckReport()
    check_header(vault, report)
    check_database(vault, report)
    for fn in list(_extra_checks):
        fn(vault, report, read_data, repair)
    return report
