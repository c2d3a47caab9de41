"""WhatsApp for iPhone from a copied app-group folder: `ChatStorage.sqlite` and its `Message/` folder.

For people who took the files out of a backup with another tool (or a jailbroken phone): choose
`ChatStorage.sqlite` itself or the folder holding it; media is looked up under `Message/` beside it.
The same reader as the "iPhone backup" format, so both give the same keys (`ZSTANZAID`) and a later
copy adds only what is new.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.iosbackup.backup import SQLITE_MAGIC, checkpoint, copy_private, open_sqlite
from chatvault.importers.iosbackup.workdir import WorkDir
from chatvault.importers.openers import FileOpener
from chatvault.importers.whatsapp_ios.chatstorage import ChatStorage
from chatvault.jobs.context import JobContext
from chatvault.model import Record

DB = "ChatStorage.sqlite"


def find_db(path: Path) -> Path | None:
    try:
        if path.is_file():
            return path if path.name == DB else None
        if (path / DB).is_file():
            return path / DB
    except OSError:
        return None
    return None


def folder_media(root: Path) -> Callable[[str], tuple[Callable[[], BinaryIO] | None, str]]:
    """ZMEDIALOCALPATH → a regular file under `root` (Message/ first), never a link out of it. A folder's
    real path is resolved once (a chat's media share a few folders), not once per file."""
    real_root = os.path.realpath(root)
    dirs: dict[str, bool] = {}

    def inside(folder: str) -> bool:
        ok = dirs.get(folder)
        if ok is None:
            real = os.path.realpath(folder)
            ok = dirs[folder] = real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
        return ok

    def resolve(local: str) -> tuple[Callable[[], BinaryIO] | None, str]:
        rel = local.lstrip("/")
        marker = rel.find("Message/")
        candidates = [rel[marker:]] if marker >= 0 else [f"Message/{rel}", rel]
        for cand in candidates:
            if ".." in cand.split("/"):
                continue
            p = os.path.join(root, cand)
            try:
                if stat.S_ISREG(os.lstat(p).st_mode) and inside(os.path.dirname(p)):
                    return FileOpener(Path(p)), p
            except OSError:
                continue
        return None, os.path.join(root, candidates[0])
    return resolve


class WhatsAppIOSImporter(Importer):
    name = "whatsapp-ios"
    title = "WhatsApp for iPhone (ChatStorage.sqlite)"
    description = "ChatStorage.sqlite copied from an iPhone (with its Message/ media folder beside it)."
    patterns = (DB,)
    parser_version = 1

    def detect(self, path: Path) -> Detection:
        db = find_db(path)
        if db is None:
            return Detection(0.0, f"no {DB}")
        try:
            with open(db, "rb") as fh:
                head = fh.read(16)
        except OSError:
            return Detection(0.0, f"{DB} cannot be read")
        if head != SQLITE_MAGIC:
            return Detection(0.3, f"{DB} that is not an SQLite database", "damaged")
        return Detection(0.95, f"WhatsApp for iPhone's {DB}", "folder" if path.is_dir() else "file")

    def total_bytes(self, path: Path) -> int | None:
        db = find_db(path)
        try:
            return db.stat().st_size if db else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        db = find_db(path)
        if db is None:
            raise InputError(f"Choose WhatsApp's {DB} or the folder that holds it.", location=str(path))
        size = self.total_bytes(path) or 1
        with WorkDir("waios-") as work:
            copy = work.new_file(DB)
            copy_private(db, copy)
            wal = db.with_name(DB + "-wal")
            if wal.is_file() and not wal.is_symlink() and wal.stat().st_size:
                copy_private(wal, Path(str(copy) + "-wal"))
                checkpoint(copy)              # messages still in the write-ahead log are read too
            conn = open_sqlite(work, copy, db, DB, "ZWAMESSAGE")
            store = ChatStorage(conn, db, folder_media(db.parent), account=str(options.options.get("account", "")))

            def progress(done: int, total: int) -> None:
                ctx.set_position(bytes_=size * done // max(total, 1))
            yield from store.records(ctx, progress)
