"""The conversation view on a damaged vault.db: a notice naming the page and what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    from chatvault.gui import i18n

    if i18n.current_language() != "en":
        i18n.set_language("en")


def test_conversation_in_a_damaged_part_says_which_page(qtbot, vault) -> None:
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    conv = demo.big_conversation(conn, 3000, index=False)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    root = int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'messages'").fetchone()[0])
    conn.close()
    db = vault.db_path
    data = bytearray(db.read_bytes())
    data[(root - 1) * page_size + 300] ^= 0x10
    db.write_bytes(bytes(data))

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    row = win.chat_model.row_of(conv)        # the chat list loads (the preview of that chat is empty)
    assert row is not None and win.chat_model.rows[row]["preview"] == ""
    win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(row)))
    assert win.damage_notice.isVisible() and win.messages.model_.rowCount() == 0
    qtbot.waitUntil(lambda: win.damage_notice.found is not None, timeout=10_000)
    text = win.damage_notice.text()
    assert f"page {root}" in text and "message texts" in text, text
    assert root in win.damage_notice.found.damage.pages
    win.close()


def test_vault_whose_page_1_is_damaged_opens_a_window_that_says_so(qtbot, vault_path) -> None:
    """Page 1 damaged: unlocking works (the header verified the passphrase); the window opens
    with an empty chat list and a notice naming page 1, instead of failing to start."""
    from chatvault.gui.main_window import MainWindow
    from chatvault.vault.vault import create_vault, open_vault
    from tests.conftest import PASSPHRASE

    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    db = vault_path / "vault.db"
    data = bytearray(db.read_bytes())
    data[500] ^= 0x01
    db.write_bytes(bytes(data))
    vault = open_vault(vault_path, PASSPHRASE)
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    assert win.damage_notice.isVisible() and "page 1" in win.damage_notice.text()
    assert win.chat_model.rowCount() == 0
    win.lock()
    assert vault.is_locked
    win.close()
