"""Where a reply's original is: on an already written page, further on, outside the export, or gone.

Originals written earlier are remembered by `ChatWriter` (only ids some reply points to are kept, so
a million-message chat keeps thousands of entries, not a million). A reply to a message further on
(clock skew, imports out of order) links to the chat's `go.html#nK`, which finds the page of
ordinal K in the chat's page list: the page is not known until it has been written.
"""

from __future__ import annotations

from typing import Any

from chatvault.export.html.kinds import kind_label
from chatvault.export.html.render import Quote
from chatvault.export.html.searchindex import snippet
from chatvault.export.selection import ExportMessage, _Resolved


class ReplyResolver:
    def __init__(self, conn: Any, resolved: _Resolved) -> None:
        self.conn = conn
        self.r = resolved

    def reply_targets(self, conversation_id: int) -> dict[int, Quote | None]:
        """The ids some message of the chat replies to (a superset of what the selection needs)."""
        rows = self.conn.execute(
            "SELECT DISTINCT reply_to_id FROM messages WHERE conversation_id = ? AND reply_to_id IS NOT NULL",
            (conversation_id,))
        return {int(r[0]): None for r in rows}

    def locate(self, conversation_id: int, target: int) -> Quote | None:
        """A reply whose original was not written yet: None when the vault lacks it."""
        row = self.conn.execute(
            "SELECT m.ts, m.id, m.text, m.kind, p.display_name, m.conversation_id FROM messages m "
            "LEFT JOIN participants p ON p.id = m.sender_id WHERE m.id = ?", (target,)).fetchone()
        if row is None:
            return None
        ts, mid, text, kind, sender, cid = row
        shown = snippet(text or kind_label(_stub(kind)))
        if cid != conversation_id:
            return Quote(None, None, sender, shown)
        selected = self.conn.execute(
            f"SELECT 1 FROM messages m WHERE m.id = ? AND {self.r.clause()}", [mid, *self.r.params]).fetchone()
        if selected is None:
            return Quote(None, None, sender, shown)
        before = self.conn.execute(
            f"SELECT count(*) FROM messages m WHERE m.conversation_id = ? AND (m.ts, m.id) < (?, ?) "
            f"AND {self.r.clause()}", [conversation_id, ts, mid, *self.r.params]).fetchone()[0]
        return Quote("go.html", f"#n{before}", sender, shown)


def _stub(kind: str) -> ExportMessage:
    return ExportMessage(0, 0, "", 0, None, "", kind, None, "present", None, None, False, None, None, None,
                         False, None, {}, [], None, None, None, None)
