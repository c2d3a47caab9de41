"""X (Twitter) archive DMs and Snapchat My Data chats (issue #23 item 6): every kind, media linked,
reactions, names, group titles; a newer download adds only what is new."""

from __future__ import annotations

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec, SourceRec
from tests import social_fixtures as sx


def _read(name, path) -> list:
    return list(registry.get(name).read(path, ImportOptions(), JobContext()))


def test_x_archive_direct_and_group_messages(tmp_path):
    root = sx.write_x(tmp_path / "twitter-2023")
    assert registry.detect(root)[0][0].name == "twitter"
    recs = _read("twitter", root)
    src = next(r for r in recs if isinstance(r, SourceRec))
    assert (src.account, src.me_name) == ("111", "Wei 伟")
    titles = {r.key: r.title for r in recs if isinstance(r, ConversationRec)}
    assert titles["9999"] == "Book club 读书会"
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec) and r.source_id}
    assert msgs["1001"].sender_name == "Wei 伟" and msgs["1001"].text == "hi 你好 👋"
    assert msgs["1002"].text == "look https://example.org/a" and msgs["1002"].kind == MessageKind.LINK
    assert msgs["1002"].extra["reactions"][0] == {"emoji": "❤️", "by": "Wei 伟", "by_key": "111", "ts": None}
    photo = msgs["1003"]
    assert photo.kind == MessageKind.IMAGE and photo.attachments[0].status == AttachmentStatus.STORED
    assert any(r.kind == MessageKind.SYSTEM for r in recs if isinstance(r, MessageRec))


def test_x_later_archive_adds_only_new(vault, tmp_path):
    assert run_import(vault, sx.write_x(tmp_path / "a")).added == 6
    newer = sx.write_x(tmp_path / "b", extra=[{"messageCreate": {
        "senderId": "222", "text": "later", "id": "1004", "mediaUrls": [], "urls": [], "reactions": [],
        "createdAt": "2023-04-01T10:00:00.000Z"}}])
    assert run_import(vault, newer).added == 1


def test_snapchat_both_shapes(tmp_path):
    new = _read("snapchat", sx.write_snapchat(tmp_path / "mydata"))
    assert next(r for r in new if isinstance(r, SourceRec)).me_name == "wei.z"
    convs = {r.key: r for r in new if isinstance(r, ConversationRec)}
    assert convs["3f1c-group"].title == "Hikers" and convs["3f1c-group"].kind == "group"
    msgs = [r for r in new if isinstance(r, MessageRec)]
    assert [m.kind for m in msgs] == [MessageKind.TEXT, MessageKind.IMAGE, MessageKind.VOICE, MessageKind.TEXT]
    assert msgs[1].sender_name == "wei.z" and msgs[1].attachments[0].status == AttachmentStatus.STORED
    assert msgs[2].attachments[0].status == AttachmentStatus.MISSING
    old = _read("snapchat", sx.write_snapchat(tmp_path / "old", old=True))
    olds = [r for r in old if isinstance(r, MessageRec)]
    assert {m.conversation_key for m in olds} == {"ana"} and {m.sender_name for m in olds} == {"ana", "wei.z"}


def test_snapchat_newer_download_adds_only_new(vault, tmp_path):
    assert run_import(vault, sx.write_snapchat(tmp_path / "a")).added == 4
    newer = sx.write_snapchat(tmp_path / "b", extra=[{"From": "ana", "Media Type": "TEXT",
                                                      "Created": "2023-05-03 08:00:00 UTC", "Content": "new",
                                                      "IsSender": False}])
    assert run_import(vault, newer).added == 1
