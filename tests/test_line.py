"""LINE chat history text (issue #23 item 2): the same chat saved in Japanese, English, Chinese,
Korean, Thai (Buddhist years), German, by the phone apps (tabs, 12-hour clocks, quoted multi-line
messages) and the desktop app (spaces, 24-hour): same messages, UTC times, kinds and senders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationRec, MessageKind, MessageRec, SourceRec, Unparsed
from tests import line_fixtures as lf


def _read(path: Path) -> list:
    return list(registry.get("line").read(path, ImportOptions(options={"tz": "Asia/Tokyo"}), JobContext()))


@pytest.mark.parametrize("code", sorted(lf.LANGS))
@pytest.mark.parametrize("desktop", [False, True])
def test_every_language_and_app_gives_the_same_messages(tmp_path, code, desktop):
    path = lf.write(tmp_path / f"[LINE] Mika-{code}.txt", code, desktop=desktop)
    assert registry.detect(path)[0][0].name == "line"
    recs = _read(path)
    assert not [r for r in recs if isinstance(r, Unparsed)]
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert len(msgs) == len(lf.CHAT)
    tokyo = [datetime(t.year, t.month, t.day, t.hour, t.minute, tzinfo=UTC).timestamp() - 9 * 3600
             for t, _w, _x in lf.CHAT]
    assert [m.ts.timestamp() for m in msgs] == tokyo               # midnight and noon read right
    kinds = [m.kind for m in msgs]
    assert kinds == [MessageKind.TEXT, MessageKind.TEXT, MessageKind.IMAGE, MessageKind.STICKER, MessageKind.TEXT,
                     MessageKind.RECALLED, MessageKind.CALL, MessageKind.CALL, MessageKind.TEXT]
    assert msgs[4].text == "line one\nline two" and msgs[8].text == 'she said "hi"'
    assert msgs[5].sender_name == "Ken" and msgs[6].extra["outcome"] == "missed"
    assert msgs[7].extra["duration_seconds"] == 65
    assert all(not m.tz_known for m in msgs)
    src = next(r for r in recs if isinstance(r, SourceRec))
    conv = next(r for r in recs if isinstance(r, ConversationRec))
    if not desktop:
        assert conv.title == "Mika" and src.me_name == "Ken"       # the title is the other person


def test_a_later_save_adds_only_what_is_new_and_stray_text_is_kept(vault, tmp_path):
    first = lf.write(tmp_path / "[LINE] Mika.txt", "en")
    r1 = run_import(vault, first, options=ImportOptions(options={"tz": "UTC"}))
    assert r1.added == len(lf.CHAT) and r1.unparsed == 0
    later = tmp_path / "later" / "[LINE] Mika.txt"
    later.parent.mkdir()
    later.write_text(first.read_text(encoding="utf-8") + "9:10 PM\tKen\tgood night\r\n", encoding="utf-8")
    r2 = run_import(vault, later, options=ImportOptions(options={"tz": "UTC"}))
    assert r2.added == 1 and r2.already_present == len(lf.CHAT)
    odd = tmp_path / "odd" / "[LINE] Mika.txt"
    odd.parent.mkdir()
    odd.write_text("[LINE] Chat history with Mika\r\nstray words before any day\r\n"
                   + "\r\n".join(first.read_text(encoding="utf-8").splitlines()[3:]), encoding="utf-8")
    recs = _read(odd)
    [u] = [r for r in recs if isinstance(r, Unparsed)]
    assert u.raw == "stray words before any day" and u.location.endswith(":2")


def test_other_text_exports_are_not_line(tmp_path):
    from tests.import_fixtures import simple_chat, write_txt

    wa = write_txt(tmp_path / "WhatsApp Chat with A.txt", simple_chat(5))
    assert registry.get("line").detect(wa).confidence == 0


def test_the_app_imports_a_line_file_in_the_zone_chosen(qtbot, vault, tmp_path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QComboBox, QLabel

    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    path = lf.write(tmp_path / "[LINE] Mika.txt", "ja")
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    assert "LINE" in dlg.findChild(QComboBox, "formatChoice").currentText()
    tz = dlg.findChild(QComboBox, "timeZone")
    assert tz.isVisibleTo(dlg) and "LINE" in dlg.findChild(QLabel, "timeZoneHelp").text()
    tz.setCurrentText("Asia/Tokyo")
    qtbot.waitUntil(lambda: dlg.panels[0].importable() and dlg.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    conn = vault.connect(readonly=True)
    first = conn.execute("SELECT min(ts) FROM messages").fetchone()[0]
    conn.close()
    assert first == int(datetime(2024, 2, 12, 15, 5, tzinfo=UTC).timestamp() * 1000)   # 00:05 in Tokyo
    win.close()
