"""Opening `vault.db` with SQLCipher, and sorting SQLite errors into "environment" vs "bug".

The database is keyed with a raw 256-bit key derived from the master key, so opening it does not
pay SQLCipher's PBKDF2 on top of Argon2id. Only errors we recognise become user messages; anything
else is a bug and propagates with its traceback.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

from chatvault.errors import DiskFull, IntegrityError, StorageError, VaultInUse, WrongPassphrase

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


def classify(exc: Exception, what: str) -> Exception:
    """Map a known SQLite failure to a ChatVault error; return `exc` itself for bugs."""
    text = str(exc).lower()
    if "file is not a database" in text or "file is encrypted" in text:
        return WrongPassphrase(
            f"The database could not be decrypted while {what}.",
            hint="The key is wrong, or vault.db is damaged. Run `chatvault check`.",
        )
    if "database or disk is full" in text or "disk is full" in text:
        return DiskFull(f"The disk is full while {what}.", hint="Free some space, then run the command again.")
    if "database is locked" in text or "database is busy" in text:
        return VaultInUse(f"The vault is busy while {what}.", hint="Another ChatVault process is writing; try again.")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"The vault is read-only while {what}.", hint="Check the folder's permissions.")
    if "malformed" in text or "corrupt" in text or "disk i/o error" in text:
        return IntegrityError(
            f"The vault database is damaged ({exc}) while {what}.",
            hint="Run `chatvault check` and restore from a backup if it reports damage.",
        )
    return exc


def connect(path: Path, key: bytes, *, readonly: bool = False, create: bool = False) -> Connection:
    """Open the encrypted database; raise WrongPassphrase if the key does not fit."""
    if not create and not path.exists():
        raise StorageError(f"{path} is missing.", hint="The vault folder is incomplete; restore it from a backup.")
    uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
    try:
        conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30)
    except OperationalError as exc:
        raise classify(exc, f"opening {path.name}") from exc
    try:
        conn.execute(raw_key_pragma(key))
        conn.execute("PRAGMA cipher_memory_security = OFF")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA trusted_schema = OFF")
    except DatabaseError as exc:
        conn.close()
        raise classify(exc, f"opening {path.name}") from exc
    conn.row_factory = Row
    return conn
