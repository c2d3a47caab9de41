"""File → "Open another vault…" and "Recent vaults" walked as a user: a folder that is not a vault is
refused before anything is locked; another vault opens in this window after the current one is
locked cleanly; the recent list is most recent first, shows a missing vault disabled and can drop it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from tests.conftest import PASSPHRASE

OTHER = "a different vault for the old phone"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def _unlock(qtbot, win, passphrase: str) -> None:
    qtbot.waitUntil(lambda: win.unlock_dialog is not None and win.unlock_dialog.isVisible(), timeout=3000)
    dlg = win.unlock_dialog
    dlg.passphrase.setText(passphrase)
    with qtbot.waitSignal(win.unlocked, timeout=30_000):
        QTest.keyClick(dlg.passphrase, Qt.Key.Key_Return)


def test_open_another_vault_and_recent_vaults(qtbot, vault, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow
    from chatvault.ingest.engine import run_import
    from chatvault.vault.vault import create_vault
    from tests.import_fixtures import big_whatsapp

    conn = vault.connect()
    demo.populate(conn)
    conn.close()
    other, _ = create_vault(tmp_path / "old-phone", OTHER)
    run_import(other, big_whatsapp(tmp_path / "WhatsApp Chat with Old Phone.txt", 15))
    other.lock()
    gone, _ = create_vault(tmp_path / "gone", OTHER)
    gone.lock()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    sw = win.vault_switcher
    assert sw.switch_to(gone.path) is True             # remembered once, then removed from the disk
    _unlock(qtbot, win, OTHER)
    assert sw.switch_to(vault.path) is True
    _unlock(qtbot, win, PASSPHRASE)
    shutil.rmtree(gone.path)
    # not a vault: refused with the reason, nothing locked
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    (tmp_path / "photos").mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "photos"))
    sw.act_open.trigger()
    assert warned and "not a ChatVault vault" in warned[0] and "vault.json" in warned[0]
    first = win.vault
    assert first is not None and first.path == vault.path and not first.is_locked
    # another vault: the current one is locked, the other one's passphrase opens it here
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(other.path))
    assert "Open another vault" in sw.act_open.text() and sw.act_open.shortcut().toString()
    sw.act_open.trigger()
    assert first.is_locked and win.vault is None and win.chat_model.rowCount() == 0
    assert win.unlock_dialog.vault_path == other.path
    _unlock(qtbot, win, OTHER)
    assert [c["display"] for c in win.chat_model.rows] == ["Old Phone"]
    assert win.vault.path == other.path
    # recent vaults: most recent first, the open one checked, the missing one disabled and removable
    sw.fill_recent()
    acts = [a for a in sw.recent_menu.actions() if a.data()]
    assert [Path(a.data()) for a in acts] == [other.path, vault.path, gone.path]
    assert acts[0].isChecked() and not acts[0].isEnabled()
    assert acts[1].isEnabled() and not acts[2].isEnabled() and "not found" in acts[2].text()
    remove = next(a for a in sw.recent_menu.actions() if "Remove missing" in a.text())
    remove.trigger()
    sw.fill_recent()
    assert [Path(a.data()) for a in sw.recent_menu.actions() if a.data()] == [other.path, vault.path]
    # back to the first vault from the list
    next(a for a in sw.recent_menu.actions() if a.data() == str(vault.path)).trigger()
    _unlock(qtbot, win, PASSPHRASE)
    assert win.vault.path == vault.path and win.chat_model.rowCount() == 6
    win.close()
