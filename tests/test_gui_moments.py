"""The Moments page walked as a user would: everyone's timeline, one person's, a photo opened from
the grid, a search hit on a post and on a comment jumping to the post, and paging through
thousands of posts (offscreen Qt, the demo archive in a real vault)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot, vault):
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    demo.populate(conn, moments=True)
    demo.attach_demo_photo(vault, conn)
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _loaded(qtbot, page, n: int | None = None) -> None:
    qtbot.waitUntil(lambda: not page.loading and bool(page.cards) and (n is None or len(page.cards) == n),
                    timeout=10_000)


def _texts(card, name: str) -> list[str]:
    return [w.text() for w in card.findChildren(QLabel, name)]


def test_everyone_then_one_person(qtbot, window) -> None:
    from chatvault.gui.views.main_chrome import PAGE_MOMENTS
    from chatvault.gui.views.moments_post import GRID_PHOTO, ONE_PHOTO

    QTest.keySequence(window, "Ctrl+6")
    page = window.moments
    assert window.stack.currentIndex() == PAGE_MOMENTS and window.nav_buttons[PAGE_MOMENTS].isChecked()
    _loaded(qtbot, page, 6)
    posts = [c.post for c in page.cards]
    assert [p["ts"] for p in posts] == sorted((p["ts"] for p in posts), reverse=True)   # newest first
    assert "6" in page.status.text()
    lake = page.cards[0]
    assert _texts(lake, "momentsText") == ["周末和老姐妹们去西湖，桂花都开了🌼"]
    assert _texts(lake, "momentsLikes") == ["♡ 我、李雷、韩梅梅"]
    assert _texts(lake, "momentsComment") == ["李雷: 真美！下次带上我们", "妈妈 replied to 李雷: 好呀，十一一起去"]
    assert any("西湖·断桥残雪" in t for t in _texts(lake, "momentsLocation"))
    tiles = lake.findChildren(QToolButton, "momentsPhoto")
    assert len(tiles) == 3 and tiles[0].width() == GRID_PHOTO                     # 2–9: the 3-column grid
    balcony = page.cards[1]
    (one,) = balcony.findChildren(QToolButton, "momentsPhoto")
    assert one.width() == ONE_PHOTO                                               # one photo: large
    sunset = next(c for c in page.cards if c.post["key"] == "9004")
    missing = [b for b in sunset.findChildren(QToolButton, "momentsPhoto") if not b.isEnabled()]
    assert len(missing) == 1 and "shmmsns.qpic.cn" in missing[0].toolTip()        # the URL is kept
    gone = next(c for c in page.cards if c.post["key"] == "9005")
    assert _texts(gone, "momentsDeleted")                                         # deleted at the source
    link = next(c for c in page.cards if c.post["key"] == "9003")
    assert link.findChild(QLabel, "momentsText").text() == "这篇写得很实在，推荐给大家"
    card = link.findChild(QPushButton, "momentsLink")
    assert "一个普通家庭的十年账本" in card.text() and "mp.weixin.qq.com/s/demo-moments" in card.text()
    video = next(c for c in page.cards if c.post["key"] == "9006")
    assert any("Private" in t for t in _texts(video, "momentsTime"))
    # One person: only 妈妈's post.
    combo = page.person
    combo.setCurrentIndex(combo.findText("妈妈", Qt.MatchFlag.MatchStartsWith))
    _loaded(qtbot, page, 1)
    assert page.cards[0].post["sender"] == "妈妈" and "1" in page.status.text()
    combo.setCurrentIndex(0)                                                      # everyone again
    _loaded(qtbot, page, 6)


def test_a_photo_opens_in_the_image_viewer(qtbot, window) -> None:
    from chatvault.gui.dialogs.image_viewer import ImageViewer

    window.show_page(6)
    page = window.moments
    _loaded(qtbot, page, 6)
    lake = page.cards[0]
    tiles = lake.findChildren(QToolButton, "momentsPhoto")
    qtbot.waitUntil(lambda: not tiles[1].icon().isNull(), timeout=10_000)        # decrypted off the UI thread
    qtbot.mouseClick(tiles[1], Qt.MouseButton.LeftButton)
    viewer = page.viewer
    assert isinstance(viewer, ImageViewer) and viewer.isVisible()
    assert len(viewer.items) == 3 and viewer.pos == 1 and not viewer.image.isNull()
    viewer.close()


def test_a_search_hit_on_a_post_or_a_comment_opens_moments_at_the_post(qtbot, window) -> None:
    from chatvault.gui.views.main_chrome import PAGE_MOMENTS

    page, sp = window.moments, window.search_page
    for query, post_key in (("晚霞", "9004"), ("十一一起去", "9001")):
        window.show_page(1)
        with qtbot.waitSignal(sp.worker.results, timeout=10_000):
            sp.box.setText(query)
            sp.run_now()
        assert sp.model.rowCount() == 1
        sp.list.activated.emit(sp.model.index(0))
        assert window.stack.currentIndex() == PAGE_MOMENTS
        qtbot.waitUntil(lambda k=post_key: not page.loading and bool(page.cards) and page.cards[0].post["key"] == k,
                        timeout=10_000)
        assert page.highlight == page.cards[0].post["id"] and "2px solid" in page.cards[0].styleSheet()
        if post_key == "9004":
            assert page.newer.isVisible()                                         # newer posts are above
            page.load_newer()
            qtbot.waitUntil(lambda: len(page.cards) == 6, timeout=10_000)
            assert page.cards[0].post["key"] == "9001"


def test_thousands_of_posts_load_a_page_at_a_time(qtbot, vault) -> None:
    from chatvault.gui.main_window import MainWindow
    from chatvault.gui.pages.moments import PAGE_SIZE

    conn = vault.connect()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(app, account, created_at) VALUES ('wechat', 'wxid_me', 0)")
    conn.execute("INSERT INTO participants(source_id, source_key, display_name) VALUES (1, 'wxid_a', 'A')")
    conn.execute("INSERT INTO conversations(source_id, source_key, kind, title, created_at, feed) "
                 "VALUES (1, '@moments', 'channel', 'Moments', 0, 'moments')")
    conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind, text, extra) "
                     "VALUES (1, ?, ?, 1, 'text', ?, ?)",
                     [(str(i), 1_700_000_000_000 + i * 60_000, f"post {i}", json.dumps({"moments": {"type": "post"}}))
                      for i in range(3000)])
    conn.execute("COMMIT")
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.show_page(6)
    page = win.moments
    _loaded(qtbot, page, PAGE_SIZE)
    assert page.cards[0].post["text"] == "post 2999" and "3,000" in page.status.text()
    bar = page.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())                                                   # the end: the next page
    _loaded(qtbot, page, 2 * PAGE_SIZE)
    assert page.cards[-1].post["text"] == f"post {3000 - 2 * PAGE_SIZE}"
    win.close()
