"""The navigation column as a new user sees it: every icon has its name under it (fitting the column),
a tooltip with the shortcut and an accessible name, in English and in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    from chatvault.gui import i18n

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    i18n.set_language("en")


def test_navigation_is_labelled_in_both_languages(qtbot, vault) -> None:
    from chatvault.gui import i18n
    from chatvault.gui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    buttons = [*win.nav_buttons.values(), win.import_button, win.settings_button, win.lock_button]
    assert [b.text() for b in buttons] == ["Chats", "Search", "Media", "Protection", "Compliance", "Moments",
                                          "Favorites", "Import", "Settings", "Lock"]
    for b in buttons:
        assert b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon and b.isVisible()
        assert b.fontMetrics().horizontalAdvance(b.text()) <= b.width(), b.text()   # not cut off
        assert b.accessibleName() == b.text() and b.toolTip().startswith(b.text())
    assert win.nav_buttons[1].toolTip() == f"Search ({win.act_search.shortcut().toString()})"
    assert "Ctrl+L" in win.lock_button.toolTip() and "Ctrl+I" in win.import_button.toolTip()
    i18n.set_language("zh_CN")
    qtbot.waitUntil(lambda: win.nav_buttons[0].text() != "Chats", timeout=3000)   # LanguageChange is posted
    assert [b.text() for b in buttons] == ["聊天", "搜索", "媒体", "保护", "合规", "朋友圈", "收藏", "导入", "设置", "锁定"]
    assert all(b.accessibleName() == b.text() and b.toolTip() for b in buttons)
    # a click on a label goes to its page
    qtbot.mouseClick(win.nav_buttons[3], Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.protection
    win.close()
