"""Recognising a Telegram export: which JSON member is `result.json`, and whether its top level looks like one."""

from __future__ import annotations

import io

import ijson

from chatvault.importers.filetree import FileTree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError

TOP_KEYS = {"about", "personal_information", "chats", "left_chats", "contacts", "frequent_contacts",
            "name", "type", "id", "messages"}


def json_member(tree: FileTree) -> str | None:
    """The member holding the export: `result.json` nearest the top, else the first Telegram-shaped JSON."""
    names = tree.names()
    if tree.kind == "file":
        return names[0] if names else None
    for n in sorted(names, key=lambda x: (x.count("/"), x)):
        if n.rsplit("/", 1)[-1] == "result.json":
            return n
    jsons = sorted((n for n in names if n.lower().endswith(".json")), key=lambda x: (x.count("/"), x))
    for n in jsons[:5]:
        if looks_like(tree.read_head(n, 8192))[0] > 0:
            return n
    return None


def looks_like(head: bytes) -> tuple[float, str]:
    if not head or b"\x00" in head[:1024]:
        return 0.0, ""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return 0.0, ""
    if (b'"sender_name"' in text and b'"timestamp_ms"' in text) or b'"senderName"' in text:
        return 0.0, ""           # Meta's message files (Messenger, Instagram): chatvault.importers.meta
    if b'"guild"' in text and b'"channel"' in text:
        return 0.0, ""           # DiscordChatExporter: chatvault.importers.discord
    keys: list[str] = []
    try:
        for prefix, event, value in ijson.parse(BoundedJson(io.BytesIO(text), "result.json")):
            if prefix == "" and event == "map_key":
                keys.append(value)
    except (ijson.common.IncompleteJSONError, JsonLimitError, UnicodeDecodeError):   # stops at a cut, limit, bad text
        pass
    except ijson.common.JSONError:
        return 0.0, ""
    if "chats" in keys or "personal_information" in keys:
        return 0.9, "full export"
    if "messages" in keys and ("type" in keys or "name" in keys or "id" in keys):
        return 0.9, "one chat"
    if "messages" in keys:
        return 0.6, "one chat (minimal)"
    if keys and set(keys) <= TOP_KEYS and b'"date' in head:
        return 0.5, "one chat"
    return 0.0, ""
