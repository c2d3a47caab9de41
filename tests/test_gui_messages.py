"""The conversation as a new user uses it (issue #18 items 3, 4, 8, 10): captions under photos, voice
notes that play, files that open and save, the context menu on every message, reply quotes that jump,
message details with provenance, the Chat files view, and content that reads right. A real Telegram
export imported into a real vault, walked through the real main window (offscreen Qt)."""

from __future__ import annotations

import io
import math
import os
import stat
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from chatvault.ingest.engine import run_import
from tests.import_fixtures import telegram_chat, write_telegram_folder

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
FILLER = 400          # more than a page (150) between the quoted original and the reply


def _silk(seconds: float = 2.0) -> bytes:
    """A WeChat-style SILK v3 voice note of a tone (what WeChat stores; no player reads it as is)."""
    import pysilk

    rate = 24000
    pcm = b"".join(struct.pack("<h", int(6000 * math.sin(i / 9))) for i in range(int(rate * seconds)))
    out = io.BytesIO()
    pysilk.encode(io.BytesIO(pcm), out, rate, rate, tencent=True)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    from chatvault.gui import media_temp

    monkeypatch.setattr(media_temp, "_instance", None)
    yield
    from chatvault.gui import i18n

    i18n.set_language("en")


class _Opened(QObject):
    """What the desktop was asked to open: Qt's own hook for file:// URLs (QDesktopServices.setUrlHandler)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    rec = _Opened()
    QDesktopServices.setUrlHandler("file", rec, "handle")
    QDesktopServices.setUrlHandler("https", rec, "handle")
    yield rec
    QDesktopServices.unsetUrlHandler("file")
    QDesktopServices.unsetUrlHandler("https")


def _png(w: int = 40, h: int = 30) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#3a76f0"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data)


@pytest.fixture
def chat_export(qapp, tmp_path: Path) -> Path:
    chat, media = telegram_chat()
    msgs = chat["messages"]
    photo = next(m for m in msgs if m.get("photo"))
    media[photo["photo"]] = _png()
    photo.update(width=40, height=30)
    media["files/report.pdf"] = PDF                                    # m(10) names it: now it is there
    media["voice_messages/audio_2.ogg"] = _silk()
    last = msgs[-1]
    t0 = int(last["date_unixtime"])

    def add(i: int, **kw) -> None:
        d = {"id": 1000 + i, "type": "message", "date": last["date"], "date_unixtime": str(t0 + 60 * (i + 1)),
             "from": "Bob", "from_id": "user2", "text": "", "text_entities": []}
        d.update(kw)
        msgs.append(d)

    add(0, file="voice_messages/audio_2.ogg", media_type="voice_message", mime_type="audio/ogg",
        duration_seconds=7)
    for i in range(1, FILLER):
        add(i, text=f"filler {i}")
    add(FILLER, text="a" * 500)
    add(FILLER + 1, text="look https://example.org/" + "x" * 300 + " and www.chatvault.test/docs")
    add(FILLER + 2, text="answering the very first hello", reply_to_message_id=101)
    add(FILLER + 3, text="answering something never exported", reply_to_message_id=99)
    return write_telegram_folder(tmp_path / "export", chat, media)


@pytest.fixture
def window(qtbot, vault, chat_export: Path):
    from chatvault.gui.main_window import MainWindow

    report = run_import(vault, chat_export.parent)
    assert report.added > FILLER
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    win.open_conversation(win.chat_model.rows[0])
    yield win
    win.close()


def _msg(win, pred) -> dict:
    """The newest loaded message that matches, loading the page around it when it is not loaded."""
    for m in reversed(win.messages.model_.rows):
        if pred(m):
            return m
    raise AssertionError("no such message loaded")


def _open_at(win, qtbot, pred) -> dict:
    """Open the conversation at the first message that matches (as a search hit would)."""
    from chatvault.store import queries

    conv = win.current_conv
    rows = queries.messages_page(win.conn, conv["id"], after=(0, 0), limit=10_000)
    target = next(r for r in rows if pred(r))
    win.open_message(conv["id"], target["id"])
    qtbot.wait(20)
    return _msg(win, lambda m: m["id"] == target["id"])


def _right_click(qtbot, win, msg: dict) -> QMenu:
    """Right-click the message's bubble in the real view; returns the menu that popped up."""
    view = win.messages
    view.scroll_to_message(msg["id"])
    qtbot.wait(20)
    rect = view.bubble_rect(msg["id"])
    assert rect is not None, "the message is on screen"
    pos = rect.center()
    from PySide6.QtGui import QContextMenuEvent

    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                              view.viewport().mapToGlobal(pos)))
    menu = win.convo.last_menu
    assert menu is not None and menu.isVisible()
    return menu


def _trigger(menu: QMenu, name: str) -> None:
    act = menu.findChild(type(menu.actions()[0]), name)
    assert act is not None and act.isEnabled(), name
    menu.hide()
    act.trigger()


def test_caption_shows_under_the_photo_and_a_search_hit_opens_on_it(qtbot, window) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    from chatvault.gui.main_window import PAGE_CHATS, PAGE_SEARCH

    window.show_page(PAGE_SEARCH)
    page = window.search_page
    with qtbot.waitSignal(page.worker.results, timeout=10_000):
        page.box.setText("caption")
    assert page.model.rowCount() == 1
    page.list.activated.emit(page.model.index(0))
    assert window.stack.currentIndex() == PAGE_CHATS
    view = window.messages
    row = view.model_.row_of(view.model_.highlight_id)
    msg = view.model_.rows[row]
    assert msg["kind"] == "image" and msg["text"] == "a caption"
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.visualRect(view.model_.index(row))
    lay = view.delegate.layout(opt, view.model_.index(row))
    assert lay.media is not None and lay.text_rect is not None
    assert lay.text_rect.top() > lay.media.bottom() and lay.bubble.contains(lay.text_rect)   # under the photo
    assert view.viewport().rect().intersects(view.visualRect(view.model_.index(row)))       # on screen


def test_voice_note_shows_its_length_and_plays_in_the_app(qtbot, window, opened) -> None:
    from chatvault.gui.views.voice_player import VoicePlayer

    win = window
    short = _open_at(win, qtbot, lambda m: m["kind"] == "voice" and m["source_key"] == "107")
    assert "3″" in win.messages.delegate.body_text(short)               # Telegram's duration_seconds=3
    win.convo.play(short)                                               # the fixture's Ogg is no real audio
    qtbot.waitUntil(lambda: "cannot be played" in win.statusBar().currentMessage(), timeout=10_000)
    note = _open_at(win, qtbot, lambda m: m["kind"] == "voice" and m["source_key"] == "1000")
    assert note["attachments"][0]["duration_ms"] == 7000                # kept at import, not lost
    assert "7″" in win.messages.delegate.body_text(note)
    menu = _right_click(qtbot, win, note)
    _trigger(menu, "actionPlay")
    player = win.findChild(VoicePlayer, "voicePlayer")
    qtbot.waitUntil(player.is_playing, timeout=10_000)                # the SILK note, decoded to WAV
    assert player.isVisible() and player.message["id"] == note["id"]
    qtbot.waitUntil(lambda: player.position_ms() > 0, timeout=5_000)
    assert " / 0:0" in player.time.text()
    [wav] = win.convo.temp.files()
    assert wav.suffix == ".wav" and wav.read_bytes()[:4] == b"RIFF"
    qtbot.mouseClick(player.button, Qt.MouseButton.LeftButton)         # pause
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=3_000)
    _trigger(_right_click(qtbot, win, note), "actionOpen")              # "Open" hands other apps the WAV too
    qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=10_000)
    assert opened.urls[0].toLocalFile().endswith(".wav")
    win.lock()                                                          # the decoded copies go with the key
    assert not player.isVisible() and not wav.exists() and win.convo.temp.files() == []


def test_pdf_opens_decrypted_in_a_private_folder_wiped_on_lock_and_saves_where_chosen(
        qtbot, window, opened, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    win = window
    doc = _open_at(win, qtbot, lambda m: m["kind"] == "file")
    win.messages.scroll_to_message(doc["id"])
    qtbot.wait(20)
    index = win.messages.model_.index(win.messages.model_.row_of(doc["id"]))
    win.messages.doubleClicked.emit(index)                              # double-click opens
    qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=10_000)
    path = Path(opened.urls[0].toLocalFile())
    assert path.name == "report.pdf" and path.read_bytes() == PDF
    folder = win.convo.temp.folder
    assert folder.parent == Path(os.environ["XDG_RUNTIME_DIR"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    target = tmp_path / "saved" / "my report.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    _trigger(_right_click(qtbot, win, doc), "actionSave")
    qtbot.waitUntil(lambda: win.convo.last_saved == target, timeout=10_000)   # "Saved to …" once written
    assert target.read_bytes() == PDF and str(target) in win.statusBar().currentMessage()
    win.lock()
    assert not path.exists() and not folder.exists()
    assert target.exists()                                              # what the user saved stays


def test_temp_folder_is_wiped_when_the_app_quits(qtbot, window, opened) -> None:
    win = window
    doc = _open_at(win, qtbot, lambda m: m["kind"] == "file")
    _trigger(_right_click(qtbot, win, doc), "actionOpen")
    qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=10_000)
    path = Path(opened.urls[0].toLocalFile())
    assert path.exists()
    QApplication.instance().aboutToQuit.emit()                          # what quit() sends before exit
    assert not path.exists()


def test_photo_opens_in_the_image_viewer(qtbot, window) -> None:
    from chatvault.gui.dialogs.image_viewer import ImageViewer

    photo = _open_at(window, qtbot, lambda m: m["kind"] == "image")
    _trigger(_right_click(qtbot, window, photo), "actionOpen")
    viewer = window.findChild(ImageViewer, "imageViewer")
    assert viewer is not None and viewer.isVisible() and not viewer.image.isNull()
    viewer.close()
    qtbot.waitUntil(lambda: window.findChild(ImageViewer, "imageViewer") is None, timeout=3_000)
    view = window.messages                                            # from the keyboard: Enter opens it
    view.setFocus()
    view.setCurrentIndex(view.model_.index(view.model_.row_of(photo["id"])))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = window.findChild(ImageViewer, "imageViewer")
    assert viewer is not None and viewer.isVisible()
    viewer.close()
    from PySide6.QtGui import QContextMenuEvent  # and the Menu key opens its menu

    centre = view.viewport().rect().center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, centre,
                                                              view.viewport().mapToGlobal(centre)))
    menu = window.convo.last_menu
    assert menu.isVisible() and menu.findChild(type(menu.actions()[0]), "actionDetails") is not None
    menu.hide()


def test_reply_quote_jumps_to_a_far_original_and_says_when_it_is_not_in_the_vault(qtbot, window) -> None:
    win = window
    view = win.messages
    reply = _msg(win, lambda m: m.get("text") == "answering the very first hello")
    assert view.model_.row_of(reply["reply_to_id"]) is None             # the original is pages away
    view.scroll_to_message(reply["id"])
    qtbot.wait(20)
    from PySide6.QtWidgets import QStyleOptionViewItem

    idx = view.model_.index(view.model_.row_of(reply["id"]))
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.visualRect(idx)
    quote = view.delegate.layout(opt, idx).quote.translated(view.visualRect(idx).topLeft())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=quote.center())   # click the quote
    qtbot.wait(20)
    row = view.model_.row_of(reply["reply_to_id"])
    assert row is not None and view.model_.highlight_id == reply["reply_to_id"]
    assert view.model_.rows[row]["text"] == "Plain hello"
    assert view.viewport().rect().intersects(view.visualRect(view.model_.index(row)))   # scrolled to it
    # A reply whose original no export brought: the menu says so.
    orphan = _open_at(win, qtbot, lambda m: m.get("text") == "answering something never exported")
    _trigger(_right_click(qtbot, win, orphan), "actionJumpToQuote")
    assert "not in the vault" in win.statusBar().currentMessage()


def test_details_show_the_import_run_and_copy_and_show_in_search(qtbot, window, chat_export: Path) -> None:
    from chatvault.gui.main_window import PAGE_SEARCH
    from chatvault.gui.models.search import HitRole

    win = window
    edited = _open_at(win, qtbot, lambda m: m.get("text") == "edited later")
    _trigger(_right_click(qtbot, win, edited), "actionDetails")
    dlg = win.convo.last_details
    assert dlg.isVisible()
    assert str(chat_export.parent) in dlg.fields["first_run"]            # the import run's path
    assert dlg.fields["source"].startswith("Telegram") and dlg.fields["source_key"] == "105"
    assert "edited" in dlg.fields and dlg.fields["location"]
    dlg.close()
    _trigger(_right_click(qtbot, win, edited), "actionCopy")
    assert QGuiApplication.clipboard().text() == "edited later"
    page = win.search_page
    with qtbot.waitSignal(page.worker.results, timeout=10_000):
        _trigger(_right_click(qtbot, win, edited), "actionShowInSearch")
    assert win.stack.currentIndex() == PAGE_SEARCH
    assert page.chat.currentData() == win.current_conv["id"]
    qtbot.waitUntil(lambda: page.list.currentIndex().isValid(), timeout=5_000)
    assert page.list.currentIndex().data(HitRole).message_id == edited["id"]
    win.lock()                                                          # what we copied leaves with the key
    assert QGuiApplication.clipboard().text() == ""


def test_chat_files_lists_documents_and_links_opens_saves_and_jumps(qtbot, window, opened, tmp_path: Path) -> None:
    win = window
    qtbot.mouseClick(win.files_button, Qt.MouseButton.LeftButton)
    dlg = win.convo.last_files
    qtbot.waitUntil(lambda: dlg.file_table.rowCount() > 0, timeout=10_000)
    assert dlg.file_table.item(0, 0).text() == "report.pdf"
    urls = [dlg.link_table.item(i, 1).text() for i in range(dlg.link_table.rowCount())]
    assert "www.chatvault.test/docs" in urls and any(u.startswith("https://example.org/") for u in urls)
    dlg.file_table.selectRow(0)
    target = tmp_path / "from-files.pdf"
    dlg.save_current(str(target))
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes() == PDF
    qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=10_000)
    dlg.tabs.setCurrentIndex(1)
    dlg.link_table.selectRow(urls.index("www.chatvault.test/docs"))
    qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)
    assert opened.urls[-1].toString() == "https://www.chatvault.test/docs"
    dlg.tabs.setCurrentIndex(0)
    dlg.file_table.selectRow(0)
    qtbot.mouseClick(dlg.jump_button, Qt.MouseButton.LeftButton)
    hl = win.messages.model_.highlight_id
    assert hl is not None and win.messages.model_.rows[win.messages.model_.row_of(hl)]["kind"] == "file"
    dlg.close()


def test_long_unbroken_text_wraps_inside_its_bubble(qtbot, window) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    view = window.messages
    for pred in (lambda m: m.get("text") == "a" * 500, lambda m: (m.get("text") or "").startswith("look https")):
        msg = _msg(window, pred)
        idx = view.model_.index(view.model_.row_of(msg["id"]))
        opt = QStyleOptionViewItem()
        view.initViewItemOption(opt)
        opt.rect = view.visualRect(idx)
        lay = view.delegate.layout(opt, idx)
        assert lay.bubble.contains(lay.text_rect) and lay.bubble.right() < opt.rect.width()
        assert lay.text_rect.height() > 3 * view.fontMetrics().height()    # wrapped onto several lines


def test_temp_folder_is_private_never_in_the_system_temp_dir_and_swept_after_a_crash(
        qapp, tmp_path: Path, monkeypatch) -> None:
    from chatvault.gui.media_temp import PREFIX, MediaTemp, runtime_base

    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    stale = runtime / f"{PREFIX}999999999-x"                            # a run that was killed
    stale.mkdir()
    (stale / "left.pdf").write_bytes(PDF)
    temp = MediaTemp()
    path = temp.write(lambda out: out.write(PDF), "../../etc/report.pdf")
    assert path.parent.parent == temp.folder and path.name == "report.pdf"   # no way out of the folder
    assert not stale.exists()
    temp.wipe()
    assert not path.exists() and temp.files() == []
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert runtime_base() == tmp_path / "data" / "ChatVault" / "open-files"
