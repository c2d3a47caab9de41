"""The unlock dialog walked as a user: a wrong passphrase + Enter stays in passphrase mode with the
whole error visible; only the link switches to the recovery key; after a recovery-key unlock the
window offers a new passphrase, and the new one opens the vault afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def _locked_window(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.locked, timeout=5000):
        win.lock()
    qtbot.waitUntil(lambda: win.unlock_dialog is not None and win.unlock_dialog.isVisible(), timeout=3000)
    return win, win.unlock_dialog


def test_wrong_passphrase_and_enter_stays_in_passphrase_mode(qtbot, vault) -> None:
    win, dlg = _locked_window(qtbot, vault)
    field = dlg.findChild(QLineEdit, "passphrase")
    error = dlg.findChild(QLabel, "unlockError")
    assert field is dlg.passphrase and error is dlg.error
    dlg.activateWindow()
    field.setFocus()
    qtbot.keyClicks(field, "not my passphrase")
    with qtbot.waitSignal(dlg.unlock_finished, timeout=30_000) as sig:
        QTest.keyClick(field, Qt.Key.Key_Return)
        QTest.keyClick(QApplication.focusWidget() or field, Qt.Key.Key_Return)   # an impatient second Enter
    assert sig.args == [False]
    qtbot.wait(50)
    # still asking for the passphrase, the typed text selected for retyping, the focus in the field
    assert not dlg.use_recovery and field.echoMode() == QLineEdit.EchoMode.Password
    assert field.hasSelectedText() and field.selectedText() == "not my passphrase"
    assert QApplication.focusWidget() is field
    text = error.text()
    assert "Wrong passphrase" in text and "nothing was changed" in text and "recovery key" in text
    # the whole error shows: it wraps, and the label got the height its lines need
    assert error.isVisible() and error.wordWrap()
    assert error.height() >= error.heightForWidth(error.width()) > error.fontMetrics().height()
    assert error.geometry().bottom() <= dlg.pages.currentWidget().height()
    # Enter again retries the passphrase; it never switches modes
    with qtbot.waitSignal(dlg.unlock_finished, timeout=30_000):
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert not dlg.use_recovery
    # the explicit link is the only way into recovery-key mode
    qtbot.mouseClick(dlg.mode_button, Qt.MouseButton.LeftButton)
    assert dlg.use_recovery and field.echoMode() == QLineEdit.EchoMode.Normal
    qtbot.mouseClick(dlg.mode_button, Qt.MouseButton.LeftButton)
    field.setText(PASSPHRASE)
    with qtbot.waitSignal(win.unlocked, timeout=30_000):
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert win.vault is not None
    win.close()


def test_recovery_key_unlock_offers_a_new_passphrase_end_to_end(qtbot, vault_and_key) -> None:
    from chatvault.errors import WrongPassphrase
    from chatvault.vault.vault import open_vault

    vault, key = vault_and_key
    win, dlg = _locked_window(qtbot, vault)
    qtbot.mouseClick(dlg.mode_button, Qt.MouseButton.LeftButton)
    dlg.passphrase.setText(key)
    with qtbot.waitSignal(dlg.unlock_finished, timeout=30_000):
        qtbot.mouseClick(dlg.unlock_button, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 1 and win.vault is None      # the offer comes first
    new = "a quiet harbour full of herons"
    dlg.new_fields.passphrase.setText(new)
    dlg.new_fields.repeat.setText(new)
    with qtbot.waitSignal(win.unlocked, timeout=30_000):
        qtbot.mouseClick(dlg.set_button, Qt.MouseButton.LeftButton)
    assert win.vault is not None and win.chat_list.isVisible()
    win.close()                                   # locks
    open_vault(vault.path, new).lock()
    with pytest.raises(WrongPassphrase):
        open_vault(vault.path, PASSPHRASE)
