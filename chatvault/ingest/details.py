"""A stored message whose details changed at the source: new reactions, votes, a pin, a star.

A source with its own message ids (a phone database) can show the same message again with other
`extra` (WhatsApp's reactions live beside the message and change after it was sent). The stored
`extra` then follows the source, except for what the import engine itself keeps there: the earlier
texts of an edited message (`previous_texts`, ingest/reconcile.py) and a recall folded into the
message (`recalled`, ingest/recalls.py).
"""

from __future__ import annotations

import json

from chatvault.ingest.reconcile import LIVE_MARK
from chatvault.ingest.report import ImportReport
from chatvault.ingest.rows import dumps
from chatvault.store.db import Connection

ENGINE_KEYS = ("previous_texts", "recalled")
_MARKS = ('"reactions"', '"poll"')


def concerns(stored: str | None, new: str | None) -> bool:
    """Whether a changed `extra` is one this module updates: reactions or a poll, in a message that is
    neither a Moments post (its likes: ingest/feedreconcile.py) nor one marked live (ingest/reconcile.py
    `refresh`)."""
    new = new or ""
    if '"likes"' in new or LIVE_MARK in new:
        return False
    return any(m in new or m in (stored or "") for m in _MARKS)


def update(conn: Connection, report: ImportReport, mid: int, stored: str | None, new: str | None) -> bool:
    """Give stored message `mid` the source's details `new` (JSON) unless they are what it has; True if changed."""
    row = conn.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()
    now = json.loads(row[0]) if row and row[0] else {}
    wanted = json.loads(new) if new else {}
    for key in ENGINE_KEYS:
        if key in now and key not in wanted:
            wanted[key] = now[key]
    if wanted == now:
        return False
    conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (dumps(wanted), mid))
    report.details_updated += 1
    return True
