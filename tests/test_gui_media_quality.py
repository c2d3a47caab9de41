"""The app's side of media quality: the protection page's "Media about to be lost" section (read off
the UI thread, the age setting, a chat opened from it) and the "Thumbnail only" badge in the
conversation and the gallery."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from tests import wechat_fixtures as F


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture
def window(qtbot, vault, tmp_path):
    from chatvault.gui.main_window import MainWindow

    pc = F.build_pc_folder(tmp_path / "pc")
    run_import(vault, pc.root, format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _alice(vault) -> int:
    conn = vault.connect(readonly=True)
    try:
        return int(conn.execute("SELECT id FROM conversations WHERE source_key = 'wxid_alice'").fetchone()[0])
    finally:
        conn.close()


def test_protection_page_lists_the_chats_to_open_and_opens_one(qtbot, window, vault) -> None:
    from chatvault.gui.views.main_chrome import PAGE_CHATS, PAGE_PROTECTION

    window.show_page(PAGE_PROTECTION)
    box = window.protection.expiring
    qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=10_000)
    cells = [box.table.item(0, c).text() for c in range(box.table.columnCount())]
    assert cells[0] == "Alice R" and cells[1:4] == ["2", "1", "1"] and cells[6] == "computer"
    assert box.status.text().startswith("2 file") and "only on a device" in box.status.text()

    spin = box.ages["wechat"]                              # the user says WeChat keeps media ten years
    spin.setValue(3650)
    spin.editingFinished.emit()
    qtbot.waitUntil(lambda: box.table.rowCount() == 0, timeout=10_000)
    assert "Nothing at risk" in box.status.text() and not box.open_button.isEnabled()
    spin.setValue(3)
    spin.editingFinished.emit()
    qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=10_000)
    conn = vault.connect(readonly=True)
    from chatvault.media.expiring import limits

    assert limits(conn)["wechat"] == 3                     # saved in the vault
    conn.close()

    box.table.selectRow(0)
    qtbot.mouseClick(box.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == PAGE_CHATS
    assert window.current_conv is not None and window.current_conv["id"] == _alice(vault)


def test_conversation_and_gallery_mark_a_thumbnail_only_picture(qtbot, window, vault) -> None:
    from chatvault.gui.devtools.uitext import painted
    from chatvault.gui.views.main_chrome import PAGE_GALLERY

    window.open_chat(_alice(vault))
    qtbot.waitUntil(lambda: window.messages.model().rowCount() > 5, timeout=10_000)
    texts = [t for _w, t in painted(window.messages)]
    assert texts.count("Thumbnail only") == 1              # img3: only WeChat's thumbnail; img1 is the original

    window.show_page(PAGE_GALLERY)
    g = window.gallery
    g.set_conversation(window.current_conv)
    qtbot.waitUntil(lambda: g.model.rowCount() >= 3, timeout=10_000)
    tips = {it.get("quality"): g.model.data(g.model.index(i), Qt.ItemDataRole.ToolTipRole)
            for i, it in enumerate(g.model.items)}
    assert tips["thumbnail"].endswith("Thumbnail only") and "Thumbnail only" not in tips["original"]
    thumb_row = next(i for i, it in enumerate(g.model.items) if it.get("quality") == "thumbnail")
    orig_row = next(i for i, it in enumerate(g.model.items) if it.get("quality") == "original")
    badge = g.model.data(g.model.index(thumb_row), Qt.ItemDataRole.DecorationRole).toImage().pixelColor(8, 8)
    plain = g.model.data(g.model.index(orig_row), Qt.ItemDataRole.DecorationRole).toImage().pixelColor(8, 8)
    assert badge.lightness() < plain.lightness() - 40     # the dark label sits on the tile's corner
