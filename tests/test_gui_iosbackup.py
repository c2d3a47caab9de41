"""The import dialog with an encrypted iPhone backup: it asks for the backup password (hidden, with
help on where it was set), says at the field when it is missing or wrong, and imports once it is right."""

from __future__ import annotations

import pytest

from tests import wa_ios_fixtures as F
from tests.iosbackup_fixtures import PASSWORD, BackupBuilder


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def test_the_import_dialog_asks_for_the_backup_password(qtbot, vault, tmp_path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel, QLineEdit

    from chatvault.gui.main_window import MainWindow

    b = BackupBuilder(tmp_path / "Backup" / "00008030-001A2B3C4D5E802E", PASSWORD)
    F.add_whatsapp(b, tmp_path / "w", F.wa_chats(40))
    root = b.finish()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(root)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    field = dlg.findChild(QLineEdit, "field_backup_password")
    error = dlg.findChild(QLabel, "field_backup_passwordError")
    help_label = dlg.findChild(QLabel, "field_backup_passwordHelp")
    assert field.isVisibleTo(dlg) and field.echoMode() == QLineEdit.EchoMode.Password
    assert "Encrypt local backup" in help_label.text() and "Finder" in help_label.text()
    # Encrypted and nothing typed: asked for at the field, the import cannot start.
    qtbot.waitUntil(lambda: error.isVisible(), timeout=30_000)
    assert "backup password" in error.text()
    assert not dlg.start_button.isEnabled()
    # A wrong password: told at the field, naming the backup; what was typed stays.
    qtbot.keyClicks(field, "hunter2")
    qtbot.waitUntil(lambda: "does not open" in error.text(), timeout=30_000)
    assert "00008030-001A2B3C4D5E802E" in error.text() and field.text() == "hunter2"
    assert not dlg.start_button.isEnabled()
    field.clear()
    qtbot.keyClicks(field, PASSWORD)
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert {"Alice", "Family 🏡"} <= {c["display"] for c in win.chat_model.rows}
    win.close()
