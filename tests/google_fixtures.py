"""Google Takeout chats as Takeout writes them: Hangouts.json (the 2018+ `conversations` shape and the
older `conversation_state` one) and Google Chat's Groups/<id>/messages.json with group_info.json,
attached files and Users/User <id>/user_info.json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.import_fixtures import PNG_1x1

ME = {"gaia_id": "100", "chat_id": "100"}
ANA = {"gaia_id": "200", "chat_id": "200"}
T0_US = 1_700_000_000_000_000


def _event(i: int, sender: dict, kind: str = "REGULAR_CHAT_MESSAGE", **kw) -> dict:
    e = {"conversation_id": {"id": "Ugx1"}, "sender_id": sender, "timestamp": str(T0_US + i * 60_000_000),
         "event_id": f"EV{i}", "event_type": kind}
    e.update(kw)
    return e


def _text(*segments: dict) -> dict:
    return {"message_content": {"segment": list(segments)}}


def hangouts_events() -> list[dict]:
    return [
        _event(0, ME, chat_message=_text({"type": "TEXT", "text": "hello 你好"}, {"type": "LINE_BREAK"},
                                         {"type": "TEXT", "text": "second line"})),
        _event(1, ANA, chat_message=_text({"type": "LINK", "text": "https://example.org",
                                           "link_data": {"link_target": "https://example.org"}})),
        _event(2, ANA, chat_message={"message_content": {"attachment": [{"embed_item": {
            "type": ["PLUS_PHOTO"], "plus_photo": {"url": "https://lh3.googleusercontent.com/p/AF1", "media_type": "PHOTO"}}}]}}),
        _event(3, ME, kind="HANGOUT_EVENT", hangout_event={"event_type": "END_HANGOUT", "media_type": "AUDIO_VIDEO",
                                                           "hangout_duration_secs": "95"}),
        _event(4, ME, kind="RENAME_CONVERSATION", conversation_rename={"new_name": "Trip 旅行", "old_name": ""}),
        _event(5, ME, kind="ADD_USER", membership_change={"type": "JOIN", "participant_id": [ANA]}),
    ]


def _conversation() -> dict:
    return {"id": {"id": "Ugx1"}, "type": "GROUP", "name": "Trip 旅行",
            "participant_data": [{"id": ME, "fallback_name": "Wei 伟"},
                                 {"id": ANA, "fallback_name": "Ana", "phone_number": {"e164": "+447700900123"}}]}


def write_hangouts(folder: Path, *, legacy: bool = False, events: list[dict] | None = None) -> Path:
    events = hangouts_events() if events is None else events
    if legacy:
        obj = {"conversation_state": [{"conversation_id": {"id": "Ugx1"}, "conversation_state": {
            "conversation": _conversation(), "event": events}}]}
    else:
        obj = {"conversations": [{"conversation": {"conversation_id": {"id": "Ugx1"}, "conversation": _conversation()},
                                  "events": events}]}
    path = folder / "Takeout" / "Hangouts" / "Hangouts.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def chat_messages() -> list[dict]:
    ana = {"name": "Ana", "email": "ana@example.org", "user_type": "Human"}
    me = {"name": "Wei 伟", "email": "wei@example.org", "user_type": "Human"}
    return [
        {"creator": me, "created_date": "Monday, November 13, 2023 at 10:21:37 AM UTC", "text": "早上好",
         "topic_id": "t1", "message_id": "m1/t1"},
        {"creator": ana, "created_date": "Monday, November 13, 2023 at 1:05:00\u202fPM UTC", "text": "edited",
         "updated_date": "Monday, November 13, 2023 at 1:06:00 PM UTC", "message_id": "m2/t1",
         "reactions": [{"emoji": {"unicode": "👍"}, "reactor_emails": ["wei@example.org"]}]},
        {"creator": me, "created_date": "Tuesday, November 14, 2023 at 12:00:00 AM UTC", "text": "",
         "attached_files": [{"original_name": "cat.png", "export_name": "File-cat.png"}], "message_id": "m3/t2"},
        {"creator": ana, "created_date": "Tuesday, November 14, 2023 at 9:00:00 AM UTC", "text": "gone",
         "deletion_metadata": {"deletion_type": "CREATOR"}, "message_id": "m4/t2"},
    ]


def write_chat(folder: Path, *, messages: list[dict] | None = None) -> Path:
    base = folder / "Takeout" / "Google Chat"
    group = base / "Groups" / "DM abc123"
    group.mkdir(parents=True, exist_ok=True)
    (group / "messages.json").write_text(json.dumps({"messages": chat_messages() if messages is None else messages},
                                                    ensure_ascii=False, indent=1), encoding="utf-8")
    (group / "group_info.json").write_text(json.dumps({"members": [
        {"name": "Wei 伟", "email": "wei@example.org"}, {"name": "Ana", "email": "ana@example.org"}]}), encoding="utf-8")
    (group / "File-cat.png").write_bytes(PNG_1x1)
    user = base / "Users" / "User 1000"
    user.mkdir(parents=True, exist_ok=True)
    (user / "user_info.json").write_text(json.dumps({"user": {"name": "Wei 伟", "email": "wei@example.org"}}),
                                         encoding="utf-8")
    return folder
