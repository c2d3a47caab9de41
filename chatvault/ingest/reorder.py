"""A chat re-imported with the other day/month order (WhatsApp exports whose dates read both ways).

Message keys are fingerprints over the wall-clock time as read (`keys.Keyer`), so a chat stored
when its dates were read month-first has other keys than the same messages read day-first. When the
stored chat's `date_order` differs from this import's, the writer looks each message up under the
key of the other reading as well (`Reorder.other_key`): found there, the stored message is moved to
this reading's key and time (re-dated), not added again. Where both readings are stored (an earlier
version added the chat twice), the other reading's copy is marked missing at the source.
"""

from __future__ import annotations

import json
from typing import Any

from chatvault.importers.base import KNOWN_DATE_ORDERS
from chatvault.ingest.keys import SEP, fingerprint, swap_day_month
from chatvault.ingest.rows import ATTACHMENTS, KEY, KIND, SENDER_KEY, TEXT
from chatvault.model import MessageStatus

ORDERS = ("DMY", "MDY")
KNOWN_OPTION = KNOWN_DATE_ORDERS


def known_orders(conn: Any, app: str, account: str = "") -> dict[str, str]:
    """{chat key: "DMY" | "MDY"}: the day/month order each chat of the source (app, account) was
    stored with (the user's answer at an earlier import, or what an earlier export's dates decided)."""
    rows = conn.execute(
        "SELECT c.source_key, c.extra FROM conversations c JOIN sources s ON s.id = c.source_id "
        "WHERE s.app = ? AND s.account = ? AND c.extra LIKE '%date_order%'", (app, account)).fetchall()
    known = {}
    for key, extra in rows:
        try:
            order = json.loads(extra).get("date_order")
        except (ValueError, AttributeError):
            continue
        if order in ORDERS:
            known[key] = order
    return known


def feed_known(conn: Any, app: str, options: Any) -> Any:
    """The options a reader gets: with `known_orders`, so an export whose dates read both ways is
    read as its chat was before instead of asking again — a watch folder has nobody to ask. An
    explicit `date_order` still wins (the reader applies it)."""
    from dataclasses import replace

    known = known_orders(conn, app, str(options.options.get("account", "")))
    return replace(options, options=options.options | {KNOWN_OPTION: known}) if known else options


def date_order_changed(stored_extra: str | None, extra: dict | None) -> bool:
    """Whether a chat stored with one day/month order is now read with the other."""
    new = extra.get("date_order") if extra else None
    if new not in ORDERS or not stored_extra:
        return False
    try:
        old = json.loads(stored_extra).get("date_order")
    except (ValueError, AttributeError):
        return False
    return old in ORDERS and old != new


class Reorder:
    """One chat's messages under the other day/month order: their keys, and what was done with them."""

    def __init__(self, conversation_key: str) -> None:
        self.conversation_key = conversation_key
        self._when = -1
        self._counts: dict[str, int] = {}
        self.redated = 0
        self.wrong: list[int] = []        # ids of copies stored under the other reading as well

    def other_key(self, key: str, sender_key: str | None, kind: str, text: str | None, names: str) -> str | None:
        """The key `Keyer` gave this message when its day and month were read the other way round
        (None: the same date either way). The ordinals are recomputed as `Keyer` computes them: the
        swap maps each run of equal times onto one run of equal times, so they are the same."""
        if key[:1] != "f" or len(key) != 33:
            return None
        when = int(key[1:13], 16)
        body = f"{sender_key or ''}{SEP}{kind}{SEP}{text or ''}{SEP}{names}"
        if when != self._when:
            self._when, self._counts = when, {}
        n = self._counts.get(body, 0)
        self._counts[body] = n + 1
        other = swap_day_month(when)
        return None if other is None else fingerprint(self.conversation_key, other, body, n)

    def other_keys(self, items: list[list]) -> list[str | None]:
        """`other_key` of each prepared message (rows: `ingest/rows.py`)."""
        out: list[str | None] = []
        for p in items:
            atts = p[ATTACHMENTS]
            names = "|".join(a.name or "" for a in atts) if atts else ""
            out.append(self.other_key(p[KEY], p[SENDER_KEY], p[KIND], p[TEXT], names))
        return out

    def resolve(self, conn: Any, existing: dict, old: tuple | None, key: str, other: str, ms: int) -> tuple | None:
        """The stored row of this message: `old` (found under its key) or the one stored under the
        other reading, moved to `key` and `ms`. Returns the row, or None when neither is stored."""
        if old is not None:
            twin = existing.get(other)
            if twin is not None and twin[1] != old[1]:
                self.wrong.append(twin[1])
            return old
        old = existing.pop(other, None)
        if old is not None:
            conn.execute("UPDATE messages SET source_key = ?, ts = ? WHERE id = ?", (key, ms, old[1]))
            existing[key] = old
            self.redated += 1
        return old

    def mark_wrong(self, conn: Any, run_id: int) -> int:
        """Marks the other reading's copies missing at the source (kept, like every message), except
        any this run also saw as a message of its own."""
        if not self.wrong:
            return 0
        return conn.execute(
            "UPDATE messages SET status = ?, missing_run_id = ? WHERE id IN (SELECT value FROM json_each(?)) "
            "AND status = ? AND id NOT IN (SELECT id FROM temp.import_seen)",
            (MessageStatus.MISSING_AT_SOURCE.value, run_id, json.dumps(self.wrong),
             MessageStatus.PRESENT.value)).rowcount
