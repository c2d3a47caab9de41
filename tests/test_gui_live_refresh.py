"""Live refresh: a `chatvault import` run in a terminal while the app is open shows up in the open
window within seconds (new chat in the list, new messages in the open conversation, badges), with
no lock and unlock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import PASSPHRASE, run_cli
from tests.import_fixtures import big_whatsapp


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def test_an_import_from_another_process_appears_without_unlocking(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.gui.main_window import MainWindow
    from chatvault.ingest.engine import run_import

    run_import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 50))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    fam = next(c for c in win.chat_model.rows if c["display"] == "Family")
    win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(win.chat_model.row_of(fam["id"]))))
    qtbot.waitUntil(lambda: fam["fresh"] == 0, timeout=5000)          # read: it is open at its end
    shown_before = win.messages.model_.rowCount()
    qtbot.waitUntil(lambda: win.read_markers.op is not None and not win.read_markers.op.running, timeout=5000)
    qtbot.wait(1800)                  # a poll cycle: the window's own marker write recounts, it does not reload
    assert win.live_refresh.reloads == 0
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    for name, n in (("Family", 80), ("Trip", 12)):                    # 30 more in the open chat, a new chat
        r = run_cli("import", str(big_whatsapp(tmp_path / f"WhatsApp Chat with {name}.txt", n)), env=env)
        assert r.returncode == 0, r.stderr
    t0 = time.monotonic()
    qtbot.waitUntil(lambda: any(c["display"] == "Trip" for c in win.chat_model.rows), timeout=10_000)
    seen_after = time.monotonic() - t0
    trip = next(c for c in win.chat_model.rows if c["display"] == "Trip")
    qtbot.waitUntil(lambda: trip["fresh"] == 12, timeout=5000)        # its badge: all unread
    # the open conversation shows the 30 new messages (the user was at its end) and they count as read
    qtbot.waitUntil(lambda: win.messages.model_.rowCount() == shown_before + 30, timeout=10_000)
    assert win.current_conv["display"] == "Family" and win.vault is vault
    qtbot.waitUntil(lambda: next(c for c in win.chat_model.rows if c["display"] == "Family")["fresh"] == 0,
                    timeout=5000)
    assert seen_after < 5.0, seen_after
    win.close()
