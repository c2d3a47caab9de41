"""The search page shows why a message matched when the match is in its details (issue #16.6):
a transfer found by its memo, a call by its type, in the snippet with the match highlighted."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot, vault):
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    demo.populate(conn)
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _search(qtbot, page, text: str) -> list:
    from chatvault.gui.models.search import HitRole

    with qtbot.waitSignal(page.worker.results, timeout=10_000):
        page.box.setText(text)
    return [page.model.index(i).data(HitRole) for i in range(page.model.rowCount())]


def test_search_page_snippet_shows_the_matched_memo_and_call_type(qtbot, window) -> None:
    from chatvault.gui.main_window import PAGE_CHATS, PAGE_SEARCH

    window.show_page(PAGE_SEARCH)
    page = window.search_page
    [hit] = _search(qtbot, page, "饭钱")
    assert hit.kind == "payment"
    assert ("饭钱", True) in hit.segments and "上次的" in "".join(t for t, _m in hit.segments)
    shown = page.model.index(0).data(Qt.ItemDataRole.DisplayRole)
    assert "上次的[饭钱]" in shown                 # what the delegate paints, matches marked
    calls = _search(qtbot, page, "voice call")
    assert calls and all(h.kind == "call" for h in calls)
    assert any(("语音通话" in t or "voice" in t) and m for h in calls for t, m in h.segments)
    page.list.activated.emit(page.model.index(0))  # opens the conversation at the call
    assert window.stack.currentIndex() == PAGE_CHATS
    assert window.messages.model_.highlight_id == calls[0].message_id
