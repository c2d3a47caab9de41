"""The gallery's "Captured files": what a watch folder captured, matched to no message, shown with its
thumbnail, opened in the viewer, saved as a copy. A real watch-folder capture in the app, offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.test_media_support import make_jpeg


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def test_gallery_shows_captured_files_after_a_watch_folder_capture(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.image_viewer import ImageViewer
    from chatvault.gui.main_window import PAGE_GALLERY, PAGE_PROTECTION, MainWindow
    from chatvault.gui.models.media import ItemRole
    from chatvault.media.captured import list_captured

    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.show_page(PAGE_PROTECTION)
    page = win.protection
    watched = tmp_path / "Downloads"
    watched.mkdir()
    assert page.add_watch_folder(str(watched), "capture")
    qtbot.waitUntil(lambda: (page._poll_watch() or True) and "Watching" in page.watch_table.item(0, 2).text(),
                    timeout=15_000)
    photo = make_jpeg(800, 600, seed=5)
    (watched / "IMG_2001.jpg").write_bytes(photo)
    (watched / "ticket.pdf").write_bytes(b"%PDF-1.4\n" + b"t" * 300)
    qtbot.waitUntil(lambda: (page._poll_watch() or True) and "2 captured" in page.watch_table.item(0, 2).text(),
                    timeout=20_000)
    # The watcher makes the photo's thumbnail in the background, as for an attached photo.
    qtbot.waitUntil(lambda: any(f.thumb_blob_id for f in list_captured(win.conn)), timeout=20_000)

    win.show_page(PAGE_GALLERY)
    g = win.gallery
    assert g.model.rowCount() == 0                      # no chat has photos: before, the capture was invisible
    g.kind.setCurrentIndex(g.kind.findData("captured"))
    assert g.kind.currentText() == "Captured files"
    items = {it["original_name"]: it for it in g.model.items}
    assert set(items) == {"IMG_2001.jpg", "ticket.pdf"}
    pic = items["IMG_2001.jpg"]
    assert pic["thumb_blob_id"] and pic["conversation"] == os.path.realpath(watched)
    row = g.model.items.index(pic)
    tip = g.model.data(g.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "IMG_2001.jpg" in tip and os.path.realpath(watched) in tip
    g.model.data(g.model.index(row), Qt.ItemDataRole.DecorationRole)   # asks for the thumbnail
    qtbot.waitUntil(lambda: pic["thumb_blob_id"] in g.loader.cache, timeout=10_000)
    assert g.loader.cache[pic["thumb_blob_id"]].width() == 320          # the small thumbnail, not the original
    # Opening the photo shows the original in the viewer.
    g._open(g.model.index(row))
    viewers = [w for w in win.findChildren(ImageViewer)]
    assert viewers and viewers[-1].image.width() == 800
    viewers[-1].close()
    # A captured file that is no picture: a named tile, and "save a copy" writes it back out.
    pdf = items["ticket.pdf"]
    assert g.model.index(g.model.items.index(pdf)).data(ItemRole)["kind"] == "file"
    out = tmp_path / "ticket copy.pdf"
    assert g.save_copy(pdf, str(out)) and out.read_bytes() == (watched / "ticket.pdf").read_bytes()
    assert "Saved a copy" in win.statusBar().currentMessage()
    g.kind.setCurrentIndex(0)
    assert g.model.rowCount() == 0
    win.close()
