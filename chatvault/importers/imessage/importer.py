"""iMessage and SMS from a Mac: a copy of `~/Library/Messages` (`chat.db`, `Attachments/`), on any OS.

macOS guards that folder: the Terminal or Finder that copies it needs Full Disk Access (System
Settings → Privacy & Security → Full Disk Access). The copy is then imported anywhere. `chat.db`
alone imports too; its attachments are then recorded as missing, each with the path it had.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.imessage.reader import APP, read_database
from chatvault.jobs.context import JobContext
from chatvault.model import Record

DB_NAME = "chat.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Where Messages says its files are, by device: everything after the marker is relative to the folder.
_MARKERS = ("Library/Messages/", "Library/SMS/")
_MESSAGES_TABLES = {"message", "handle", "chat", "chat_message_join"}


def find_db(path: Path) -> Path | None:
    try:
        if path.is_file():
            return path if _is_messages_db(path) else None
        for cand in (path / DB_NAME, path / "Messages" / DB_NAME, path / "Library" / "Messages" / DB_NAME):
            if cand.is_file():
                return cand
    except OSError:
        return None
    return None


def _is_messages_db(path: Path) -> bool:
    """An SQLite file with the Messages tables (cheap: the header, then the table names)."""
    try:
        with path.open("rb") as f:
            if f.read(16) != SQLITE_MAGIC:
                return False
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return _MESSAGES_TABLES <= names


def attachment_resolver(root: Path):
    """Maps `attachment.filename` (`~/Library/Messages/Attachments/…`, `/Users/x/Library/Messages/…`,
    `/var/mobile/Library/SMS/Attachments/…`) to the file inside the copied folder `root`; None when
    the path leaves the folder or names no file there."""
    base = root.resolve()

    def resolve(stored: str) -> Path | None:
        s = stored.replace("\\", "/")
        rel = None
        for marker in _MARKERS:
            i = s.find(marker)
            if i >= 0:
                rel = s[i + len(marker):]
                break
        if rel is None:
            rel = s[2:] if s.startswith("~/") else s
            if rel.startswith("/"):
                return None
        parts = PurePosixPath(rel).parts
        if not parts or any(p in ("..", "") for p in parts):
            return None
        cand = base.joinpath(*parts)
        try:
            real = cand.resolve()
            if not real.is_relative_to(base) or not real.is_file():
                return None
        except (OSError, RuntimeError):
            return None
        return real

    return resolve


class IMessageImporter(Importer):
    name = "imessage"
    title = "iMessage / SMS (Mac Messages folder)"
    description = ("A copy of ~/Library/Messages from a Mac (chat.db with its Attachments folder), on any OS; "
                   "or chat.db alone.")
    patterns = (DB_NAME,)
    parser_version = 1

    def detect(self, path: Path) -> Detection:
        db = find_db(path)
        if db is None:
            return Detection(0.0, "no chat.db with the Messages tables")
        if not _is_messages_db(db):
            return Detection(0.0, f"{db.name} has no Messages tables")
        if (db.parent / "Attachments").is_dir():
            return Detection(0.95, "Messages folder: chat.db and Attachments", "folder")
        if db.name == DB_NAME:
            return Detection(0.9, "Messages database chat.db (no Attachments folder beside it)", "database")
        return Detection(0.7, f"{db.name} has the Messages tables", "database")

    def total_bytes(self, path: Path) -> int | None:
        db = find_db(path)
        try:
            return db.stat().st_size if db else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        db = find_db(path)
        if db is None:
            if path.is_file():
                raise InputError(f"{path.name} is not a Messages database (no message, handle and chat tables).",
                                 location=str(path),
                                 hint="Choose the chat.db of a copied ~/Library/Messages folder, or the folder.")
            raise InputError("There is no chat.db in this folder.", location=str(path),
                             hint="Choose the copy of ~/Library/Messages (it holds chat.db and Attachments).")
        yield from read_database(db, attachment_resolver(db.parent), ctx, source_label=db.name, app=APP)
