"""What is damaged in vault.db, and what that means for the user.

SQLite says only "database disk image is malformed" when a read meets a page whose SQLCipher HMAC
fails. To say more, `diagnose` asks SQLCipher which pages fail their HMAC
(`PRAGMA cipher_integrity_check`), checks each table with its indexes on its own
(`PRAGMA quick_check(table)`: a damaged table does not stop the others being checked), and names
what each damaged table holds in the user's terms. It reads the whole file: a few seconds for a
multi-GB vault, only on the way to an error message or in `chatvault check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chatvault.errors import IntegrityError
from chatvault.store.db import Connection, DatabaseError

# What each table holds, as a user would say it. Tables not listed are bookkeeping.
AFFECTS = {
    "messages": "message texts (conversations, `show`, search results)",
    "conversations": "the list of conversations",
    "conversation_titles": "earlier conversation titles",
    "conversation_members": "who is in each conversation",
    "participants": "sender names",
    "sources": "the accounts messages were imported from",
    "attachments": "which message has which media file",
    "blobs": "the list of stored media files (`media ls`, photos and files in conversations)",
    "thumbs": "photo thumbnails",
    "thumb_failures": "the list of pictures that could not be thumbnailed",
    "unparsed": "export lines that were kept verbatim",
    "import_runs": "the import history",
    "import_coverage": "the import history",
    "capture_log": "the watch folders' capture log",
    "watch_files": "the watch folders' file list",
    "watch_folders": "the watch folder settings",
    "backup_destinations": "the backup settings",
    "backup_runs": "the backup history",
    "legal_holds": "legal holds",
    "settings": "the vault's settings",
    "audit_log": "the audit log",
    "sqlite_master": "the list of tables: nothing in the vault can be read",
}
_SEARCH = "the search index (rebuild it with `chatvault reindex`)"
_PAGE = re.compile(r"\bpage (\d+)", re.IGNORECASE)


@dataclass
class Damage:
    pages: list[int] = field(default_factory=list)     # pages whose HMAC fails
    tables: list[str] = field(default_factory=list)    # tables that cannot be read whole (with their indexes)
    details: list[str] = field(default_factory=list)   # SQLite's own findings, for the log and --json

    @property
    def found(self) -> bool:
        return bool(self.pages or self.tables)

    def affects(self) -> list[str]:
        out: list[str] = []
        for t in self.tables:
            if (what := holds(t)) not in out:
                out.append(what)
        return out

    def describe(self) -> str:
        pages = ", ".join(map(str, self.pages[:20])) + (" ..." if len(self.pages) > 20 else "")
        where = f"page{'s' if len(self.pages) != 1 else ''} {pages}" if self.pages else "its structure"
        text = f"vault.db is damaged at {where}"
        if self.tables:
            text += (f" (table{'s' if len(self.tables) != 1 else ''} {', '.join(self.tables)}). "
                     f"Affected: {'; '.join(self.affects())}. The rest of the vault can still be read")
        return text + "."

    def to_json(self) -> dict:
        return {"pages": self.pages, "tables": self.tables, "affects": self.affects(), "details": self.details[:50]}


def holds(table: str) -> str:
    """What a table holds, in the user's words."""
    return _SEARCH if table.startswith("search_") else AFFECTS.get(table, f"table {table}")


def diagnose(open_conn: Callable[[], Connection]) -> Damage:
    """Which pages fail their HMAC, and which tables can no longer be read whole."""
    damage = Damage()
    conn = open_conn()
    try:
        hmac_failures(conn, damage)
    finally:
        conn.close()
    damaged_tables(open_conn, damage)
    return damage


def hmac_failures(conn: Connection, damage: Damage) -> None:
    """Add the pages SQLCipher's own check finds altered (each page's HMAC, whatever table it is in)."""
    try:
        for (row,) in conn.execute("PRAGMA cipher_integrity_check").fetchall():
            damage.details.append(str(row))
            m = _PAGE.search(str(row))
            if m and int(m.group(1)) not in damage.pages:
                damage.pages.append(int(m.group(1)))
    except DatabaseError as exc:
        damage.details.append(f"cipher_integrity_check: {exc}")
    damage.pages.sort()


def damaged_tables(open_conn: Callable[[], Connection], damage: Damage) -> None:
    """Add each table that cannot be read whole with its indexes. After a table with damage the
    next one gets a fresh connection: once SQLCipher meets a page that fails its HMAC during a
    check it refuses the later ones on that connection, so every table after the damaged one
    would look damaged too."""
    conn = open_conn()
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
    except DatabaseError as exc:
        damage.tables.append("sqlite_master")
        damage.details.append(f"sqlite_master: {exc}")
        return
    finally:
        conn.close()
    conn = None
    try:
        for name in names:
            conn = conn or open_conn()
            bad = table_findings(conn, name)
            if bad:
                damage.tables.append(name)
                damage.details.extend(f"{name}: {b}" for b in bad)
                conn.close()          # a fresh connection for the next table
                conn = None
    finally:
        if conn is not None:
            conn.close()


def table_findings(conn: Connection, table: str) -> list[str]:
    """`quick_check` of one table and its indexes: [] when whole."""
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check(\"{table.replace(chr(34), chr(34) * 2)}\")")]
    except DatabaseError as exc:
        return [str(exc)]
    return [r for r in rows if r != "ok"]


def damage_error(db_path: Path, key: bytes, cause: Exception, what: str) -> IntegrityError:
    """The error a read command gives when it met damage: the pages, the tables, what they hold."""
    from chatvault.store.db import connect

    return damage_error_from(lambda: connect(db_path, key, readonly=True), cause, what)


def damage_error_from(open_conn: Callable[[], Connection], cause: Exception, what: str) -> IntegrityError:
    """`damage_error` with connections from `open_conn` (the GUI passes `Vault.connect`: no key in hand)."""
    try:
        damage = diagnose(open_conn)
    except Exception as exc:  # noqa: BLE001 - page 1 itself: its own error already says so
        return exc if isinstance(exc, IntegrityError) else IntegrityError(f"vault.db is damaged ({cause}).")
    if not damage.found:
        return IntegrityError(f"vault.db could not be read while {what} ({cause}); `chatvault check` finds no "
                              "damaged page now.", hint="Run the command again; if it fails again, run `chatvault check`.")
    err = IntegrityError(
        f"{damage.describe()} This stopped {what}.",
        hint="Run `chatvault check` for the full list, and restore vault.db from a backup (`chatvault restore`) "
             "to get the damaged part back.",
        location=f"vault.db page {damage.pages[0]}" if damage.pages else "vault.db",
    )
    err.damage = damage  # type: ignore[attr-defined]
    return err


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's "malformed"/"corrupt"/"not a database" (a key the header verified)."""
    text = str(exc).lower()
    return isinstance(exc, DatabaseError | IntegrityError) and (
        "malformed" in text or "corrupt" in text or "not a database" in text or "damaged" in text)
