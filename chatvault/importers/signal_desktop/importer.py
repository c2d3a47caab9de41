"""Signal Desktop's profile folder (`config.json`, `sql/db.sqlite`, `attachments.noindex/`), or its
`db.sqlite` alone, with the database key or the OS Safe Storage secret that unlocks it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import sqlcipher3

from chatvault.errors import InputError
from chatvault.importers import signalids as S
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.importers.signal_desktop import attachments as A
from chatvault.importers.signal_desktop import dbopen, keys
from chatvault.importers.signal_desktop import messages as M
from chatvault.jobs.context import JobContext
from chatvault.model import ParticipantRec, Record, SourceRec, Unparsed

BATCH = 2000


def locate(path: Path) -> tuple[Path, Path | None] | None:
    """(db.sqlite, the profile folder or None) for a profile folder, its sql/ folder or db.sqlite."""
    try:
        if path.is_file() and path.name == "db.sqlite":
            root = path.parent.parent if path.parent.name == "sql" else None
            return path, root if root is not None and (root / "config.json").is_file() else None
        if path.is_dir():
            if (path / "sql" / "db.sqlite").is_file():
                return path / "sql" / "db.sqlite", path
            if path.name == "sql" and (path / "db.sqlite").is_file():
                root = path.parent
                return path / "db.sqlite", root if (root / "config.json").is_file() else None
    except OSError:
        return None
    return None


def _items(conn: sqlcipher3.Connection, tabs: set[str]) -> tuple[str | None, str | None]:
    """The owner's (ACI, E.164) from `items` (`uuid_id` = "aci.device", `number_id` = "+1….device")."""
    if "items" not in tabs:
        return None, None
    got: dict[str, str] = {}
    for iid, raw in conn.execute("SELECT id, json FROM items WHERE id IN ('uuid_id', 'number_id')"):
        j = M.parse_json(raw) or {}
        if isinstance(j.get("value"), str):
            got[str(iid)] = j["value"].rsplit(".", 1)[0]
    return got.get("uuid_id"), got.get("number_id")


class SignalDesktopImporter(Importer):
    name = "signal-desktop"
    title = "Signal Desktop (profile folder)"
    description = "Signal Desktop's folder (config.json, sql/db.sqlite, attachments.noindex) or its db.sqlite."
    patterns = ("db.sqlite", "config.json")
    parser_version = 1
    fields = (
        ImportField(keys.KEY_FIELD, "Signal database key",
                    "Only if config.json is not beside the database: the 64 hex digits of its \"key\" value.",
                    optional=True, check=keys.check_key),
        ImportField(keys.SECRET_FIELD, "Signal Safe Storage secret",
                    "When config.json holds \"encryptedKey\": the secret the operating system keeps for Signal. "
                    "Linux: secret-tool lookup application Signal; macOS: security find-generic-password -ws "
                    "\"Signal Safe Storage\"; Windows: the key in Signal's Local State, unprotected with DPAPI "
                    "(see the import guide).", optional=True),
    )

    def detect(self, path: Path) -> Detection:
        found = locate(path)
        if found is None:
            return Detection(0.0, "no Signal Desktop database (sql/db.sqlite)")
        db, root = found
        if root is not None and (root / "attachments.noindex").is_dir():
            return Detection(0.95, "Signal Desktop profile folder", "profile")
        if root is not None:
            return Detection(0.9, "Signal Desktop folder (config.json and sql/db.sqlite)", "profile")
        return Detection(0.6, "a database named db.sqlite, as Signal Desktop's", "db")

    def total_bytes(self, path: Path) -> int | None:
        found = locate(path)
        try:
            return found[0].stat().st_size if found else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        found = locate(path)
        if found is None:
            raise InputError("No Signal Desktop database here: choose Signal's folder (with sql/db.sqlite) or the "
                             "db.sqlite file.", location=str(path))
        db, root = found
        opts = options.options
        cfg = keys.read_config(root / "config.json") if root is not None else None
        key, field = keys.database_key(cfg, opts.get(keys.KEY_FIELD), opts.get(keys.SECRET_FIELD), db)
        opened = dbopen.Opened(db)
        try:
            conn = opened.open(key, field)
            yield from self._read(conn, db, root or db.parent, ctx)
        finally:
            opened.close()

    def _read(self, conn: sqlcipher3.Connection, db: Path, root: Path, ctx: JobContext) -> Iterator[Record]:
        tabs = dbopen.tables(conn)
        for t in ("conversations", "messages"):
            if t not in tabs:
                raise InputError(f"{db.name} has no {t} table: it is not Signal Desktop's database.", location=str(db))
        own_aci, own_e164 = _items(conn, tabs)
        d = M.Directory(root, S.person(own_aci, own_e164) or S.ME)
        for cid, raw in conn.execute("SELECT id, json FROM conversations"):
            j = M.parse_json(raw)
            if j is not None:
                M.conversation(d, str(cid), j)
        M.finish_groups(d)
        yield SourceRec(app=S.APP, account="" if d.me == S.ME else d.me, display_name=own_e164 or d.me,
                        complete=True)
        if d.me != S.ME:
            yield ParticipantRec(d.me, d.names.get(d.me) or own_e164 or "Me", is_me=True)
        calls = self._calls(conn, tabs)
        att_table = "message_attachments" in tabs
        emitted: set[str] = set()
        total = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        size, done = db.stat().st_size, 0
        cur = conn.execute("SELECT id, json, conversationId, sent_at, type FROM messages ORDER BY rowid")
        while True:
            rows = cur.fetchmany(BATCH)
            if not rows:
                break
            ctx.check()
            for mid, raw, cid, sent, mtype in rows:
                ctx.check()
                yield from self._one(conn, d, emitted, calls, att_table, mid, raw, cid, sent, mtype)
            done += len(rows)
            ctx.set_position(bytes_=size * done // max(total, 1))

    def _one(self, conn, d: M.Directory, emitted: set[str], calls: dict, att_table: bool, mid, raw, cid, sent,
             mtype) -> Iterator[Record]:
        loc = f"db.sqlite#messages/{mid}"
        j = M.parse_json(raw)
        if j is None:
            yield Unparsed(raw=str(raw)[:2000], location=loc, reason="message JSON cannot be read")
            return
        conv = d.convs.get(str(cid or j.get("conversationId") or ""))
        if conv is None:
            yield Unparsed(raw=str(raw)[:2000], location=loc, reason="message of a conversation the database lacks")
            return
        if conv.key not in emitted:
            emitted.add(conv.key)
            yield conv
        if att_table:
            atts = self._attachments(conn, str(mid), "attachment")
            if isinstance(j.get("sticker"), dict) and not (j["sticker"].get("data") or {}).get("path"):
                j["sticker"]["data"] = next(iter(self._attachments(conn, str(mid), "sticker")), {})
            long = next(iter(self._attachments(conn, str(mid), "long-message")), None)
        else:
            atts = [a for a in j.get("attachments") or [] if isinstance(a, dict)]
            long = j.get("bodyAttachment") if isinstance(j.get("bodyAttachment"), dict) else None
        if long:
            j["body"] = self._long_text(d.root, long, j.get("body"))
        rec = M.record(d, {"id": str(mid), "conversationId": cid, "sent_at": sent, "type": mtype}, j, atts, calls)
        if rec is None:
            yield Unparsed(raw=str(raw)[:2000], location=loc, reason="message that cannot be placed")
        else:
            yield rec

    @staticmethod
    def _long_text(root: Path, att: dict, body: object) -> object:
        """A text longer than Signal sends inline, kept as a "long message" attachment (up to 64 MiB)."""
        ref = A.ref(root / "attachments.noindex", att)
        if ref.open is None:
            return body
        try:
            with ref.open() as fh:
                text = fh.read(64 << 20).decode("utf-8", "replace")
        except (OSError, InputError):
            return body
        return text if len(text) >= len(body or "") else body

    @staticmethod
    def _attachments(conn: sqlcipher3.Connection, mid: str, kind: str) -> list[dict]:
        rows = conn.execute(
            "SELECT size, contentType, path, fileName, localKey, version, pending, width, height, caption, flags "
            "FROM message_attachments WHERE messageId = ? AND editHistoryIndex = -1 AND attachmentType = ? "
            "ORDER BY orderInMessage", (mid, kind)).fetchall()
        names = ("size", "contentType", "path", "fileName", "localKey", "version", "pending", "width", "height",
                 "caption", "flags")
        return [{k: v for k, v in zip(names, r, strict=True) if v is not None} for r in rows]

    @staticmethod
    def _calls(conn: sqlcipher3.Connection, tabs: set[str]) -> dict[str, dict]:
        if "callsHistory" not in tabs:
            return {}
        have = dbopen.columns(conn, "callsHistory")
        cols = [c for c in ("callId", "direction", "status", "type", "mode") if c in have]
        if "callId" not in cols:
            return {}
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM callsHistory")
        return {str(r[0]): dict(zip(cols[1:], r[1:], strict=True)) for r in rows}



