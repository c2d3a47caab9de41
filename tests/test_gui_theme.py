"""Look and keyboard: the dark theme has no white strip anywhere (pages, headers, scroll bars, table
corners, tooltips, popups, menus, dialogs); the search filters fit a 900×600 window; the focused
control is visibly outlined in both themes; Down/Enter go from the search box into the results."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem, QToolTip, QWidget

from chatvault.gui.devtools.pixels import describe, near_white_cells


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    from chatvault.gui import i18n, theme

    theme.apply("light")
    i18n.set_language("en")


@pytest.fixture
def window(qtbot, vault, tmp_path: Path):
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    ids = demo.populate(conn)
    demo.big_conversation(conn, 300, title="Long group")
    conn.close()
    win = MainWindow(vault)
    win.ids = ids
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    yield win
    win.close()


def _no_white(widget: QWidget, what: str) -> None:
    cells = near_white_cells(widget.grab().toImage())
    assert not cells, f"{what}: near-white areas in dark mode at {describe(cells)}"


def _dark(qtbot) -> None:
    from chatvault.gui import theme

    theme.apply("dark")
    qtbot.wait(20)


def test_dark_pages_have_no_white_strips(qtbot, window, tmp_path: Path) -> None:
    from chatvault.gui.main_window import PAGE_CHATS, PAGE_GALLERY, PAGE_PROTECTION, PAGE_SEARCH

    _dark(qtbot)
    win = window
    win.protection.add_folder_destination(str(tmp_path / "usb"), "USB stick")
    row = win.chat_model.row_of(win.ids["li"])
    win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(row)))
    win.show_page(PAGE_CHATS)
    qtbot.wait(150)
    _no_white(win, "chats page")
    win.show_page(PAGE_SEARCH)
    win.search_page.box.setText("hello")
    win.search_page.run_now()
    qtbot.waitUntil(lambda: win.search_page.model.rowCount() > 8, timeout=10_000)
    qtbot.wait(50)
    assert win.search_page.list.verticalScrollBar().isVisible()       # the scroll bar is in the picture
    _no_white(win, "search page with results")
    win.show_page(PAGE_GALLERY)
    win.gallery.show_missing()
    qtbot.wait(100)
    _no_white(win, "media page")
    win.show_page(PAGE_PROTECTION)
    qtbot.wait(150)
    assert win.protection.dest_table.rowCount() == 1
    _no_white(win, "protection page")


def test_dark_headers_corners_tooltips_popups_and_menus(qtbot, window) -> None:
    _dark(qtbot)
    table = QTableWidget(60, 12)             # both headers, both scroll bars, the corner button
    for r in range(60):
        table.setItem(r, 0, QTableWidgetItem(f"行 {r}"))
    table.setHorizontalHeaderLabels([f"列 {c}" for c in range(12)])
    table.resize(320, 240)
    qtbot.addWidget(table)
    table.show()
    qtbot.wait(50)
    assert table.verticalScrollBar().isVisible() and table.horizontalScrollBar().isVisible()
    _no_white(table, "a table with headers, scroll bars and the corner button")

    kind = window.search_page.kind
    window.show_page(1)
    kind.showPopup()
    qtbot.waitUntil(lambda: kind.view().isVisible(), timeout=3000)
    _no_white(kind.view().window(), "the combo box popup")
    kind.hidePopup()

    QToolTip.showText(window.mapToGlobal(QPoint(100, 100)), "锁定保险库（Ctrl+L）", window)
    def tip() -> QWidget | None:
        return next((w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()), None)

    qtbot.waitUntil(lambda: tip() is not None, timeout=3000)
    _no_white(tip(), "a tooltip")
    QToolTip.hideText()

    window.view_menu.popup(window.mapToGlobal(QPoint(20, 30)))
    qtbot.waitUntil(window.view_menu.isVisible, timeout=3000)
    _no_white(window.view_menu, "the View menu")
    window.view_menu.hide()

    since = window.search_page.since
    cal = since.calendarWidget()
    cal.resize(300, 220)
    cal.show()
    qtbot.wait(30)
    _no_white(cal, "the date picker")
    cal.hide()


def test_dark_dialogs(qtbot, window, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.settings import SettingsDialog
    from chatvault.gui.dialogs.unlock import UnlockDialog

    _dark(qtbot)
    for dlg in (SettingsDialog(window), UnlockDialog(window.vault_path)):
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.wait(50)
        _no_white(dlg, type(dlg).__name__)
        dlg.close()


def test_the_check_sees_a_white_strip(qtbot) -> None:
    w = QWidget()
    w.setStyleSheet("background: #1e1e1e")
    strip = QWidget(w)
    strip.setStyleSheet("background: #ffffff")
    strip.setGeometry(0, 40, 300, 24)
    w.resize(300, 200)
    qtbot.addWidget(w)
    cells = near_white_cells(w.grab().toImage())
    assert cells and all(40 <= c.y() < 64 for c in cells)
    assert not near_white_cells(w.grab().toImage(), skip=[QRect(0, 40, 300, 24)])


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_search_filters_fit_900_by_600(qtbot, window, lang) -> None:
    from chatvault.gui import i18n

    i18n.set_language(lang)
    window.show_page(1)
    window.resize(900, 600)
    qtbot.wait(100)
    assert window.width() <= 900 and window.height() <= 600, "the window cannot shrink to 900×600"
    page = window.search_page
    inside = window.rect()
    for w in (page.box, page.chat, page.sender, page.since_on, page.since, page.until_on, page.until, page.kind,
              page.deleted, page.sort):
        assert w.isVisible(), w
        geo = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        assert inside.contains(geo), f"{type(w).__name__} {w.accessibleName() or ''} lies outside: {geo} vs {inside}"
        assert w.width() >= w.minimumSizeHint().width(), f"{type(w).__name__} is squeezed below its minimum"
        if hasattr(w, "text") and w.text() and not hasattr(w, "setPlaceholderText"):
            assert w.fontMetrics().horizontalAdvance(w.text()) <= w.width(), f"{w.text()!r} is cut off"


@pytest.mark.parametrize("name", ["light", "dark"])
def test_keyboard_focus_is_visible(qtbot, window, name) -> None:
    from chatvault.gui import theme

    theme.apply(name)
    window.show_page(1)
    page = window.search_page
    button = window.protection.backup_button
    for w, other in ((page.box, page.sender), (page.sort, page.box), (page.list, page.box)):
        other.setFocus()
        qtbot.waitUntil(other.hasFocus, timeout=2000)
        before = w.grab().toImage()
        w.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(w.hasFocus, timeout=2000)
        after = w.grab().toImage()
        assert before != after, f"{type(w).__name__} looks the same with and without keyboard focus ({name})"
    window.show_page(3)
    qtbot.wait(30)
    window.protection.setFocus()
    before = button.grab().toImage()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=2000)
    assert button.grab().toImage() != before


def test_down_and_enter_from_the_search_box_open_the_hit(qtbot, window) -> None:
    window.show_page(1)
    page = window.search_page
    page.box.setFocus()
    page.box.setText("好")
    page.run_now()
    qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=10_000)
    qtbot.keyClick(page.box, Qt.Key.Key_Down)
    assert page.list.hasFocus() and page.list.currentIndex().row() == 0
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    assert page.list.currentIndex().row() == 1
    hit = page.model.hits[1]
    with qtbot.waitSignal(page.open_message, timeout=3000) as sig:
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert sig.args == [int(hit.conversation_id), int(hit.message_id)]
    qtbot.waitUntil(lambda: window.stack.currentIndex() == 0, timeout=3000)     # the chat opened at the hit
    # Enter in the box: the search runs at once and the keyboard lands on the first hit; Enter opens it.
    window.show_page(1)
    page.box.setFocus()
    page.box.setText("红包")
    qtbot.keyClick(page.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.list.hasFocus() and page.list.currentIndex().row() == 0, timeout=10_000)
    first = page.model.hits[0]
    assert "红包" in (first.snippet or "") + "".join(str(s[0]) for s in (first.segments or []))
    with qtbot.waitSignal(page.open_message, timeout=3000) as sig:
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert sig.args == [int(first.conversation_id), int(first.message_id)]
    # Up from the first hit goes back to the box.
    window.show_page(1)
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(0))
    qtbot.keyClick(page.list, Qt.Key.Key_Up)
    assert page.box.hasFocus()


def _mnemonic(text: str) -> str | None:
    """The access key of a menu text ("&File" -> "f", "文件(&F)" -> "f"); "&&" is a literal ampersand."""
    i = text.replace("&&", "").find("&")
    rest = text.replace("&&", "")
    return rest[i + 1].lower() if 0 <= i < len(rest) - 1 else None


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_menu_gives_two_items_the_same_access_key(qtbot, window, lang) -> None:
    from PySide6.QtWidgets import QMenu

    from chatvault.gui import i18n

    i18n.set_language(lang)
    qtbot.wait(20)
    bar = window.menuBar()
    menus = [(bar.objectName() or "menu bar", [a for a in bar.actions() if a.text()])]
    for m in window.findChildren(QMenu):
        menus.append((m.title() or m.objectName(), [a for a in m.actions() if not a.isSeparator() and a.text()]))
    assert len(menus) >= 4
    for title, actions in menus:
        keys = [(_mnemonic(a.text()), a.text()) for a in actions]
        seen: dict[str, str] = {}
        for key, text in keys:
            if key is None:
                continue
            assert key not in seen, f"{lang} {title!r}: {seen[key]!r} and {text!r} share the access key {key!r}"
            seen[key] = text
    assert _mnemonic("文件(&F)") == "f" and _mnemonic("Save && close") is None
