"""Reactions show under the bubble as in the messengers: one chip per emoji with who reacted, or how
many when more than two did; every stored shape (Meta, Telegram, the common one) reads the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from chatvault.gui.views.reactions import chips, grouped
from chatvault.ingest.engine import run_import
from tests import meta_fixtures as mf


def test_chips_name_up_to_two_people_and_count_more():
    common = [{"emoji": "❤️", "by": "Anna"}, {"emoji": "❤️", "by": "Bob"}, {"emoji": "👍", "by": "Anna"},
              {"emoji": "😂", "by": "A"}, {"emoji": "😂", "by": "B"}, {"emoji": "😂", "by": "C"}]
    assert chips({"reactions": common}) == ["❤️ Anna, Bob", "👍 Anna", "😂 3"]
    telegram = [{"type": "emoji", "count": 5, "emoji": "🔥", "recent": [{"from": "Bob"}]}]
    assert grouped(telegram) == [("🔥", ["Bob"], 5)] and chips({"reactions": telegram}) == ["🔥 5"]
    assert chips({"reactions": {"👍": 2}}) == ["👍 2"]
    many = [{"emoji": e} for e in "😀😁😂🤣😃😄😅😆"]
    assert chips({"reactions": many}, "+%1 more")[-1] == "+2 more"
    assert chips({}) == [] and chips({"reactions": "junk"}) == []


@pytest.fixture
def window(qtbot, vault, tmp_path: Path):
    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    run_import(vault, mf.facebook_download(tmp_path / "fb"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    yield win
    win.close()


def test_the_conversation_shows_a_reaction_under_its_message(qtbot, window):
    from PySide6.QtWidgets import QStyleOptionViewItem

    conv = next(c for c in window.chat_model.rows if c["title"] == "Anna 🌸")
    window.open_conversation(conv)
    view = window.messages
    qtbot.waitUntil(lambda: any(m.get("text") == "Hi 😀" for m in view.model_.rows), timeout=10_000)
    msg = next(m for m in view.model_.rows if m.get("text") == "Hi 😀")
    idx = view.model_.index(view.model_.row_of(msg["id"]))
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.visualRect(idx)
    lay = view.delegate.layout(opt, idx)
    texts = [t for _r, t, _c in lay.badges]
    assert "❤️ Zhang Wei 张伟" in texts
    chip = next(r for r, t, _c in lay.badges if t.startswith("❤️"))
    assert chip.top() >= lay.bubble.bottom() and chip.right() <= opt.rect.width()
