"""Reading one field of a Telegram message: its JSON type checked, its text flattened, its time decoded.

A field of a type Telegram never writes raises `Bad`; the message becomes an `Unparsed` record naming it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any


class Bad(ValueError):
    """A message field of a type (or size) Telegram never writes: the message becomes an `Unparsed` record."""


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null"}


def bad(field: str, value: Any, expected: str) -> Bad:
    return Bad(f"field '{field}' is {_JSON_TYPES.get(value.__class__, value.__class__.__name__)}, expected {expected}")


def str_or_none(msg: dict, field: str) -> str | None:
    """A field that must be a string (or absent/null), such as a name or a MIME type."""
    value = msg.get(field)
    if value is None or value.__class__ is str:
        return value
    raise bad(field, value, "a string")


def id_or_none(msg: dict, field: str) -> str | None:
    """A peer id (`from_id`, `actor_id`): "user123" today, a bare number in old exports."""
    value = msg.get(field)
    if value is None or value.__class__ is str:
        return value
    if value.__class__ is int:
        return str(value)
    raise bad(field, value, "a string or a number")


def raw_json(msg: Any) -> str:
    """The message object as compact JSON, capped: what an `Unparsed` record keeps."""
    try:
        return json.dumps(msg, ensure_ascii=False, default=str, separators=(",", ":"))[:20000]
    except (RecursionError, ValueError):   # nesting is bounded by the reader; this is the backstop
        return repr(msg)[:20000]


def plain(text: Any) -> tuple[str, list[dict]]:
    """Telegram's `text` (a string, or a list of strings and entity objects) → plain text + entities."""
    if text is None:
        return "", []
    if isinstance(text, str):
        return text, []
    if text.__class__ is not list:
        raise bad("text", text, "a string or a list of strings and entity objects")
    out: list[str] = []
    entities: list[dict] = []
    pos = 0
    for part in text:
        if isinstance(part, str):
            out.append(part)
            pos += len(part)
            continue
        if not isinstance(part, dict):
            raise Bad(f"field 'text' holds {_JSON_TYPES.get(part.__class__, 'a value')}, expected strings and "
                       "entity objects")
        t = str(part.get("text", ""))
        ent = {"type": part.get("type", "plain"), "offset": pos, "length": len(t)}
        for extra in ("href", "user_id", "language", "document_id"):
            if extra in part:
                ent[extra] = part[extra]
        if ent["type"] != "plain":
            entities.append(ent)
        out.append(t)
        pos += len(t)
    return "".join(out), entities


_EPOCH = datetime(1970, 1, 1)
_ZONES: dict[int, timezone] = {}


def _zone(minutes: int) -> timezone:
    tz = _ZONES.get(minutes)
    if tz is None:
        tz = _ZONES[minutes] = UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
    return tz


def ts_field(msg: dict, key: str = "date") -> tuple[datetime | None, bool]:
    """The message time: `date_unixtime` (UTC, with the offset recovered from `date`) or `date` (local)."""
    return ts_of(msg.get(f"{key}_unixtime"), msg.get(key), key)


_fromiso = datetime.fromisoformat
_fromts = datetime.fromtimestamp


def ts_of(unix: Any, local: Any, key: str = "date") -> tuple[datetime | None, bool]:
    """`ts_field` from the two values: `date_unixtime` (or None) and `date` (or None).

    Raises `Bad` for a unix time of another JSON type or outside the dates Python can hold; a unix time
    that is not a number at all leaves the local `date`."""
    if local.__class__ is str and unix.__class__ is str:
        # The usual shape, whole seconds and a whole-minute offset, without datetime.replace (slow):
        # the wall clock minus the unix time is the offset, and fromtimestamp(unix, that zone) is
        # the same datetime as the wall clock with that zone attached (the general code below).
        try:
            naive = _fromiso(local)
            if naive.tzinfo is None and not naive.microsecond:
                secs = int(unix)
                d = naive - _EPOCH
                off = d.days * 86400 + d.seconds - secs
                if not off % 60 and -64800 <= off <= 64800:
                    minutes = off // 60
                    return _fromts(secs, _ZONES.get(minutes) or _zone(minutes)), True
        except (ValueError, OverflowError, OSError):
            pass
    naive = None
    if isinstance(local, str):
        try:
            naive = _fromiso(local)
        except ValueError:
            naive = None
    if unix is not None:
        if unix.__class__ is not str and unix.__class__ is not int and unix.__class__ is not float:
            raise bad(f"{key}_unixtime", unix, "a number or string")
        try:
            secs: int | None = int(unix)
        except ValueError:             # not a number (or NaN): the local `date` is all there is
            secs = None
        except OverflowError as exc:   # an infinite float
            raise Bad(f"field '{key}_unixtime' ({unix!r}) is not a time") from exc
        if secs is not None:
            try:
                if naive is not None and naive.tzinfo is None:
                    minutes = round(((naive - _EPOCH).total_seconds() - secs) / 60)
                    if -1080 <= minutes <= 1080:
                        tz = _ZONES.get(minutes) or _zone(minutes)
                        ts = naive.replace(tzinfo=tz)          # the wall-clock reading, with its offset
                        if int(ts.timestamp()) != secs:        # seconds disagree: trust the unix time
                            ts = _fromts(secs, tz)
                        return ts, True
                return _fromts(secs, UTC), True
            except (ValueError, OverflowError, OSError) as exc:
                raise Bad(f"field '{key}_unixtime' ({str(unix)[:40]}) is outside the range of dates "
                           "(years 1 to 9999)") from exc
    if naive is not None:
        if naive.tzinfo is not None:
            return naive, True
        return naive.replace(tzinfo=UTC), False
    return None, False


def mid_of(msg: dict) -> str:
    """The message's own id for a reason text (it may be anything in a damaged file)."""
    return repr(msg.get("id"))[:40]
