"""The Export dialog walked as a user does: "Export chat…" from the chat list to JSON, "Export
results…" from the search page to CSV, File → Export… cancelled mid-way (nothing left looking like an
export), the preview's counts equal plan(), "Open the folder", and the dialog in Chinese."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from chatvault.export.selection import Selection, plan
from chatvault.gui.models.search import search_filters


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    from chatvault.gui import i18n

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    i18n.set_language("en")            # as the app starts: English with its plural forms ("1 chat")
    yield
    if i18n.current_language() != "en":
        i18n.set_language("en")


@pytest.fixture
def window(qtbot, vault):
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    ids = demo.populate(conn)
    conn.close()
    win = MainWindow(vault)
    win.ids = ids
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


class _Opened(QObject):
    """Receives the URLs QDesktopServices would hand to the file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def _plan_counts(win, sel: Selection) -> tuple[int, int]:
    conn = win.vault.connect(readonly=True)
    try:
        chats = plan(conn, sel)
    finally:
        conn.close()
    return len(chats), sum(c.messages for c in chats)


def _choose(dlg, fmt: str, folder: Path) -> Path:
    """Pick the format and an (empty, new) folder to save in; returns the folder."""
    folder.mkdir()
    dlg.format.setCurrentIndex(dlg.format.findData(fmt))
    dlg.folder.setText(str(folder))
    return folder


def test_export_a_chat_to_json_from_the_chat_list(qtbot, window, tmp_path) -> None:
    conv = window.chat_model.rows[window.chat_model.row_of(window.ids["family"])]
    menu = window.who_is_me.build_menu(conv)
    action = next(a for a in menu.actions() if a.objectName() == "exportChatAction")
    assert action.text() == "Export chat…"
    action.trigger()
    dlg = window.exporter.dialog
    assert dlg is not None and dlg.isVisible() and "相亲相爱一家人" in dlg.scope.currentText()
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    chats, msgs = _plan_counts(window, Selection.chat(window.ids["family"]))
    c = dlg.counts[0]
    assert (c.conversations, c.messages) == (chats, msgs) == (1, c.messages) and msgs > 5
    assert f"{msgs:,} messages" in dlg.preview.text() and "About" in dlg.preview.text()
    dest = _choose(dlg, "json", tmp_path / "exports")
    assert not dlg.media.isChecked() and dlg.bom.isHidden() and dlg.page_by.isHidden()
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=20_000)
    made = list(dest.iterdir())
    assert len(made) == 1 and made[0].name.startswith("ChatVault 相亲相爱一家人 ")
    lines = (made[0] / "chatvault-export.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum(json.loads(x)["type"] == "message" for x in lines) == msgs
    assert dlg.open_button.isVisible() and "Exported" in dlg.status.text()
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in opened.urls] == [made[0]]


def test_export_search_results_to_csv(qtbot, window, tmp_path) -> None:
    from chatvault.gui.views.main_chrome import PAGE_SEARCH

    window.show_page(PAGE_SEARCH)
    page = window.search_page
    button = window.exporter.results_button
    assert not button.isEnabled()
    page.box.setText("的")                     # as an input method commits it
    qtbot.waitUntil(lambda: page.last_result is not None and page.last_result.total > 0, timeout=10_000)
    assert button.isEnabled() and button.text() == "Export results…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dlg = window.exporter.dialog
    assert "“的”" in dlg.scope.currentText()
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    sel = Selection("的", search_filters(page.filters()))
    assert (dlg.counts[0].conversations, dlg.counts[0].messages) == _plan_counts(window, sel)
    assert dlg.counts[0].messages == page.last_result.total          # every match, not only the page shown
    _choose(dlg, "csv", tmp_path / "exports")
    assert dlg.bom.isVisible() and dlg.bom.isChecked()
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=20_000)
    with open(dlg.report.out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == page.last_result.total and all("的" in (r["text"] + r["described"]) for r in rows)


def test_cancel_mid_way_leaves_nothing_that_looks_like_an_export(qtbot, window, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHATVAULT_FAULT", "export.batch:1:sleep=0.4")    # each batch slowed: time to cancel
    window.exporter.act_export.trigger()                                 # File → Export…
    dlg = window.exporter.dialog
    assert dlg.scope.currentText() == "Everything in the vault"
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    assert (dlg.counts[0].conversations, dlg.counts[0].messages) == _plan_counts(window, Selection())
    dest = _choose(dlg, "json", tmp_path / "exports")
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert dlg.running() and dlg.close_button.text() == "Cancel" and not dlg.start_button.isEnabled()
    qtbot.waitUntil(lambda: dlg.op.snapshot().items_done > 0, timeout=10_000)
    qtbot.mouseClick(dlg.close_button, Qt.MouseButton.LeftButton)      # Cancel
    qtbot.waitUntil(lambda: not dlg.running(), timeout=10_000)
    assert dlg.status.text() == "Export cancelled. Nothing of it was kept."
    assert dlg.report is None and not dlg.open_button.isVisible() and dlg.isVisible()
    assert not dlg.out.exists() and not any(dest.iterdir())
    assert dlg.start_button.isEnabled() and dlg.close_button.text() == "Close"


def test_the_dialog_speaks_chinese(qtbot, window, tmp_path) -> None:
    from chatvault.gui import i18n

    i18n.set_language("zh_CN")
    qtbot.waitUntil(lambda: window.exporter.act_export.text() == "导出(&E)…", timeout=3000)
    assert window.exporter.results_button.text() == "导出结果…"
    dlg = window.exporter.export_vault()
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    assert dlg.windowTitle() == "导出" and dlg.start_button.text() == "导出"
    assert dlg.lang.currentData() == "zh_CN" and "条消息" in dlg.preview.text()
    dlg.folder.setText(str(tmp_path / "nowhere"))
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert "不存在" in dlg.error.text() and not dlg.running()


def test_html_pages_every_n_messages_from_the_dialog(qtbot, window, tmp_path) -> None:
    dlg = window.exporter.export_chat(window.chat_model.rows[window.chat_model.row_of(window.ids["family"])])
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    dest = _choose(dlg, "html", tmp_path / "exports")
    assert dlg.media.isChecked() and dlg.page_by.isVisible() and not dlg.page_size.isEnabled()
    dlg.page_by.setCurrentIndex(dlg.page_by.findData("count"))
    assert dlg.page_size.isEnabled()
    dlg.page_size.setValue(100)
    assert dlg.options() == {"lang": "en", "media": True, "page_by": "count", "page_size": 100}
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=30_000)
    (made,) = dest.iterdir()
    assert (made / "index.html").exists() and dlg.folder_of_export() == made
    assert dlg.report.messages == dlg.counts[0].messages
