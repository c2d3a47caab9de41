"""Signal Android's encrypted `.backup` file (v1 frames), with the 30-digit passphrase."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers import signalids as S
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.importers.signal_backup import messages as M
from chatvault.importers.signal_backup import people as P
from chatvault.importers.signal_backup import proto, stream, v2
from chatvault.importers.signal_backup.replay import Replay
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, ParticipantRec, Record, SourceRec, Unparsed

_NAME = re.compile(r"^signal-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.backup$")
# KeyValue and SharedPreference keys that name the account's owner, newest first.
_OWN_ACI = ("account.aci", "account.local_uuid", "pref_local_uuid")
_OWN_E164 = ("account.e164", "account.local_number", "pref_local_number")


def _open_header(path: Path) -> stream.Header | None:
    try:
        with open(path, "rb") as fh:
            return stream.read_header(fh)
    except OSError:
        return None


class SignalBackupImporter(Importer):
    name = "signal-android"
    title = "Signal for Android (.backup)"
    description = "The encrypted signal-….backup file Signal for Android writes, with its 30-digit passphrase."
    patterns = ("*.backup",)
    parser_version = 1
    fields = (ImportField(stream.FIELD, "Signal backup passphrase",
                          "The 30 digits Signal showed when chat backups were turned on (Settings > Chats > Chat "
                          "backups); spaces do not matter. Signal cannot show it again: if it is lost, turn "
                          "backups off and on for a new one and a new backup.", check=stream.check_passphrase),)

    def detect(self, path: Path) -> Detection:
        if v2.find(path) is not None:
            return Detection(0.9, "Signal backup folder of the new kind (backup v2), which cannot be read yet", "v2")
        if not path.is_file():
            return Detection(0.0, "not a Signal backup file")
        header = _open_header(path)
        if header is None:
            return Detection(0.0, "no Signal backup header")
        sure = 0.97 if _NAME.match(path.name) else 0.9
        return Detection(sure, f"Signal for Android backup (format version {header.version})",
                         f"v1-{header.version}")

    def total_bytes(self, path: Path) -> int | None:
        try:
            return path.stat().st_size if path.is_file() else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        folder = v2.find(path)
        if folder is not None:
            raise v2.refuse(folder)
        raw = options.options.get(stream.FIELD) or options.options.get("passphrase")
        passphrase = stream.normalise_passphrase(str(raw)) if raw else None
        if passphrase is None:
            problem = stream.check_passphrase(str(raw)) if raw else "No passphrase was given."
            raise InputError(f"{path.name} is an encrypted Signal backup. {problem}", location=str(path),
                             field=stream.FIELD,
                             hint="Enter the 30-digit passphrase Signal showed when chat backups were turned on.")
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise InputError(f"Cannot read {path.name}: {exc.strerror or exc}.", location=str(path)) from exc
        with fh:
            header = stream.read_header(fh)
            if header is None:
                raise InputError(f"{path.name} is not a Signal backup: it does not start with a backup header.",
                                 location=str(path), hint="Choose the signal-….backup file the phone wrote.")
            if header.version > 1:
                raise InputError(f"{path.name} is a Signal backup of format version {header.version}, newer than "
                                 "the versions ChatVault reads (0 and 1).", location=str(path))
            reader = stream.BackupReader(path, fh, header, passphrase)
            replay = Replay(options.options.get("workdir"))
            try:
                yield from self._read(path, reader, replay, ctx)
            finally:
                replay.close()

    def _scan(self, reader: stream.BackupReader, replay: Replay, ctx: JobContext
              ) -> tuple[dict[int, stream.Media], dict[str, str], list[Record]]:
        """Run every frame; returns (attachment row → bytes, owner keys, notes about damage)."""
        media: dict[int, stream.Media] = {}
        own: dict[str, str] = {}
        notes: list[Record] = []
        try:
            for frame in reader.frames():
                ctx.check()
                f = frame.fields
                if stream.F_STATEMENT in f:
                    replay.run(f[stream.F_STATEMENT][0])
                elif stream.F_ATTACHMENT in f and frame.media is not None:
                    a = proto.parse(f[stream.F_ATTACHMENT][0])
                    media[int(proto.first(a, 1, 0))] = frame.media
                elif stream.F_KEYVALUE in f:
                    kv = proto.parse(f[stream.F_KEYVALUE][0])
                    k, v = proto.text(proto.first(kv, 1)), proto.text(proto.first(kv, 7))
                    if k and v:
                        own[k] = v
                elif stream.F_PREFERENCE in f:
                    pref = proto.parse(f[stream.F_PREFERENCE][0])
                    k, v = proto.text(proto.first(pref, 2)), proto.text(proto.first(pref, 3))
                    if k and v:
                        own.setdefault(k, v)
                if frame.index % 64 == 0:
                    ctx.set_position(bytes_=reader.pos)
        except stream.Damaged as exc:
            notes.append(ImportWarning(f"{exc.message} Everything before it was imported.", exc.location))
            notes.append(Unparsed(raw="", location=exc.location or str(reader.path),
                                  reason=f"backup damaged at frame {exc.frame}, byte {exc.offset}"))
        ctx.set_position(bytes_=reader.pos)
        return media, own, notes

    def _read(self, path: Path, reader: stream.BackupReader, replay: Replay, ctx: JobContext) -> Iterator[Record]:
        media, own, notes = self._scan(reader, replay, ctx)
        conn = replay.finish()
        if replay.failures:
            notes.append(ImportWarning(f"{replay.failures} statements of the backup's database could not be "
                                       f"replayed, e.g. {replay.failed[0]}", str(path)))
        own_aci = next((own[k] for k in _OWN_ACI if own.get(k)), None)
        own_e164 = next((own[k] for k in _OWN_E164 if own.get(k)), None)
        people = P.load(conn, own_aci, own_e164)
        me = people.me
        yield SourceRec(app=S.APP, account="" if me == S.ME else me or "", display_name=own_e164 or me,
                        complete=not notes)
        if me and me != S.ME:
            r = next((x for x in people.by_id.values() if x.key == me), None)
            yield ParticipantRec(me, (r.name if r else None) or own_e164 or "Me", is_me=True)
        yield from notes
        key, mac_key = reader.cipher_key, reader.mac_key

        def opener(row: int) -> stream.MediaOpener | None:
            m = media.get(row)
            return stream.MediaOpener(str(path), m, key, mac_key) if m else None

        atts = M.attachments(conn)
        reacts = M.reactions(conn, people)
        mentions = M.mentions(conn, people)
        emitted: set[int] = set()
        for src in M.message_tables(conn):
            revs, originals = M.edits(conn, src)
            cx = M.Context(people, atts, reacts, opener, path.name, revs, originals, mentions)
            yield from self._rows(conn, src, cx, emitted, ctx)

    def _rows(self, conn: sqlite3.Connection, src: M.Source, cx: M.Context, emitted: set[int],
              ctx: JobContext) -> Iterator[Record]:
        for batch in M.rows(conn, src):
            ctx.check()
            for row in batch:
                ctx.check()
                thread = int(row["thread"] or -1)
                if thread not in emitted:
                    conv = cx.people.conversation(thread)
                    if conv is not None:
                        emitted.add(thread)
                        yield conv
                try:
                    rec = M.record(row, src, cx)
                except (ValueError, TypeError, InputError) as exc:
                    yield Unparsed(raw=str(dict(row))[:2000], location=f"{cx.file}#{src.table}/{row['id']}",
                                   reason=f"unreadable message row: {exc}")
                    continue
                if rec is not None:
                    yield rec
                elif row["latest"] is None:
                    yield Unparsed(raw=str(dict(row))[:2000], location=f"{cx.file}#{src.table}/{row['id']}",
                                   reason="message of a thread the backup has no recipient for")
