"""The first screen of an empty vault walked as a new user: a welcome panel with the three ways in,
each button opening the real thing (the import dialog, the watch-folder chooser on the protection
page, a restore from a backup folder that opens the rebuilt vault in this window); the panel goes
once the vault holds a chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from tests.conftest import PASSPHRASE
from tests.import_fixtures import big_whatsapp

OLD = "the passphrase of the old laptop vault"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def empty_window(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_welcome_panel_import_and_watch(qtbot, empty_window, vault, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from chatvault.ingest.engine import run_import

    win = empty_window
    panel = win.empty_state
    assert panel.isVisible() and not win.messages.isVisible()
    labels = [b.text() for b, _hint in panel.buttons.values()]
    assert labels == ["Import an export…", "Watch a folder…", "Restore from a backup…"]
    # import: the real import dialog, on the chosen export
    export = big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 40)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(export)], ""))   # several may be chosen
    qtbot.mouseClick(panel.buttons["import"][0], Qt.MouseButton.LeftButton)
    dlg = win.imports.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.close()
    # watch a folder: the protection page and its folder chooser; the folder is then watched
    watched = tmp_path / "Downloads"
    watched.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(watched))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))  # "copy new files"
    qtbot.mouseClick(panel.buttons["watch"][0], Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.protection
    assert win.protection.watch_table.rowCount() == 1
    assert win.protection.watch_table.item(0, 0).text() == str(watched)
    win.show_page(0)
    # a chat arrives (here an import by the core): the panel gives way to the conversation
    run_import(vault, export)
    win.import_finished()
    assert not panel.isVisible() and win.messages.isVisible() and win.chat_model.rowCount() == 1


def test_restore_from_a_backup_folder_opens_it_here(qtbot, empty_window, tmp_path: Path) -> None:
    from chatvault.backup.engine import run_backup
    from chatvault.ingest.engine import run_import
    from chatvault.vault.vault import create_vault
    from tests.backup_fixtures import folder_destination

    old, _ = create_vault(tmp_path / "old-laptop", OLD)
    run_import(old, big_whatsapp(tmp_path / "WhatsApp Chat with Grandma.txt", 25))
    run_backup(old, folder_destination(old, tmp_path / "usb"))
    old.lock()
    win = empty_window
    qtbot.mouseClick(win.empty_state.buttons["restore"][0], Qt.MouseButton.LeftButton)
    dlg = win.empty_state.restore_dialog
    assert dlg.isVisible()
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert "backup folder" in dlg.error.text()                 # nothing chosen yet: said, nothing run
    dlg.backup.setText(str(tmp_path / "usb"))
    dlg.secret.setText("not it")
    dlg.folder.setText(str(tmp_path / "rebuilt"))
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.op.running, timeout=30_000)
    assert "Nothing was restored" in dlg.error.text() and dlg.start_button.isEnabled()
    dlg.secret.setText(OLD)
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.open_button.isVisible(), timeout=30_000)
    assert "Restored to" in dlg.error.text()
    qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.unlock_dialog is not None and win.unlock_dialog.isVisible(), timeout=3000)
    assert win.unlock_dialog.vault_path == tmp_path / "rebuilt"
    win.unlock_dialog.passphrase.setText(OLD)
    with qtbot.waitSignal(win.unlocked, timeout=30_000):
        QTest.keyClick(win.unlock_dialog.passphrase, Qt.Key.Key_Return)
    assert [c["display"] for c in win.chat_model.rows] == ["Grandma"] and not win.empty_state.isVisible()
    assert PASSPHRASE != OLD
