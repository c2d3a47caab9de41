"""Issue #18 item 7 (drop part): several exports dropped on the window (or chosen together) are one
job with one report, each asked its own questions up front; the window highlights while dragged
over; Cancel stops the queue cleanly. Real widgets, real zips and exports, a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit

from tests import wechat_fixtures as wf
from tests.import_fixtures import big_whatsapp, simple_chat, telegram_chat, write_telegram_folder, write_zip


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def win(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drag_enter(win, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, event)
    return event


def _drop(win, mime: QMimeData) -> None:
    QApplication.sendEvent(win, QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def _overlay(win):
    from chatvault.gui.drop_overlay import DropOverlay

    return win.findChild(DropOverlay, "dropOverlay")


def _two_exports(tmp_path: Path) -> tuple[Path, Path]:
    wa = write_zip(tmp_path / "WhatsApp Chat with Carol.zip", "WhatsApp Chat with Carol.txt",
                   simple_chat(6, senders=("Carol", "Dan")), {})
    chat, media = telegram_chat()
    tg = write_telegram_folder(tmp_path / "tg", chat, media).parent
    return wa, tg


def test_drag_highlights_the_window_and_clears_on_leave_and_drop(qtbot, win, tmp_path: Path) -> None:
    wa, _tg = _two_exports(tmp_path)
    mime = _mime(wa)
    assert _drag_enter(win, mime).isAccepted()
    overlay = _overlay(win)
    assert overlay is not None and overlay.isVisible() and overlay.label.text() == "Drop to import"
    assert overlay.geometry() == win.rect()                       # over the whole window, on top
    QApplication.sendEvent(win, QDragLeaveEvent())
    assert not overlay.isVisible()
    _drag_enter(win, mime)
    assert overlay.isVisible()
    _drop(win, mime)
    assert not overlay.isVisible() and win.imports.dialog is not None
    win.imports.dialog.reject()


def test_two_dropped_exports_are_one_job_with_one_report(qtbot, win, tmp_path: Path) -> None:
    wa, tg = _two_exports(tmp_path)
    mime = _mime(wa, tg)
    _drag_enter(win, mime)
    _drop(win, mime)
    dlg = win.imports.dialog
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    # Both are listed, each with what it holds and its own "which name is me".
    assert [p.path for p in dlg.panels] == [wa, tg]
    assert [p.preview["format"] for p in dlg.panels] == ["whatsapp", "telegram"]
    assert dlg.panels[0].findChild(QLineEdit, "wechatKey").isVisibleTo(dlg) is False
    dlg.panels[0].me.setEditText("Dan")
    dlg.panels[1].me.setCurrentIndex(dlg.panels[1].me.findData("Bob"))
    assert "2 exports will be imported as one job" in dlg.sources_title.text()
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    rep = sig.args[0]
    assert [r.status for r in rep.results] == ["added", "added"]
    assert rep.added == 6 + rep.results[1].report.added and rep.results[1].report.added > 10
    table = dlg.report_table
    assert table.isVisibleTo(dlg) and table.rowCount() == 2
    assert [table.item(r, 0).text() for r in range(2)] == [wa.name, tg.name]
    assert [table.item(r, 1).text() for r in range(2)] == ["Added", "Added"]
    assert table.item(0, 2).text() == "6"
    titles = {c["display"] for c in win.chat_model.rows}
    assert "Hiking club" in titles and any("Carol" in t for t in titles), titles
    assert not [t for t in dlg.shown_texts() if "--" in t]
    dlg.close()
    # The same two again: one report, both "already present".
    mime = _mime(wa, tg)
    _drag_enter(win, mime)
    _drop(win, mime)
    dlg = win.imports.dialog
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert [r.status for r in sig.args[0].results] == ["present", "present"]
    assert [dlg.report_table.item(r, 1).text() for r in range(2)] == ["Already present", "Already present"]
    dlg.close()


def test_each_source_is_asked_its_own_values_and_a_bad_one_is_reported_not_dropped(
        qtbot, win, tmp_path: Path, monkeypatch) -> None:
    """Chosen together in the file dialog: a WeChat folder needing its key, a WhatsApp chat, and a file
    that is no export. The key is asked next to the WeChat source; the report lists all three."""
    wa, _tg = _two_exports(tmp_path)
    wechat = wf.build_pc_folder(tmp_path / "pc").root
    junk = tmp_path / "notes.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(wechat), str(wa), str(junk)], "")))
    win.imports.choose()
    dlg = win.imports.dialog
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    assert len(dlg.panels) == 3
    key = dlg.panels[0].findChild(QLineEdit, "wechatKey")
    assert key.isVisibleTo(dlg) and not dlg.panels[1].findChild(QLineEdit, "wechatKey").isVisibleTo(dlg)
    assert not dlg.start_button.isEnabled() and "in red" in dlg.start_hint.text()
    told = dlg.panels[2].findChild(QLabel, "formatChoiceError")        # next to the list that could override
    assert dlg.panels[2].failed() and told.isVisibleTo(dlg) and "not an export" in told.text()
    qtbot.keyClicks(key, wf.KEY_HEX)
    assert dlg.start_button.isEnabled() and "1 of 3 exports cannot be imported" in dlg.start_hint.text()
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    rep = sig.args[0]
    assert [r.status for r in rep.results] == ["added", "added", "failed"]
    assert rep.results[0].report.added == 35
    reason = dlg.report_table.item(2, 1).text()
    assert reason.startswith("Failed: ") and "not an export ChatVault recognises" in reason and "--" not in reason
    assert "some parts that could not be read" in dlg.report_title.text()
    dlg.close()


def test_cancel_stops_the_queue_cleanly(qtbot, win, tmp_path: Path) -> None:
    big = big_whatsapp(tmp_path / "WhatsApp Chat with Big.txt", 80_000)
    wa, _tg = _two_exports(tmp_path)
    mime = _mime(big, wa)
    _drag_enter(win, mime)
    _drop(win, mime)
    dlg = win.imports.dialog
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    dlg.panels[0].me.setEditText("Alice")
    dlg.panels[1].me.setEditText("Dan")
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    op = win.imports.op
    qtbot.waitUntil(lambda: op.snapshot().items_done > 0
                    and dlg.progress_title.text() == "Importing 1 of 2: WhatsApp Chat with Big.txt", timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=10_000) as sig:
        qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
    rep = sig.args[0]
    assert rep.cancelled and [r.status for r in rep.results] == ["cancelled", "not_started"]
    assert "cancelled" in dlg.report_title.text()
    assert [dlg.report_table.item(r, 1).text() for r in range(2)] == [
        "Stopped by Cancel (what was imported is kept)", "Not started (cancelled)"]
    conn = win.vault.connect(readonly=True)
    try:
        kept = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM conversations WHERE title LIKE '%Carol%'").fetchone()[0]
    finally:
        conn.close()
    assert kept == rep.results[0].report.added and runs == 0      # what committed stays; the second never ran
    dlg.close()


def test_a_source_can_be_left_out_and_locking_closes_the_dialog_with_its_keys(
        qtbot, win, tmp_path: Path, monkeypatch) -> None:
    from chatvault.gui.dialogs.unlock import UnlockDialog

    wa, _tg = _two_exports(tmp_path)
    wechat = wf.build_pc_folder(tmp_path / "pc").root
    dlg = win.imports.start_many([wechat, wa])
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    include = dlg.panels[0].include
    assert include.isVisibleTo(dlg) and not dlg.start_button.isEnabled()      # the WeChat key is missing
    include.setChecked(False)                                                 # no key at hand: leave it out
    assert dlg.start_button.isEnabled() and not dlg.panels[0].body.isEnabled()
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert [r.status for r in sig.args[0].results] == ["left_out", "added"]
    assert [dlg.report_table.item(r, 1).text() for r in range(2)] == ["Left out", "Added"]
    assert dlg.report_title.text() == "Import finished"
    dlg.close()
    # A key typed in an open dialog does not outlive a lock.
    dlg = win.imports.start_many([wechat])
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    key = dlg.findChild(QLineEdit, "wechatKey")
    qtbot.keyClicks(key, wf.KEY_HEX)
    assert key.echoMode() == QLineEdit.EchoMode.PasswordEchoOnEdit
    monkeypatch.setattr(UnlockDialog, "open", lambda self: None)
    win.lock()
    assert not dlg.isVisible() and key.text() == ""


def test_an_export_dropped_on_an_open_dialog_joins_its_job(qtbot, win, tmp_path: Path) -> None:
    wa, tg = _two_exports(tmp_path)
    for path in (wa, tg, wa):                       # the second drop joins; the same export again is not doubled
        mime = _mime(path)
        _drag_enter(win, mime)
        _drop(win, mime)
    dlg = win.imports.dialog
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1 and all(p.preview for p in dlg.panels), timeout=60_000)
    assert [p.path for p in dlg.panels] == [wa, tg] and dlg.windowTitle() == "Import 2 exports"
    assert all(p.include.isVisibleTo(dlg) for p in dlg.panels)
    dlg.reject()


def test_a_dialog_closed_while_reading_does_not_hold_up_the_next(qtbot, win, tmp_path: Path) -> None:
    big = big_whatsapp(tmp_path / "WhatsApp Chat with Big.txt", 60_000)
    wa, _tg = _two_exports(tmp_path)
    first = win.imports.start_many([big])
    first.close()                                  # changed their mind while it was being read
    dlg = win.imports.start_many([wa])
    assert dlg is not first
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1 and dlg.preview is not None, timeout=30_000)
    assert dlg.preview["messages"] == 6 and dlg.start_button.isEnabled()
    dlg.reject()
