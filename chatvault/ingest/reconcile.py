"""What this run says about messages the vault already holds: edits, restored, missing at the source.

- An edit: a stored message (with the source's own id) comes again with other text; the text is
  replaced, the earlier one kept in `extra.previous_texts`.
- At the end of the run, per conversation this export reaches the newest stored message of:
  messages seen again that were marked missing-at-source are restored; messages of the same format
  inside the period it covers that it no longer has are marked missing-at-source (never deleted);
  the period is recorded (`import_coverage`).
- A complete snapshot of an account (`SourceRec.complete`): chats an earlier complete snapshot of
  the same format had and this one lacks have their messages marked missing-at-source (`gone`).
- A Moments feed is a partial cache, not a snapshot: `feedreconcile` decides for it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chatvault import faults
from chatvault.ingest import feedreconcile, owner, recalls
from chatvault.ingest.identity import Conv
from chatvault.ingest.rows import dumps
from chatvault.model import MessageStatus
from chatvault.store.db import Connection

if TYPE_CHECKING:
    from chatvault.ingest.reorder import Reorder
    from chatvault.ingest.report import ImportReport
    from chatvault.ingest.writer import Writer


def edit(conn: Connection, report: ImportReport, mid: int, old: tuple, text: str, edited_at: int | None) -> None:
    """Stored message `mid` (`old`: source key, id, text) now reads `text`."""
    row = conn.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()
    extra = json.loads(row[0]) if row and row[0] else {}
    history = extra.setdefault("previous_texts", [])
    if old[2] is not None and old[2] not in history:
        history.append(old[2])
    conn.execute("UPDATE messages SET text = ?, is_edited = 1, edited_at = coalesce(?, edited_at), extra = ? "
                 "WHERE id = ?", (text, edited_at, dumps(extra), mid))
    report.edited += 1


# Details a source keeps adding to a message after it was sent (tapbacks, the edit history): a later
# read of the same message brings them up to date. An importer that keeps such details sets
# `extra["live"] = True` (the writer only looks at messages whose extra carries it).
LIVE_KEYS = ("reactions", "reaction_history", "edits")
LIVE_MARK = '"live":true'


def refresh(conn: Connection, mid: int, extra_json: str) -> None:
    """Stored message `mid` takes this read's `LIVE_KEYS` where they differ (the rest of its extra stays)."""
    new = json.loads(extra_json)
    row = conn.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()
    old = json.loads(row[0]) if row and row[0] else {}
    changed = {k: new[k] for k in LIVE_KEYS if k in new and old.get(k) != new[k]}
    if changed:
        old.update(changed)
        conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (dumps(old), mid))


def finish(writer: Writer, mark_missing: bool) -> None:
    """Coverage, missing-at-source, restored, reply links: in the writer's last transaction."""
    writer.begin()
    if writer.unkeyed:
        recalls.resolve_unkeyed(writer)
    ids = writer.ids
    report = writer.report
    c = writer.conn
    note = owner.unmatched_note(c, ids.source_id, ids.me_choice, ids.options.me)
    if note:
        report.warn(note)
    feeds = feedreconcile.feeds_of(c, [conv.id for conv in ids.convs.values()])
    for key, conv in ids.convs.items():
        if conv.first is None or conv.last is None:
            continue
        # Favorites have no time order to end at: a complete snapshot of the account holds all of them
        # (unless parts of it could not be read: then only its covered period counts, as for a chat).
        conv.whole = conv.whole and not report.damaged()
        newer = conv.whole or conv.prev_max is None or conv.last >= conv.prev_max
        missing = restored = 0
        if conv.reorder is not None:
            _reordered(writer, key, conv.reorder)
        if feedreconcile.is_moments(feeds.get(conv.id)):
            if mark_missing and conv.prev_max is not None:     # a partial cache: its own rule
                restored, missing = feedreconcile.reconcile(c, writer.run_id, ids.importer.name, conv.id,
                                                            report.damaged())
        elif mark_missing and newer and conv.prev_max is not None:
            # (A conversation with no message before this run has nothing to mark or restore.)
            restored, missing = _reconcile(c, writer.run_id, ids.importer.name, conv)
        elif mark_missing and not newer:
            report.warnings.append(
                f"{key}: this export ends before messages the vault already holds; it is older, so nothing "
                "was marked missing at the source.")
        report.missing_at_source += missing
        report.restored += restored
        c.execute("INSERT OR REPLACE INTO import_coverage(run_id, conversation_id, first_ts, last_ts, messages, added, "
                  "missing, restored, newer) VALUES (?,?,?,?,?,?,?,?,?)",
                  (writer.run_id, conv.id, conv.first, conv.last, conv.seen, conv.added, missing, restored, int(newer)))
        if conv.replies or conv.prev_max is not None:
            # Quotes whose message arrived later in the export, or in this run for an older quote.
            c.execute("UPDATE messages SET reply_to_id = (SELECT q.id FROM messages q WHERE q.conversation_id = "
                      "messages.conversation_id AND q.source_key = messages.reply_to_key) WHERE conversation_id = ? "
                      "AND reply_to_key IS NOT NULL AND reply_to_id IS NULL", (conv.id,))
    if mark_missing and ids.complete and ids.source_id is not None:
        gone(writer)
    faults.hit("import.before_finish")


def _reordered(writer: Writer, key: str, reorder: Reorder) -> None:
    """Copies an earlier import stored under the other day/month reading: marked missing at the source."""
    n = reorder.mark_wrong(writer.conn, writer.run_id)
    if n:
        writer.report.missing_at_source += n
        writer.report.warnings.append(
            f"{key}: {n:,} stored messages are copies an earlier import made by reading the dates the other way "
            "round; this export has each of them under the right date. They are marked missing at the source.")


def _reconcile(c: Connection, run: int, fmt: str, conv: Conv) -> tuple[int, int]:
    """(restored, marked missing) in one conversation this export reaches the end of."""
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
        (MessageStatus.MISSING_AT_SOURCE.value, run, conv.id, -2**62 if conv.whole else conv.first,
         2**62 if conv.whole else conv.last,
         MessageStatus.PRESENT.value, run, fmt)).rowcount
    return restored, missing


def gone(writer: Writer) -> None:
    """A complete snapshot: chats an earlier complete snapshot of this format had, and this one lacks.

    Only conversations covered before by a complete run of the same format (and the same source)
    are candidates, so a chat known only from another device's database, or from a one-chat export,
    is never touched. Their messages are marked missing-at-source, never deleted.
    """
    r = writer.report
    if r.damaged():
        r.warnings.append("Parts of this snapshot could not be read, so chats it lacks were not marked "
                          "missing at the source.")
        return
    c = writer.conn
    run = writer.run_id
    fmt = writer.ids.importer.name
    seen = {conv.id for conv in writer.ids.convs.values() if conv.seen}
    rows = c.execute(
        "SELECT DISTINCT ic.conversation_id FROM import_coverage ic JOIN import_runs ir ON ir.id = ic.run_id "
        "JOIN conversations cv ON cv.id = ic.conversation_id WHERE cv.source_id = ? AND ir.format = ? "
        "AND cv.feed IS NOT 'moments' "
        "AND ir.id != ? AND ir.outcome IN ('ok', 'partial') AND json_extract(ir.counts, '$.complete') = 1",
        (writer.ids.source_id, fmt, run)).fetchall()
    for (cid,) in rows:
        if cid in seen:
            continue
        span = c.execute("SELECT min(ts), max(ts) FROM messages WHERE conversation_id = ? AND status = ?",
                         (cid, MessageStatus.PRESENT.value)).fetchone()
        if span[0] is None:
            continue
        n = c.execute("UPDATE messages SET status = ?, missing_run_id = ? WHERE conversation_id = ? AND status = ? "
                      "AND first_run_id IN (SELECT id FROM import_runs WHERE format = ?)",
                      (MessageStatus.MISSING_AT_SOURCE.value, run, cid, MessageStatus.PRESENT.value, fmt)).rowcount
        if n == 0:
            continue                 # what is left there came from another device's database
        c.execute("INSERT OR REPLACE INTO import_coverage(run_id, conversation_id, first_ts, last_ts, messages, "
                  "added, missing, restored, newer) VALUES (?,?,?,?,0,0,?,0,1)", (run, cid, span[0], span[1], n))
        r.missing_at_source += n
        r.conversations_missing += 1
