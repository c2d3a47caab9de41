"""Who is "me" in the app: the import window's "Which name is me" list, and "This is me" in the chat
list's menu, which moves the user's own messages to the right. Offscreen Qt, a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from chatvault.ingest.engine import run_import
from tests.import_fixtures import telegram_chat, write_telegram_folder


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def _window(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    return win


def _group(tmp_path: Path) -> Path:
    chat, media = telegram_chat()          # "Hiking club", a group exported alone: nobody is known to be me
    return write_telegram_folder(tmp_path / "group", chat, media).parent


def _sides(win) -> dict[str, set[str]]:
    """sender -> the sides its bubbles are drawn on ("left"/"right"), as laid out in the open chat."""
    view = win.messages
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.viewport().rect()
    out: dict[str, set[str]] = {}
    for i, msg in enumerate(view.model_.rows):
        lay = view.delegate.layout(opt, view.model_.index(i))
        if lay.bubble is not None and msg.get("sender"):
            side = "right" if lay.bubble.center().x() > opt.rect.width() / 2 else "left"
            out.setdefault(msg["sender"], set()).add(side)
    return out


def test_import_window_lists_the_senders_and_choosing_one_sets_me(qtbot, vault, tmp_path: Path) -> None:
    win = _window(qtbot, vault)
    dlg = win.imports.start_preview(_group(tmp_path))
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=30_000)
    items = [dlg.me.itemText(i) for i in range(dlg.me.count())]
    assert items == ["Alice (14 messages)", "Bob (3 messages)"]
    assert dlg.me.currentIndex() == -1 and "does not say which sender is you" in dlg.me_hint.text()
    dlg.me.setCurrentIndex(dlg.me.findData("Bob"))
    assert dlg.me_name() == "Bob"
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    conv = next(c for c in win.chat_model.rows if c["display"] == "Hiking club")
    win.open_conversation(conv)
    assert _sides(win) == {"Alice": {"left"}, "Bob": {"right"}}
    # The next import of these chats starts from that answer.
    dlg2 = win.imports.start_preview(_group(tmp_path / "again"))
    qtbot.waitUntil(lambda: dlg2.pages.currentIndex() == 1, timeout=30_000)
    assert dlg2.me.currentData() == "Bob" and "chose this before" in dlg2.me_hint.text()
    assert dlg2.me_name() is None           # unchanged: the kept choice applies
    dlg2.reject()
    win.close()


def test_detected_owner_is_preselected(qtbot, vault, tmp_path: Path) -> None:
    chat, media = telegram_chat(chat_id=2, name="Bob", kind="personal_chat")
    folder = write_telegram_folder(tmp_path / "personal", chat, media).parent
    win = _window(qtbot, vault)
    dlg = win.imports.start_preview(folder)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=30_000)
    assert dlg.me.currentData() == "Alice" and "Found in the export" in dlg.me_hint.text()
    assert dlg.me_name() is None
    dlg.reject()
    win.close()


def test_this_is_me_in_the_chat_menu_moves_own_messages_right(qtbot, vault, tmp_path: Path) -> None:
    run_import(vault, _group(tmp_path))
    win = _window(qtbot, vault)
    conv = next(c for c in win.chat_model.rows if c["display"] == "Hiking club")
    win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(win.chat_model.row_of(conv["id"]))))
    assert _sides(win) == {"Alice": {"left"}, "Bob": {"left"}}
    menu = win.who_is_me.build_menu(conv)
    sub = menu.actions()[0].menu()
    acts = {a.text(): a for a in sub.actions()}
    assert set(acts) == {"This is me: Alice", "This is me: Bob"} and not any(a.isChecked() for a in acts.values())
    with qtbot.waitSignal(win.who_is_me.changed, timeout=20_000):
        acts["This is me: Alice"].trigger()
    assert _sides(win) == {"Alice": {"right"}, "Bob": {"left"}}
    assert "Alice is now shown as you" in win.statusBar().currentMessage()
    menu = win.who_is_me.build_menu(win.current_conv)
    checked = [a.text() for a in menu.actions()[0].menu().actions() if a.isChecked()]
    assert checked == ["This is me: Alice"]
    win.close()
