"""Slack workspace exports as Slack writes them: users.json, channels.json, groups.json, dms.json,
mpims.json, and a folder per conversation with one JSON list of messages per day."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

USERS = [{"id": "U1", "team_id": "T9", "name": "ana", "real_name": "Ana Li", "profile": {"display_name": "Ana 🌸",
                                                                                       "real_name": "Ana Li"}},
         {"id": "U2", "team_id": "T9", "name": "wei", "real_name": "Wei Zhang", "profile": {"display_name": "",
                                                                                          "real_name": "张伟"}}]
T0 = 1_700_000_000


def msg(i: int, user: str | None, text: str, **kw: Any) -> dict:
    m = {"type": "message", "user": user, "text": text, "ts": f"{T0 + i * 60}.{i:06d}"}
    if user is None:
        del m["user"]
    m.update(kw)
    return m


def general_day1() -> list[dict]:
    return [
        msg(0, "U1", "<@U1> has joined the channel", subtype="channel_join"),
        msg(1, "U1", "hi <@U2>, see <#C1|general> and <https://example.org|the site> &amp; more"),
        msg(2, "U2", "thread start", thread_ts=f"{T0 + 120}.000002", reply_count=1,
            reactions=[{"name": "+1", "users": ["U1", "U2"], "count": 2}]),
        msg(3, "U1", "in the thread", thread_ts=f"{T0 + 120}.000002", parent_user_id="U2"),
        msg(4, "U2", "fixed typo", edited={"user": "U2", "ts": f"{T0 + 500}.000000"}),
        msg(5, "U1", "", subtype="file_share", files=[{"id": "F1", "name": "plan.pdf", "mimetype": "application/pdf",
                                                       "size": 1234, "url_private": "https://files.slack.com/F1/plan.pdf"}]),
        msg(6, None, "", subtype="bot_message", bot_id="B1", username="ci-bot",
            attachments=[{"fallback": "build passed", "title": "Build #7 passed", "title_link": "https://ci.example/7"}]),
        msg(7, "U2", "This message was deleted.", subtype="tombstone", hidden=True),
    ]


def write(root: Path, *, extra_general: list[dict] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "users.json").write_text(json.dumps(USERS, ensure_ascii=False), encoding="utf-8")
    chans = [{"id": "C1", "name": "general", "members": ["U1", "U2"], "topic": {"value": "all hands"},
              "purpose": {"value": ""}, "is_archived": False}]
    (root / "channels.json").write_text(json.dumps(chans), encoding="utf-8")
    (root / "groups.json").write_text(json.dumps([{"id": "G1", "name": "secret-plans", "members": ["U1", "U2"]}]),
                                      encoding="utf-8")
    (root / "dms.json").write_text(json.dumps([{"id": "D1", "members": ["U1", "U2"]}]), encoding="utf-8")
    days = {("general", "2023-11-14"): general_day1() + list(extra_general or []),
            ("general", "2023-11-15"): [msg(2000, "U2", "next day 第二天")],
            ("secret-plans", "2023-11-14"): [msg(10, "U1", "private channel message")],
            ("D1", "2023-11-14"): [msg(20, "U2", "a direct message 你好")]}
    for (folder, day), messages in days.items():
        (root / folder).mkdir(exist_ok=True)
        (root / folder / f"{day}.json").write_text(json.dumps(messages, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


def zipped(root: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
    return path
