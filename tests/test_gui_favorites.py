"""The Favorites page walked through real widgets: Ctrl+7 opens it on an imported WeChat account, the type
chips and the tag filter narrow the cards, a chat-history bundle opens as a small conversation, a note
with its parts, the search box filters, and a search hit on a favorite opens the page at that item."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QToolButton

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from tests import wechat_favorites as W
from tests import wechat_fixtures as F
from tests import wechat_states as S


@pytest.fixture
def win(qtbot, vault, tmp_path):
    from chatvault.gui import i18n
    from chatvault.gui.main_window import MainWindow

    i18n.set_language("en")                       # the plural forms ("14 favorites")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    root = S.write_pc(tmp_path, 1, favs=W.catalogue())
    run_import(vault, root, options=ImportOptions(options={"key": F.KEY_HEX}))
    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _open(qtbot, win):
    page = win.favorites_page
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.keyClick(win, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert win.stack.currentWidget() is page
    return page


def _kinds(page) -> list[str]:
    return [r["extra"]["fav_kind"] for r in page.model.rows]


def _texts(page, name: str) -> list[str]:
    return [lab.text() for lab in page.detail.findChildren(QLabel, name)]


def test_the_page_lists_every_favorite_and_filters_by_type(qtbot, win):
    page = _open(qtbot, win)
    assert page.model.total == len(W.TYPES) and len(page.model.rows) == len(W.TYPES)
    assert page.count.text() == f"{len(W.TYPES)} favorites"
    assert page.list.currentIndex().row() == 0              # the newest one is shown whole at once
    for chip, kinds in (("media", {"image", "video"}), ("links", {"link", "article", "music", "product",
                                                                   "mini_program", "channels"}),
                        ("files", {"file"}), ("voice", {"voice"}), ("locations", {"location"})):
        with qtbot.waitSignal(page.model.loaded, timeout=10_000):
            qtbot.mouseClick(page.chips[chip], Qt.MouseButton.LeftButton)
        assert set(_kinds(page)) == kinds, chip


def test_a_tag_narrows_the_list_and_the_search_box_filters_it(qtbot, win):
    page = _open(qtbot, win)
    family = page.tag.findData("Family")
    assert family > 0 and page.tag.itemText(family).startswith("#Family")
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.tag.setCurrentIndex(family)
    expected = [f.local_id for f in W.catalogue() if "Family" in f.tags]
    assert sorted(r["extra"]["fav_local_id"] for r in page.model.rows) == sorted(expected)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.tag.setCurrentIndex(0)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.keyClicks(page.search, "north gate")
    assert _kinds(page) == ["chat_history"]                # found by a message inside the bundle


def test_a_chat_history_opens_as_a_small_conversation(qtbot, win):
    page = _open(qtbot, win)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.mouseClick(page.chips["chat_history"], Qt.MouseButton.LeftButton)
    page.select_row(0)
    chat = page.detail.findChild(QListWidget, "favBundle")
    lines = [chat.item(i).text() for i in range(chat.count())]
    assert len(lines) == 3
    assert lines[0].startswith("Alice R") and lines[0].endswith("Where do we meet?")
    assert lines[1].startswith("Bob") and "At the north gate" in lines[1]
    assert _texts(page, "favSource") == ["From Hiking group"]


def test_a_note_opens_with_its_parts_and_its_photo_opens_in_the_viewer(qtbot, win):
    page = _open(qtbot, win)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.mouseClick(page.chips["notes"], Qt.MouseButton.LeftButton)
    page.select_row(0)
    assert _texts(page, "favNoteTitle") == ["Packing list"]
    assert _texts(page, "favNotePart") == ["Packing list 行李清单", "Tent, stove, water"]
    assert _texts(page, "favTags") == ["#Family"]
    photo = page.detail.findChild(QToolButton, "favImage")
    viewer = page.detail.open_image(page.detail.image_items()[0]["blob_id"])
    assert photo is not None and viewer is not None
    qtbot.waitUntil(lambda: not viewer.image.isNull(), timeout=10_000)
    viewer.close()


def test_a_search_hit_on_a_favorite_opens_the_favorites_page_at_it(qtbot, win):
    from chatvault.gui.main_window import PAGE_SEARCH
    from chatvault.gui.models.search import HitRole

    win.show_page(PAGE_SEARCH)
    search = win.search_page
    with qtbot.waitSignal(search.worker.results, timeout=10_000):
        search.box.setText("Packing")
    index = search.model.index(0)
    hit = index.data(HitRole)
    assert hit.conversation == "Favorites"
    page = win.favorites_page
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        search.list.clicked.emit(index)
    assert win.stack.currentWidget() is page
    current = page.list.currentIndex()
    assert page.model.rows[current.row()]["id"] == hit.message_id
    assert _texts(page, "favNoteTitle") == ["Packing list"]


def test_a_voice_favorite_plays_in_the_voice_player(qtbot, win):
    page = _open(qtbot, win)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.mouseClick(page.chips["voice"], Qt.MouseButton.LeftButton)
    page.select_row(0)
    from PySide6.QtWidgets import QPushButton

    play = page.detail.findChild(QPushButton, "favPlayVoice")
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    player = page.detail.player
    assert player.message["id"] == page.model.rows[0]["id"]      # this favorite's voice note, being decrypted
    qtbot.waitUntil(lambda: player._op is None or not player._op.running, timeout=10_000)
    player.stop()


def test_pages_load_as_the_list_scrolls_and_a_jump_reaches_an_old_item(qtbot, vault, tmp_path):
    """130 favorites: the first page holds 60, the next comes on scrolling; opening the oldest one (a
    search hit) reads every page up to it and shows it."""
    from chatvault.gui import i18n
    from chatvault.gui.main_window import PAGE_FAVORITES, MainWindow

    i18n.set_language("en")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    root = S.write_pc(tmp_path, 1, favs=W.catalogue(130))
    run_import(vault, root, options=ImportOptions(options={"key": F.KEY_HEX}))
    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    page = w.favorites_page
    with qtbot.waitSignal(page.model.loaded, timeout=20_000):
        w.show_page(PAGE_FAVORITES)
    assert page.model.total == 130 and len(page.model.rows) == 60
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.list.scrollToBottom()
        page.model.fetchMore()
    assert len(page.model.rows) == 120
    oldest = w.conn.execute("SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                            "WHERE c.feed = 'favorites' AND json_extract(m.extra, '$.fav_local_id') = 1").fetchone()[0]
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        w.open_message(page.model.rows[0]["conversation_id"], oldest)
    assert page.model.rows[page.list.currentIndex().row()]["id"] == oldest
    w.close()


def test_a_favorite_deleted_in_wechat_stays_on_the_page_marked(qtbot, vault, tmp_path):
    from chatvault.gui import i18n
    from chatvault.gui.main_window import PAGE_FAVORITES, MainWindow

    i18n.set_language("en")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    opts = ImportOptions(options={"key": F.KEY_HEX})
    root = S.write_pc(tmp_path, 1, favs=S.favorites(1, n=12))
    run_import(vault, root, options=opts)
    S.write_pc(tmp_path, 2, favs=S.favorites(2, n=12))          # items 1 and 10 were deleted in WeChat
    run_import(vault, root, options=opts)
    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    page = w.favorites_page
    with qtbot.waitSignal(page.model.loaded, timeout=20_000):
        w.show_page(PAGE_FAVORITES)
    gone = [i for i, r in enumerate(page.model.rows) if r["status"] == "missing-at-source"]
    assert sorted(page.model.rows[i]["extra"]["fav_local_id"] for i in gone) == [1, 10]
    page.select_row(gone[0])
    assert _texts(page, "favDeleted") == ["Deleted from WeChat's Favorites; the vault keeps it."]
    w.close()
