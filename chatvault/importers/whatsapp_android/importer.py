"""WhatsApp for Android's own database: `msgstore.db`, its crypt14/crypt15 backups, `wa.db`, `Media/`.

The reader: find the database in what was chosen (`source.locate`), decrypt or copy it privately,
open it read-only and checked, read names from `wa.db`, then stream the chats (with their members
and a "WhatsApp chat identity" the import engine uses to merge a chat with `.txt` exports of it),
every message and every call. Stable keys are WhatsApp's own message ids (`key_id`), so a newer
msgstore adds only what is new and the engine marks what vanished missing-at-source (the read is a
complete snapshot of the phone's chats).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from chatvault.errors import InputError, WrongSecret
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.importers.filetree import FileTree
from chatvault.importers.whatsapp_android import crypt, source
from chatvault.importers.whatsapp_android.chats import chat_records
from chatvault.importers.whatsapp_android.current import CurrentReader
from chatvault.importers.whatsapp_android.legacy import LegacyReader
from chatvault.importers.whatsapp_android.media import MediaTree
from chatvault.importers.whatsapp_android.people import People, contact_names
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, MessageRec, Record, SourceRec

_NAME = re.compile(r"^msgstore(?:-\d{4}-\d{2}-\d{2}\.\d+)?\.db(?:\.crypt(\d+))?$", re.IGNORECASE)
WINDOW = 2_000          # messages regrouped by chat at a time (see `by_chat`)
_FOLDERS = ("", "WhatsApp/", "Android/media/com.whatsapp/WhatsApp/", "com.whatsapp/", "data/data/com.whatsapp/")


def _sqlite_tables_hint(path: Path) -> tuple[bool, bool]:
    """(is SQLite, its first pages name msgstore tables): a cheap look, no SQL."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(256 << 10)
    except OSError:
        return False, False
    if not head.startswith(crypt.SQLITE_MAGIC):
        return False, False
    current = b"CREATE TABLE message " in head or b'CREATE TABLE "message"' in head
    if (current and b"message_media" in head) or b"key_remote_jid" in head:
        return True, True
    # The schema may lie beyond the first pages (msgstore has hundreds of tables): ask SQLite, read-only
    # and without touching the file (`immutable`), for the table names only.
    uri = "file:" + str(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return True, False
    return True, {"message", "chat", "jid"} <= names or ("messages" in names and "chat_list" in names)


class WhatsAppAndroidImporter(Importer):
    name = "whatsapp-android"
    title = "WhatsApp for Android database"
    description = ("msgstore.db, or a msgstore.db.crypt14/.crypt15 backup with its key, or the phone's WhatsApp "
                   "folder (Databases, Media, wa.db)")
    patterns = ("msgstore.db", "msgstore*.db.crypt14", "msgstore*.db.crypt15", "WhatsApp/")
    parser_version = 1
    fields = (
        ImportField(crypt.FIELD_KEY, "End-to-end backup key",
                    "The 64-digit key WhatsApp showed when you turned on the end-to-end encrypted backup "
                    "(WhatsApp → Settings → Chats → Chat backup → End-to-end encrypted backup). Needed for "
                    ".crypt15 backups.", secret=True, optional=True, check=crypt.check_hex_key),
        ImportField(crypt.FIELD_KEY_FILE, "Key file",
                    "The phone's key file: /data/data/com.whatsapp/files/key (crypt14 backups; rooted phones "
                    "only), or encrypted_backup.key (crypt15). Not needed for a plain msgstore.db.",
                    secret=False, path=True, optional=True),
    )

    # --- detection -------------------------------------------------------------------------
    def detect(self, path: Path) -> Detection:
        try:
            if path.is_dir():
                return self._detect_dir(path)
            if path.is_file():
                return self._detect_file(path)
        except OSError:
            pass
        return Detection(0.0, "cannot be read")

    def _detect_file(self, path: Path) -> Detection:
        m = _NAME.match(path.name)
        if m and m.group(1):
            version = m.group(1)
            if version in ("14", "15"):
                return Detection(0.95, f"a WhatsApp for Android crypt{version} backup", f"crypt{version}")
            return Detection(0.6, f"a WhatsApp crypt{version} backup (ChatVault reads crypt14 and crypt15)",
                             f"crypt{version}")
        is_sqlite, looks = _sqlite_tables_hint(path)
        if is_sqlite and looks:
            return Detection(0.95 if m else 0.8, "a WhatsApp for Android message database", "plain")
        if path.suffix.lower() == ".zip":
            tree = None
            try:
                tree = FileTree(path)
                found = source.locate(tree)
                if found.database:
                    return Detection(0.9, f"a zip holding WhatsApp's {found.database.rsplit('/', 1)[-1]}", "zip")
            except InputError:
                pass
            finally:
                if tree is not None:
                    tree.close()
        return Detection(0.0, "not a WhatsApp for Android database")

    def _detect_dir(self, path: Path) -> Detection:
        for prefix in _FOLDERS:
            base = path / prefix if prefix else path
            for sub in ("", "Databases", "databases"):
                folder = base / sub if sub else base
                try:
                    names = os.listdir(folder)
                except OSError:
                    continue
                hits = [n for n in names if _NAME.match(n)]
                if hits:
                    media = (base / "Media").is_dir()
                    wa = (folder / "wa.db").is_file()
                    extra = ", ".join(w for w, ok in (("Media", media), ("wa.db", wa)) if ok)
                    return Detection(0.95 if (media or wa or sub) else 0.85,
                                     f"a WhatsApp for Android folder ({sorted(hits)[0]}{'; ' + extra if extra else ''})",
                                     "folder")
        return Detection(0.0, "no msgstore database in this folder")

    # --- reading ---------------------------------------------------------------------------
    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path)
        work = source.WorkDir()
        try:
            yield from self._read(tree, path, options, ctx, work)
        finally:
            work.close()
            tree.close()

    def _keys(self, tree: FileTree, found: source.Found, options: ImportOptions) -> crypt.Keys:
        opts = options.options
        hex_key = opts.get(crypt.FIELD_KEY)
        key_file = opts.get(crypt.FIELD_KEY_FILE)
        if hex_key:
            return crypt.Keys(crypt15_root=crypt.parse_hex_key(str(hex_key), str(path_of(tree, found.database))))
        if key_file:
            where = str(key_file)
            try:
                with open(key_file, "rb") as fh:
                    data = fh.read(4096)
            except OSError as exc:
                raise WrongSecret(f"The key file {where} cannot be read: {exc.strerror or exc}.", location=where,
                                  field=crypt.FIELD_KEY_FILE, hint=crypt.FILE_HINT) from exc
            return crypt.read_key_file(data, where)
        if found.key_file is not None:            # a key file copied beside the backup
            with tree.open(found.key_file) as fh:
                return crypt.read_key_file(fh.read(4096), str(path_of(tree, found.key_file)))
        return crypt.Keys()

    def _read(self, tree: FileTree, path: Path, options: ImportOptions, ctx: JobContext,
              work: source.WorkDir) -> Iterator[Record]:
        found = source.locate(tree)
        if found.database is None:
            raise InputError(f"{path.name} holds no WhatsApp message database (msgstore.db or a "
                             "msgstore.db.crypt14/15 backup).", location=str(path),
                             hint="Choose the phone's WhatsApp folder (with Databases and Media), or the database "
                                  "file itself.", field="format")
        where = str(path_of(tree, found.database))
        name = found.database.rsplit("/", 1)[-1]
        keys = self._keys(tree, found, options) if source.is_backup(found.database) else crypt.Keys()
        ctx.status(f"Opening {name}")
        db_path, variant = source.materialise(tree, found.database, keys, work, ctx)
        conn = source.open_sqlite(db_path, name, where, work)
        have = source.tables(conn)
        if {"message", "chat", "jid"} <= have:
            schema = "current"
        elif "messages" in have and "key_remote_jid" in source.columns(conn, "messages"):
            schema = "legacy"
        else:
            raise InputError(f"{name} is a SQLite database but not WhatsApp's message store (it has no message "
                             "or messages table).", location=where,
                             hint="Choose msgstore.db (wa.db holds only contacts).", field="format")
        names = self._contacts(tree, found, work)
        people = People(conn, names)
        media = MediaTree(tree if tree.kind != "file" else None, found.media_roots)
        for name_other in found.others:
            yield ImportWarning(f"{name_other} was not read: {name} is the newest database here (import the "
                                "older backup on its own to add what only it has).", location=str(path))
        yield SourceRec(app="whatsapp", account=str(options.options.get("account", "")), me_name=options.me,
                        complete=True)
        chats: dict[int, str] = {}
        yield from chat_records(conn, people, schema, chats, options.me)
        if schema == "current":
            reader = CurrentReader(conn, people, media, chats, where)
            yield from by_chat(reader.messages(ctx), ctx)
            yield from reader.calls(ctx)
        else:
            yield from by_chat(LegacyReader(conn, people, media, where).messages(ctx), ctx)
        yield from self._notes(found, media, people, names, variant, schema, str(path))
        ctx.set_position(bytes_=self.total_bytes(path) or 0)

    def _contacts(self, tree: FileTree, found: source.Found, work: source.WorkDir) -> dict[str, str]:
        """Names from wa.db: in the chosen tree, or beside a msgstore.db chosen alone (the phone's
        `databases/` folder holds both). An unreadable wa.db only costs the names."""
        side: FileTree | None = None
        if found.wa_db is None and tree.kind == "file":
            beside = tree.path.parent / "wa.db"
            if beside.is_file() and not beside.is_symlink():
                side = FileTree(beside)
                found.wa_db = "wa.db"
        if found.wa_db is None:
            return {}
        src = side or tree
        try:
            dst, _ = source.materialise(src, found.wa_db, crypt.Keys(), work, JobContext(), as_name="wa.db")
            conn = source.open_sqlite(dst, "wa.db", str(path_of(src, found.wa_db)), work)
            return contact_names(conn)
        except InputError:
            return {}
        finally:
            if side is not None:
                side.close()

    def _notes(self, found: source.Found, media: MediaTree, people: People, names: dict, variant: str,
               schema: str, where: str) -> Iterator[Record]:
        if media.missing:
            hint = "" if found.media_roots else " (no Media folder was chosen with the database)"
            yield ImportWarning(f"{media.missing:,} media file(s) the database names are not here{hint}; each is "
                                "kept as missing with the path WhatsApp expected.", location=where)
        if found.wa_db is None:
            yield ImportWarning("No wa.db beside the database: people are shown by phone number (copy wa.db from "
                                "/data/data/com.whatsapp/databases on a rooted phone to get their names).",
                                location=where)
        if people.lids:
            yield ImportWarning(f"{people.lids:,} privacy ids (LIDs) were turned back into phone numbers with "
                                "jid_map.", location=where)

    def total_bytes(self, path: Path) -> int | None:
        """The database (or backup) size: what `read` walks through (media is read later, by the engine)."""
        try:
            if path.is_file():
                return path.stat().st_size
            for prefix in _FOLDERS:
                for sub in ("", "Databases/", "databases/"):
                    p = path / f"{prefix}{sub}msgstore.db"
                    for cand in (p, p.with_name("msgstore.db.crypt15"), p.with_name("msgstore.db.crypt14")):
                        if cand.is_file():
                            return cand.stat().st_size
        except OSError:
            return None
        return None


def by_chat(records: Iterator[Record], ctx: JobContext, window: int = WINDOW) -> Iterator[Record]:
    """The messages of each `window` in a row, grouped by chat (each chat's in their order).

    The database lists messages of all chats interleaved, in the order they arrived; the import
    engine writes a chat's messages together and inserts next to each other in the vault's indexes.
    A window of one chunk (2,000) keeps the parse process and the writer overlapping: 50,000 at a time
    made the writer wait while the parser gathered them, and imported a 300-chat msgstore ~20 % slower.
    Other records pass at once (a chat is described before its messages are)."""
    groups: dict[str, list[Record]] = {}
    held = 0
    for rec in records:
        if isinstance(rec, MessageRec):
            groups.setdefault(rec.conversation_key, []).append(rec)
            held += 1
            if held < window:
                continue
        else:
            yield rec
            continue
        yield from _flush(groups, ctx)
        held = 0
    yield from _flush(groups, ctx)


def _flush(groups: dict[str, list[Record]], ctx: JobContext) -> Iterator[Record]:
    n = 0
    for recs in groups.values():
        for rec in recs:
            n += 1
            if n % 1000 == 0:
                ctx.check()
            yield rec
    groups.clear()


def path_of(tree: FileTree, member: str | None) -> Path:
    if member is None or tree.kind != "dir":
        return tree.path
    return tree.path / member
