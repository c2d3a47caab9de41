"""Google Takeout chats (issue #23 item 5): Hangouts.json in both of Google's shapes and Google Chat
DMs/Spaces, with their kinds, media, reactions, edits and deletions; "me" from user_info.json; a
later Takeout adds only what is new."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.google.gchat import parse_date
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec, SourceRec
from tests import google_fixtures as gf


def _read(path) -> list:
    return list(registry.get("google").read(path, ImportOptions(), JobContext()))


@pytest.mark.parametrize("legacy", [False, True])
def test_hangouts_in_both_shapes(tmp_path, legacy):
    gf.write_hangouts(tmp_path / "takeout", legacy=legacy)
    root = tmp_path / "takeout"
    assert registry.detect(root)[0][0].name == "google"
    recs = _read(root)
    conv = next(r for r in recs if isinstance(r, ConversationRec))
    assert conv.title == "Trip 旅行" and conv.kind == "group"
    assert next(p for p in conv.participants if p.display_name == "Ana").extra == {"phone": "+447700900123"}
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert [m.kind for m in msgs] == [MessageKind.TEXT, MessageKind.LINK, MessageKind.IMAGE, MessageKind.CALL,
                                      MessageKind.SYSTEM, MessageKind.SYSTEM]
    assert msgs[0].text == "hello 你好\nsecond line" and msgs[0].sender_name == "Wei 伟"
    assert msgs[0].ts == datetime.fromtimestamp(gf.T0_US / 1e6, UTC) and msgs[0].source_id == "EV0"
    assert msgs[2].attachments[0].extra == {"remote": True}
    assert msgs[3].extra["duration_seconds"] == 95 and msgs[3].extra["type"] == "video"
    assert msgs[5].extra["users"] == ["Ana"]


def test_google_chat_with_files_reactions_edits_and_deletions(tmp_path):
    root = gf.write_chat(tmp_path / "takeout")
    recs = _read(root)
    assert next(r for r in recs if isinstance(r, SourceRec)).me_name == "wei@example.org"
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert [m.text for m in msgs][:2] == ["早上好", "edited"]
    assert msgs[1].edited and msgs[1].ts.hour == 13 and msgs[1].extra["reactions"][0]["by"] == "Wei 伟"
    assert msgs[2].ts.hour == 0 and msgs[2].kind == MessageKind.IMAGE
    assert msgs[2].attachments[0].status == AttachmentStatus.STORED and msgs[2].attachments[0].name == "cat.png"
    assert msgs[3].kind == MessageKind.RECALLED


def test_takeout_dates_read_every_way_google_writes_them():
    assert parse_date("Monday, January 4, 2021 at 10:21:37 AM UTC") == datetime(2021, 1, 4, 10, 21, 37, tzinfo=UTC)
    assert parse_date("Monday, January 4, 2021 at 12:01:00\u202fAM UTC").hour == 0
    assert parse_date("Monday, January 4, 2021 at 12:01:00 PM UTC").hour == 12
    assert parse_date("not a date") is None


def test_a_whole_takeout_imports_and_a_newer_one_adds_only_new(vault, tmp_path):
    root = tmp_path / "t1"
    gf.write_hangouts(root)
    gf.write_chat(root)
    r1 = run_import(vault, root)
    assert r1.added == 10 and r1.unparsed == 0
    root2 = tmp_path / "t2"
    gf.write_hangouts(root2, events=[*gf.hangouts_events(), gf._event(9, gf.ANA, chat_message=gf._text(
        {"type": "TEXT", "text": "new"}))])
    gf.write_chat(root2)
    r2 = run_import(vault, root2)
    assert r2.added == 1 and r2.already_present == 10
