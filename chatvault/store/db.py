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


# SQLCipher page settings. New vaults: 16 KiB pages with HMAC-SHA256 (SHA-NI makes it cheaper than
# SHA-512 here): the import writer measured 1.2-1.6 µs less per message (a 1M-message WeChat import
# +5-8 %), fewer b-tree splits and per-page HMACs. Vaults made before keep SQLCipher 4's defaults;
# `connect` tells them apart by which settings decrypt page 1, so no file records the choice.
NEW_PAGE_SIZE = 16384
PROFILES = {
    "16k-sha256": (f"PRAGMA cipher_page_size = {NEW_PAGE_SIZE}", "PRAGMA cipher_hmac_algorithm = HMAC_SHA256"),
    "4k-sha512": (),                                  # SQLCipher 4 defaults (4096, HMAC_SHA512)
}
NEW_PROFILE = "16k-sha256"


def _candidates(path: Path, create: bool) -> list[str]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if size == 0:
        return [NEW_PROFILE] if create else list(PROFILES)
    if size % NEW_PAGE_SIZE:
        return ["4k-sha512"]                          # a file of 16 KiB pages is a multiple of 16 KiB
    return list(PROFILES)


def _open_with(uri: str, key: bytes, profile: str, name: str) -> Connection | WrongPassphrase:
    """A connection keyed with `profile`'s page settings, or the error if they do not decrypt page 1."""
    try:
        conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30)
    except OperationalError as exc:
        raise classify(exc, f"opening {name}") from exc
    try:
        conn.execute(raw_key_pragma(key))
        for pragma in PROFILES[profile]:
            conn.execute(pragma)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        err = classify(exc, f"opening {name}")
        if isinstance(err, WrongPassphrase):
            return err
        raise err from exc
    return conn


def connect(path: Path, key: bytes, *, readonly: bool = False, create: bool = False) -> Connection:
    """Open the encrypted database; raise WrongPassphrase if the key does not fit."""
    if not create and not path.exists():
        raise StorageError(f"{path} is missing.", hint="The vault folder is incomplete; restore it from a backup.")
    uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
    for profile in _candidates(path, create):
        conn = _open_with(uri, key, profile, path.name)
        if not isinstance(conn, WrongPassphrase):
            break
    else:
        raise conn
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
        raise classify(exc, f"opening {path.name}") from exc
    conn.row_factory = Row
    return conn
