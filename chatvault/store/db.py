"""Opening `vault.db` with SQLCipher, and sorting SQLite errors into "environment" vs "bug".

The database is keyed with a raw 256-bit key derived from the master key, so opening it does not
pay SQLCipher's PBKDF2 on top of Argon2id. Only errors we recognise become user messages; anything
else is a bug and propagates with its traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

from chatvault import faults
from chatvault.errors import DiskFull, IntegrityError, StorageError, VaultInUse
from chatvault.fsutil import storage_error

DatabaseError = dbapi2.DatabaseError
OperationalError = dbapi2.OperationalError
Row = dbapi2.Row
Connection = dbapi2.Connection

# Binding None or a bool without an adapter sends the sqlite module down its adaptation-protocol
# path (a failed `__conform__` lookup raising and clearing an AttributeError per value): measured
# ~1 µs per None, which made a 16-column message insert 3x slower than its 8 real values. A
# registered adapter is a single dict hit; `{}.get(None)` returns None without entering Python.
sqlcipher3.register_adapter(type(None), {}.get)
sqlcipher3.register_adapter(bool, int)


def raw_key_pragma(key: bytes, salt: bytes | None = None) -> str:
    hexkey = key.hex() + (salt.hex() if salt else "")
    return f"PRAGMA key = \"x'{hexkey}'\""


def classify(exc: Exception, what: str, path: Path | None = None) -> Exception:
    """Map a known SQLite failure to a ChatVault error; return `exc` itself for bugs.

    Callers hold a key the vault header already verified, so "not a database" here means page 1
    cannot be decrypted: damage, not a wrong passphrase (`connect` tells the two apart itself).
    A failed write ("disk I/O error": SQLite reports EFBIG, EIO and a full -shm that way) is the
    environment, never damage; `path` lets it say "disk full" when the disk has no room left.
    """
    text = str(exc).lower()
    if "file is not a database" in text or "file is encrypted" in text:
        return IntegrityError(
            f"vault.db is damaged: its first page (page 1: the salt and the list of tables) cannot be decrypted "
            f"while {what}.",
            hint="Run `chatvault check`; restore vault.db from a backup (`chatvault restore`) if it reports damage.",
            location="vault.db page 1",
        )
    if "database or disk is full" in text or "disk is full" in text or (
            "disk i/o error" in text and path is not None and disk_nearly_full(path)):
        return DiskFull(f"The disk is full while {what}; the vault keeps what was committed before.",
                        hint="Free some space, then run the command again.")
    if "disk i/o error" in text:
        return StorageError(
            f"Reading or writing vault.db failed while {what} (an I/O error: the disk is full, failing or "
            "was removed); the vault keeps what was committed before.",
            hint="Free some space or check the disk, then run the command again.")
    if "database is locked" in text or "database is busy" in text:
        return VaultInUse(f"The vault is busy while {what}.", hint="Another ChatVault process is writing; try again.")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"The vault is read-only while {what}.", hint="Check the folder's permissions.")
    if "malformed" in text or "corrupt" in text:
        return IntegrityError(
            f"vault.db is damaged ({exc}) while {what}.",
            hint="Run `chatvault check` to see which pages and what they hold; restore from a backup if needed.",
        )
    return exc


def disk_nearly_full(path: Path) -> bool:
    """True when the file system holding `path` has less room than two 16 KiB pages and a WAL header."""
    try:
        st = os.statvfs(path if path.is_dir() else path.parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


# SQLCipher page settings. New vaults: 16 KiB pages with HMAC-SHA256 (SHA-NI makes it cheaper than
# SHA-512 here): the import writer measured 1.2-1.6 µs less per message (a 1M-message WeChat import
# +5-8 %), fewer b-tree splits and per-page HMACs. Vaults made before keep SQLCipher 4's defaults;
# `connect` tells them apart by which settings decrypt page 1, so no file records the choice.
NEW_PAGE_SIZE = 16384
PROFILES = {
    "16k-sha256": (f"PRAGMA cipher_page_size = {NEW_PAGE_SIZE}", "PRAGMA cipher_hmac_algorithm = HMAC_SHA256"),
    "4k-sha512": (),                                  # SQLCipher 4 defaults (4096, HMAC_SHA512)
}
PROFILE_PAGE_SIZE = {"16k-sha256": NEW_PAGE_SIZE, "4k-sha512": 4096}
NEW_PROFILE = "16k-sha256"


def _candidates(path: Path, create: bool) -> list[str]:
    """Every known page setting, the likeliest first. The size only orders the trials: a write cut
    short by a full disk leaves a partial page at the end (SQLite's checkpoint truncates it away
    once it completes), so a size that is not a whole number of 16 KiB pages rules nothing out."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size == 0 and create:
        return [NEW_PROFILE]
    order = list(PROFILES)
    if size % NEW_PAGE_SIZE:
        order.sort(key=lambda name: size % PROFILE_PAGE_SIZE[name] != 0)
    return order


def _undecryptable(exc: Exception) -> bool:
    text = str(exc).lower()
    return "file is not a database" in text or "file is encrypted" in text


def _open_with(uri: str, key: bytes, profile: str, path: Path, quiet: bool = False) -> Connection | None:
    """A connection keyed with `profile`'s page settings, or None if they do not decrypt page 1.
    Any other failure (disk full, I/O error) is the environment and is raised: another setting
    would not help."""
    what = f"opening {path.name}"
    try:
        conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30)
    except OperationalError as exc:
        raise classify(exc, what, path) from exc
    try:
        route_cipher_log(conn)
        conn.execute(raw_key_pragma(key))
        for pragma in PROFILES[profile]:
            conn.execute(pragma)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        faults.hit("db.page1")
        if quiet:      # a setting that may well not fit: its failure is no news for the log
            conn.execute("PRAGMA cipher_log_level = NONE")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            if quiet and _cipher_log_target not in (None, _UNSET):
                conn.execute("PRAGMA cipher_log_level = WARN")
    except DatabaseError as exc:
        conn.close()
        if _undecryptable(exc):
            return None
        raise classify(exc, what, path) from exc
    except OSError as exc:
        conn.close()
        raise storage_error(exc, what) from exc
    return conn


def connect(path: Path, key: bytes, *, readonly: bool = False, create: bool = False) -> Connection:
    """Open the encrypted database with a key the vault header verified.

    If no known page setting decrypts page 1, page 1 is damaged (or vault.db is another vault's
    file): that is an `IntegrityError`, not a wrong passphrase."""
    if not create and not path.exists():
        raise StorageError(f"{path} is missing.", hint="The vault folder is incomplete; restore it from a backup.")
    uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
    candidates = _candidates(path, create)
    for i, profile in enumerate(candidates):
        conn = _open_with(uri, key, profile, path, quiet=i < len(candidates) - 1)
        if conn is not None:
            break
    else:
        raise IntegrityError(
            f"{path.name} is damaged: its first page (page 1: the salt in its first 16 bytes and the list of tables) "
            "does not decrypt with this vault's key under any known page setting (16 KiB/HMAC-SHA256, 4 KiB/"
            "HMAC-SHA512), so nothing in it can be read. The passphrase is right: the vault header verified it.",
            hint="Run `chatvault check`; restore vault.db from a backup (`chatvault restore`).",
            location=f"{path.name} page 1",
        )
    try:
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA trusted_schema = OFF")
    except DatabaseError as exc:
        conn.close()
        raise classify(exc, f"opening {path.name}", path) from exc
    conn.row_factory = Row
    return conn


def rollback(conn: Connection) -> None:
    """Undo the open transaction, if SQLite still has one, without hiding the error that led here.

    After a failed COMMIT (disk full, I/O error) SQLite may already have rolled the transaction back
    itself; a ROLLBACK then fails with "no transaction is active", and a ROLLBACK that fails for
    another reason leaves nothing to undo either: the WAL never received the transaction's commit
    frame, so the vault is as of its last commit. Neither must replace the original error."""
    try:
        faults.hit("db.rollback")
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except (DatabaseError, OSError):
        pass
    except Exception:  # noqa: BLE001 - a closed connection (ProgrammingError): nothing left to undo
        pass


# SQLCipher writes its own log lines ("ERROR CORE sqlcipher_page_cipher: hmac check failed ...") to
# stderr unless told otherwise; there they read like a crash. They go to the ChatVault log file.
_UNSET = "\0unset"
_cipher_log_target: str | None = _UNSET


def route_cipher_log(conn: Connection) -> None:
    """Send SQLCipher's log (process-wide) to the log file `chatvault.hardening.setup_logging`
    opened, or switch it off when there is none (a library user's process, tests)."""
    global _cipher_log_target
    target = log_file_path()
    if target == _cipher_log_target:
        return
    if target is None:
        conn.execute("PRAGMA cipher_log_level = NONE")
    else:
        conn.execute(f"PRAGMA cipher_log = '{target.replace(chr(39), chr(39) * 2)}'")
        conn.execute("PRAGMA cipher_log_level = WARN")
    _cipher_log_target = target


def log_file_path() -> str | None:
    """The file the "chatvault" logger writes to, if `setup_logging` gave it one."""
    for handler in logging.getLogger("chatvault").handlers:
        if isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None


@contextmanager
def immediate(conn: Connection) -> Iterator[Connection]:
    """`with immediate(conn):` one write transaction (BEGIN IMMEDIATE … COMMIT), rolled back safely
    on any error (`rollback`)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
