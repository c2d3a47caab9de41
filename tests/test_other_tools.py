"""Other tools' outputs (issue #23 item 7): WhatsApp-Chat-Exporter JSON keeps WhatsApp's key ids and
chat JIDs, with media copied beside it; imessage-exporter text files with tapbacks and attachments.
Each imports, and a newer output adds only what is new."""

from __future__ import annotations

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec
from tests import othertools_fixtures as of


def _read(name, path, **opts) -> list:
    return list(registry.get(name).read(path, ImportOptions(options=opts), JobContext()))


def test_whatsapp_chat_exporter_json(tmp_path):
    root = of.write_wa(tmp_path / "wce")
    assert registry.detect(root)[0][0].name == "wa-exporter"
    recs = _read("wa-exporter", root)
    convs = {r.key: r for r in recs if isinstance(r, ConversationRec)}
    assert convs["447700900123@s.whatsapp.net"].title == "Ana 🌸" and convs["120363@g.us"].kind == "group"
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    assert msgs["3EB0A1"].text == "hello 你好" and msgs["3EB0A1"].sender_name == "Ana 🌸"
    assert msgs["3EB0A2"].reply_to == "3EB0A1" and msgs["3EB0A2"].sender_name == "Me"
    photo = msgs["3EB0A3"]
    assert photo.kind == MessageKind.IMAGE and photo.text == "look"
    assert photo.attachments[0].status == AttachmentStatus.STORED
    assert msgs["3EB0A4"].attachments[0].status == AttachmentStatus.MISSING
    assert msgs["3EB0A5"].kind == MessageKind.SYSTEM and msgs["GRP9"].sender_name == "Bob"


def test_imessage_exporter_text(tmp_path):
    folder = of.write_imessage_txt(tmp_path / "imx")
    assert registry.detect(folder)[0][0].name == "imessage-txt"
    msgs = [r for r in _read("imessage-txt", folder, tz="America/New_York") if isinstance(r, MessageRec)]
    assert [m.text for m in msgs[:2]] == ["Hey there 👋", "Hi!\nSecond line"]
    assert msgs[1].extra["reactions"] == [{"emoji": "❤️", "by": "+15551234567", "by_key": "+15551234567", "ts": None}]
    assert msgs[0].ts.utcoffset().total_seconds() == -4 * 3600
    assert msgs[2].kind == MessageKind.IMAGE and msgs[2].attachments[0].status == AttachmentStatus.STORED
    assert msgs[3].kind == MessageKind.VOICE and msgs[3].attachments[0].status == AttachmentStatus.MISSING


def test_newer_outputs_add_only_new(vault, tmp_path):
    assert run_import(vault, of.write_wa(tmp_path / "a")).added == 6
    newer = of.write_wa(tmp_path / "b", extra={"6": {"from_me": False, "timestamp": of.T0 + 999, "key_id": "3EB0A6",
                                                     "media": False, "meta": False, "data": "new"}})
    assert run_import(vault, newer).added == 1
    opts = ImportOptions(options={"tz": "UTC"})
    assert run_import(vault, of.write_imessage_txt(tmp_path / "t1"), options=opts).added == 4
    later = of.write_imessage_txt(tmp_path / "t2", extra="May 19, 2022  9:00:00 AM\nMe\nlater\n\n")
    assert run_import(vault, later, options=opts).added == 1
