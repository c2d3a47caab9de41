"""What a msgstore row is: `message_type` (current schema) or `media_wa_type` (legacy) → our kind,
and the words of a system message (`message_system.action_type`), as the public readers document them.
"""

from __future__ import annotations

from chatvault.model import MessageKind

K = MessageKind

# message_type / media_wa_type → (kind, what WhatsApp calls it)
TYPES: dict[int, tuple[MessageKind, str]] = {
    0: (K.TEXT, "text"),
    1: (K.IMAGE, "image"),
    2: (K.VOICE, "audio"),
    3: (K.VIDEO, "video"),
    4: (K.CONTACT, "contact card"),
    5: (K.LOCATION, "location"),
    7: (K.SYSTEM, "system"),
    8: (K.CALL, "call"),
    9: (K.FILE, "document"),
    10: (K.CALL, "missed call"),
    11: (K.SYSTEM, "waiting for this message"),
    13: (K.VIDEO, "GIF"),
    14: (K.CONTACT, "contact cards"),
    15: (K.RECALLED, "deleted for everyone"),
    16: (K.LOCATION, "live location"),
    20: (K.STICKER, "sticker"),
    23: (K.LINK, "product"),
    25: (K.LINK, "catalogue"),
    26: (K.FILE, "document"),
    27: (K.SYSTEM, "order"),
    28: (K.LINK, "business"),
    36: (K.SYSTEM, "scheduled call"),
    42: (K.IMAGE, "view-once photo"),
    43: (K.VIDEO, "view-once video"),
    44: (K.LINK, "button reply"),
    46: (K.POLL, "poll"),
    54: (K.LINK, "status reply"),
    57: (K.STICKER, "avatar sticker"),
    64: (K.RECALLED, "deleted by an admin"),
    66: (K.POLL, "poll"),
    82: (K.VOICE, "view-once voice message"),
    90: (K.CALL, "call"),
    99: (K.SYSTEM, "community"),
    112: (K.TEXT, "event"),
}
VIEW_ONCE = {42, 43, 82}
REVOKED = {15, 64}
MEDIA = {1, 2, 3, 9, 13, 20, 26, 42, 43, 57, 82}

# message_system.action_type → what happened; "{who}" is the actor, "{data}" the new value.
SYSTEM: dict[int, str] = {
    1: "{who} changed the group name to \u201c{data}\u201d",
    4: "{who} was added",
    5: "{who} left",
    6: "{who} changed the group icon",
    7: "{who} removed someone",
    9: "{who} created a broadcast list",
    10: "{who} changed their phone number",
    11: "{who} created the group \u201c{data}\u201d",
    12: "{who} added someone",
    13: "{who} left",
    14: "{who} removed someone",
    15: "{who} made someone an admin",
    18: "The security code changed",
    19: "Messages and calls are end-to-end encrypted",
    20: "{who} joined using an invite link",
    27: "{who} changed the group description",
    28: "{who} changed their phone number",
    46: "This chat changed",
    47: "This is a business account",
    50: "The account changed from business to standard",
    56: "{who} changed the disappearing-messages timer",
    57: "The security code changed",
    58: "You blocked this contact",
    59: "You unblocked this contact",
    67: "This business uses a secure service from Meta",
    69: "This business uses a secure service from Meta",
}


def system_text(action: int | None, who: str | None, data: str | None) -> str:
    template = SYSTEM.get(action or -1)
    if template is None:
        return f"System event {action}" + (f": {data}" if data else "")
    return template.format(who=who or "Someone", data=data or "").strip()


def kind(code: int | None) -> tuple[MessageKind, str]:
    return TYPES.get(code if code is not None else 0, (K.UNKNOWN, f"message type {code}"))
