"""What the two Signal importers (Desktop's database, Android's `.backup`) share: who is who.

Both read the same account, so a person, a chat and a message must get the same keys from either:

- a person is their ACI (the account's UUID, lower case) when the source knows it, else their phone
  number in E.164 (`+` and digits); the account's owner is the same rule applied to their own ids;
- a direct chat is `direct:<person>`, a group `group:<hex of the group id>` (Desktop keeps the id in
  base64, Android as `__signal_group__v2!<hex>`: both become the same hex);
- a message is `<sent timestamp in ms>-<author>`, the pair Signal itself uses to name a message
  across devices (quotes and reactions point at it the same way); the author of my own messages is
  `me`, so a copy of my message on another device has the same key.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

from chatvault.model import ConversationKind

APP = "signal"
ME = "me"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_V2_PREFIX = "__signal_group__v2!"
_V1_PREFIX = "__textsecure_group__!"


def aci(value: object) -> str | None:
    """An ACI as lower-case UUID text; None for empty values and PNIs (`PNI:…`)."""
    if not value:
        return None
    s = str(value).strip()
    if s.upper().startswith("PNI:"):
        return None
    s = s.removeprefix("ACI:").removeprefix("aci:")
    return s.lower() if _UUID.match(s) else None


def e164(value: object) -> str | None:
    """A phone number as `+digits`; None when it holds no digits."""
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    return f"+{digits}" if len(digits) >= 3 else None


def person(aci_value: object = None, phone: object = None) -> str | None:
    """The participant key: the ACI when known, else the E.164 number."""
    return aci(aci_value) or e164(phone)


def group_hex(value: object) -> str | None:
    """A group id from either app as lower-case hex."""
    if not value:
        return None
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    s = str(value).strip()
    for prefix in (_V2_PREFIX, _V1_PREFIX):
        if s.startswith(prefix):
            return s[len(prefix):].lower()
    try:
        return base64.b64decode(s, validate=True).hex()
    except (binascii.Error, ValueError):
        return s.lower()


def direct_key(who: str) -> str:
    return f"direct:{who}"


def group_key(hex_id: str) -> str:
    return f"group:{hex_id}"


def kind_of(key: str, me: str | None) -> ConversationKind:
    if key.startswith("group:"):
        return ConversationKind.GROUP
    if me and key == direct_key(me):
        return ConversationKind.SELF
    return ConversationKind.DIRECT


def message_key(sent_ms: int, author: str) -> str:
    return f"{int(sent_ms)}-{author}"


def ms_to_dt(ms: object) -> datetime:
    """Signal's millisecond timestamps as aware UTC times (0 for a missing one)."""
    try:
        value = int(ms or 0)
    except (TypeError, ValueError):
        value = 0
    if value > 10**14:            # microseconds by mistake
        value //= 1000
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.fromtimestamp(0, UTC)


def reaction_summary(items: list[tuple[str, str, int]]) -> list[dict]:
    """[(emoji, reactor key, ms)] as the vault keeps reactions: one entry per emoji, who and when."""
    out: dict[str, dict] = {}
    for emoji, who, ms in items:
        entry = out.setdefault(emoji, {"emoji": emoji, "count": 0, "by": [], "at": []})
        entry["count"] += 1
        entry["by"].append(who)
        entry["at"].append(int(ms or 0))
    return list(out.values())


def with_mentions(body: str | None, mentions: list[tuple[int, int, str]]) -> str | None:
    """The body with each mention's placeholder (U+FFFC, at `start` for `length`) replaced by "@name"."""
    if not body or not mentions:
        return body
    for start, length, name in sorted(mentions, reverse=True):
        if 0 <= start <= len(body) and length >= 0:
            body = f"{body[:start]}@{name}{body[start + length:]}"
    return body
