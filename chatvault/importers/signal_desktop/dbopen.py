"""Open Signal Desktop's `db.sqlite` safely: a private copy, read-only, untrusted schema, checked.

Signal Desktop encrypts its database with SQLCipher 4 (4096-byte pages, HMAC-SHA512, PBKDF2-SHA512,
kdf_iter 64000) under a raw 32-byte key (`PRAGMA key = "x'…'"`). The file (and its `-wal`) is copied
into a 0700 folder first, so Signal may keep running and the user's files are only ever read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import sqlcipher3

from chatvault.errors import InputError, WrongSecret
from chatvault.importers.signal_backup.replay import work_parent
from chatvault.importers.signal_desktop.keys import SECRET_HINT

SQLITE_MAGIC = b"SQLite format 3\x00"


def _damaged(src: Path, detail: str) -> InputError:
    return InputError(f"Signal's database {src.name} is damaged or incomplete ({detail}); nothing was imported "
                      "from it.", location=str(src),
                      hint="Quit Signal Desktop, copy its folder again (a finished copy), and import the copy.")


class Opened:
    """A read-only connection to a private copy of the database, and the folder it lives in."""

    def __init__(self, src: Path) -> None:
        self.src = src
        self.dir = Path(tempfile.mkdtemp(prefix="signal-desktop-", dir=work_parent()))
        os.chmod(self.dir, 0o700)
        self.conn: sqlcipher3.Connection | None = None

    def copy(self) -> Path:
        dst = self.dir / "db.sqlite"
        try:
            shutil.copyfile(self.src, dst)
            wal = self.src.with_name(self.src.name + "-wal")
            if wal.is_file() and not wal.is_symlink() and wal.stat().st_size:
                shutil.copyfile(wal, dst.with_name(dst.name + "-wal"))
        except OSError as exc:
            raise InputError(f"Cannot read Signal's database {self.src.name}: {exc.strerror or exc}.",
                             location=str(self.src), hint="Check that the file is readable, then retry.") from exc
        return dst

    def open(self, key: str | None, field: str) -> sqlcipher3.Connection:
        try:
            with open(self.src, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise InputError(f"Cannot read {self.src.name}: {exc.strerror or exc}.", location=str(self.src)) from exc
        if len(head) < 16:
            raise _damaged(self.src, f"only {len(head)} bytes")
        plain = head == SQLITE_MAGIC
        copy = self.copy()
        uri = "file:" + str(copy).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False)
        self.conn = conn
        try:
            if not plain:
                if key is None:
                    raise InputError(f"{self.src.name} is encrypted and no key was found.", location=str(self.src),
                                     field=field, hint=SECRET_HINT)
                conn.execute(f"PRAGMA key = \"x'{key}'\"")
                conn.execute("PRAGMA cipher_page_size = 4096")
                conn.execute("PRAGMA kdf_iter = 64000")
                conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA512")
                conn.execute("PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if "not a database" in str(exc) or "encrypted" in str(exc):
                raise WrongSecret(f"The key does not open Signal's database {self.src.name}: it belongs to another "
                                  "Signal installation, or the database is damaged.", location=str(self.src),
                                  field=field, hint="Use config.json from the same Signal folder as the database, "
                                  "or the Safe Storage secret of the computer it came from.") from exc
            raise _damaged(self.src, str(exc)) from exc
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlcipher3.DatabaseError as exc:
            raise _damaged(self.src, str(exc)) from exc
        if rows != [("ok",)]:
            raise _damaged(self.src, "; ".join(str(r[0]) for r in rows[:3]))
        return conn

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlcipher3.Error:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def tables(conn: sqlcipher3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND sql NOT LIKE 'CREATE VIRTUAL%'")}


def columns(conn: sqlcipher3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
