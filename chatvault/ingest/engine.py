"""The import engine: turns an importer's record stream into vault rows, safely and fast.

Shape (see docs/import.md):

    parse thread:  importer.read() → keys (ingest.keys) → prepared rows, in chunks ─┐ bounded queue
    calling thread: chunk → lookup existing keys → insert new rows, attachments,   ◄┘
                    search index, run counters → COMMIT every BATCH messages

Each transaction holds whole chunks, so a crash (kill -9) leaves the vault at a chunk boundary; the
next import of the same export finds the committed messages by their keys and adds only the rest.
Blobs are written (durably) before the transaction that references them commits. Missing-at-source
marking runs at the end, only for conversations where this export reaches the newest stored message.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chatvault import clock, faults
from chatvault.errors import Cancelled, ChatVaultError, InputError, StorageError, UnknownFormat
from chatvault.importers import registry
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.openers import close_trees
from chatvault.ingest import names, owner, parse, recalls
from chatvault.ingest.keys import ts_ms
from chatvault.ingest.reorder import KNOWN_OPTION, Reorder, date_order_changed
from chatvault.ingest.reorder import feed_known as reorder_feed_known
from chatvault.jobs.context import JobContext
from chatvault.media.attach import MediaInfo, fill_missing, record_blob, store_and_describe
from chatvault.media.blobstore import BlobStore, StoredBlob
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
    MessageRec,
    MessageStatus,
    ParticipantRec,
    SourceRec,
    Unparsed,
)
from chatvault.search.index import index_prepared
from chatvault.store.db import Connection, DatabaseError, classify, rollback
from chatvault.vault.vault import Vault

CHUNK = parse.CHUNK         # records per hand-off from the parser
BATCH = 250000              # messages per transaction
BATCH_SECONDS = 5.0         # ... or this long, whichever comes first (a kill -9 loses at most this much work)
MAX_LISTED = 1000           # unparsed locations / warnings kept in the report
LOOKUP = 900                # keys per existence query
IMPORT_CACHE_KIB = 128 * 1024


@dataclass
class ImportReport:
    run_id: int | None
    format: str
    path: str
    outcome: str = "running"
    added: int = 0
    already_present: int = 0
    edited: int = 0
    recalled: int = 0                   # stored messages marked recalled (the notice seen after them)
    missing_at_source: int = 0
    restored: int = 0
    conversations_missing: int = 0      # whole chats a complete snapshot no longer has (deleted / cleared)
    attachments_stored: int = 0
    attachments_missing: int = 0
    attachments_filled: int = 0
    redated: int = 0                    # stored messages moved to the dates this export's date order gives
    unparsed: int = 0
    unparsed_lines: list[str] = field(default_factory=list)
    conversations: int = 0
    messages_seen: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    resumed_from: int | None = None
    identical_to: int | None = None     # an earlier run of the byte-identical file: nothing was re-read
    file_hash: str | None = None
    seconds: float = 0.0
    detection: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        keys = ("added", "already_present", "edited", "recalled", "missing_at_source", "restored", "conversations_missing",
                "attachments_stored",
                "attachments_missing", "attachments_filled", "redated", "unparsed", "conversations", "messages_seen")
        return {k: getattr(self, k) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_env_int = parse.env_int


# --- choosing the importer ---------------------------------------------------------------------

def choose(path: Path, format: str | None) -> tuple[Importer, Detection]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.", hint="Check the path of the export.")
    if format:
        importer = registry.get(format)
        return importer, importer.detect(path)
    found = registry.detect(path)
    return found[0]


# --- the parse side: chatvault/ingest/parse.py ---------------------------------------------------

_END = parse.END


# --- the write side -----------------------------------------------------------------------------

@dataclass
class _Conv:
    id: int
    prev_max: int | None
    first: int | None = None
    last: int | None = None
    seen: int = 0
    added: int = 0
    last_message_id: int | None = None
    pids: dict = field(default_factory=dict)   # sender key → participant id, already a member here
    replies: bool = False               # this run stored a message quoting another
    reorder: Reorder | None = None      # an earlier import read the dates in the other day/month order


_dumps = parse.dumps
_NO_PID = object()
# A message row, after "INSERT" or "INSERT OR IGNORE" (the bench's writer floor inserts the same).
INSERT_MESSAGE = (" INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, reply_to_key, "
                   "forwarded_from, edited_at, is_edited, first_run_id, last_seen_run_id, location, extra) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
_INSERT_MISSING = ("INSERT OR IGNORE INTO attachments(message_id, ordinal, status, mime, size, original_name, "
                   "expected_path, width, height, extra) VALUES (?,?,?,?,?,?,?,?,?,?)")


class _Writer:
    def __init__(self, vault: Vault, conn: Connection, run_id: int, report: ImportReport, ctx: JobContext,
                 importer: Importer, options: ImportOptions) -> None:
        self.vault = vault
        self.conn = conn
        self.run_id = run_id
        self.report = report
        self.ctx = ctx
        self.importer = importer
        self.options = options
        self.source_id: int | None = None
        self.complete = False            # the importer read a snapshot of the whole account
        self.me_name: str | None = options.me
        self.me_choice: owner.MeChoice | None = None
        self.convs: dict[str, _Conv] = {}
        self.names = names.People(conn, run_id)
        self.people: dict[str, int] = self.names.ids
        self.members: set[tuple[int, int]] = set()
        self.unkeyed: list[recalls.Notice] = []     # deletion notices without ids, resolved in finish()
        self.next_id = 0
        self.in_tx = False
        self.pending = 0
        self.tx_started = 0.0
        self._blobs: BlobStore | None = None
        self.batch = _env_int("CHATVAULT_IMPORT_BATCH", BATCH)
        # Ids of stored messages this run saw again (for missing-at-source and restored at the end).
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_seen (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.import_seen")
        self._remember()

    def _remember(self) -> None:
        self._committed = self.report.counts()
        self._committed_lines = len(self.report.unparsed_lines)

    # transactions -------------------------------------------------------------------------
    def begin(self) -> None:
        if not self.in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self.in_tx = True
            self.tx_started = time.monotonic()
            self.next_id = int(self.conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]) + 1

    def commit(self, checkpoint: dict | None = None, *, progress: bool = True) -> None:
        if not self.in_tx:
            return
        if progress:   # the run row always tells what the committed batches hold
            self.conn.execute(
                "UPDATE import_runs SET counts = ?, checkpoint = ? WHERE id = ?",
                (_dumps(self.report.counts()) or "{}", _dumps(checkpoint), self.run_id),
            )
        faults.hit("import.before_commit")
        self.conn.execute("COMMIT")
        self.in_tx = False
        self.pending = 0
        self._remember()
        faults.hit("import.after_commit")

    def rollback(self) -> None:
        """Undo the open transaction, and the report's counters with it (they count committed work)."""
        if self.in_tx:
            try:
                rollback(self.conn)      # after a failed COMMIT SQLite may have rolled back already
            finally:
                self.in_tx = False
                for k, v in self._committed.items():
                    setattr(self.report, k, v)
                del self.report.unparsed_lines[self._committed_lines:]

    # records ------------------------------------------------------------------------------
    def chunk(self, items: list) -> None:
        self.begin()
        run: list[list] = []
        for item in items:
            if type(item) is list:            # a prepared message (parse.prepare: `Prepared` fields in a list)
                run.append(item)
                continue
            if run:
                self.messages(run)
                run = []
            self.other(item)
        if run:
            self.messages(run)
        if self.pending >= self.batch or time.monotonic() - self.tx_started >= BATCH_SECONDS:
            last = items[-1] if items else None
            loc = last[parse.P_LOCATION] if type(last) is list else None
            self.commit({"messages_seen": self.report.messages_seen, "location": loc})

    def other(self, rec: Any) -> None:
        if isinstance(rec, SourceRec):
            self.source(rec)
        elif isinstance(rec, ConversationRec):
            self.conversation(rec)
        elif isinstance(rec, ParticipantRec):
            self.participant(rec)
        elif isinstance(rec, Unparsed):
            self.unparsed(rec)
        elif isinstance(rec, ImportWarning):
            if len(self.report.warnings) < MAX_LISTED:
                where = f"{rec.location}: " if rec.location else ""
                self.report.warnings.append(f"{where}{rec.message}")

    def source(self, rec: SourceRec) -> None:
        me = self.options.me or rec.me_name
        self.me_name = me
        self.complete = self.complete or rec.complete
        c = self.conn
        row = c.execute("SELECT id, me_name FROM sources WHERE app = ? AND account = ?", (rec.app, rec.account)).fetchone()
        if row is None:
            cur = c.execute("INSERT INTO sources(app, account, display_name, me_name, created_at) VALUES (?,?,?,?,?)",
                            (rec.app, rec.account, rec.display_name, me, clock.now_ms()))
            self.source_id = int(cur.lastrowid)
        else:
            self.source_id = int(row["id"])
            if rec.display_name:
                c.execute("UPDATE sources SET display_name = ? WHERE id = ?", (rec.display_name, self.source_id))
        # The user's word (--me now, or a choice kept from before) outranks the importer's guess.
        self.me_choice = owner.choice_for_import(c, self.source_id, self.options.me)
        if self.me_choice is not None:
            self.me_name = self.me_choice.name
            owner.apply_choice(c, self.source_id, self.me_choice)
            return
        if row is not None and me and row["me_name"] != me:
            c.execute("UPDATE sources SET me_name = ? WHERE id = ?", (me, self.source_id))
        if me:
            c.execute("UPDATE participants SET is_me = 1 WHERE source_id = ? AND (source_key = ? OR display_name = ?)",
                      (self.source_id, me, me))

    def _need_source(self) -> int:
        if self.source_id is None:
            self.source(SourceRec(app=self.importer.name))
        assert self.source_id is not None
        return self.source_id

    def conversation(self, rec: ConversationRec) -> None:
        sid = self._need_source()
        c = self.conn
        row = c.execute("SELECT id, kind, title, extra FROM conversations WHERE source_id = ? AND source_key = ?",
                        (sid, rec.key)).fetchone()
        reorder = row is not None and date_order_changed(row["extra"], rec.extra)
        if row is None:
            cur = c.execute(
                "INSERT INTO conversations(source_id, source_key, kind, title, created_at, extra) VALUES (?,?,?,?,?,?)",
                (sid, rec.key, str(rec.kind), rec.title, clock.now_ms(), _dumps(rec.extra)))
            cid = int(cur.lastrowid)
        else:
            cid = int(row["id"])
            names.update_conversation(c, cid, row, rec)   # a stand-in title never replaces a real one
        names.remember_title(c, cid, rec, self.run_id)
        if rec.key not in self.convs:
            prev = c.execute("SELECT max(ts) FROM messages WHERE conversation_id = ?", (cid,)).fetchone()[0]
            self.convs[rec.key] = _Conv(cid, None if prev is None else int(prev),
                                        reorder=Reorder(rec.key) if reorder and prev is not None else None)
            self.report.conversations += 1
        for p in rec.participants:
            pid = self.participant(p)
            self._member(cid, pid)

    def participant(self, rec: ParticipantRec) -> int:
        sid = self._need_source()
        choice = self.me_choice
        if choice is not None:        # the user said who "me" is: that sets is_me, both ways
            return self.names.participant(sid, rec, 1 if choice.matches(rec.key, rec.display_name) else 0,
                                          chosen=True)
        is_me = 1 if (rec.is_me or (self.me_name and rec.display_name == self.me_name)) else 0
        return self.names.participant(sid, rec, is_me)   # ingest/names.py: later names win, none is lost

    def _member(self, cid: int, pid: int) -> None:
        if (cid, pid) not in self.members:
            self.members.add((cid, pid))
            self.conn.execute("INSERT OR IGNORE INTO conversation_members(conversation_id, participant_id) VALUES (?,?)",
                              (cid, pid))

    def _conv(self, key: str) -> _Conv:
        conv = self.convs.get(key)
        if conv is None:
            self.conversation(ConversationRec(key=key, title=key))
            conv = self.convs[key]
        return conv

    def unparsed(self, rec: Unparsed) -> None:
        conv = self._conv(rec.conversation_key) if rec.conversation_key else None
        self.conn.execute(
            "INSERT INTO unparsed(import_run_id, conversation_id, message_id, location, reason, raw) VALUES (?,?,?,?,?,?)",
            (self.run_id, conv.id if conv else None, conv.last_message_id if conv else None, rec.location,
             rec.reason, rec.raw))
        self.report.unparsed += 1
        if len(self.report.unparsed_lines) < MAX_LISTED:
            self.report.unparsed_lines.append(rec.location)

    def _sender(self, key: str | None, name: str | None, cid: int) -> int | None:
        if key is None:
            return None
        pid = self.people.get(key)
        if pid is None:
            pid = self.participant(ParticipantRec(key=key, display_name=name))
        if (cid, pid) not in self.members:
            self._member(cid, pid)
        return pid

    def messages(self, batch: list[list]) -> None:
        """Prepared messages (`parse.Prepared` fields in plain lists, read by index)."""
        c = self.conn
        run = self.run_id
        report = self.report
        P = parse
        by_conv: dict[str, list[list]] = {}
        for p in batch:
            by_conv.setdefault(p[P.P_CONV], []).append(p)
        inserts: list[tuple] = []
        index_rows: list[tuple[int, str]] = []
        seen_ids: list[int] = []
        new_atts: list[tuple[int, list[AttachmentRef]]] = []
        fill_candidates: list[tuple[int, list[AttachmentRef]]] = []
        notices: list[recalls.Notice] = []     # recall notices of messages the vault may hold (ingest/recalls.py)
        for ckey, items in by_conv.items():
            conv = self._conv(ckey)
            cid = conv.id
            existing: dict[str, tuple] = {}
            keys: list[str] = []
            if conv.prev_max is None:
                # The conversation had no message before this run: a key can only repeat one this
                # run stored (the same message twice in an export), and the INSERT OR IGNORE below
                # finds those (`_repeated`). Looking every key up cost a query per chat per chunk:
                # a 500-chat WeChat account with random MsgSvrIDs imported at 39,500 msg/s, not 45,000.
                lookup = range(0)
            else:
                keys = [p[0] for p in items]
                if conv.reorder is not None:
                    others = conv.reorder.other_keys(items)
                    keys += [k for k in others if k is not None]
                lookup = range(0, len(keys), LOOKUP)
            for i in lookup:
                part = keys[i:i + LOOKUP]
                for row in c.execute(
                    "SELECT source_key, id, text FROM messages "
                    "WHERE conversation_id = ? AND source_key IN (SELECT value FROM json_each(?))",
                    (cid, json.dumps(part)),
                ):
                    existing[row[0]] = tuple(row)
            first, last = conv.first, conv.last
            reorder = conv.reorder
            redated = reorder.redated if reorder is not None else 0
            added = 0
            mid = conv.last_message_id
            pids = conv.pids
            replies = conv.replies
            for i, (key, ms, tz, body, extra, edited_at, _conv, kind, text, sender_key, sender_name, source_id,
                    reply_to, forwarded_from, edited, location, atts) in enumerate(items):
                if first is None or ms < first:
                    first = ms
                if last is None or ms > last:
                    last = ms
                old = existing.get(key) if existing else None
                if reorder is not None and others[i] is not None:
                    old = reorder.resolve(c, existing, old, key, others[i], ms)   # re-dated, not added again
                if old is not None:
                    mid = old[1]
                    seen_ids.append(mid)
                    report.already_present += 1
                    if kind == "recalled":              # a notice seen again: its message stays seen, marked
                        recalls.again(notices, conv, key, ms, tz, body, extra, kind, text, sender_key, sender_name,
                                      source_id, location, old[2])
                    elif text is not None and old[2] != text and source_id is not None:
                        self._edit(mid, old, text, edited_at)
                    if atts and any(a.open is not None for a in atts):
                        fill_candidates.append((mid, atts))
                    continue
                if kind == "recalled" and recalls.held(self, conv, notices, key, ms, tz, body, extra, kind, text,
                                                       sender_key, sender_name, source_id, location):
                    continue                    # may recall a stored message (ingest/recalls.py)
                mid = self.next_id
                self.next_id += 1
                if lookup:
                    existing[key] = (key, mid, text)
                pid = pids.get(sender_key, _NO_PID)
                if pid is _NO_PID:
                    pid = pids[sender_key] = self._sender(sender_key, sender_name, cid)
                inserts.append((mid, cid, key, ms, tz, pid, kind, text,
                                reply_to, forwarded_from, edited_at, 1 if edited else 0, run, run, location, extra))
                if body:
                    index_rows.append((mid, body))
                if atts:
                    new_atts.append((mid, atts))
                if reply_to is not None:
                    replies = True
                added += 1
            conv.replies = replies
            if reorder is not None:
                report.redated += reorder.redated - redated
            conv.seen += len(items)
            conv.first, conv.last = first, last
            conv.added += added
            conv.last_message_id = mid
            report.added += added
        report.messages_seen += len(batch)
        if inserts:
            before = c.total_changes
            c.executemany("INSERT OR IGNORE" + INSERT_MESSAGE, inserts)
            if c.total_changes - before != len(inserts):
                self._repeated(batch, inserts, index_rows, new_atts, fill_candidates, seen_ids)
        if notices:
            recalls.resolve(self, notices, index_rows, seen_ids)
        if seen_ids:
            # Remembered in a temporary table, not written to each row: rewriting every stored
            # message's row made re-reading an export cost ~70 % of the first import.
            c.executemany("INSERT OR IGNORE INTO temp.import_seen(id) VALUES (?)", ((i,) for i in seen_ids))
        faults.hit("import.after_messages")
        missing_rows = []
        for mid, refs in new_atts:
            for ordinal, ref in enumerate(refs):
                if ref.open is None:
                    missing_rows.append(self._missing_row(mid, ordinal, ref))
                else:
                    self._attachment(mid, ordinal, ref)
        if missing_rows:
            self.conn.executemany(_INSERT_MISSING, missing_rows)
            report.attachments_missing += len(missing_rows)
        if fill_candidates:
            self._fill(fill_candidates)
        index_prepared(c, index_rows)     # also re-indexes texts changed by edits (search_pending)
        self.pending += len(batch)
        self.ctx.advance(items=len(batch))

    def _repeated(self, batch: list[list], inserts: list[tuple], index_rows: list, new_atts: list,
                  fill_candidates: list, seen_ids: list[int]) -> None:
        """Rows the INSERT OR IGNORE skipped: messages this run had already stored (an export that
        holds a message twice). Each is counted and treated as the lookup would have: already
        present, seen again, edited when its text differs; its index row and attachments go."""
        c = self.conn
        stored = {r[0] for r in c.execute("SELECT id FROM messages WHERE id BETWEEN ? AND ?",
                                          (inserts[0][0], inserts[-1][0]))}
        skipped = [row for row in inserts if row[0] not in stored]
        if not skipped:
            return
        convs = {conv.id: conv for conv in self.convs.values()}
        wanted = {(row[1], row[2]) for row in skipped}
        has_id = set()              # (chat, key) of the skipped messages that carry the source's own id
        for p in batch:
            if p[parse.P_SOURCE_ID] is not None and (k := (self.convs[p[parse.P_CONV]].id, p[0])) in wanted:
                has_id.add(k)
        moved: dict[int, int] = {}
        for row in skipped:
            mid, cid, key, text, edited_at = row[0], row[1], row[2], row[7], row[10]
            old = c.execute("SELECT source_key, id, text FROM messages WHERE conversation_id = ? AND source_key = ?",
                            (cid, key)).fetchone()
            if old is None:             # not a repeated key: let SQLite say which constraint failed
                c.execute("INSERT" + INSERT_MESSAGE, row)
                raise AssertionError(f"message row {mid} was skipped without a reason")
            moved[mid] = old[1]
            seen_ids.append(old[1])
            conv = convs[cid]
            conv.added -= 1
            if conv.last_message_id == mid:
                conv.last_message_id = old[1]
            self.report.added -= 1
            self.report.already_present += 1
            if text is not None and old[2] != text and (cid, key) in has_id:
                self._edit(old[1], tuple(old), text, edited_at)
        index_rows[:] = [r for r in index_rows if r[0] not in moved]
        for mid, atts in [a for a in new_atts if a[0] in moved]:
            if any(a.open is not None for a in atts):
                fill_candidates.append((moved[mid], atts))
        new_atts[:] = [a for a in new_atts if a[0] not in moved]

    def _edit(self, mid: int, old: tuple, text: str, edited_at: int | None) -> None:
        row = self.conn.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()
        extra = json.loads(row[0]) if row and row[0] else {}
        history = extra.setdefault("previous_texts", [])
        if old[2] is not None and old[2] not in history:
            history.append(old[2])
        self.conn.execute("UPDATE messages SET text = ?, is_edited = 1, edited_at = coalesce(?, edited_at), extra = ? "
                          "WHERE id = ?", (text, edited_at, _dumps(extra), mid))
        self.report.edited += 1

    @property
    def blobs(self) -> BlobStore:
        if self._blobs is None:
            self._blobs = BlobStore(self.vault)
        return self._blobs

    def _put(self, ref: AttachmentRef) -> tuple[StoredBlob, MediaInfo] | None:
        """Store the file durably (before the row that points at it commits); None if it cannot be read."""
        assert ref.open is not None
        try:
            with ref.open() as stream:
                stored, info = store_and_describe(self.blobs, stream)
        except InputError as exc:
            self.report.warnings.append(f"{ref.expected_path or ref.name}: {exc.message}") \
                if len(self.report.warnings) < MAX_LISTED else None
            return None
        faults.hit("import.after_blob")
        return stored, info

    def _attachment(self, mid: int, ordinal: int, ref: AttachmentRef) -> None:
        put = self._put(ref) if ref.open is not None else None
        c = self.conn
        if put is not None:
            stored, info = put
            record_blob(c, stored, info)
            c.execute(
                "INSERT OR IGNORE INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name, "
                "expected_path, width, height, duration_ms, extra) VALUES (?,?,?,'stored',?,?,?,?,?,?,?,?)",
                (mid, ordinal, stored.id, info.mime or ref.mime_hint, stored.size, ref.name, ref.expected_path,
                 info.width or ref.extra.get("width"), info.height or ref.extra.get("height"),
                 info.duration_ms, _dumps(ref.extra)))
            self.report.attachments_stored += 1
            return
        c.execute(_INSERT_MISSING, self._missing_row(mid, ordinal, ref))
        self.report.attachments_missing += 1

    @staticmethod
    def _missing_row(mid: int, ordinal: int, ref: AttachmentRef) -> tuple:
        """An attachment the export names but does not hold (or could not be read): `missing`, or
        `expired` when the source said so."""
        status = ref.status if ref.open is None and ref.status == AttachmentStatus.EXPIRED else AttachmentStatus.MISSING
        return (mid, ordinal, str(status), ref.mime_hint, ref.size_hint, ref.name, ref.expected_path,
                ref.extra.get("width"), ref.extra.get("height"), _dumps(ref.extra))

    def _fill(self, candidates: list[tuple[int, list[AttachmentRef]]]) -> None:
        """Messages already stored whose attachment was missing, when this export has the file; and
        WeChat images an earlier import kept undecoded (`dat_undecoded`: no image key then) when this
        run could decode them. The undecoded original stays in the vault, named in the row's extra."""
        ids = [mid for mid, _ in candidates]
        rows = self.conn.execute(
            "SELECT id, message_id, ordinal, status, blob_id, extra FROM attachments WHERE message_id IN "
            "(SELECT value FROM json_each(?)) AND (status != 'stored' OR json_extract(extra, '$.dat_undecoded'))",
            (json.dumps(ids),)).fetchall()
        todo = {(r[1], r[2]): r for r in rows}
        upgraded = 0
        for mid, refs in candidates:
            for ordinal, ref in enumerate(refs):
                row = todo.get((mid, ordinal))
                if row is None or ref.open is None:
                    continue
                if row[3] == AttachmentStatus.STORED.value:
                    if ref.extra.get("dat_undecoded"):
                        continue                  # still no way to decode it: keep what is stored
                    put = self._put(ref)
                    if put is not None and put[0].id != row[4]:
                        extra = json.loads(row[5]) if row[5] else {}
                        for k in ("dat_undecoded", "dat_reason"):
                            extra.pop(k, None)
                        extra["original_dat_blob"] = row[4]
                        record_blob(self.conn, put[0], put[1])
                        self.conn.execute(
                            "UPDATE attachments SET blob_id = ?, mime = ?, size = ?, width = coalesce(?, width), "
                            "height = coalesce(?, height), extra = ? WHERE id = ?",
                            (put[0].id, put[1].mime, put[0].size, put[1].width, put[1].height, _dumps(extra), row[0]))
                        upgraded += 1
                    continue
                put = self._put(ref)
                if put is not None and fill_missing(self.conn, row[0], put[0], put[1]):
                    self.report.attachments_stored += 1
                    self.report.attachments_filled += 1
        if upgraded:
            self.report.attachments_filled += upgraded
            if len(self.report.warnings) < MAX_LISTED:
                self.report.warnings.append(
                    f"{upgraded} image(s) that an earlier import kept undecoded were decoded now; the undecoded "
                    "files stay in the vault (extra.original_dat_blob).")

    # the end ------------------------------------------------------------------------------
    def finish(self, mark_missing: bool) -> None:
        """Coverage, missing-at-source, restored, reply links: one last transaction."""
        self.begin()
        if self.unkeyed:
            recalls.resolve_unkeyed(self)
        c = self.conn
        note = owner.unmatched_note(c, self.source_id, self.me_choice, self.options.me)
        if note and len(self.report.warnings) < MAX_LISTED:
            self.report.warnings.append(note)
        run = self.run_id
        for key, conv in self.convs.items():
            if conv.first is None or conv.last is None:
                continue
            newer = conv.prev_max is None or conv.last >= conv.prev_max
            missing = restored = 0
            if conv.reorder is not None:
                self._reordered(key, conv.reorder)
            if mark_missing and newer and conv.prev_max is not None:
                # (A conversation with no message before this run has nothing to mark or restore.)
                restored = c.execute(
                    "UPDATE messages SET status = ?, missing_run_id = NULL WHERE conversation_id = ? "
                    "AND status = ? AND id IN (SELECT id FROM temp.import_seen)",
                    (MessageStatus.PRESENT.value, conv.id, MessageStatus.MISSING_AT_SOURCE.value)).rowcount
                # Only messages an export of the same format brought in: one WeChat account's phone
                # and PC databases share chats, and the PC lacking a phone message is no deletion.
                missing = c.execute(
                    "UPDATE messages SET status = ?, missing_run_id = ? WHERE conversation_id = ? AND ts BETWEEN ? AND ? "
                    "AND status = ? AND first_run_id IS NOT ? AND id NOT IN (SELECT id FROM temp.import_seen) "
                    "AND first_run_id IN (SELECT id FROM import_runs WHERE format = ?)",
                    (MessageStatus.MISSING_AT_SOURCE.value, run, conv.id, conv.first, conv.last,
                     MessageStatus.PRESENT.value, run, self.importer.name)).rowcount
            elif mark_missing and not newer:
                self.report.warnings.append(
                    f"{key}: this export ends before messages the vault already holds; it is older, so nothing "
                    "was marked missing at the source.")
            self.report.missing_at_source += missing
            self.report.restored += restored
            c.execute("INSERT OR REPLACE INTO import_coverage(run_id, conversation_id, first_ts, last_ts, messages, added, "
                      "missing, restored, newer) VALUES (?,?,?,?,?,?,?,?,?)",
                      (run, conv.id, conv.first, conv.last, conv.seen, conv.added, missing, restored, int(newer)))
            if conv.replies or conv.prev_max is not None:
                # Quotes whose message arrived later in the export, or in this run for an older quote.
                c.execute("UPDATE messages SET reply_to_id = (SELECT q.id FROM messages q WHERE q.conversation_id = "
                          "messages.conversation_id AND q.source_key = messages.reply_to_key) WHERE conversation_id = ? "
                          "AND reply_to_key IS NOT NULL AND reply_to_id IS NULL", (conv.id,))
        if mark_missing and self.complete and self.source_id is not None:
            self._gone()
        faults.hit("import.before_finish")

    def _reordered(self, key: str, reorder: Reorder) -> None:
        n = reorder.mark_wrong(self.conn, self.run_id)
        if n:
            self.report.missing_at_source += n
            self.report.warnings.append(
                f"{key}: {n:,} stored messages are copies an earlier import made by reading the dates the other way "
                "round; this export has each of them under the right date. They are marked missing at the source.")

    def _gone(self) -> None:
        """A complete snapshot: chats an earlier complete snapshot of this format had, and this one lacks.

        Only conversations covered before by a complete run of the same format (and the same source)
        are candidates, so a chat known only from another device's database, or from a one-chat export,
        is never touched. Their messages are marked missing-at-source, never deleted.
        """
        r = self.report
        if r.unparsed or any(" is incomplete" in w for w in r.warnings):
            r.warnings.append("Parts of this snapshot could not be read, so chats it lacks were not marked "
                              "missing at the source.")
            return
        c = self.conn
        run = self.run_id
        seen = {conv.id for conv in self.convs.values() if conv.seen}
        rows = c.execute(
            "SELECT DISTINCT ic.conversation_id FROM import_coverage ic JOIN import_runs ir ON ir.id = ic.run_id "
            "JOIN conversations cv ON cv.id = ic.conversation_id WHERE cv.source_id = ? AND ir.format = ? "
            "AND ir.id != ? AND ir.outcome IN ('ok', 'partial') AND json_extract(ir.counts, '$.complete') = 1",
            (self.source_id, self.importer.name, run)).fetchall()
        for (cid,) in rows:
            if cid in seen:
                continue
            span = c.execute("SELECT min(ts), max(ts) FROM messages WHERE conversation_id = ? AND status = ?",
                             (cid, MessageStatus.PRESENT.value)).fetchone()
            if span[0] is None:
                continue
            n = c.execute("UPDATE messages SET status = ?, missing_run_id = ? WHERE conversation_id = ? AND status = ? "
                          "AND first_run_id IN (SELECT id FROM import_runs WHERE format = ?)",
                          (MessageStatus.MISSING_AT_SOURCE.value, run, cid, MessageStatus.PRESENT.value,
                           self.importer.name)).rowcount
            if n == 0:
                continue                 # what is left there came from another device's database
            c.execute("INSERT OR REPLACE INTO import_coverage(run_id, conversation_id, first_ts, last_ts, messages, "
                      "added, missing, restored, newer) VALUES (?,?,?,?,0,0,?,0,1)", (run, cid, span[0], span[1], n))
            r.missing_at_source += n
            r.conversations_missing += 1


# --- public API ---------------------------------------------------------------------------------

def _hash(path: Path, out: dict) -> None:
    """SHA-256 of the export file (of the listing, for a folder); runs beside the import."""
    try:
        h = hashlib.sha256()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    full = os.path.join(root, f)
                    try:
                        st = os.lstat(full)
                    except OSError:
                        continue
                    h.update(f"{os.path.relpath(full, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            out["hash"] = "dir:" + h.hexdigest()
        else:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
            out["hash"] = h.hexdigest()
        out["size"] = path.stat().st_size if path.is_file() else None
    except OSError:
        out["hash"] = None


def run_import(vault: Vault, path: Path, *, format: str | None = None, options: ImportOptions | None = None,
               ctx: JobContext | None = None) -> ImportReport:
    """Import one export into the vault. Returns the report; raises `ChatVaultError` on failure."""
    path = Path(path)
    options = options or ImportOptions()
    ctx = ctx or JobContext()
    started = time.monotonic()
    importer, detection = choose(path, format)
    report = ImportReport(run_id=None, format=importer.name, path=str(path.resolve()),
                          detection={"confidence": detection.confidence, "reason": detection.reason,
                                     "variant": detection.variant})
    took_lock = not vault.writer_lock.held
    if took_lock:
        vault.writer_lock.acquire("import")
    try:
        conn = vault.connect()
        # This connection's page cache: 128 MiB instead of 64 (the unique key and time indexes of a
        # long chat stay in memory; measured 15-25 % faster at 100k messages). Raising
        # wal_autocheckpoint made no measurable difference.
        conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    except BaseException:
        if took_lock:
            vault.writer_lock.release()
        raise
    hashed: dict = {}
    hasher = threading.Thread(target=_hash, args=(path, hashed), name="chatvault-import-hash", daemon=True)
    hasher.start()
    producer: parse.ThreadProducer | parse.ProcessProducer | None = None
    writer: _Writer | None = None
    try:
        report.run_id, report.resumed_from = _start_run(conn, importer, report.path)
        writer = _Writer(vault, conn, report.run_id, report, ctx, importer, options)
        options = owner.feed(conn, importer.name, options)     # what the reader gets: with a kept "me"
        options = reorder_feed_known(conn, importer.name, options)  # and each chat's stored date order
        total_bytes = importer.total_bytes(path)
        ctx.set_total(bytes_=total_bytes)
        ctx.status(f"Checking {path.name}")
        hasher.join()
        same = None if options.options.get("reread") else _identical_run(conn, importer, hashed.get("hash"), options)
        if same is not None:
            # Byte-identical export, same parser and options: it cannot hold anything the vault lacks.
            report.identical_to = int(same["id"])
            prev = json.loads(same["counts"] or "{}")
            report.already_present = int(prev.get("messages_seen", 0))
            report.messages_seen = report.already_present
            report.conversations = int(prev.get("conversations", 0))
            report.file_hash = hashed.get("hash")
            report.outcome = "ok"
            report.warnings.append(f"This file is identical to the one imported in run {same['id']}; nothing new "
                                   "to read (import with the option reread to parse it again).")
            report.seconds = round(time.monotonic() - started, 3)
            _end_run(writer, report, hashed, options)
            ctx.set_position(bytes_=ctx.snapshot().bytes_total or 0)
            return report
        ctx.status(f"Importing {path.name} ({importer.title})")
        make = parse.ProcessProducer if parse.use_process(total_bytes) else parse.ThreadProducer
        producer = make(importer, path, options, ctx)
        producer.start()
        outcome = "ok"
        failure: BaseException | None = None
        try:
            while True:
                item = producer.get()
                if item is _END:
                    break
                if isinstance(item, BaseException):
                    raise item
                ctx.check()
                writer.chunk(item)
            writer.commit({"messages_seen": report.messages_seen, "done": True})
            writer.finish(mark_missing=True)
        except Cancelled:
            outcome = "cancelled"        # whole chunks already in the transaction are kept
        except BaseException as exc:  # noqa: BLE001 - recorded on the run, then re-raised
            outcome = "failed"
            failure = exc
        finally:
            producer.stop()
        if failure is not None and (not isinstance(failure, ChatVaultError) or isinstance(failure, StorageError)):
            writer.rollback()            # the environment failed mid-batch: keep only committed batches
        elif outcome == "ok" and (report.unparsed or any(" is incomplete" in w for w in report.warnings)):
            outcome = "partial"
        hasher.join()
        report.file_hash = hashed.get("hash")
        report.outcome = outcome
        report.seconds = round(time.monotonic() - started, 3)
        if failure is None:
            _end_run(writer, report, hashed, options)
            ctx.status("Done" if outcome != "cancelled" else "Cancelled")
            return report
        report.error = _message(failure)
        try:
            if isinstance(failure, StorageError | DatabaseError | OSError):
                writer.rollback()
            _end_run(writer, report, hashed, options)
        except (DatabaseError, OSError, ChatVaultError):
            pass                         # the run stays 'running' and is marked 'interrupted' next time
        err = failure if isinstance(failure, ChatVaultError) else _classify(failure, vault.db_path)
        if isinstance(err, ChatVaultError):
            err.report = report  # type: ignore[attr-defined]
        if err is failure:
            raise failure
        raise err from failure
    except (DatabaseError, OSError) as exc:   # outside the batches: starting or ending the run record
        err = _classify(exc, vault.db_path)
        if err is exc:
            raise
        raise err from exc
    finally:
        if producer is not None:
            producer.stop()
        close_trees()
        if writer is not None:
            writer.rollback()
        try:
            faults.hit("import.before_close")   # closing checkpoints the WAL into vault.db
        finally:
            conn.close()
        if took_lock:
            vault.writer_lock.release()


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ChatVaultError) else f"{type(exc).__name__}: {exc}"


def _classify(exc: BaseException, path: Path | None = None) -> BaseException:
    if isinstance(exc, DatabaseError):
        return classify(exc, "importing", path)
    if isinstance(exc, OSError):
        from chatvault.fsutil import storage_error

        return storage_error(exc, "importing")
    return exc


def _start_run(conn: Connection, importer: Importer, path: str) -> tuple[int, int | None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # We hold the writer lock: a run still 'running' belongs to a process that died.
        conn.execute("UPDATE import_runs SET outcome = 'interrupted', finished_at = coalesce(finished_at, ?) "
                     "WHERE outcome = 'running'", (clock.now_ms(),))
        row = conn.execute("SELECT id, outcome FROM import_runs WHERE path = ? ORDER BY id DESC LIMIT 1",
                           (path,)).fetchone()
        resumed = int(row["id"]) if row is not None and row["outcome"] in ("interrupted", "cancelled", "failed") else None
        cur = conn.execute(
            "INSERT INTO import_runs(started_at, format, parser_version, path, outcome, counts) "
            "VALUES (?,?,?,?, 'running', '{}')", (clock.now_ms(), importer.name, importer.parser_version, path))
        run_id = int(cur.lastrowid)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    faults.hit("import.after_start")
    return run_id, resumed


def _options_digest(options: ImportOptions) -> str:
    # The database key never changes what is read (a wrong one fails), so it is left out. The image
    # key does (V2 pictures decoded or kept), so a run with another one is not "identical"; it enters
    # only through this one-way, truncated hash: stored nowhere as itself.
    # The stored date orders fed to the reader follow the vault, not the user's options.
    data = {"me": options.me} | {k: v for k, v in options.options.items()
                                 if k not in ("reread", "key", KNOWN_OPTION)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _identical_run(conn: Connection, importer: Importer, file_hash: str | None, options: ImportOptions) -> Any:
    if not file_hash:
        return None
    # Only the latest run of this file counts: after a run with other options (another date order)
    # going back to the first options must read the file again, or the vault keeps the second reading.
    row = conn.execute(
        "SELECT id, counts, parser_version FROM import_runs WHERE file_hash = ? AND format = ? "
        "AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
        (file_hash, importer.name),
    ).fetchone()
    if row is not None and row["parser_version"] == importer.parser_version \
            and json.loads(row["counts"] or "{}").get("options") == _options_digest(options):
        return row
    return None


def _end_run(writer: _Writer, report: ImportReport, hashed: dict, options: ImportOptions) -> None:
    conn = writer.conn
    writer.begin()
    counts = report.counts() | {"unparsed_lines": report.unparsed_lines[:100], "warnings": report.warnings[:100],
                                "resumed_from": report.resumed_from, "identical_to": report.identical_to,
                                "options": _options_digest(options), "complete": writer.complete}
    conn.execute("UPDATE import_runs SET finished_at = ?, outcome = ?, counts = ?, error = ?, file_hash = ?, "
                 "file_size = ?, checkpoint = NULL WHERE id = ?",
                 (clock.now_ms(), report.outcome, _dumps(counts), report.error, hashed.get("hash"),
                  hashed.get("size"), report.run_id))
    conn.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (?, 'user', 'import', ?)",
                 (clock.now_ms(), _dumps({"run_id": report.run_id, "format": report.format, "path": report.path,
                                          "outcome": report.outcome, "added": report.added})))
    writer.commit(None, progress=False)


# --- preview (the GUI's import dialog) ----------------------------------------------------------

def preview(path: Path, format: str | None = None, options: ImportOptions | None = None,
            ctx: JobContext | None = None) -> dict[str, Any]:
    """What an import would bring, without writing anything: chats, messages, media, date range."""
    path = Path(path)
    importer, detection = choose(path, format)
    ctx = ctx or JobContext()
    options = options or ImportOptions()
    chats: dict[str, dict[str, Any]] = {}
    first = last = None
    messages = found = missing = unparsed = 0
    warnings: list[str] = []
    tally = owner.SenderTally()
    for rec in _records(importer, path, options, ctx):
        tally.record(rec)
        if isinstance(rec, ConversationRec):
            chat = chats.setdefault(rec.key, {"key": rec.key, "title": rec.title, "kind": str(rec.kind), "messages": 0})
            chat["title"] = rec.title or chat["title"]
            chat["kind"] = str(rec.kind) if rec.kind != ConversationKind.UNKNOWN else chat["kind"]
        elif isinstance(rec, MessageRec):
            messages += 1
            chat = chats.setdefault(rec.conversation_key, {"key": rec.conversation_key, "title": None,
                                                           "kind": "unknown", "messages": 0})
            chat["messages"] += 1
            ms = ts_ms(rec.ts)
            first = ms if first is None or ms < first else first
            last = ms if last is None or ms > last else last
            for a in rec.attachments:
                if a.open is not None:
                    found += 1
                else:
                    missing += 1
        elif isinstance(rec, Unparsed):
            unparsed += 1
        elif isinstance(rec, ImportWarning) and len(warnings) < MAX_LISTED:
            warnings.append(rec.message)
    return {
        "format": importer.name, "title": importer.title, "confidence": detection.confidence,
        "reason": detection.reason, "variant": detection.variant, "chats": list(chats.values()),
        "messages": messages, "media_found": found, "media_missing": missing, "unparsed": unparsed,
        "first_ts": first, "last_ts": last, "warnings": warnings,
        "senders": tally.senders(), "me": tally.me(),
    }


def _records(importer: Importer, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Any]:
    gen = importer.read(path, options, ctx)
    try:
        yield from gen
    finally:
        gen.close()


__all__ = ["ImportReport", "ImportOptions", "run_import", "preview", "choose", "UnknownFormat"]
