"""`make run` opens a window: the first window is the create-vault dialog, then the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def test_first_run_shows_create_dialog(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.app import start

    dialog = start(tmp_path / "new-vault")
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "createVaultDialog"


def test_existing_vault_shows_unlock_then_main_window(qtbot, vault) -> None:
    from chatvault.gui.app import start
    from chatvault.gui.main_window import MainWindow

    vault.lock()
    dialog = start(vault.path)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "unlockDialog"
    header_before = (vault.path / "vault.json").read_bytes()
    dialog.passphrase.setText("wrong")
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [False]
    assert dialog.vault is None and "Wrong passphrase" in dialog.error.text()
    assert "recovery key" in dialog.error.text()
    assert (vault.path / "vault.json").read_bytes() == header_before  # nothing changed
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True]
    assert dialog.vault is not None
    win = MainWindow(dialog.vault)
    qtbot.addWidget(win)
    win.show()
    assert win.isVisible()
    win.close()


def test_unlock_with_recovery_key(qtbot, vault_and_key) -> None:
    from chatvault.gui.dialogs.unlock import UnlockDialog

    vault, key = vault_and_key
    vault.lock()
    dialog = UnlockDialog(vault.path)
    qtbot.addWidget(dialog)
    dialog.toggle_mode()
    typo = key[:-1] + ("0" if key[-1] != "0" else "1")
    dialog.passphrase.setText(typo)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000):
        dialog.unlock()
    assert dialog.vault is None and "Group 8" in dialog.error.text()
    dialog.passphrase.setText(key.lower())
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True] and dialog.vault is not None
    dialog.vault.lock()


def test_run_gui_first_run_to_main_window_and_quit(qtbot, tmp_path: Path, monkeypatch) -> None:
    """What `make run` does on a fresh machine: create the vault, land in the main window, quit."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the log file goes here
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))    # the single-instance lock
    (tmp_path / "run").mkdir(mode=0o700)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from chatvault.gui.app import run_gui

    seen: list[str] = []

    def poke() -> None:
        for w in QApplication.topLevelWidgets():
            if not w.isVisible():
                continue
            seen.append(w.objectName())
            if w.objectName() == "createVaultDialog" and w.pages.currentIndex() == 0:
                w.passphrase.setText(PASSPHRASE)
                w.repeat.setText(PASSPHRASE)
                w.create()
                w._to_confirm()
                groups = w.recovery_key.split("-")
                w.confirm_a.setText(groups[w.confirm_groups[0]])
                w.confirm_b.setText(groups[w.confirm_groups[1]])
                w.finish()
                return QTimer.singleShot(200, poke)
            if w.objectName() == "mainWindow":
                w.quit()
                return None
        QTimer.singleShot(200, poke)

    QTimer.singleShot(200, poke)
    assert run_gui(["--vault", str(tmp_path / "vault")]) == 0
    assert seen[0] == "createVaultDialog" and "mainWindow" in seen
    assert (tmp_path / "vault" / "vault.json").exists()
