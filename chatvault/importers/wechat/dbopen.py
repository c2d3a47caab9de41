"""Open a WeChat database safely: a private copy, read-only, untrusted schema, checked first.

WeChat's databases are untrusted input (SQLite's "Defense Against the Dark Arts"): we copy each
file (and its `-wal`) into a private 0700 work folder (the copy also works while WeChat holds the
original locked), open the copy with `mode=ro` and `trusted_schema=OFF`, derive the page key from
the user's key and the file's own salt, run `quick_check` before reading, and read only tables
that really are tables. The user's files are only ever read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from chatvault.errors import InputError
from chatvault.importers.wechat.vetted import VettedFolder
from chatvault.jobs.context import JobContext

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Cipher:
    """One of WeChat's three SQLCipher parameter sets."""

    name: str
    hash_name: str          # PBKDF2 hash for the page key
    iterations: int
    page_size: int
    compatibility: int      # SQLCipher major version whose defaults apply
    key_hint: str           # what the user must pass when the key is missing or wrong


PC3 = Cipher("WeChat 3.x", "sha1", 64000, 4096, 3, "pass the account's 64-hex-digit key with --key HEX")
WEIXIN4 = Cipher("Weixin 4.x", "sha512", 256000, 4096, 4, "pass the account's 64-hex-digit key with --key HEX")
ANDROID = Cipher("WeChat for Android", "sha1", 4000, 1024, 1,
                 "pass --imei IMEI --uin UIN (the uin is default_uin in shared_prefs/system_config_prefs.xml), "
                 "or the 7-character database key with --key")

ANDROID_IMEI_FALLBACKS = ("1234567890ABCDEF", "", "000000000000000", "00000000000000", "unknown")


def parse_hex_key(value: str | bytes | None, where: Path) -> bytes | None:
    """The user's 32-byte account key from 64 hex digits (spaces, '0x' and 'x\\'…\\'' tolerated)."""
    if value is None or value == "":
        return None
    if isinstance(value, bytes):
        if len(value) == 32:
            return value
        value = value.decode("ascii", "replace")
    s = value.strip().replace(" ", "")
    if s.lower().startswith("x'") and s.endswith("'"):
        s = s[2:-1]
    if s.lower().startswith("0x"):
        s = s[2:]
    try:
        raw = bytes.fromhex(s)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InputError(
            f"The WeChat key must be 64 hexadecimal digits (32 bytes); got {len(s)} characters.",
            location=str(where),
            hint="Pass the key exactly as your key tool printed it: --key 0123abcd… (64 digits).",
            field="key",
        )
    return raw


def android_key(imei: str, uin: str | int) -> str:
    """EnMicroMsg.db passphrase: the first 7 hex digits of md5(IMEI + uin)."""
    return hashlib.md5(f"{imei}{int(uin)}".encode()).hexdigest()[:7]


def page_key(cipher: Cipher, secret: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac(cipher.hash_name, secret, salt, cipher.iterations, 32)


class WorkDir:
    """A private folder for copies of the source databases, removed on close."""

    def __init__(self, parent: str | os.PathLike | None = None, vetted: VettedFolder | None = None) -> None:
        self.vetted = vetted         # the file-tree layer's verdict on the source folder (see `vetted`)
        if parent is None:
            parent = os.environ.get("CHATVAULT_TMPDIR")
        if parent is None:
            from chatvault.paths import data_dir

            parent = data_dir() / "tmp"
        Path(parent).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = Path(tempfile.mkdtemp(prefix="wechat-", dir=parent))
        os.chmod(self.path, 0o700)
        self._n = 0
        self._conns: list[sqlcipher3.Connection] = []

    def copy(self, src: Path) -> Path:
        """Copy `src` (and its -wal) privately. Works on files another process holds locked. A source the
        file-tree layer refused (a link out of the folder, not a regular file, too large) is an `InputError`."""
        if self.vetted is not None:
            self.vetted.check(src)
        self._n += 1
        dst = self.path / f"{self._n}-{src.name}"
        try:
            shutil.copyfile(src, dst)
            wal = src.with_name(src.name + "-wal")
            if wal.is_file() and wal.stat().st_size and (self.vetted is None or self.vetted.accepts(wal)):
                shutil.copyfile(wal, dst.with_name(dst.name + "-wal"))
        except OSError as exc:
            raise InputError(
                f"Cannot read the WeChat database {src.name}: {exc.strerror or exc}.",
                location=str(src),
                hint="Check that the file is readable (close WeChat if it keeps the file open), then retry.",
            ) from exc
        return dst

    def track(self, conn: sqlcipher3.Connection) -> None:
        self._conns.append(conn)

    def close(self) -> None:
        for conn in self._conns:
            try:
                conn.close()
            except sqlcipher3.Error:
                pass
        self._conns.clear()
        shutil.rmtree(self.path, ignore_errors=True)


def _damaged(src: Path, detail: str) -> InputError:
    return InputError(
        f"The WeChat database {src.name} is damaged or incomplete ({detail}); nothing was imported from it.",
        location=str(src),
        hint="Copy the file again from the device (a full, finished copy), then run the import again.",
    )


def _wrong_key(src: Path, cipher: Cipher, given: bool) -> InputError:
    """`field` names what the app asks for: the IMEI/uin pair on Android, the account key elsewhere."""
    field = "imei" if cipher is ANDROID else "key"
    if given:
        return InputError(
            f"The key does not open {src.name} ({cipher.name} database): wrong key, or not this account's file.",
            location=str(src),
            hint=f"Check the key for this account and {cipher.key_hint}.",
            field=field,
        )
    return InputError(
        f"{src.name} is an encrypted {cipher.name} database and no key was given.",
        location=str(src),
        hint=f"To import it, {cipher.key_hint}.",
        field=field,
    )


def open_db(
    src: Path,
    work: WorkDir,
    cipher: Cipher,
    secrets: Iterable[bytes] = (),
    *,
    key_given: bool = True,
    check: bool = True,
) -> tuple[sqlcipher3.Connection, bool]:
    """Open a private read-only copy of `src`; returns (connection, was_encrypted).

    `secrets` are candidate key materials tried in order: the 32-byte account key for PC/Weixin 4,
    or the 7-character passphrases (encoded) for Android. An already-decrypted database opens
    without any.
    """
    try:
        with open(src, "rb") as fh:
            head = fh.read(max(cipher.page_size, 1024))
    except OSError as exc:
        raise InputError(f"Cannot read {src.name}: {exc.strerror or exc}.", location=str(src)) from exc
    if len(head) < 512:
        raise _damaged(src, f"only {len(head)} bytes")
    copy = work.copy(src)
    uri = "file:" + str(copy).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    encrypted = not head.startswith(SQLITE_MAGIC)
    candidates = list(secrets) if encrypted else [b""]
    if encrypted and not candidates:
        raise _wrong_key(src, cipher, given=False)
    salt = head[:16]
    last_error = ""
    for secret in candidates:
        conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False)
        try:
            if encrypted:
                key = page_key(cipher, secret, salt)
                conn.execute(f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\"")
                conn.execute(f"PRAGMA cipher_compatibility = {cipher.compatibility}")
                conn.execute(f"PRAGMA cipher_page_size = {cipher.page_size}")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA temp_store = MEMORY")        # never spill decrypted rows to a temp file
            conn.execute("PRAGMA cipher_memory_security = OFF")  # as vault.db: wiping every free halves the speed
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            last_error = str(exc)
            if "not a database" in last_error or "encrypted" in last_error:
                continue
            raise _damaged(src, last_error) from exc
        if check:
            try:
                rows = conn.execute("PRAGMA quick_check").fetchall()
            except sqlcipher3.DatabaseError as exc:
                conn.close()
                raise _damaged(src, str(exc)) from exc
            if rows != [("ok",)]:
                conn.close()
                raise _damaged(src, "; ".join(str(r[0]) for r in rows[:3]))
        work.track(conn)
        return conn, encrypted
    if not encrypted:
        raise _damaged(src, last_error or "unreadable")
    raise _wrong_key(src, cipher, given=key_given)


def tables(conn: sqlcipher3.Connection) -> set[str]:
    """Names of real tables (views and virtual tables are ignored: a view may impersonate a table)."""
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")}


def columns(conn: sqlcipher3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def select_list(conn: sqlcipher3.Connection, table: str, wanted: Iterable[str]) -> str:
    """`a, b, NULL, d`: the wanted columns in order, NULL for those this WeChat version lacks."""
    have = columns(conn, table)
    return ", ".join(c if c in have else "NULL" for c in wanted)


def require_table(conn: sqlcipher3.Connection, table: str, src: Path) -> None:
    if table not in tables(conn):
        raise InputError(
            f"{src.name} has no {table} table: it is not the WeChat database it looks like, or it was tampered with.",
            location=str(src),
        )


def batches(cur: sqlcipher3.Cursor, ctx: JobContext, size: int = 2000) -> Iterator[list]:
    """The rows of `cur`, `size` at a time (memory stays bounded), checking for cancel before each batch."""
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        ctx.check()
        yield rows
