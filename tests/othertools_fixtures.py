"""Other tools' outputs, written as those tools write them: WhatsApp-Chat-Exporter's result.json (with
its copied media) and imessage-exporter's per-conversation .txt files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.import_fixtures import PNG_1x1

T0 = 1_700_000_000


def wa_messages(extra: dict | None = None) -> dict:
    msgs = {
        "1": {"from_me": False, "timestamp": T0, "time": "22:13", "media": False, "key_id": "3EB0A1", "meta": False,
              "data": "hello 你好", "sender": None, "safe": False, "mime": None, "reply": None, "quoted_data": None,
              "caption": None, "thumb": None, "sticker": False, "message_type": 0},
        "2": {"from_me": True, "timestamp": T0 + 60, "time": "22:14", "media": False, "key_id": "3EB0A2", "meta": False,
              "data": "a reply", "sender": None, "reply": "3EB0A1", "quoted_data": "hello 你好", "sticker": False},
        "3": {"from_me": False, "timestamp": T0 + 120, "time": "22:15", "media": True, "key_id": "3EB0A3",
              "meta": False, "data": "WhatsApp/Media/WhatsApp Images/IMG-1.jpg", "mime": "image/jpeg",
              "caption": "look", "sticker": False},
        "4": {"from_me": False, "timestamp": T0 + 180, "time": "22:16", "media": True, "key_id": "3EB0A4",
              "meta": False, "data": "The media is missing", "mime": "video/mp4", "sticker": False},
        "5": {"from_me": False, "timestamp": T0 + 240, "time": "22:17", "media": False, "key_id": "3EB0A5",
              "meta": True, "data": "Messages are end-to-end encrypted.", "sticker": False},
    }
    msgs.update(extra or {})
    return msgs


def write_wa(root: Path, *, extra: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    chats = {"447700900123@s.whatsapp.net": {"name": "Ana 🌸", "type": "android", "my_avatar": None,
                                            "their_avatar": None, "their_avatar_thumb": None, "status": None,
                                            "media_base": "", "messages": wa_messages(extra)},
             "120363@g.us": {"name": "Family 家", "type": "android", "messages": {
                 "9": {"from_me": False, "timestamp": T0 + 300, "time": "22:18", "media": False, "key_id": "GRP9",
                       "meta": False, "data": "group hi", "sender": "Bob"}}}}
    (root / "result.json").write_text(json.dumps(chats, ensure_ascii=False, indent=2), encoding="utf-8")
    img = root / "WhatsApp" / "Media" / "WhatsApp Images"
    img.mkdir(parents=True, exist_ok=True)
    (img / "IMG-1.jpg").write_bytes(PNG_1x1)
    return root


def write_imessage_txt(folder: Path, *, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "attachments").mkdir(exist_ok=True)
    (folder / "attachments" / "IMG_0001.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    text = ("May 17, 2022  5:29:42 PM\n+15551234567\nHey there 👋\n\n"
            "May 17, 2022  5:30:00 PM (Read by them after 1 minute)\nMe\nHi!\nSecond line\n"
            "Tapbacks:\n\tLoved by +15551234567\n\n"
            "May 17, 2022  5:31:10 PM\n+15551234567\nattachments/IMG_0001.heic\n\n"
            "May 18, 2022  9:00:00 AM\n+15551234567\n/Users/me/Library/Messages/Attachments/ab/01/Audio.caf\n\n"
            + extra)
    (folder / "+15551234567.txt").write_text(text, encoding="utf-8")
    return folder
