"""Where WhatsApp for Android keeps what we read, and opening it safely.

What a user may choose:
- `msgstore.db` itself (copied from `/data/data/com.whatsapp/databases` on a rooted phone), or a
  backup `msgstore.db.crypt14` / `.crypt15` (and the dated `msgstore-YYYY-MM-DD.1.db.crypt15`);
- the phone's WhatsApp folder: `WhatsApp/` (`Databases/`, `Media/`, Android 10 and older) or
  `Android/media/com.whatsapp/WhatsApp/` (Android 11+), or any folder above it, or a zip of it;
  `wa.db` (contact names) and the `key` file may lie beside the database.

The database is untrusted input (SQLite's "Defense Against the Dark Arts"): it is copied (plain) or
decrypted (crypt14/15) into a private 0700 folder, opened read-only with `trusted_schema=OFF`, and
checked with `quick_check` before anything is read. The user's files are only ever read.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers.filetree import FileTree
from chatvault.importers.whatsapp_android import crypt
from chatvault.jobs.context import JobContext

_BACKUP = re.compile(r"(?:^|/)msgstore(?:-(\d{4}-\d{2}-\d{2})\.\d+)?\.db\.crypt(\d+)$", re.IGNORECASE)
_PLAIN = re.compile(r"(?:^|/)msgstore\.db$", re.IGNORECASE)
_KEYS = ("key", "files/key", "encrypted_backup.key", "files/encrypted_backup.key")
ROOT_MARKERS = ("Android/media/com.whatsapp/WhatsApp/", "WhatsApp/", "")


@dataclass
class Found:
    """The members of the chosen tree that matter (member names of its `FileTree`)."""

    database: str | None = None
    others: list[str] = field(default_factory=list)     # older backups beside it, not read
    wa_db: str | None = None
    key_file: str | None = None
    media_roots: list[str] = field(default_factory=list)  # prefixes under which "Media/..." lies


def _depth(name: str) -> int:
    return name.count("/")


def locate(tree: FileTree) -> Found:
    """The database to read (a plain msgstore.db first, else the newest backup), wa.db, the key file and
    the Media roots."""
    found = Found()
    plain: list[str] = []
    backups: list[tuple[str, str]] = []
    roots: set[str] = set()
    for name in tree.names():
        if _PLAIN.search(name):
            plain.append(name)
        elif m := _BACKUP.search(name):
            backups.append((m.group(1) or "9999", name))     # the undated file is the newest
        elif name.lower().endswith("wa.db") and name.rsplit("/", 1)[-1].lower() == "wa.db":
            if found.wa_db is None or _depth(name) < _depth(found.wa_db):
                found.wa_db = name
        elif any(name == k or name.endswith("/" + k) for k in _KEYS) and tree.size(name) < 4096:
            found.key_file = found.key_file or name
        at = name.find("Media/")
        if at >= 0 and (at == 0 or name[at - 1] == "/"):
            roots.add(name[:at])
    plain.sort(key=_depth)
    backups.sort(key=lambda b: (b[0], -_depth(b[1])), reverse=True)
    ordered = plain + [b[1] for b in backups]
    if ordered:
        found.database = ordered[0]
        found.others = ordered[1:]
    found.media_roots = sorted(roots, key=_depth)
    return found


def is_backup(name: str) -> bool:
    return _BACKUP.search(name) is not None


class WorkDir:
    """A private folder for the database copy, removed on close. A folder left by a process that died
    (kill, power loss) holds a decrypted database: the next import removes it (its `pid` file names a
    process that is gone)."""

    def __init__(self) -> None:
        parent = os.environ.get("CHATVAULT_TMPDIR")
        if parent is None:
            from chatvault.paths import data_dir

            parent = str(data_dir() / "tmp")
        Path(parent).mkdir(parents=True, exist_ok=True, mode=0o700)
        _sweep(Path(parent))
        self.path = Path(tempfile.mkdtemp(prefix="whatsapp-", dir=parent))
        os.chmod(self.path, 0o700)
        (self.path / "pid").write_text(str(os.getpid()))
        self.conns: list[sqlite3.Connection] = []

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        self.conns.clear()
        shutil.rmtree(self.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _sweep(parent: Path) -> None:
    """Remove the work folders of imports whose process is gone."""
    for old in parent.glob("whatsapp-*"):
        try:
            pid = int((old / "pid").read_text())
        except (OSError, ValueError):
            continue
        if os.name == "posix" and not _alive(pid):
            shutil.rmtree(old, ignore_errors=True)


def materialise(tree: FileTree, member: str, keys: crypt.Keys, work: WorkDir, ctx: JobContext,
                as_name: str = "msgstore.db") -> tuple[Path, str]:
    """The database as a private plain SQLite file `as_name`: (its path, "plain" | "crypt14" | "crypt15")."""
    where = str(tree.path / member) if tree.kind == "dir" else str(tree.path)
    name = member.rsplit("/", 1)[-1]
    dst = work.path / as_name
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    if is_backup(member):
        version = int(_BACKUP.search(member).group(2))  # type: ignore[union-attr]
        if version not in (14, 15):
            raise InputError(f"{name} is a crypt{version} backup; ChatVault reads crypt14 and crypt15 backups.",
                             location=where, hint="Make a new backup on the phone (WhatsApp → Settings → Chats → "
                                                  "Chat backup) and import that one.")
        kind = crypt.decrypt(lambda: tree.open(member), tree.size(member), keys, name, where, dst, ctx)
        return dst, kind
    try:
        with tree.open(member) as src, open(dst, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        for suffix in ("-wal",):
            side = member + suffix
            if side in tree and tree.size(side):
                with tree.open(side) as src, open(str(dst) + suffix, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.", location=where,
                         hint="Check that the file is readable, then retry.") from exc
    return dst, "plain"


def open_sqlite(path: Path, name: str, where: str, work: WorkDir, *, check: bool = True) -> sqlite3.Connection:
    """A read-only connection to the private copy `path`, checked first; `InputError` when damaged."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(crypt.SQLITE_MAGIC):
        raise InputError(f"{name} is not a SQLite database (nor a WhatsApp backup ChatVault can open).",
                         location=where, hint="Choose msgstore.db, a msgstore.db.crypt14/15 backup, or the WhatsApp "
                                              "folder that holds them.", field="format")
    uri = "file:" + str(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    work.conns.append(conn)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32768")
        if check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise InputError(f"{name} is damaged ({'; '.join(str(r[0]) for r in rows[:3])}); nothing was "
                                 "imported from it.", location=where,
                                 hint="Copy the database again from the phone (a full, finished copy).")
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{name} is damaged or not a database ({exc}); nothing was imported from it.",
                         location=where, hint="Copy the database again from the phone (a full, finished copy).") \
            from exc
    return conn


def tables(conn: sqlite3.Connection) -> set[str]:
    """Real tables (a view may impersonate a table; virtual tables are not read)."""
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")}


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
