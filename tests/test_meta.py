"""Facebook Messenger and Instagram downloads (issue #23 item 1): every message kind, Meta's mojibake
repaired (Chinese and emoji names), the owner found, media linked, the layouts (2023+ folders, the
older one, a zip, a lone message_1.json, Messenger's end-to-end encrypted chats download), a newer
download adding only what is new, and a damaged file keeping what came before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.meta.text import fix
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, MessageKind, MessageRec, SourceRec, Unparsed
from chatvault.store import queries
from tests import meta_fixtures as mf


def _read(path: Path, **opts) -> list:
    return list(registry.get("meta").read(path, ImportOptions(options=opts), JobContext()))


def test_mojibake_is_repaired_and_correct_text_is_left_alone():
    assert fix("Ã©") == "é" and fix("â\x9d¤ï¸\x8f") == "❤️"
    assert fix("张伟 🌸".encode().decode("latin-1")) == "张伟 🌸"
    for good in ("café", "张伟", "plain", "J❤️hn", ""):
        assert fix(good) == good and fix(fix(good)) == good


def test_every_kind_of_a_facebook_download_is_read_with_names_repaired(tmp_path):
    root = mf.facebook_download(tmp_path / "facebook-zhangwei")
    [d] = [d for imp, d in registry.detect(root) if imp.name == "meta"]
    assert d.confidence >= 0.9 and d.variant == "messenger"
    recs = _read(root)
    [src] = [r for r in recs if isinstance(r, SourceRec)]
    assert (src.app, src.me_name) == ("messenger", "Zhang Wei 张伟")
    msgs = [r for r in recs if isinstance(r, MessageRec) and r.conversation_key == "inbox/anna_123456"]
    by_kind = {}
    for m in msgs:
        by_kind.setdefault(m.kind, []).append(m)
    assert {"你好 Anna! café ☕", "multi\nline 多行"} <= {m.text for m in msgs}
    assert {m.sender_name for m in msgs} == {"Zhang Wei 张伟", "Anna 🌸"}
    hi = next(m for m in msgs if m.text == "Hi 😀")
    assert hi.extra["reactions"] == [{"emoji": "❤️", "by": "Zhang Wei 张伟", "by_key": "Zhang Wei 张伟",
                                      "ts": 1_700_000_100_000}]
    for kind in (MessageKind.IMAGE, MessageKind.VIDEO, MessageKind.VOICE, MessageKind.FILE, MessageKind.STICKER,
                 MessageKind.LINK, MessageKind.CALL, MessageKind.SYSTEM, MessageKind.RECALLED):
        assert kind in by_kind, kind
    pdf = by_kind[MessageKind.FILE][0].attachments[0]
    assert pdf.name == "报告.pdf" and pdf.status == AttachmentStatus.STORED and pdf.open().read(4) == b"%PDF"
    missing = [a for m in by_kind[MessageKind.IMAGE] for a in m.attachments if a.status == AttachmentStatus.MISSING]
    assert [a.expected_path.rsplit("/", 1)[-1] for a in missing] == ["missing.jpg"]
    assert by_kind[MessageKind.LINK][0].extra["url"] == "https://example.org/a"
    calls = by_kind[MessageKind.CALL]
    assert {c.extra.get("duration_seconds") for c in calls} == {125, 0}
    assert [c.extra.get("outcome") for c in calls].count("missed") == 1
    assert by_kind[MessageKind.SYSTEM][0].extra == {"system": "joined", "users": ["Bob"]}
    assert all(m.ts.tzinfo is not None for m in msgs)


def test_a_download_imports_into_the_vault_and_a_newer_one_adds_only_what_is_new(vault, tmp_path):
    root = mf.facebook_download(tmp_path / "dl1")
    first = run_import(vault, mf.zip_folder(root, tmp_path / "facebook-zhangwei-2024.zip"))
    assert first.added == 15 + 9 and first.unparsed == 0
    newer = mf.facebook_download(tmp_path / "dl2", extra=[
        {"sender_name": "Anna 🌸", "timestamp_ms": mf.T0_MS + 99_000_000, "content": "新的消息"}])
    second = run_import(vault, newer)
    assert second.added == 1 and second.already_present == 24
    conn = vault.connect(readonly=True)
    titles = {c["title"] for c in queries.chat_list(conn)}
    assert {"Anna 🌸", "Family 家"} <= titles
    conn.close()


def test_instagram_download_is_instagram_and_a_lone_file_can_be_told_which_app(tmp_path):
    root = mf.instagram_download(tmp_path / "instagram-wei")
    recs = _read(root)
    assert next(r for r in recs if isinstance(r, SourceRec)).app == "instagram"
    lone = next(root.rglob("message_1.json"))
    alone = tmp_path / "message_1.json"
    alone.write_bytes(lone.read_bytes())
    assert next(r for r in _read(alone, meta_app="instagram") if isinstance(r, SourceRec)).app == "instagram"
    texts = [r.text for r in _read(alone) if isinstance(r, MessageRec)]
    assert "看这个 👀" in texts


def test_the_older_layout_and_the_end_to_end_encrypted_download(tmp_path):
    old = mf.facebook_download(tmp_path / "old", newer=False)
    assert any(isinstance(r, MessageRec) and r.text == "Hi 😀" for r in _read(old))
    e2ee = mf.e2ee_chat(tmp_path / "anna.json")
    recs = _read(e2ee)
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert [m.kind for m in msgs] == [MessageKind.TEXT, MessageKind.RECALLED, MessageKind.IMAGE]
    assert msgs[0].text == "加密的消息 🔒" and msgs[0].extra["reactions"][0]["emoji"] == "👍"


def test_a_damaged_file_keeps_what_came_before_and_says_where(tmp_path):
    root = mf.facebook_download(tmp_path / "dl")
    f = next((root / "your_facebook_activity").rglob("anna_123456/message_1.json"))
    data = f.read_bytes()
    f.write_bytes(data[: int(len(data) * 0.6)])
    recs = _read(root)
    bad = [r for r in recs if isinstance(r, Unparsed)]
    assert len(bad) == 1 and "message_1.json" in bad[0].location and "cut short" in bad[0].reason
    assert sum(isinstance(r, MessageRec) and r.conversation_key == "inbox/anna_123456" for r in recs) >= 5
    assert sum(isinstance(r, MessageRec) and r.conversation_key == "inbox/family_99" for r in recs) == 9


def test_an_object_that_is_not_a_message_is_kept_unparsed(tmp_path):
    p = tmp_path / "message_1.json"
    p.write_text(json.dumps({"participants": [{"name": "A"}], "messages": [
        {"sender_name": "A", "timestamp_ms": mf.T0_MS, "content": "ok"},
        {"sender_name": "A", "timestamp_ms": "yesterday", "content": "no time"}]}), encoding="utf-8")
    recs = _read(p)
    [u] = [r for r in recs if isinstance(r, Unparsed)]
    assert "timestamp" in u.reason and "no time" in u.raw


@pytest.mark.parametrize("other", ["telegram"])
def test_other_json_exports_are_not_taken_for_meta(tmp_path, other):
    from tests.import_fixtures import telegram_chat, write_telegram_folder

    chat, media = telegram_chat(with_media=False)
    folder = tmp_path / "tg"
    write_telegram_folder(folder, chat, media)
    assert registry.get("meta").detect(folder).confidence == 0


def test_the_app_imports_a_lone_instagram_file_told_which_app(qtbot, vault, tmp_path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QComboBox

    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    lone = tmp_path / "message_1.json"
    lone.write_bytes(next(mf.instagram_download(tmp_path / "ig").rglob("message_1.json")).read_bytes())
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(lone)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    assert "Messenger / Instagram" in dlg.findChild(QComboBox, "formatChoice").currentText()
    app = dlg.findChild(QComboBox, "field_meta_app")
    assert app.isVisibleTo(dlg) and app.currentText() == "Automatic"
    app.setCurrentIndex(app.findData("instagram"))
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    conn = vault.connect(readonly=True)
    assert [r[0] for r in conn.execute("SELECT app FROM sources")] == ["instagram"]
    conn.close()
    win.close()
