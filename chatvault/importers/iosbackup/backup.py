"""A Finder/iTunes iPhone backup folder: its plists, its file index (Manifest.db) and its files.

Layout (iOS 10 and later): `Info.plist` (device name, iOS version, date), `Manifest.plist`
(`IsEncrypted`, and on encrypted backups the keybag and `ManifestKey`), `Status.plist`, and
`Manifest.db`, whose `Files` table maps each (domain, relativePath) to a `fileID` =
sha1("domain-relativePath"), stored as `<first two hex digits>/<fileID>`. Its `file` column is an
NSKeyedArchiver plist (`MBFile`: size, mode, protection class and, when encrypted, the file's own
wrapped key). Encrypted backups encrypt Manifest.db itself with `ManifestKey`.

Backups made by iOS 9 and older keep `Manifest.mbdb` instead: they are refused with a clear message
(no phone still in use makes them). The fileIDs come from an untrusted database: only 40 hex digits
are accepted, and only regular files inside the backup folder are read.
"""

from __future__ import annotations

import os
import plistlib
import re
import sqlite3
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from chatvault.errors import InputError, WrongSecret
from chatvault.importers.iosbackup import cbc
from chatvault.importers.iosbackup.keybag import BadPassword, Keybag, KeybagError
from chatvault.importers.iosbackup.workdir import WorkDir
from chatvault.importers.openers import FileOpener

FIELD = "backup_password"
_FILE_ID = re.compile(r"^[0-9a-f]{40}$")
_PLIST_MAX = 64 << 20
SQLITE_MAGIC = b"SQLite format 3\x00"
PASSWORD_HINT = ("Enter the password set when \"Encrypt local backup\" was turned on in Finder (macOS) or iTunes "
                 "(Windows) for this iPhone. It is not the phone's passcode or Apple ID password.")


@dataclass(frozen=True)
class Entry:
    """One file of the backup, as Manifest.db describes it."""

    file_id: str
    domain: str
    path: str                      # relativePath inside the domain
    size: int | None
    protection_class: int | None
    wrapped_key: bytes | None      # None: stored in the clear
    mtime: int | None


def _is_backup(p: Path) -> bool:
    return p.is_dir() and (p / "Manifest.plist").is_file() and (
        (p / "Manifest.db").is_file() or (p / "Manifest.mbdb").is_file() or (p / "Info.plist").is_file())


def find_root(path: Path) -> Path | None:
    """The backup folder for `path` (the folder, or one of its plists/Manifest.db), else None."""
    try:
        p = Path(path)
        if p.is_file() and p.name in ("Manifest.db", "Manifest.plist", "Info.plist", "Status.plist"):
            p = p.parent
        if _is_backup(p):
            return p
    except OSError:
        return None
    return None


def backups_in(path: Path, limit: int = 200) -> list[Path]:
    """The backups inside a MobileSync `Backup` folder (one per device and date), newest first."""
    found: list[Path] = []
    try:
        if not Path(path).is_dir():
            return []
        for i, child in enumerate(Path(path).iterdir()):
            if i >= limit:
                break
            if _is_backup(child):
                found.append(child)
    except OSError:
        return found
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def read_plist(path: Path) -> dict:
    """A small plist (XML or binary) as a dict; InputError naming the file when it is unreadable."""
    try:
        if path.stat().st_size > _PLIST_MAX:
            raise InputError(f"{path.name} of the iPhone backup is implausibly large.", location=str(path))
        with open(path, "rb") as fh:
            data = plistlib.load(fh)
    except InputError:
        raise
    except (OSError, plistlib.InvalidFileException, ValueError, TypeError, KeyError, struct.error,
            OverflowError, IndexError) as exc:
        raise cbc.damaged(path, path.name, f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(data, dict):
        raise cbc.damaged(path, path.name, "it is not a dictionary")
    return data


def mbfile(blob: bytes | None) -> dict[str, Any]:
    """The `MBFile` of a Manifest.db `file` blob, its references resolved one level deep."""
    if not blob:
        return {}
    try:
        arch = plistlib.loads(blob)
        objs = arch["$objects"]
        root = objs[arch["$top"]["root"].data]
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, AttributeError,
            struct.error, OverflowError):
        return {}
    out: dict[str, Any] = {}
    if not isinstance(root, dict):
        return out
    for k, v in root.items():
        if isinstance(v, plistlib.UID):
            try:
                v = objs[v.data]
            except IndexError:
                continue
            if isinstance(v, dict) and "NS.data" in v:
                v = v["NS.data"]
        out[k] = v
    return out


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


class Backup:
    """An opened backup: `lookup` files by domain and path, `opener`/`extract` their bytes."""

    def __init__(self, root: Path, password: str | bytes | None, work: WorkDir,
                 progress: Callable[[str], None] | None = None) -> None:
        self.root = Path(root)
        self.work = work
        if not (self.root / "Manifest.db").is_file():
            if (self.root / "Manifest.mbdb").is_file():
                raise InputError(
                    "This iPhone backup was made by iOS 9 or older (it has Manifest.mbdb, not Manifest.db); "
                    "ChatVault reads backups of iOS 10 and later.", location=str(self.root),
                    hint="Update the iPhone if you still have it and make a new backup in Finder or iTunes.")
            raise InputError("This folder has no Manifest.db, so it is not a complete iPhone backup.",
                             location=str(self.root),
                             hint="Choose the backup's own folder (named by the device id) after the backup finished.")
        self.manifest = read_plist(self.root / "Manifest.plist")
        self.info = read_plist(self.root / "Info.plist") if (self.root / "Info.plist").is_file() else {}
        self.encrypted = bool(self.manifest.get("IsEncrypted"))
        self.keybag: Keybag | None = None
        if self.encrypted:
            if progress:
                progress("Unlocking the encrypted backup")
            self.keybag = self._unlock(password)
        self.db = self._open_manifest()
        self._index: dict[tuple[str, str], dict[str, str]] = {}

    # -- plists ----------------------------------------------------------------------------
    def device_name(self) -> str:
        lock = self.manifest.get("Lockdown") if isinstance(self.manifest.get("Lockdown"), dict) else {}
        for v in (self.info.get("Device Name"), self.info.get("Display Name"), lock.get("DeviceName")):
            if isinstance(v, str) and v.strip():
                return v.strip()
        return "iPhone"

    # -- unlocking -------------------------------------------------------------------------
    def _unlock(self, password: str | bytes | None) -> Keybag:
        if password is None or password == "":
            raise WrongSecret(f"The iPhone backup {self.root.name} is encrypted and no backup password was given.",
                              location=str(self.root), hint=PASSWORD_HINT, field=FIELD)
        blob = self.manifest.get("BackupKeyBag")
        if not isinstance(blob, bytes):
            raise cbc.damaged(self.root / "Manifest.plist", "Manifest.plist", "it has no BackupKeyBag")
        secret = password.encode("utf-8") if isinstance(password, str) else password
        try:
            bag = Keybag.parse(blob)
            bag.unlock(secret)
        except BadPassword as exc:
            raise WrongSecret(f"The backup password does not open the iPhone backup {self.root.name}.",
                              location=str(self.root), field=FIELD, hint=PASSWORD_HINT) from exc
        except KeybagError as exc:
            raise cbc.damaged(self.root / "Manifest.plist", "The keybag in Manifest.plist", str(exc)) from exc
        return bag

    def _open_manifest(self) -> sqlite3.Connection:
        src = self.root / "Manifest.db"
        dst = self.work.new_file("Manifest.db")
        if self.keybag is not None:
            mk = self.manifest.get("ManifestKey")
            if not isinstance(mk, bytes) or len(mk) != 44:
                raise cbc.damaged(self.root / "Manifest.plist", "Manifest.plist", "its ManifestKey is missing")
            try:
                key = self.keybag.file_key(struct.unpack("<I", mk[:4])[0], mk[4:])
            except KeybagError as exc:
                raise cbc.damaged(self.root / "Manifest.plist", "Manifest.plist", str(exc)) from exc
            cbc.decrypt_to(src, key, None, dst, "Manifest.db")
        else:
            copy_private(src, dst)
        return open_sqlite(self.work, dst, src, "Manifest.db", "Files")

    def extract_db(self, domain: str, path: str, what: str, under: str = "") -> tuple[Path, Path] | None:
        """A database of the backup in a private file, its -wal (when the backup has one) folded in:
        (private path, the backup file it came from); None when the backup lacks it."""
        entry = self.lookup(domain, path, under)
        if entry is None:
            return None
        dst = self.extract(entry, what)
        wal = self.lookup(domain, path + "-wal", under)
        if wal is not None and (wal.size or 0) > 0 and self.stored_path(wal) is not None:
            self.extract(wal, what + "-wal", Path(str(dst) + "-wal"))
            checkpoint(dst)
        return dst, self.root / entry.file_id[:2] / entry.file_id

    def database(self, domain: str, path: str, what: str, table: str) -> sqlite3.Connection | None:
        """A database of the backup, opened privately and read-only; None if the backup lacks it."""
        got = self.extract_db(domain, path, what)
        return None if got is None else open_sqlite(self.work, got[0], got[1], what, table)

    # -- files -------------------------------------------------------------------------------
    def _domain(self, domain: str, under: str = "") -> dict[str, str]:
        """relativePath → fileID of every regular file in `domain` (under the folder `under`), one query each:
        MediaDomain also holds the whole camera roll, so Messages asks only for Library/SMS/."""
        idx = self._index.get((domain, under))
        if idx is None:
            idx = {}
            sql = "SELECT fileID, relativePath FROM Files WHERE domain = ? AND flags = 1"
            args: tuple = (domain,)
            if under:
                sql += " AND relativePath >= ? AND relativePath < ?"
                args += (under, under + "\U0010ffff")
            try:
                for fid, rel in self.db.execute(sql, args):
                    if isinstance(fid, str) and isinstance(rel, str):
                        idx[rel] = fid.lower()
            except sqlite3.DatabaseError as exc:
                raise cbc.damaged(self.root / "Manifest.db", "Manifest.db", str(exc)) from exc
            self._index[(domain, under)] = idx
        return idx

    def lookup(self, domain: str, path: str, under: str = "") -> Entry | None:
        """The file `path` of `domain` (`under`: a folder it lies in, to index only that part), or None."""
        fid = self._domain(domain, under).get(path)
        if fid is None or not _FILE_ID.match(fid):
            return None
        row = self.db.execute("SELECT file FROM Files WHERE fileID = ?", (fid,)).fetchone()
        mb = mbfile(row[0] if row else None)
        key = mb.get("EncryptionKey")
        wrapped = key[4:] if isinstance(key, bytes) and len(key) == 44 else None
        return Entry(fid, domain, path, _int(mb.get("Size")), _int(mb.get("ProtectionClass")), wrapped,
                     _int(mb.get("LastModified")))

    def stored_path(self, entry: Entry) -> Path | None:
        """Where the backup keeps `entry`: a regular file inside the backup folder, else None."""
        p = self.root / entry.file_id[:2] / entry.file_id
        try:
            st = os.lstat(p)
        except OSError:
            return None
        return p if stat.S_ISREG(st.st_mode) else None

    def file_key(self, entry: Entry) -> bytes | None:
        """The entry's own AES key (None when it is stored in the clear)."""
        if self.keybag is None or entry.wrapped_key is None:
            return None
        try:
            return self.keybag.file_key(entry.protection_class or 0, entry.wrapped_key)
        except KeybagError:
            return None

    def opener(self, entry: Entry, what: str) -> Callable[[], BinaryIO] | None:
        """A picklable opener of the entry's plain bytes; None when the backup lacks the file or its key."""
        p = self.stored_path(entry)
        if p is None:
            return None
        if self.keybag is None:
            return FileOpener(p)
        key = self.file_key(entry)
        if key is None:
            return None
        return cbc.CbcOpener(p, key, entry.size, what)

    def extract(self, entry: Entry, what: str, dst: Path | None = None) -> Path:
        """The entry's plain bytes in a private work file (for databases SQLite opens by path)."""
        p = self.stored_path(entry)
        if p is None:
            raise InputError(f"{what} is listed in the iPhone backup's Manifest.db but its file is missing.",
                             location=str(self.root / entry.file_id[:2] / entry.file_id),
                             hint="Make the backup again in Finder or iTunes (let it finish), then import the new one.")
        dst = dst or self.work.new_file(Path(entry.path).name)
        if self.keybag is None:
            copy_private(p, dst)
            return dst
        key = self.file_key(entry)
        if key is None:
            raise cbc.damaged(p, what, "its key in Manifest.db does not unwrap")
        cbc.decrypt_to(p, key, entry.size, dst, what)
        return dst


def copy_private(src: Path, dst: Path) -> None:
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as fh:
            while True:
                chunk = fh.read(cbc.CHUNK)
                if not chunk:
                    break
                out.write(chunk)
    except OSError as exc:
        raise InputError(f"Cannot read {src.name} of the iPhone backup: {exc.strerror or exc}.",
                         location=str(src)) from exc


def checkpoint(db: Path) -> None:
    """Fold a private copy's -wal into it, so it opens read-only and immutable with every row."""
    try:
        conn = sqlite3.connect(db)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise cbc.damaged(db, db.name.split("-", 1)[-1], f"its write-ahead log cannot be applied: {exc}") from exc
    wal = Path(str(db) + "-wal")
    if wal.exists() and wal.stat().st_size == 0:
        wal.unlink()


def open_sqlite(work: WorkDir, path: Path, src: Path, what: str, table: str) -> sqlite3.Connection:
    """Open a private copy read-only as untrusted input, checked, with `table` required."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InputError(f"Cannot read {what}: {exc.strerror or exc}.", location=str(src)) from exc
    if head != SQLITE_MAGIC:
        raise cbc.damaged(src, what, "it is not an SQLite database")
    uri = "file:" + str(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    conn = work.track(sqlite3.connect(uri, uri=True, check_same_thread=False))
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise cbc.damaged(src, what, "; ".join(str(r[0]) for r in rows[:3]))
        tabs = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise cbc.damaged(src, what, str(exc)) from exc
    if table not in tabs:
        raise InputError(f"{what} has no {table} table: it is not the database it looks like.", location=str(src))
    return conn
