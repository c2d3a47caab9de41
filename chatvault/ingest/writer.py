"""The write side of an import: prepared chunks → vault rows, in transactions of whole chunks.

Per chunk: look the keys up (only in chats the vault already had), insert the new messages in one
`executemany`, remember the stored ones seen again (`temp.import_seen`, for missing-at-source at the
end), store attachments (`ingest/attachments.py`), index for search, and COMMIT every BATCH messages
or BATCH_SECONDS. Who and where (sources, chats, people) is `ingest/identity.py`; edits and the
end-of-run reconciliation `ingest/reconcile.py`; recall notices `ingest/recalls.py`. Rows are read
through the field names of `ingest/rows.py`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from chatvault import faults
from chatvault.importers.base import Importer, ImportOptions
from chatvault.importers.openers import TreeCache
from chatvault.ingest import feedreconcile, recalls, reconcile, tombstones
from chatvault.ingest.attachments import Attachments
from chatvault.ingest.identity import Conv, Identity
from chatvault.ingest.parse import env_int
from chatvault.ingest.report import MAX_LISTED, ImportReport
from chatvault.ingest.rows import (
    ATTACHMENTS,
    BODY,
    CONV,
    EDITED_AT,
    EXTRA,
    INSERT_MESSAGE,
    KEY,
    KIND,
    LOCATION,
    MS,
    REPLY_TO,
    SENDER_KEY,
    SENDER_NAME,
    SOURCE_ID,
    TEXT,
    V_CONV,
    V_EDITED_AT,
    V_ID,
    V_KEY,
    V_TEXT,
    dumps,
    message_values,
)
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentRef, ConversationRec, ImportWarning, ParticipantRec, SourceRec, Unparsed
from chatvault.search.index import index_prepared
from chatvault.store.db import Connection, rollback
from chatvault.vault.vault import Vault

BATCH = 250000              # messages per transaction
BATCH_SECONDS = 5.0         # ... or this long, whichever comes first (a kill -9 loses at most this much work)
LOOKUP = 900                # keys per existence query
_NO_PID = object()


class _Batch:
    """What one call of `Writer.messages` collects before it writes."""

    __slots__ = ("inserts", "index_rows", "seen_ids", "new_atts", "fill", "notices")

    def __init__(self) -> None:
        self.inserts: list[tuple] = []
        self.index_rows: list[tuple[int, str]] = []
        self.seen_ids: list[int] = []
        self.new_atts: list[tuple[int, list[AttachmentRef]]] = []
        self.fill: list[tuple[int, list[AttachmentRef]]] = []
        self.notices: list[recalls.Notice] = []    # recall notices of messages the vault may hold


class Writer:
    def __init__(self, vault: Vault, conn: Connection, run_id: int, report: ImportReport, ctx: JobContext,
                 importer: Importer, options: ImportOptions, trees: TreeCache) -> None:
        self.conn = conn
        self.run_id = run_id
        self.report = report
        self.ctx = ctx
        self.ids = Identity(conn, run_id, report, importer, options)
        self.media = Attachments(vault, conn, report, trees)
        self.unkeyed: list[recalls.Notice] = []     # deletion notices without ids, resolved in finish()
        self.next_id = 0
        self.in_tx = False
        self.pending = 0
        self.tx_started = 0.0
        self.batch = env_int("CHATVAULT_IMPORT_BATCH", BATCH)
        # Ids of stored messages this run saw again (for missing-at-source and restored at the end).
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_seen (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.import_seen")
        self._remember()

    @property
    def complete(self) -> bool:
        """The importer read a snapshot of the whole account."""
        return self.ids.complete

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
                (dumps(self.report.counts()) or "{}", dumps(checkpoint), self.run_id),
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

    def finish(self, mark_missing: bool) -> None:
        """Coverage, missing-at-source, restored, reply links: one last transaction."""
        reconcile.finish(self, mark_missing)

    # records ------------------------------------------------------------------------------
    def chunk(self, items: list) -> None:
        self.begin()
        run: list[list] = []
        for item in items:
            if type(item) is list:            # a prepared message (a row: ingest/rows.py)
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
            loc = last[LOCATION] if type(last) is list else None
            self.commit({"messages_seen": self.report.messages_seen, "location": loc})

    def other(self, rec: Any) -> None:
        if isinstance(rec, SourceRec):
            self.ids.source(rec)
        elif isinstance(rec, ConversationRec):
            self.ids.conversation(rec)
        elif isinstance(rec, ParticipantRec):
            self.ids.participant(rec)
        elif isinstance(rec, Unparsed):
            self.unparsed(rec)
        elif isinstance(rec, ImportWarning):
            where = f"{rec.location}: " if rec.location else ""
            self.report.warn(f"{where}{rec.message}")

    def unparsed(self, rec: Unparsed) -> None:
        conv = self.ids.conv(rec.conversation_key) if rec.conversation_key else None
        self.conn.execute(
            "INSERT INTO unparsed(import_run_id, conversation_id, message_id, location, reason, raw) VALUES (?,?,?,?,?,?)",
            (self.run_id, conv.id if conv else None, conv.last_message_id if conv else None, rec.location,
             rec.reason, rec.raw))
        self.report.unparsed += 1
        if len(self.report.unparsed_lines) < MAX_LISTED:
            self.report.unparsed_lines.append(rec.location)

    def messages(self, rows: list[list]) -> None:
        """Prepared messages (rows: `ingest/rows.py`): look up, insert, attach, index."""
        c = self.conn
        by_conv: dict[str, list[list]] = {}
        for p in rows:
            by_conv.setdefault(p[CONV], []).append(p)
        b = _Batch()
        for ckey, items in by_conv.items():
            self._conversation_rows(self.ids.conv(ckey), items, b)
        self.report.messages_seen += len(rows)
        if b.inserts:
            before = c.total_changes
            c.executemany("INSERT OR IGNORE" + INSERT_MESSAGE, b.inserts)
            if c.total_changes - before != len(b.inserts):
                self._repeated(rows, b.inserts, b.index_rows, b.new_atts, b.fill, b.seen_ids)
        if b.notices:
            recalls.resolve(self, b.notices, b.index_rows, b.seen_ids)
        if b.seen_ids:
            # Remembered in a temporary table, not written to each row: rewriting every stored
            # message's row made re-reading an export cost ~70 % of the first import.
            c.executemany("INSERT OR IGNORE INTO temp.import_seen(id) VALUES (?)", ((i,) for i in b.seen_ids))
        faults.hit("import.after_messages")
        if b.new_atts:
            self.media.store_new(b.new_atts)
        if b.fill:
            self.media.fill(b.fill)
        index_prepared(c, b.index_rows)     # also re-indexes texts changed by edits (search_pending)
        self.pending += len(rows)
        self.ctx.advance(items=len(rows))

    def _existing(self, conv: Conv, items: list[list]) -> tuple[dict[str, tuple], bool, list[str | None] | None]:
        """The stored messages among `items` (key → (key, id, text)), whether keys were looked up, and
        each item's key under the other day/month reading when the chat was stored read the other way
        (`ingest/reorder.py`; else None).

        A conversation with no message before this run is not looked up: a key can only repeat one
        this run stored (the same message twice in an export), and the INSERT OR IGNORE finds those
        (`_repeated`). Looking every key up cost a query per chat per chunk: a 500-chat WeChat
        account with random MsgSvrIDs imported at 39,500 msg/s, not 45,000.
        """
        existing: dict[str, tuple] = {}
        if conv.tombstoned is None:
            conv.tombstoned = tombstones.any_in(self.conn, conv.id)
        if conv.tombstoned:
            existing.update(tombstones.keys_among(self.conn, conv.id, [p[KEY] for p in items]))
        if conv.prev_max is None:
            return existing, bool(existing), None
        keys = [p[KEY] for p in items]
        others = None
        if conv.reorder is not None:
            others = conv.reorder.other_keys(items)
            keys += [k for k in others if k is not None]
        for i in range(0, len(keys), LOOKUP):
            for row in self.conn.execute(
                "SELECT source_key, id, text FROM messages "
                "WHERE conversation_id = ? AND source_key IN (SELECT value FROM json_each(?))",
                (conv.id, json.dumps(keys[i:i + LOOKUP])),
            ):
                existing[row[0]] = tuple(row)
        return existing, True, others

    def _conversation_rows(self, conv: Conv, items: list[list], b: _Batch) -> None:
        """The hot path: one conversation's rows of a chunk, sorted into new and seen again."""
        existing, lookup, others = self._existing(conv, items)
        if others is not None:
            self._redate(conv, items, existing, others)
        cid = conv.id
        run = self.run_id
        report = self.report
        first, last = conv.first, conv.last
        added = 0
        mid = conv.last_message_id
        pids = conv.pids
        replies = conv.replies
        inserts, index_rows, new_atts = b.inserts, b.index_rows, b.new_atts
        next_id = self.next_id         # (a local: nothing called in the loop takes an id)
        for p in items:
            key = p[KEY]
            ms = p[MS]
            if first is None or ms < first:
                first = ms
            if last is None or ms > last:
                last = ms
            old = existing.get(key) if existing else None
            if old is not None:
                if old[1] is None:          # tombstoned: removed by retention or an erasure, stays removed
                    report.removed_by_compliance += 1
                    continue
                mid = old[1]
                self._seen_again(conv, p, old, b)
                continue
            if p[KIND] == "recalled" and recalls.held(self, conv, b.notices, p):
                continue                    # may recall a stored message (ingest/recalls.py)
            mid = next_id
            next_id += 1
            if lookup:
                existing[key] = (key, mid, p[TEXT])
            sender_key = p[SENDER_KEY]
            pid = pids.get(sender_key, _NO_PID)
            if pid is _NO_PID:
                pid = pids[sender_key] = self.ids.sender(sender_key, p[SENDER_NAME], cid)
            inserts.append(message_values(mid, cid, p, pid, run))
            body = p[BODY]
            if body:
                index_rows.append((mid, body))
            atts = p[ATTACHMENTS]
            if atts:
                new_atts.append((mid, atts))
            if p[REPLY_TO] is not None:
                replies = True
            added += 1
        self.next_id = next_id
        conv.replies = replies
        conv.seen += len(items)
        conv.first, conv.last = first, last
        conv.added += added
        conv.last_message_id = mid
        report.added += added

    def _redate(self, conv: Conv, items: list[list], existing: dict[str, tuple], others: list[str | None]) -> None:
        """A chat stored read with the other day/month order: each message stored under the other
        reading's key is moved to this reading's key and time (`existing` follows), so the loop finds
        it as seen again; copies stored under both readings are noted (`reorder.mark_wrong` at the end)."""
        reorder = conv.reorder
        assert reorder is not None
        before = reorder.redated
        for p, other in zip(items, others, strict=True):
            if other is not None:
                key = p[KEY]
                reorder.resolve(self.conn, existing, existing.get(key), key, other, p[MS])
        self.report.redated += reorder.redated - before

    def _seen_again(self, conv: Conv, p: list, old: tuple, b: _Batch) -> None:
        """A message the vault holds (`old`: key, id, text): seen, maybe edited, recalled or filled."""
        mid = old[1]
        b.seen_ids.append(mid)
        self.report.already_present += 1
        text = p[TEXT]
        if p[KIND] == "recalled":              # a notice seen again: its message stays seen, marked
            recalls.again(b.notices, conv, p, old[2])
        elif text is not None and old[2] != text and p[SOURCE_ID] is not None:
            reconcile.edit(self.conn, self.report, mid, old, text, p[EDITED_AT])
        extra = p[EXTRA]
        if extra is not None and '"likes"' in extra:       # a Moments post: likes since the last import
            feedreconcile.likes_again(self.conn, mid, extra)
        if p[SOURCE_ID] is not None and extra and reconcile.LIVE_MARK in extra:
            reconcile.refresh(self.conn, mid, extra)
        atts = p[ATTACHMENTS]
        if atts and any(a.open is not None for a in atts):
            b.fill.append((mid, atts))

    def _repeated(self, batch: list[list], inserts: list[tuple], index_rows: list, new_atts: list,
                  fill_candidates: list, seen_ids: list[int]) -> None:
        """Rows the INSERT OR IGNORE skipped: messages this run had already stored (an export that
        holds a message twice). Each is counted and treated as the lookup would have: already
        present, seen again, edited when its text differs; its index row and attachments go."""
        c = self.conn
        stored = {r[0] for r in c.execute("SELECT id FROM messages WHERE id BETWEEN ? AND ?",
                                          (inserts[0][V_ID], inserts[-1][V_ID]))}
        skipped = [row for row in inserts if row[V_ID] not in stored]
        if not skipped:
            return
        convs = {conv.id: conv for conv in self.ids.convs.values()}
        wanted = {(row[V_CONV], row[V_KEY]) for row in skipped}
        has_id = set()              # (chat, key) of the skipped messages that carry the source's own id
        for p in batch:
            if p[SOURCE_ID] is not None and (k := (self.ids.convs[p[CONV]].id, p[KEY])) in wanted:
                has_id.add(k)
        moved: dict[int, int] = {}
        for row in skipped:
            mid, cid, key, text, edited_at = row[V_ID], row[V_CONV], row[V_KEY], row[V_TEXT], row[V_EDITED_AT]
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
                reconcile.edit(c, self.report, old[1], tuple(old), text, edited_at)
        index_rows[:] = [r for r in index_rows if r[0] not in moved]
        for mid, atts in [a for a in new_atts if a[0] in moved]:
            if any(a.open is not None for a in atts):
                fill_candidates.append((moved[mid], atts))
        new_atts[:] = [a for a in new_atts if a[0] not in moved]
