"""Articles in the app, walked through real widgets: a message linking to an article says "Saved copy
(captured <date>)", opens the offline viewer (no scripts, no network), Settings → Articles turns
fetching on with the statement of what is fetched and runs the job, and "Check again" against a real
server on 127.0.0.1 turns the line into "Deleted at the source on <date> — saved copy below"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from chatvault.articles import consent
from tests.article_fixtures import A1, IMG, MARKER, WX, import_links, png, serve_article
from tests.article_server import DELETED_PAGE, ArticleServer


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield


def _badges(win) -> list[str]:
    view = win.messages
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.viewport().rect()
    view.delegate.clear_cache()
    return [t for i in range(view.model_.rowCount()) for _r, t, _c in view.delegate.layout(opt, view.model_.index(i)).badges]


def _menu_action(qtbot, win, msg, name):
    from chatvault.gui.views.message_menu import ConversationActions  # noqa: F401 - the window's actions

    menu = win.convo.menu_for(msg)
    act = next(a for a in menu.actions() if a.objectName() == name)
    assert act.isEnabled()
    act.trigger()


def test_saved_copy_line_viewer_settings_job_and_check_again(qtbot, vault, tmp_path, monkeypatch):
    from chatvault.gui.dialogs.settings import SettingsDialog
    from chatvault.gui.main_window import MainWindow

    import_links(vault, tmp_path / "chat", [A1])
    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "离线文章", n_images=1)
        monkeypatch.setenv(consent.CONNECT_TO_ENV, f"{WX}=127.0.0.1:{server.port},{IMG}=127.0.0.1:{server.port}")
        win = MainWindow(vault)
        qtbot.addWidget(win)
        win.resize(1000, 700)
        win.show()
        win.open_conversation(win.chat_model.rows[0])
        assert not any("Saved copy" in b for b in _badges(win))          # nothing fetched: off by default
        assert server.seen == []

        # Settings → Articles: the statement names what is fetched; turning it on and "Fetch and check now"
        dlg = SettingsDialog(win)
        qtbot.addWidget(dlg)
        section = dlg.articles
        assert not section.enable.isChecked() and not section.fetch_now.isEnabled()
        assert WX in section.statement.text() and "no cookies" in section.statement.text()
        section.enable.setChecked(True)
        section.interval.setValue(0.5)
        assert section.fetch_now.isEnabled()
        section.fetch_now.click()
        job = section.job_dialog
        qtbot.waitUntil(lambda: job.result_ is not None, timeout=15000)
        assert len(job.result_.fetched) == 1 and "1 saved" in job.label.text()
        job.buttons.button(job.buttons.StandardButton.Close).click()
        dlg.apply()
        assert dlg.result() == dlg.DialogCode.Accepted

        # the message now says it has a saved copy; opening it shows the copy offline
        win.open_conversation(win.chat_model.rows[0])
        msg = next(m for m in win.messages.model_.rows if m.get("article"))
        assert any(b.startswith("Saved copy (captured ") for b in _badges(win))
        _menu_action(qtbot, win, msg, "actionSavedCopy")
        viewer = win.convo.last_article
        qtbot.waitUntil(lambda: MARKER in viewer.browser.toPlainText(), timeout=10000)
        assert viewer.title.text() == "离线文章" and "fetched from the web" in viewer.captured.text()
        assert viewer.check_button.isEnabled()
        doc = viewer.browser.document()
        assert doc.resource(QTextDocument.ResourceType.ImageResource.value, QUrl("cvimg:0")) is not None
        assert viewer.browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                           QUrl("https://mmbiz.qpic.cn/x.png")) is None     # nothing remote
        before = len(server.seen)

        # the source deletes it: "Check again" says so, and the copy stays on screen
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=DELETED_PAGE)
        viewer.check_button.click()
        qtbot.waitUntil(lambda: "Deleted at the source" in viewer.status.text(), timeout=10000)
        assert "该内容已被发布者删除" in viewer.status.text() and MARKER in viewer.browser.toPlainText()
        assert len(server.seen) == before + 1                 # one request: the page, nothing else
        viewer.close()
    win.open_conversation(win.chat_model.rows[0])
    assert any(b.startswith("Deleted at the source on ") and b.endswith("— saved copy below") for b in _badges(win))
    win.close()


def test_link_card_says_saved_or_deleted(qapp):
    from chatvault.gui.views.card_text import card_lines

    msg = {"kind": "link", "text": None, "extra": {"url": A1, "title": "T"}, "attachments": [],
           "article": {"article_id": 1, "status": "available", "snapshot_id": 3, "captured_at": 1767600000000,
                       "checked_at": 1767600000000}}
    assert card_lines(msg)[1][-1].startswith("Saved copy (captured ")
    msg["article"] |= {"status": "deleted", "checked_at": 1770000000000}
    assert card_lines(msg)[1][-1].startswith("Deleted at the source on ") and "saved copy below" in card_lines(msg)[1][-1]


def test_viewer_refuses_bombs_and_scales_wide_images(qapp):
    from chatvault.gui.articles.viewer import MAX_WIDTH, decode_image

    wide = decode_image(png(size=(3000, 300)))
    assert wide.width() == MAX_WIDTH
    import struct
    import zlib
    # a PNG header claiming 100000 x 100000 pixels: not decoded
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
            + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))
    small = decode_image(bomb)
    assert small.width() == 120 and small.height() == 40
    assert QApplication.instance() is not None


def test_article_windows_are_chinese(qtbot, vault, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from chatvault.articles import db, jobs
    from chatvault.articles.net import Fetcher
    from chatvault.gui import i18n
    from chatvault.gui.articles.settings import ArticlesJobDialog, ArticlesSection
    from chatvault.gui.articles.viewer import ArticleViewer
    from chatvault.gui.devtools.uitext import collect, english
    from chatvault.jobs.context import JobContext

    import_links(vault, tmp_path / "chat", [A1])
    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "离线文章", n_images=1)
        jobs.run(vault, Fetcher(True, 0.05, connect_to=server.connect_to(WX, IMG)), JobContext())
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=DELETED_PAGE)
        jobs.run(vault, Fetcher(True, 0.05, connect_to=server.connect_to(WX, IMG)), JobContext(), fetch=False,
                 check_ids=[1])
        jobs.save_settings(vault, db.NetworkSettings(True, 0.5, 30))
        monkeypatch.setenv(consent.CONNECT_TO_ENV, f"{WX}=127.0.0.1:{server.port},{IMG}=127.0.0.1:{server.port}")
        i18n.set_language("zh_CN")
        try:
            host = QWidget()
            host.vault = vault
            qtbot.addWidget(host)
            viewer = ArticleViewer(host, 1)
            qtbot.addWidget(viewer)
            viewer.show()
            qtbot.waitUntil(lambda: MARKER in viewer.browser.toPlainText(), timeout=10000)
            assert viewer.status.text().startswith("来源已删除")
            section = ArticlesSection(vault)
            qtbot.addWidget(section)
            section.show()
            job = ArticlesJobDialog(vault, section, check_ids=[1])
            qtbot.addWidget(job)
            job.show()
            qtbot.waitUntil(lambda: job.result_ is not None, timeout=10000)
            user = ["离线文章", "每日新闻", A1, "该内容已被发布者删除", MARKER, "https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA"]
            found = [x for w in (viewer, section, job) for x in collect(w) if "articleBrowser" not in x[0]]
            assert english(found, user) == []
        finally:
            i18n.set_language("en")
