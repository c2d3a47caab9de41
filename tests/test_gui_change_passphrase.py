"""Settings → "Change passphrase…" walked through the real dialogs, each outcome checked by opening
the vault again with the core: success (only the new passphrase opens it), a wrong current
passphrase, a failed header write and a cancel (the old one still opens it, the new one does not)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.conftest import PASSPHRASE

NEW = "seven lanterns drift over the quiet harbour"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def dialog(qtbot, vault):
    """The window's Settings dialog, its "Change passphrase…" button clicked."""
    from chatvault.gui.dialogs.change_passphrase import ChangePassphraseDialog
    from chatvault.gui.dialogs.settings import SettingsDialog
    from chatvault.gui.main_window import MainWindow

    win = MainWindow(vault)
    qtbot.addWidget(win)
    settings = SettingsDialog(win)
    qtbot.addWidget(settings)
    settings.show()
    assert settings.change_passphrase_button.isEnabled()
    qtbot.mouseClick(settings.change_passphrase_button, Qt.MouseButton.LeftButton)
    dlg = settings.findChild(ChangePassphraseDialog)
    assert dlg is not None and dlg.isVisible()
    dlg.settings = settings
    yield dlg
    win.close()


def _opens(path: Path, passphrase: str) -> bool:
    from chatvault.errors import WrongPassphrase
    from chatvault.vault.vault import open_vault

    try:
        open_vault(path, passphrase).lock()
        return True
    except WrongPassphrase:
        return False


def _fill(dlg, old: str, new: str = NEW) -> None:
    dlg.old.setText(old)
    dlg.fields.passphrase.setText(new)
    dlg.fields.repeat.setText(new)


def test_change_passphrase_from_settings(qtbot, dialog, vault) -> None:
    dlg = dialog
    _fill(dlg, PASSPHRASE, "abc123")                 # the same strength floor as at creation
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    assert "too easy" in dlg.error.text() and dlg.op is None
    assert dlg.fields.strength.value() <= 1
    _fill(dlg, PASSPHRASE)
    assert dlg.fields.strength.value() >= 3
    with qtbot.waitSignal(dlg.accepted, timeout=30_000):
        qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
        assert dlg.busy.isVisible() and not dlg.change_button.isEnabled()   # the KDF runs off the UI thread
    assert dlg.changed and "changed" in dlg.settings.passphrase_note.text()
    vault.lock()
    assert _opens(vault.path, NEW) and not _opens(vault.path, PASSPHRASE)


def test_wrong_current_passphrase_changes_nothing(qtbot, dialog, vault) -> None:
    dlg = dialog
    before = (vault.path / "vault.json").read_bytes()
    _fill(dlg, "not the passphrase")
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.op.running, timeout=30_000)
    assert "current passphrase is wrong" in dlg.error.text() and dlg.isVisible() and not dlg.changed
    assert (vault.path / "vault.json").read_bytes() == before
    vault.lock()
    assert _opens(vault.path, PASSPHRASE) and not _opens(vault.path, NEW)


def test_failed_header_write_keeps_the_old_passphrase(qtbot, dialog, vault, monkeypatch) -> None:
    from chatvault import faults

    dlg = dialog
    monkeypatch.setenv("CHATVAULT_FAULT", "header.before_rename:1:oserror")
    faults.reset()
    _fill(dlg, PASSPHRASE)
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.op.running, timeout=30_000)
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()
    assert "not changed" in dlg.error.text() and "old one still opens" in dlg.error.text(), dlg.error.text()
    assert dlg.isVisible() and dlg.change_button.isEnabled() and not dlg.changed
    vault.lock()
    assert _opens(vault.path, PASSPHRASE) and not _opens(vault.path, NEW)


def test_cancel_during_the_key_derivation_keeps_the_old_passphrase(qtbot, dialog, vault, monkeypatch) -> None:
    from chatvault import faults

    dlg = dialog
    monkeypatch.setenv("CHATVAULT_FAULT", "passwd.before_write:1:sleep=1.0")   # a slow machine's KDF
    faults.reset()
    _fill(dlg, PASSPHRASE)
    with qtbot.waitSignal(dlg.rejected, timeout=30_000):
        qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
        qtbot.wait(200)
        qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
        assert dlg.isVisible()                 # it waits for the worker: nothing is left half done
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()
    assert not dlg.changed
    vault.lock()
    assert _opens(vault.path, PASSPHRASE) and not _opens(vault.path, NEW)
