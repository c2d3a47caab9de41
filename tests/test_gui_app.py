"""App-level behaviour: one instance per vault (a second launch raises the first window), translations
compiled on demand into the cache when `make translations` was skipped, and the tray-less close."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtNetwork import QLocalServer


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def test_second_launch_raises_the_running_window(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.app import _raise_running, _server_name

    name = _server_name(tmp_path / "vault")
    assert name == _server_name(tmp_path / "vault") and name != _server_name(tmp_path / "other")
    assert not _raise_running(name)  # nobody is running yet
    QLocalServer.removeServer(name)
    server = QLocalServer()
    assert server.listen(name)
    got = []

    def on_connection() -> None:
        conn = server.nextPendingConnection()
        conn.readyRead.connect(lambda: got.append(bytes(conn.readAll())))

    server.newConnection.connect(on_connection)
    assert _raise_running(name)
    qtbot.waitUntil(lambda: bool(got), timeout=3000)
    assert got[0].startswith(b"raise")
    server.close()


def test_translations_compile_into_the_cache_when_not_built(qapp, tmp_path: Path, monkeypatch) -> None:
    from chatvault.gui import i18n

    ts_dir = tmp_path / "translations"
    ts_dir.mkdir()
    (ts_dir / "chatvault_zh_CN.ts").write_bytes((i18n.TS_DIR / "chatvault_zh_CN.ts").read_bytes())
    monkeypatch.setattr(i18n, "TS_DIR", ts_dir)
    monkeypatch.setattr(i18n.platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path / "cache"))
    path = i18n.qm_path("zh_CN")
    assert path is not None and path.parent == tmp_path / "cache" / "translations" and path.exists()
    assert i18n.set_language("zh_CN") == "zh_CN"
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("Time", "Yesterday") == "昨天"
    i18n.set_language("en")
    assert QCoreApplication.translate("Time", "Yesterday") == "Yesterday"


def test_without_a_tray_closing_the_window_quits_and_locks(qtbot, vault) -> None:
    from chatvault.gui.main_window import MainWindow

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    assert not win.tray.available()  # offscreen: no system tray, like stock GNOME
    win.close()
    assert not win.isVisible() and vault.is_locked and win.vault is None


class _MemoryKeyring:
    """A stand-in OS credential store (the container has none); same interface as keyring's backends."""

    priority = 5

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.store.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.store[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        self.store.pop((service, user), None)


def test_keyring_remembers_and_unlocks_at_once(qtbot, vault, monkeypatch) -> None:
    import keyring

    from chatvault.gui.dialogs.unlock import UnlockDialog
    from tests.conftest import PASSPHRASE

    kr = _MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: kr)
    vault.lock()
    dlg = UnlockDialog(vault.path)
    qtbot.addWidget(dlg)
    assert not dlg.remember.isHidden() and not dlg.remember.isChecked()
    dlg.remember.setChecked(True)
    dlg.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dlg.unlock_finished, timeout=30_000):
        dlg.unlock()
    assert dlg.vault is not None and list(kr.store.values()) == [PASSPHRASE]
    dlg.vault.lock()
    # Next start: the remembered passphrase is used as soon as the dialog shows.
    dlg2 = UnlockDialog(vault.path)
    qtbot.addWidget(dlg2)
    with qtbot.waitSignal(dlg2.unlock_finished, timeout=30_000) as sig:
        dlg2.show()
    assert sig.args == [True] and dlg2.vault is not None
    dlg2.vault.lock()
    # A stale remembered passphrase is forgotten with a sentence, nothing else changes.
    kr.store[next(iter(kr.store))] = "old passphrase"
    dlg3 = UnlockDialog(vault.path)
    qtbot.addWidget(dlg3)
    with qtbot.waitSignal(dlg3.unlock_finished, timeout=30_000) as sig:
        dlg3.show()
    assert sig.args == [False] and "keyring" in dlg3.error.text() and kr.store == {}


def test_no_keyring_no_checkbox(qtbot, vault) -> None:
    from chatvault.gui.dialogs.unlock import UnlockDialog

    vault.lock()
    dlg = UnlockDialog(vault.path)
    qtbot.addWidget(dlg)
    assert dlg.remember.isHidden()  # the container has only keyring's "fail" backend


def test_unexpected_error_is_a_sentence_with_diagnostics(qtbot, qapp, monkeypatch, tmp_path: Path) -> None:
    import sys

    from PySide6.QtWidgets import QMessageBox

    from chatvault.gui import app as app_mod

    shown = []

    def fake_exec(box) -> int:
        shown.append((box.text(), box.detailedText(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    old = sys.excepthook
    try:
        app_mod._install_crash_handler(qapp)
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    text, details, buttons = shown[0]
    assert "unexpected problem" in text and "Traceback" not in text
    assert "boom in a slot" in details
    assert "Copy diagnostics" in buttons and "Open log folder" in buttons


def test_window_state_is_remembered(qtbot, vault) -> None:
    from chatvault.gui.main_window import MainWindow
    from chatvault.vault.vault import open_vault
    from tests.conftest import PASSPHRASE

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.resize(760, 700)              # inside the offscreen screen (800 wide): restoreGeometry keeps it as is
    win.split.setSizes([300, 400])
    sizes = win.split.sizes()
    win.close()
    again = MainWindow(open_vault(vault.path, PASSPHRASE))
    qtbot.addWidget(again)
    again.show()
    assert again.split.sizes()[0] == sizes[0] and abs(again.width() - 760) <= 60  # offscreen frame margins
    again.close()
