"""The import dialog asks for Signal's secrets: the backup passphrase, the Desktop Safe Storage secret."""

from __future__ import annotations

import pytest

from tests import signal_backup_fixtures as B
from tests import signal_desktop_fixtures as D


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def _window(qtbot, vault, tmp_path):
    from PySide6.QtCore import QSettings

    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    return win


def _walk(qtbot, win, path, field: str, too_short: str, short_says: str, wrong: str, right: str, title: str) -> None:
    """Detected, asked for (hidden input, help), checked as typed, a wrong value told at the field, then imported."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QLineEdit

    dlg = win.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    box = dlg.findChild(QLineEdit, f"field_{field}")
    error = dlg.findChild(QLabel, f"field_{field}Error")
    assert box.isVisibleTo(dlg) and box.echoMode() == QLineEdit.EchoMode.Password
    assert dlg.findChild(QLabel, f"field_{field}Help").text()
    qtbot.waitUntil(lambda: error.isVisible(), timeout=30_000)
    assert not dlg.start_button.isEnabled()
    if too_short:
        qtbot.keyClicks(box, too_short)
        assert short_says in error.text()
        box.clear()
    qtbot.keyClicks(box, wrong)
    qtbot.waitUntil(lambda: "does not open" in error.text(), timeout=60_000)
    assert not dlg.start_button.isEnabled()
    box.clear()
    qtbot.keyClicks(box, right)
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=60_000)
    with qtbot.waitSignal(win.imports.finished, timeout=120_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert title in {c["display"] for c in win.chat_model.rows}


def test_the_dialog_asks_for_the_backup_passphrase(qtbot, vault, tmp_path):
    path = tmp_path / "signal-2024-05-01-10-00-00.backup"
    B.build_backup(path, 30)
    win = _window(qtbot, vault, tmp_path)
    _walk(qtbot, win, path, "signal_passphrase", "1234", "30 digits", "9" * 30, B.SPACED, "Alice Doe")
    win.close()


def test_the_dialog_asks_for_the_desktop_safe_storage_secret(qtbot, vault, tmp_path):
    root = tmp_path / "Signal"
    D.build_profile(root, 30, form="linux")
    win = _window(qtbot, vault, tmp_path)
    _walk(qtbot, win, root, "signal_safe_storage", "", "", "the wrong secret", D.LINUX_SECRET, "Hiking 徒步")
    win.close()
