"""Unread badges walked as a user: every chat starts with its messages unread, opening a chat at its
end reads it (the badge clears and stays cleared in the vault), a later import makes only its new
messages unread, a chat opened in its middle is read once scrolled to the end, and "Mark all as
read" in the chat list's menu clears every badge for good."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.import_fixtures import big_whatsapp


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def _import(vault, path: Path):
    from chatvault.ingest.engine import run_import

    return run_import(vault, path)


def _stored_unread(vault) -> dict[int, int]:
    from chatvault.store import readmarks

    conn = vault.connect(readonly=True)
    try:
        return readmarks.unread_counts(conn)
    finally:
        conn.close()


def _row(win, title: str) -> dict:
    return next(c for c in win.chat_model.rows if c["display"] == title)


def _open(win, title: str) -> None:
    row = win.chat_model.row_of(_row(win, title)["id"])
    win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(row)))


def test_badges_mean_unread_and_clear_when_read(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.gui.main_window import MainWindow

    _import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 400))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: _row(win, "Family")["fresh"] == 400, timeout=5000)
    fam_id = _row(win, "Family")["id"]
    # opened at its end: read, on screen at once and in the vault after the write
    _open(win, "Family")
    qtbot.waitUntil(lambda: _row(win, "Family")["fresh"] == 0, timeout=5000)
    qtbot.waitUntil(lambda: fam_id not in _stored_unread(vault), timeout=5000)
    # a later import: only what it added is unread
    _import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 460))
    win.show_page(1)                   # the user is on the search page: nothing is on screen to read
    win.import_finished()
    qtbot.waitUntil(lambda: _row(win, "Family")["fresh"] == 60, timeout=5000)
    assert _stored_unread(vault)[fam_id] == 60
    # opened in the middle (a search hit): not read until scrolled to the end
    win.show_page(0)
    old = win.store.messages_page(fam_id, after=(0, 0), limit=100)[-1]
    win.open_message(fam_id, old["id"])
    qtbot.wait(100)
    assert _row(win, "Family")["fresh"] == 60 and not win.messages.model_.at_end
    bar = win.messages.verticalScrollBar()

    def scroll_down() -> bool:
        bar.setValue(bar.maximum())
        return win.messages.model_.at_end and bar.value() == bar.maximum()

    qtbot.waitUntil(scroll_down, timeout=10_000)
    qtbot.waitUntil(lambda: _row(win, "Family")["fresh"] == 0, timeout=5000)
    qtbot.waitUntil(lambda: fam_id not in _stored_unread(vault), timeout=5000)
    win.close()


def test_mark_all_as_read_from_the_chat_list_menu(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.gui.main_window import MainWindow

    _import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 30))
    _import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Trip.txt", 20, seed=3))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: _row(win, "Trip")["fresh"] == 20 and _row(win, "Family")["fresh"] == 30, timeout=5000)
    menu = win.who_is_me.build_menu(_row(win, "Trip"))
    actions = {a.objectName(): a for a in menu.actions()}
    assert actions["markRead"].text() == "Mark as read" and actions["markAllRead"].isEnabled()
    actions["markAllRead"].trigger()
    assert all(c["fresh"] == 0 for c in win.chat_model.rows)
    qtbot.waitUntil(lambda: _stored_unread(vault) == {}, timeout=5000)
    menu = win.who_is_me.build_menu(_row(win, "Trip"))
    assert not {a.objectName(): a for a in menu.actions()}["markAllRead"].isEnabled()
    win.close()                       # locks
    from chatvault.vault.vault import open_vault
    from tests.conftest import PASSPHRASE

    again = MainWindow(open_vault(vault.path, PASSPHRASE))   # the next session: still read
    qtbot.addWidget(again)
    qtbot.wait(300)
    assert all(c["fresh"] == 0 for c in again.chat_model.rows)
    again.close()
