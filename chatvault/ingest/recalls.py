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

from chatvault.ingest import parse

if TYPE_CHECKING:
    from chatvault.ingest.engine import _Conv, _Writer

# "你撤回了一条消息" / "You recalled a message": recalled by the account's owner.
_BY_ME = ("你撤回", "您撤回", "you recalled", "you withdrew", "you deleted")


@dataclass(slots=True)
class Notice:
    conv: _Conv
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
    counted: bool = False      # the writer already counted it as present and seen (same key as stored)


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


def by_me(text: str | None, extra: dict[str, Any]) -> bool:
    if extra.get("recalled_by_me") is not None:
        return bool(extra["recalled_by_me"])
    head = (text or "").strip().lower()[:40]
    return head.startswith(_BY_ME)


def resolve(writer: _Writer, notices: list[Notice], index_rows: list[tuple[int, str]], seen_ids: list[int]) -> None:
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
            if n.counted:
                continue
            seen_ids.append(int(row[0]))
            if n.in_place:
                report.already_present += 1
                continue
        _store(writer, n, index_rows, seen_ids)


def mark(writer: _Writer, mid: int, extra_json: str | None, n: Notice) -> None:
    """Mark stored message `mid` recalled (once): its text stays, the notice goes into its extra."""
    extra = json.loads(extra_json) if extra_json else {}
    if extra.get("recalled"):
        return
    notice_extra = json.loads(n.extra) if n.extra else {}
    extra["recalled"] = {"at": n.ms, "notice": n.text, "by_me": by_me(n.text, notice_extra),
                         "run": writer.run_id}
    writer.conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (parse.dumps(extra), mid))
    writer.report.recalled += 1


def _store(writer: _Writer, n: Notice, index_rows: list[tuple[int, str]], seen_ids: list[int]) -> None:
    """The notice as a message of its own (the recalled message is not in the vault)."""
    from chatvault.ingest.engine import INSERT_MESSAGE

    c = writer.conn
    conv = n.conv
    mid = writer.next_id
    writer.next_id += 1
    pid = writer._sender(n.sender_key, n.sender_name, conv.id) if n.sender_key is not None else None
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
