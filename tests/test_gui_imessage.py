"""Importing a copied Mac Messages folder from the app: the dialog recognises it, asks for nothing
secret, explains how macOS lets the folder be copied (Full Disk Access), in Chinese too, and imports
it. Real widgets, a real chat.db fixture, a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from tests import imessage_corpus as K

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture
def win(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _open(qtbot, win, path: Path):
    dlg = win.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    return dlg


def test_a_messages_folder_is_explained_and_imports_without_a_secret(qtbot, win, tmp_path: Path) -> None:
    corpus = K.build(tmp_path / "Messages", 60, "15")
    dlg = _open(qtbot, win, corpus.root)
    note = dlg.findChild(QLabel, "formatNote")
    assert note.isVisible() and "Full Disk Access" in note.text() and "~/Library/Messages" in note.text()
    assert dlg.panel.summary.text().startswith("iMessage / SMS (Mac Messages folder)")
    visible_inputs = [e for e in dlg.findChildren(QLineEdit) if e.isVisible() and e.echoMode() != QLineEdit.EchoMode.Normal]
    assert not visible_inputs                                   # nothing secret is asked
    assert dlg.start_button.isEnabled()
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert sig.args[0] is not None
    conn = win.vault.connect(readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(corpus.messages)
    finally:
        conn.close()
    qtbot.waitUntil(lambda: K.GROUP_NAME in {c["display"] for c in win.chat_model.rows}, timeout=30_000)


def test_the_note_speaks_chinese(qtbot, win, tmp_path: Path) -> None:
    from chatvault.gui import i18n

    corpus = K.build(tmp_path / "Messages", 12, "15")
    assert i18n.set_language("zh_CN") == "zh_CN"
    try:
        dlg = _open(qtbot, win, corpus.root)
        note = dlg.findChild(QLabel, "formatNote")
        assert note.isVisible() and "完全磁盘访问权限" in note.text()
        assert dlg.panel.summary.text().startswith("iMessage / 短信（Mac“信息”文件夹）")
        dlg.reject()
    finally:
        i18n.set_language("en")
