"""Recalls seen after the message itself: fold the notice into the stored message.

WeChat replaces a recalled message in place: the same server id, the row now a recall notice
("…撤回了一条消息", or a `revokemsg` sysmsg). The WeChat importers give such a notice the key
`<server id>-recalled` and `extra.recalled_id = <server id>`; a separate `revokemsg` notice names
the message it recalls in `recalled_id` under its own key.

When the vault already holds the recalled message (from an earlier import, or earlier in this run),
that message is marked recalled (`extra.recalled`: when, the notice, whether I recalled it), keeps
its text, kind and attachments, and counts as seen (so it is not marked missing-at-source). An
in-place notice then adds nothing; a separate notice is stored as before. A notice whose message
the vault never had is stored as a `recalled` message, as it always was.

The writer hands over only `recalled` messages that are new to the vault (rare), after the batch's
inserts, so the common path pays one string comparison per new message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chatvault.ingest.rows import (
    BODY,
    EXTRA,
    INSERT_MESSAGE,
    KEY,
    KIND,
    LOCATION,
    MS,
    SENDER_KEY,
    SENDER_NAME,
    SOURCE_ID,
    TEXT,
    TZ,
    dumps,
)

if TYPE_CHECKING:
    from chatvault.ingest.identity import Conv
    from chatvault.ingest.writer import Writer

# "你撤回了一条消息" / "You recalled a message": recalled by the account's owner.
_BY_ME = ("你撤回", "您撤回", "you recalled", "you withdrew", "you deleted")


def _mine(writer: Writer, n: Notice) -> bool | None:
    """Whether I sent the notice (WhatsApp's "You deleted this message" comes from me)."""
    if n.sender_key is None:
        return None
    pid = writer.ids.people.get(n.sender_key)
    row = writer.conn.execute("SELECT is_me FROM participants WHERE id = ?", (pid,)).fetchone() if pid else None
    return bool(row[0]) if row else None


@dataclass(slots=True)
class Notice:
    conv: Conv
    key: str
    ms: int
    tz: int | None
    body: str | None
    extra: str | None
    kind: str
    text: str | None
    sender_key: str | None
    sender_name: str | None
    location: str | None
    target: str | None         # key of the recalled message, when the notice names it
    in_place: bool             # the notice replaced that message (same server id): nothing to add
    counted: bool = False      # stored already under its own key: counted as present and seen by the writer


def target_of(key: str, extra: str | None) -> tuple[str | None, bool]:
    """(key of the recalled message, whether the notice took its place) from a notice's key and extra."""
    if not extra or "recalled_id" not in extra:
        return None, False
    try:
        rid = json.loads(extra).get("recalled_id")
    except ValueError:
        return None, False
    if not rid:
        return None, False
    rid = str(rid)
    if key == rid:
        return None, False      # the notice itself (stored earlier under the server id)
    return rid, key == f"{rid}-recalled"


def _notice(conv: Conv, p: list, target: str | None, in_place: bool, counted: bool = False) -> Notice:
    return Notice(conv, p[KEY], p[MS], p[TZ], p[BODY], p[EXTRA], p[KIND], p[TEXT], p[SENDER_KEY], p[SENDER_NAME],
                  p[LOCATION], target, in_place, counted)


def held(writer: Writer, conv: Conv, notices: list[Notice], p: list) -> bool:
    """Take a new `recalled` message (row `p`) aside when it may recall a stored one; False: insert it
    as usual.

    With the source's ids (WeChat) the notice names its message, resolved after the batch's inserts.
    Without (WhatsApp's "This message was deleted"), the message is found by chat, time and sender
    once the whole export was read (`resolve_unkeyed`), and only in a chat the vault already had."""
    if p[SOURCE_ID] is None:
        if conv.prev_max is None:
            return False
        writer.unkeyed.append(_notice(conv, p, None, True))
        return True
    target, in_place = target_of(p[KEY], p[EXTRA])
    if target is None:
        return False
    notices.append(_notice(conv, p, target, in_place))
    return True


def again(notices: list[Notice], conv: Conv, p: list, stored_text: str | None) -> None:
    """A `recalled` message (row `p`) whose key the vault holds. A notice naming another message keeps
    that message seen (a separate `revokemsg` imported before); a stored message whose own row became
    a notice under the same key is marked recalled instead of having its text overwritten."""
    if p[SOURCE_ID] is None:
        return
    key, text = p[KEY], p[TEXT]
    target, in_place = target_of(key, p[EXTRA])
    if target is None and text is not None and text != stored_text:
        target, in_place = key, True
    if target is not None:
        notices.append(_notice(conv, p, target, in_place, True))


def resolve_unkeyed(writer: Writer) -> None:
    """Deletion notices without ids: each takes the place of the stored message of the same chat,
    time and sender that this export no longer has. When more such messages than notices share a
    minute, which one was deleted for everyone is unknown: the notices are stored, the messages are
    left to be marked missing-at-source. Runs before missing-at-source marking."""
    from chatvault.search.index import index_prepared

    c = writer.conn
    groups: dict[tuple[int, int, int | None], list[Notice]] = {}
    for n in writer.unkeyed:
        pid = writer.ids.sender(n.sender_key, n.sender_name, n.conv.id) if n.sender_key is not None else None
        groups.setdefault((n.conv.id, n.ms, pid), []).append(n)
    writer.unkeyed = []
    index_rows: list[tuple[int, str]] = []
    seen: list[int] = []
    for (cid, ms, pid), group in groups.items():
        rows = c.execute(
            "SELECT id, extra FROM messages WHERE conversation_id = ? AND ts = ? AND sender_id IS ? "
            "AND kind != 'recalled' AND first_run_id IS NOT ? AND id NOT IN (SELECT id FROM temp.import_seen) "
            "ORDER BY id", (cid, ms, pid, writer.run_id)).fetchall()
        rest = group
        if rows and len(rows) <= len(group):
            for row, n in zip(rows, group, strict=False):
                mark(writer, int(row[0]), row[1], n)
                seen.append(int(row[0]))
                writer.report.already_present += 1
            rest = group[len(rows):]
        for n in rest:
            _store(writer, n, index_rows, seen)
    if seen:
        c.executemany("INSERT OR IGNORE INTO temp.import_seen(id) VALUES (?)", ((i,) for i in seen))
    index_prepared(c, index_rows)


def by_me(text: str | None, extra: dict[str, Any]) -> bool:
    if extra.get("recalled_by_me") is not None:
        return bool(extra["recalled_by_me"])
    head = (text or "").strip().lower()[:40]
    return head.startswith(_BY_ME)


def resolve(writer: Writer, notices: list[Notice], index_rows: list[tuple[int, str]], seen_ids: list[int]) -> None:
    """Fold each notice into the message it recalls when the vault has it; store the rest."""
    c = writer.conn
    report = writer.report
    for n in notices:
        row = None
        if n.target is not None:
            row = c.execute("SELECT id, extra, kind FROM messages WHERE conversation_id = ? AND source_key = ?",
                            (n.conv.id, n.target)).fetchone()
        if row is not None:
            if row[2] != "recalled":         # a notice stored earlier is no message to mark
                mark(writer, int(row[0]), row[1], n)
            seen_ids.append(int(row[0]))
            if n.counted:
                continue
            if n.in_place:
                report.already_present += 1
                continue
        if not n.counted:                    # (a counted notice is stored already)
            _store(writer, n, index_rows, seen_ids)


def mark(writer: Writer, mid: int, extra_json: str | None, n: Notice) -> None:
    """Mark stored message `mid` recalled (once): its text stays, the notice goes into its extra."""
    extra = json.loads(extra_json) if extra_json else {}
    if extra.get("recalled"):
        return
    notice_extra = json.loads(n.extra) if n.extra else {}
    mine = _mine(writer, n)
    extra["recalled"] = {"at": n.ms, "notice": n.text,
                         "by_me": mine if mine is not None else by_me(n.text, notice_extra), "run": writer.run_id}
    writer.conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (dumps(extra), mid))
    writer.report.recalled += 1


def _store(writer: Writer, n: Notice, index_rows: list[tuple[int, str]], seen_ids: list[int]) -> None:
    """The notice as a message of its own (the recalled message is not in the vault)."""
    c = writer.conn
    conv = n.conv
    mid = writer.next_id
    writer.next_id += 1
    pid = writer.ids.sender(n.sender_key, n.sender_name, conv.id) if n.sender_key is not None else None
    before = c.total_changes
    c.execute("INSERT OR IGNORE" + INSERT_MESSAGE,
              (mid, conv.id, n.key, n.ms, n.tz, pid, n.kind, n.text, None, None, None, 0,
               writer.run_id, writer.run_id, n.location, n.extra))
    if c.total_changes == before:           # the export holds this notice twice: stored already
        old = c.execute("SELECT id FROM messages WHERE conversation_id = ? AND source_key = ?",
                        (conv.id, n.key)).fetchone()
        if old is not None:
            seen_ids.append(int(old[0]))
        writer.report.already_present += 1
        return
    if n.body:
        index_rows.append((mid, n.body))
    conv.added += 1
    conv.last_message_id = mid
    writer.report.added += 1
