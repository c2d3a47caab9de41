"""X (Twitter) archives and Snapchat My Data downloads, written the way those services write them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.import_fixtures import PNG_1x1

ME_ID, FRIEND_ID = "111", "222"


def _js(name: str, value: object) -> str:
    return f"window.YTD.{name}.part0 = " + json.dumps(value, ensure_ascii=False, indent=2)


def x_messages(extra: list[dict] | None = None) -> list[dict]:
    return [
        {"messageCreate": {"recipientId": FRIEND_ID, "reactions": [], "urls": [], "text": "hi 你好 👋",
                           "mediaUrls": [], "senderId": ME_ID, "id": "1001", "createdAt": "2023-03-01T10:00:00.000Z"}},
        {"messageCreate": {"recipientId": ME_ID, "urls": [{"url": "https://t.co/abc", "expanded": "https://example.org/a",
                                                           "display": "example.org/a"}],
                           "reactions": [{"senderId": ME_ID, "reactionKey": "like", "eventId": "e1",
                                          "createdAt": "2023-03-01T10:02:00.000Z"}],
                           "text": "look https://t.co/abc", "mediaUrls": [], "senderId": FRIEND_ID, "id": "1002",
                           "createdAt": "2023-03-01T10:01:00.000Z"}},
        {"messageCreate": {"recipientId": ME_ID, "reactions": [], "urls": [], "text": "https://t.co/img",
                           "mediaUrls": ["https://ton.twitter.com/dm/1003/1003/abc.jpg"], "senderId": FRIEND_ID,
                           "id": "1003", "createdAt": "2023-03-01T10:03:00.000Z"}},
        *(extra or []),
    ]


def write_x(root: Path, *, extra: list[dict] | None = None) -> Path:
    data = root / "data"
    (data / "direct_messages_media").mkdir(parents=True, exist_ok=True)
    (data / "account.js").write_text(_js("account", [{"account": {"accountId": ME_ID, "username": "wei",
                                                                   "accountDisplayName": "Wei 伟"}}]), encoding="utf-8")
    convs = [{"dmConversation": {"conversationId": f"{ME_ID}-{FRIEND_ID}", "messages": x_messages(extra)}}]
    (data / "direct-messages.js").write_text(_js("direct_messages", convs), encoding="utf-8")
    group = [{"dmConversation": {"conversationId": "9999", "messages": [
        {"conversationNameUpdate": {"initiatingUserId": ME_ID, "name": "Book club 读书会",
                                    "createdAt": "2023-03-02T09:00:00.000Z"}},
        {"joinConversation": {"initiatingUserId": FRIEND_ID, "participantsSnapshot": [ME_ID, FRIEND_ID],
                              "createdAt": "2023-03-02T09:01:00.000Z"}},
        {"messageCreate": {"senderId": FRIEND_ID, "text": "welcome", "id": "2001", "mediaUrls": [], "urls": [],
                           "reactions": [], "createdAt": "2023-03-02T09:02:00.000Z"}}]}}]
    (data / "direct-messages-group.js").write_text(_js("direct_messages_group", group), encoding="utf-8")
    (data / "direct_messages_media" / "1003-abc.jpg").write_bytes(PNG_1x1)
    return root


def write_snapchat(root: Path, *, old: bool = False, extra: list[dict] | None = None) -> Path:
    (root / "json").mkdir(parents=True, exist_ok=True)
    (root / "chat_media").mkdir(exist_ok=True)
    (root / "json" / "account.json").write_text(json.dumps({"Basic Information": {"Username": "wei.z"}}), encoding="utf-8")
    if old:
        obj = {"Received Saved Chat History": [{"From": "ana", "Media Type": "TEXT", "Created": "2021-03-04 10:11:12 UTC",
                                                "Text": "saved hello 你好"}],
               "Sent Saved Chat History": [{"To": "ana", "Media Type": "TEXT", "Created": "2021-03-04 10:12:00 UTC",
                                            "Text": "hi back"}]}
    else:
        obj = {"ana": [
            {"From": "ana", "Media Type": "TEXT", "Created": "2023-05-01 08:00:00 UTC", "Content": "morning 早",
             "Conversation Title": None, "IsSender": False, "Created(microseconds)": 1682928000000000},
            {"From": "wei.z", "Media Type": "MEDIA", "Created": "2023-05-01 08:01:00 UTC", "Content": "",
             "Conversation Title": None, "IsSender": True, "Created(microseconds)": 1682928060000000,
             "Media IDs": "b~EiQSFABC"},
            {"From": "ana", "Media Type": "NOTE", "Created": "2023-05-01 08:02:00 UTC", "Content": "",
             "Conversation Title": None, "IsSender": False, "Created(microseconds)": 1682928120000000,
             "Media IDs": "b~MISSING"},
            *(extra or [])],
            "3f1c-group": [{"From": "ana", "Media Type": "TEXT", "Created": "2023-05-02 08:00:00 UTC",
                            "Content": "group hi", "Conversation Title": "Hikers", "IsSender": False,
                            "Created(microseconds)": 1683014400000000}]}
        (root / "chat_media" / "2023-05-01_b~EiQSFABC.jpeg").write_bytes(PNG_1x1)
    (root / "json" / "chat_history.json").write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    return root
