"""Stable message keys: the same message gets the same key in every export that contains it.

- The source's own id when the format has one (Telegram message ids): the key is that id as text.
- Otherwise a fingerprint `f` + 12 hex digits of the (wall-clock) time in ms + 20 hex digits of
  BLAKE2b over (conversation, time, sender, kind, text, attachment names, ordinal among identical
  neighbours). The time prefix makes keys sort in time order, so inserting a long chat appends to the
  unique index instead of scattering writes over all of it (a 1M-message import dirties far fewer
  encrypted pages per commit). The wall-clock time is the
  time as the export wrote it when the export had no zone, so a computer moving to another zone does
  not change the keys. The ordinal numbers messages that are identical in everything else and share
  the same timestamp ("ok", "ok" in one minute), in the order the export lists them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from hashlib import blake2b

from chatvault.model import MessageRec

_EPOCH = datetime(1970, 1, 1)
SEP = "\x1f"


def ts_ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def wall_ms(ts: datetime) -> int:
    """Milliseconds of the naive wall-clock reading of `ts` (independent of its zone)."""
    naive = ts.replace(tzinfo=None)
    return (naive - _EPOCH) // _MS


_MS = datetime(1970, 1, 1, 0, 0, 0, 1000) - _EPOCH


class Keyer:
    """Computes keys in export order; keeps the per-conversation state the ordinal needs."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[int, dict[str, int]]] = {}

    def key(self, rec: MessageRec, ms: int, offset_ms: int | None = None) -> str:
        """`offset_ms`: the UTC offset of `rec.ts` when the caller already has it (saves a lookup)."""
        if rec.source_id is not None:
            return rec.source_id
        if rec.tz_known:
            when = ms
        elif offset_ms is not None:
            when = ms + offset_ms
        else:
            when = wall_ms(rec.ts)
        names = "|".join(a.name or "" for a in rec.attachments) if rec.attachments else ""
        body = f"{rec.sender_key or ''}{SEP}{rec.kind}{SEP}{rec.text or ''}{SEP}{names}"
        state = self._last.get(rec.conversation_key)
        if state is None or state[0] != when:
            counts: dict[str, int] = {}
            self._last[rec.conversation_key] = (when, counts)
        else:
            counts = state[1]
        n = counts.get(body, 0)
        counts[body] = n + 1
        h = blake2b(f"{rec.conversation_key}{SEP}{when}{SEP}{body}{SEP}{n}".encode("utf-8", "surrogatepass"),
                    digest_size=10)
        return f"f{when & 0xFFFFFFFFFFFF:012x}{h.hexdigest()}"


def fingerprint(conversation_key: str, when: int, body: str, n: int) -> str:
    """The key `Keyer.key` gives (kept inline there: it runs for every message)."""
    h = blake2b(f"{conversation_key}{SEP}{when}{SEP}{body}{SEP}{n}".encode("utf-8", "surrogatepass"), digest_size=10)
    return f"f{when & 0xFFFFFFFFFFFF:012x}{h.hexdigest()}"


def swap_day_month(when: int) -> int | None:
    """The wall-clock ms with day and month exchanged (the other reading of "03/04"), or None when
    that reading is the same day or no day at all."""
    t = _EPOCH + timedelta(milliseconds=when)
    if t.day > 12 or t.day == t.month:
        return None
    return (t.replace(month=t.day, day=t.month) - _EPOCH) // _MS


def utc_ms_now() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)
