"""Telegram Desktop JSON importer: every message type, both export shapes, hostile JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.telegram import TelegramImporter
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationRec, ImportWarning, MessageRec, ParticipantRec, SourceRec, Unparsed
from tests.import_fixtures import big_telegram, telegram_chat, write_telegram_folder


def read_all(path: Path, options: ImportOptions | None = None) -> list:
    return list(TelegramImporter().read(path, options or ImportOptions(), JobContext()))


def by_id(recs: list) -> dict[str, MessageRec]:
    return {r.source_id: r for r in recs if isinstance(r, MessageRec)}


def test_every_message_type(tmp_path: Path) -> None:
    chat, media = telegram_chat()
    result = write_telegram_folder(tmp_path / "export", chat, media)
    imp = TelegramImporter()
    assert imp.detect(tmp_path / "export").confidence >= 0.9
    assert imp.detect(result).confidence >= 0.9
    recs = read_all(tmp_path / "export")
    assert not [r for r in recs if isinstance(r, Unparsed)]
    # A group exported alone does not say whose account it is: the one warning asks who "me" is.
    warnings = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert len(warnings) == 1 and "Cannot tell which sender is you in 'Hiking club'" in warnings[0]
    conv = [r for r in recs if isinstance(r, ConversationRec)]
    assert conv[0].key == "4242" and conv[0].title == "Hiking club" and conv[0].kind == "group"
    m = by_id(recs)
    assert len(m) == 17
    assert str(m["100"].kind) == "system" and m["100"].extra["action"] == "create_group" and m["100"].sender_key == "user1"
    plain = m["101"]
    assert plain.text == "Plain hello" and plain.sender_key == "user1" and plain.tz_known
    assert plain.ts.utcoffset() == timedelta(hours=2) and plain.ts.isoformat() == "2024-05-01T10:01:00+02:00"
    rich = m["102"]
    assert rich.text == "Go to https://example.org and hurryhere"
    assert rich.extra["entities"] == [
        {"type": "link", "offset": 6, "length": 19}, {"type": "bold", "offset": 30, "length": 5},
        {"type": "text_link", "offset": 35, "length": 4, "href": "https://x.y"}]
    assert m["103"].reply_to == "102"
    assert m["104"].forwarded_from == "News Channel"
    assert m["105"].edited and m["105"].edited_ts is not None and m["105"].edited_ts.minute == 30
    photo = m["106"]
    assert str(photo.kind) == "image" and photo.text == "a caption"
    with photo.attachments[0].open() as fh:
        assert fh.read() == media["photos/photo_1@01-05-2024_10-06-00.jpg"]
    assert str(m["107"].kind) == "voice" and m["107"].attachments[0].open is not None
    assert str(m["108"].kind) == "sticker" and m["108"].attachments[0].extra["sticker_emoji"] == "👍"
    video = m["109"]
    assert str(video.kind) == "video" and video.attachments[0].open is None
    assert video.attachments[0].name == "long.mp4" and video.attachments[0].status == "missing"
    pdf = m["110"]
    assert pdf.attachments[0].open is None and pdf.attachments[0].expected_path == "files/report.pdf"
    assert str(m["111"].kind) == "location" and m["111"].extra["latitude"] == 46.5
    assert str(m["112"].kind) == "contact" and m["112"].extra["contact"]["phone_number"] == "+41 79 000"
    poll = m["113"]
    assert str(poll.kind) == "poll" and poll.text == "Saturday?" and len(poll.extra["poll"]["answers"]) == 2
    assert m["114"].extra["reactions"][0]["count"] == 2
    call = m["115"]
    assert str(call.kind) == "call" and call.extra["duration_seconds"] == 42
    assert m["116"].text == "多行\n第二行 🎉"


def test_full_export_with_several_chats_and_me(tmp_path: Path) -> None:
    chat, media = telegram_chat()
    other, _ = telegram_chat(chat_id=99, name="Bob", kind="personal_chat", with_media=False)
    write_telegram_folder(tmp_path / "all", chat, media, full=True, extra_chats=[other])
    recs = read_all(tmp_path / "all")
    src = [r for r in recs if isinstance(r, SourceRec)][0]
    assert src.account == "1" and src.me_name == "Alice A"
    convs = {r.key: r for r in recs if isinstance(r, ConversationRec)}
    assert set(convs) == {"4242", "99"} and convs["99"].kind == "direct"
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert len(msgs) == 34 and {m.conversation_key for m in msgs} == {"4242", "99"}
    me = [r for r in recs if isinstance(r, ParticipantRec) and r.is_me]
    assert me and me[0].key == "user1"


def test_minimal_exports_without_ids(tmp_path: Path) -> None:
    obj = {"chats": {"list": [{"name": "Chatname", "messages": [
        {"type": "message", "date_unixtime": "1544006350", "from": "Author 1", "text": "Minimal"}]}]}}
    p = tmp_path / "batch.json"
    p.write_text(json.dumps(obj))
    msgs = [r for r in read_all(p) if isinstance(r, MessageRec)]
    assert msgs[0].source_id is None and msgs[0].conversation_key == "name:Chatname"
    assert msgs[0].sender_key == "name:Author 1" and msgs[0].ts.year == 2018


def test_local_time_only_is_marked_unknown_zone(tmp_path: Path) -> None:
    obj = {"name": "x", "type": "personal_chat", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2020-01-02T03:04:05", "from": "A", "from_id": "user9", "text": "t"}]}
    p = tmp_path / "result.json"
    p.write_text(json.dumps(obj))
    msg = [r for r in read_all(p) if isinstance(r, MessageRec)][0]
    assert msg.tz_known is False and msg.ts.replace(tzinfo=None).isoformat() == "2020-01-02T03:04:05"


def test_json_cut_in_half_keeps_what_came_before(tmp_path: Path) -> None:
    chat, media = telegram_chat()
    result = write_telegram_folder(tmp_path / "e", chat, media)
    data = result.read_bytes()
    result.write_bytes(data[: len(data) // 2])
    recs = read_all(tmp_path / "e")
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert 3 < len(msgs) < 17
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert len(un) == 1 and "cut off" in un[0].reason and "byte" in un[0].location
    assert any("incomplete" in r.message for r in recs if isinstance(r, ImportWarning))


def test_hostile_json(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert TelegramImporter().detect(empty).confidence == 0
    with pytest.raises(InputError, match="empty"):
        read_all(empty)
    binary = tmp_path / "bin.json"
    binary.write_bytes(bytes(range(256)) * 10)
    assert TelegramImporter().detect(binary).confidence == 0
    with pytest.raises(InputError):
        read_all(binary)
    head = tmp_path / "head.json"
    head.write_text('{"name": "x", "type": "personal_chat", "id": 1, "messa')
    with pytest.raises(InputError, match="cut off before any chat"):
        read_all(head)
    other = tmp_path / "other.json"
    other.write_text('{"hello": [1, 2, 3]}')
    assert TelegramImporter().detect(other).confidence == 0
    with pytest.raises(InputError, match="no messages list"):
        read_all(other)
    weird = tmp_path / "weird.json"
    weird.write_text(json.dumps({"name": "x", "id": 1, "messages": [
        {"id": 1, "type": "message", "text": "no date"}, 5, {"id": 2, "type": "strange", "date_unixtime": "1"}]}))
    un = [r for r in read_all(weird) if isinstance(r, Unparsed)]
    assert [u.reason.split(" ")[0] for u in un] == ["a", "a", "unknown"]


def test_streaming_keeps_memory_flat(tmp_path: Path) -> None:
    import tracemalloc

    def peak_of(n: int) -> int:
        p = big_telegram(tmp_path / f"{n}.json", n)
        list(TelegramImporter().read(p, ImportOptions(), JobContext()))   # warm caches and imports
        tracemalloc.start()
        count = 0
        for rec in TelegramImporter().read(p, ImportOptions(), JobContext()):
            count += isinstance(rec, MessageRec)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == n
        return peak

    small, large = peak_of(2000), peak_of(10000)
    assert large < small * 1.5 + (256 << 10)      # five times the messages, not five times the memory


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    chat, _ = telegram_chat(with_media=False)
    p = tmp_path / "result.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(chat).encode())
    assert TelegramImporter().detect(p).confidence >= 0.9
    assert len([r for r in read_all(p) if isinstance(r, MessageRec)]) == 17


_OK = {"type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": "1704103200", "from": "A",
       "from_id": "user1", "text": "hi"}
# (field changes, the field the reason must name): values of a type or size Telegram never writes.
_BAD_FIELDS = [
    ({"text": 5}, "text"), ({"text": {"a": 1}}, "text"), ({"text": ["ok", 3]}, "text"),
    ({"from_id": {"a": 1}}, "from_id"), ({"from": ["x"]}, "from"),
    ({"photo": 5}, "photo"), ({"file": {"x": 1}}, "file"), ({"file": "files/a.pdf", "file_name": [1]}, "file_name"),
    ({"photo": "photos/a.jpg", "mime_type": {}}, "mime_type"),
    ({"contact_information": {}, "contact_vcard": 5}, "contact_vcard"),
    ({"location_information": [1]}, "location_information"), ({"poll": [1], "text": ""}, "poll"),
    ({"date_unixtime": [1]}, "date_unixtime"), ({"date_unixtime": "1714615171714557600"}, "date_unixtime"),
    ({"date_unixtime": -10**15}, "date_unixtime"),
    ({"edited": "x", "edited_unixtime": [1]}, "edited_unixtime"),
    ({"edited": "2024-01-01T10:00:00", "edited_unixtime": "99999999999999"}, "edited_unixtime"),
    ({"type": "service", "action": [1], "text": ""}, "action"),
    ({"type": "service", "action": "invite_members", "members": 5, "text": ""}, "members"),
    ({"type": "service", "actor_id": [1]}, "actor_id"), ({"type": "service", "actor": {}}, "actor"),
]


@pytest.mark.parametrize(("bad", "field"), _BAD_FIELDS, ids=[f for _b, f in _BAD_FIELDS])
def test_a_field_of_the_wrong_type_makes_one_unparsed_record(tmp_path: Path, bad: dict, field: str) -> None:
    """The message is kept verbatim as Unparsed (naming the field); the messages around it all arrive."""
    msgs = [dict(_OK, id=i, text=f"good {i}") for i in (1, 2)] + [dict(_OK, id=3, **bad)] + \
        [dict(_OK, id=i, text=f"good {i}", from_id="user2", **{"from": "B"}) for i in (4, 5)]
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "x", "type": "personal_chat", "id": 1, "messages": msgs}))
    recs = read_all(p)
    assert sorted(by_id(recs)) == ["1", "2", "4", "5"]
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert len(un) == 1 and un[0].location == "result.json: messages[2]" and un[0].conversation_key == "1"
    assert f"field '{field}'" in un[0].reason and "message id 3" in un[0].reason
    assert json.loads(un[0].raw) == msgs[2]
    people = [r.key for r in recs if isinstance(r, ParticipantRec)]
    assert people == ["user1", "user2"]      # the bad message registered nobody


def test_old_numeric_peer_ids_still_read(tmp_path: Path) -> None:
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "x", "id": 1, "messages": [
        dict(_OK, id=1, from_id=42), dict(_OK, id=2, type="service", actor="B", actor_id=43, action="pin_message",
                                          text="")]}))
    m = by_id(read_all(p))
    assert m["1"].sender_key == "42" and m["2"].sender_key == "43" and m["2"].text == "B pinned a message"


def test_service_texts() -> None:
    from chatvault.importers.telegram.messages import service_text as _service_text

    cases = {("create_group", "Hike"): "A created the group Hike", ("create_channel", ""): "A created the channel",
             ("invite_members", ""): "A added B, C", ("remove_members", ""): "A removed B, C",
             ("edit_group_title", "New"): "A changed the group name to New", ("phone_call", ""): "Call (busy)",
             ("score_in_game", ""): "A scored 7", ("some_new_thing", ""): "some new thing", ("", ""): None}
    for (action, title), words in cases.items():
        msg = {"action": action, "actor": "A", "title": title, "members": ["B", "C"], "discard_reason": "busy",
               "score": 7}
        assert _service_text(msg) == words, action


@pytest.mark.parametrize("full", [False, True], ids=["one chat", "full export"])
@pytest.mark.parametrize("big", [2**63, -(2**63), 10**40])
def test_integers_beyond_64_bits_lose_nothing(tmp_path: Path, full: bool, big: int) -> None:
    """ijson's C backend stops at such an integer ("integer overflow"); the file is read again with the
    Python backend, so two messages before and two after it all arrive, each once."""
    msgs = [dict(_OK, id=1), dict(_OK, id=2),
            dict(_OK, id=big, reply_to_message_id=big, file_size=big, photo="(File not included)"),
            dict(_OK, id=4, date_unixtime=big),                     # a time that makes no sense: Unparsed
            dict(_OK, id=5, reply_to_message_id=big), dict(_OK, id=6)]
    chat = {"name": "x", "type": "personal_chat", "id": big if not full else 7, "messages": msgs}
    obj = {"personal_information": {"user_id": big}, "chats": {"list": [chat]}} if full else chat
    p = tmp_path / "result.json"
    p.write_text(json.dumps(obj))
    recs = read_all(p)
    m = by_id(recs)
    assert sorted(m, key=len) == ["1", "2", "5", "6", str(big)]
    assert m[str(big)].reply_to == str(big) and m["5"].reply_to == str(big)     # ids kept as text
    assert m[str(big)].attachments[0].size_hint is None
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert len(un) == 1 and un[0].location.endswith("messages[3]") and "date_unixtime" in un[0].reason
    assert not [r for r in recs if isinstance(r, ImportWarning)]
    assert len([r for r in recs if isinstance(r, SourceRec)]) == 1
    assert len([r for r in recs if isinstance(r, ParticipantRec)]) == 1
    assert [r.key for r in recs if isinstance(r, ConversationRec)] == [str(chat["id"])] * 2


def test_cut_off_file_after_a_big_integer_still_says_cut_off(tmp_path: Path) -> None:
    msgs = [dict(_OK, id=i, text="x" * 50) for i in range(1, 20)]
    msgs[3]["reply_to_message_id"] = 2**70
    data = json.dumps({"name": "x", "id": 1, "messages": msgs}).encode()
    p = tmp_path / "result.json"
    p.write_bytes(data[: len(data) * 2 // 3])
    recs = read_all(p)
    n = len(by_id(recs))
    assert 4 < n < 19 and sorted(int(k) for k in by_id(recs)) == list(range(1, n + 1))
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert len(un) == 1 and "cut off" in un[0].reason


def test_cli_imports_bad_messages_as_partial(cli, vault, tmp_path: Path) -> None:
    """The user's view: exit 0 (partial imports succeed, docs/cli.md), no traceback, good messages stored,
    the bad ones counted with their locations."""
    from tests.test_ingest_cli import env_for

    vault.lock()
    bad = [dict(_OK, **b) for b, _f in _BAD_FIELDS[:12]]
    msgs = [dict(_OK, id=1), dict(_OK, id=2, reply_to_message_id=2**64)] + \
        [dict(b, id=100 + i) for i, b in enumerate(bad)] + [dict(_OK, id=3, text=["a ", {"type": "bold", "text": "b"}]),
                                                          dict(_OK, id=4)]
    p = tmp_path / "export" / "result.json"
    p.parent.mkdir()
    p.write_text(json.dumps({"name": "x", "type": "personal_chat", "id": 1, "messages": msgs}))
    r = cli("import", str(p.parent), "--json", "--no-thumbnails", env=env_for(vault.path))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    out = json.loads(r.stdout)
    assert out["outcome"] == "partial" and out["added"] == 4 and out["unparsed"] == len(bad)
    assert out["unparsed_lines"] == [f"result.json: messages[{i}]" for i in range(2, 2 + len(bad))]
    r = cli("import", str(p.parent), "--reread", "--no-thumbnails", env=env_for(vault.path))   # the text summary
    assert r.returncode == 0 and "Traceback" not in r.stderr and "Imported with gaps" in r.stdout
