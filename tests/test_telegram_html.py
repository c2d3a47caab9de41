"""Telegram Desktop's HTML export (issue #23 item 7): messages across pages with Telegram's ids, joined
messages keep their sender, replies, media files linked, service messages, times with their offset
(older exports: the zone given); a later export adds only what is new."""

from __future__ import annotations

from datetime import UTC, datetime

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec
from tests import tghtml_fixtures as tf


def _read(path, **opts) -> list:
    return list(registry.get("telegram-html").read(path, ImportOptions(options=opts), JobContext()))


def test_pages_senders_replies_media_and_service_messages(tmp_path):
    folder = tf.write(tmp_path / "ChatExport_2024-05-02")
    assert registry.detect(folder)[0][0].name == "telegram-html"
    recs = _read(folder)
    assert next(r for r in recs if isinstance(r, ConversationRec)).title == "Hiking club 徒步"
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    assert sorted(msgs, key=int) == ["1", "2", "3", "4", "5", "6", "7"]
    assert msgs["1"].text == "Hello\nworld & 你好" and msgs["1"].ts == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert msgs["2"].sender_name == "Alice 🌸"
    assert msgs["3"].reply_to == "1"
    photo = msgs["4"]
    assert photo.kind == MessageKind.IMAGE and photo.text == "a caption"
    assert photo.attachments[0].status == AttachmentStatus.STORED
    assert msgs["5"].kind == MessageKind.VOICE and msgs["5"].attachments[0].status == AttachmentStatus.STORED
    assert msgs["6"].kind == MessageKind.SYSTEM and msgs["6"].text == "Bob joined group by link"
    assert msgs["7"].text == "page two"


def test_older_export_without_offsets_uses_the_zone_given(tmp_path):
    recs = _read(tf.write(tmp_path / "old", offset=False), tz="Asia/Shanghai")
    first = next(r for r in recs if isinstance(r, MessageRec) and r.source_id == "1")
    assert first.ts.utcoffset().total_seconds() == 8 * 3600 and not first.tz_known


def test_json_exports_are_not_taken_for_html_and_back(tmp_path):
    from tests.import_fixtures import telegram_chat, write_telegram_folder

    chat, media = telegram_chat(with_media=False)
    write_telegram_folder(tmp_path / "json", chat, media)
    assert registry.get("telegram-html").detect(tmp_path / "json").confidence == 0
    assert registry.get("telegram").detect(tf.write(tmp_path / "html")).confidence == 0


def test_a_later_export_adds_only_new(vault, tmp_path):
    assert run_import(vault, tf.write(tmp_path / "a")).added == 7
    later = tf.write(tmp_path / "b", extra=[tf.msg(8, "02.05.2024 09:30:00", "Alice 🌸", '<div class="text">new</div>')])
    r = run_import(vault, later)
    assert r.added == 1 and r.unparsed == 0
