"""The prepared-message row: its layout, its encoder and its field names, defined once, here.

The parse side (`ingest/parse.py`) turns each `MessageRec` into a row with everything the writer
needs computed; the row travels to the writer (a thread queue, or a `marshal` frame from the parse
process) and the writer (`ingest/writer.py`) looks it up and inserts it. Both sides name the fields
through this module: `Prepared` documents the layout, the upper-case constants (`KEY`, `CONV`, ...)
are the field positions, derived from `Prepared` and checked against it at import, and `encode`
builds the row. Nothing else knows a position.

Why plain lists and not `Prepared` instances on the hot path (measured, a 2,000-message chunk):
`marshal` writes and reads only plain containers (~1.5x faster than pickle); unpickling a slotted
dataclass with its datetimes cost the writer ~40 µs a message; `Prepared._make` plus attribute reads
~0.85 µs; reading a list through these constants ~0.15 µs, as fast as a 17-name tuple unpack.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from chatvault.ingest.keys import Keyer, ts_ms
from chatvault.model import AttachmentRef, MessageKind, MessageRec
from chatvault.search.fields import index_text


def dumps(obj: Any) -> str | None:
    return json.dumps(obj, ensure_ascii=False, default=str, separators=(",", ":")) if obj else None


class Prepared(NamedTuple):
    """A message with everything the writer needs computed, as plain values (the row's layout).

    Field names match `MessageRec`'s where they mean the same.
    """

    key: str
    ms: int                       # UTC milliseconds
    tz: int | None                # UTC offset in minutes when known
    body: str | list | None       # what search finds, spaced (search/fields.py): a string, [body, quote]
                                  # for a reply carrying its quote, None when there is nothing to find
    extra: str | None             # rec.extra as JSON
    edited_at: int | None
    conversation_key: str
    kind: str
    text: str | None
    sender_key: str | None
    sender_name: str | None
    source_id: str | None
    reply_to: str | None
    forwarded_from: str | None
    edited: bool
    location: str | None
    attachments: list[AttachmentRef] | None     # None rather than [] (cheaper to pickle and unpickle)


# Field positions, by name (the writer and the transport read rows through these, never by number).
(KEY, MS, TZ, BODY, EXTRA, EDITED_AT, CONV, KIND, TEXT, SENDER_KEY, SENDER_NAME, SOURCE_ID, REPLY_TO,
 FORWARDED_FROM, EDITED, LOCATION, ATTACHMENTS) = range(len(Prepared._fields))
_NAMES = {"KEY": KEY, "MS": MS, "TZ": TZ, "BODY": BODY, "EXTRA": EXTRA, "EDITED_AT": EDITED_AT,
          "CONVERSATION_KEY": CONV, "KIND": KIND, "TEXT": TEXT, "SENDER_KEY": SENDER_KEY,
          "SENDER_NAME": SENDER_NAME, "SOURCE_ID": SOURCE_ID, "REPLY_TO": REPLY_TO,
          "FORWARDED_FROM": FORWARDED_FROM, "EDITED": EDITED, "LOCATION": LOCATION, "ATTACHMENTS": ATTACHMENTS}
if [n.lower() for n in _NAMES] != list(Prepared._fields) or list(_NAMES.values()) != list(range(len(_NAMES))):
    raise ImportError("ingest/rows.py: the field constants no longer match Prepared's fields")

_KINDS = {k: k.value for k in MessageKind}


def encode(rec: MessageRec, keyer: Keyer) -> list:
    """The message as a row (a plain list in `Prepared`'s field order). `body` holds the raw text
    here; `parse.chunks` spaces the bodies of a whole chunk at once (`text.spaced_many`)."""
    ts = rec.ts
    off = ts.utcoffset()
    ms = int(ts.timestamp() * 1000)
    off_ms = 0 if off is None else int(off.total_seconds()) * 1000
    text = rec.text
    extra = rec.extra
    edited_ts = rec.edited_ts
    kind = rec.kind
    kind_value = _KINDS.get(kind) or str(kind)
    atts = rec.attachments
    if extra or atts or kind_value == "call":
        # Every string the message shows (search/fields.py); a reply's quote goes to its own column.
        body, quote = index_text(kind_value, text, extra, [(a.name, a.extra) for a in atts])
        if quote is not None:
            body = [body, quote]
    else:
        body = text or None
    # One list display, in `Prepared`'s order (a literal is the cheapest way to build it).
    return [keyer.key(rec, ms, off_ms), ms, off_ms // 60000 if rec.tz_known and off is not None else None,
            body, dumps(extra) if extra else None,
            ts_ms(edited_ts) if edited_ts is not None else None,
            rec.conversation_key, kind_value, text, rec.sender_key, rec.sender_name,
            rec.source_id, rec.reply_to, rec.forwarded_from, rec.edited, rec.location, atts or None]


def named(row: list) -> Prepared:
    """The row as a `Prepared` (for code off the hot path: tests, tools, error messages)."""
    return Prepared._make(row)


# The messages table's insert, after "INSERT" or "INSERT OR IGNORE" (the bench's writer floor inserts
# the same). `message_values` gives its values for a row.
INSERT_MESSAGE = (" INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, reply_to_key, "
                  "forwarded_from, edited_at, is_edited, first_run_id, last_seen_run_id, location, extra) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")


def message_values(mid: int, cid: int, p: list, sender_id: int | None, run_id: int) -> tuple:
    """The INSERT_MESSAGE values of row `p` stored as message `mid` of conversation `cid`."""
    return (mid, cid, p[KEY], p[MS], p[TZ], sender_id, p[KIND], p[TEXT], p[REPLY_TO], p[FORWARDED_FROM],
            p[EDITED_AT], 1 if p[EDITED] else 0, run_id, run_id, p[LOCATION], p[EXTRA])


# Positions in `message_values` that the writer reads back (rows the INSERT OR IGNORE skipped).
V_ID, V_CONV, V_KEY, V_TEXT, V_EDITED_AT = 0, 1, 2, 7, 10
