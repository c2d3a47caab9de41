"""`make run` opens a window: the first window is the create-vault dialog, then the main window."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSPHRASE


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
    dialog.passphrase.setText("wrong")
    dialog.unlock()
    assert dialog.vault is None and "Wrong passphrase" in dialog.error.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock()
    assert dialog.vault is not None
    win = MainWindow(dialog.vault)
    qtbot.addWidget(win)
    win.show()
    assert win.isVisible()
