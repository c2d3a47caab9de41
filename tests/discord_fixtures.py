"""DiscordChatExporter JSON exports as DCE writes them: `{guild, channel, dateRange, messages,
messageCount}`, media downloaded into `<file>_Files/` beside the JSON (`--media`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.import_fixtures import PNG_1x1

ALICE = {"id": "111", "name": "alice", "discriminator": "0001", "nickname": "Alice 🌸", "isBot": False}
BOB = {"id": "222", "name": "bob", "discriminator": "0002", "nickname": "鲍勃", "isBot": False}


def message(i: int, author: dict, content: str = "", **kw: Any) -> dict:
    m = {"id": str(900_000 + i), "type": "Default", "timestamp": f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}.000+02:00",
         "timestampEdited": None, "callEndedTimestamp": None, "isPinned": False, "content": content,
         "author": author, "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": []}
    m.update(kw)
    return m


def every_kind(files_dir: str) -> list[dict]:
    return [
        message(0, ALICE, "hello 你好"),
        message(1, BOB, "edited text", timestampEdited="2024-05-01T10:05:00.000+02:00"),
        message(2, ALICE, "reply!", type="Reply", reference={"messageId": "900000", "channelId": "c1"}),
        message(3, BOB, "", attachments=[{"id": "a1", "url": f"{files_dir}/cat.png", "fileName": "cat.png",
                                         "fileSizeBytes": len(PNG_1x1)}]),
        message(4, ALICE, "", attachments=[{"id": "a2", "url": "https://cdn.discordapp.com/attachments/1/2/doc.pdf",
                                           "fileName": "doc.pdf", "fileSizeBytes": 10}]),
        message(5, BOB, "see https://example.org", embeds=[{"title": "Example", "url": "https://example.org",
                                                            "description": "An example"}]),
        message(6, ALICE, "", stickers=[{"id": "s1", "name": "Wave", "format": "Png", "sourceUrl": "x"}]),
        message(7, BOB, "nice", reactions=[{"emoji": {"id": "", "name": "👍", "code": "thumbsup"}, "count": 2,
                                           "users": [ALICE, BOB]}]),
        message(8, ALICE, "Started a call.", type="Call", callEndedTimestamp="2024-05-01T10:12:08.000+02:00"),
        message(9, BOB, "Added alice to the group.", type="RecipientAdd", mentions=[ALICE]),
        message(10, ALICE, "pinned one", isPinned=True),
    ]


def write(folder: Path, name: str, messages: list[dict], *, guild: dict | None = None,
          channel: dict | None = None, media: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    obj = {"guild": guild or {"id": "0", "name": "Direct Messages", "iconUrl": ""},
           "channel": channel or {"id": "c1", "type": "DirectGroupTextChat", "categoryId": "0", "category": "Group",
                                  "name": "Friends 朋友", "topic": None},
           "dateRange": {"after": None, "before": None}, "messages": messages, "messageCount": len(messages)}
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8")
    if media:
        files = folder / f"{name}.json_Files"
        files.mkdir(exist_ok=True)
        (files / "cat.png").write_bytes(PNG_1x1)
    return path
