"""What a user does with a message in the conversation: the context menu (Copy text, Save attachment…,
Open, Play, Show in search, Jump to quoted message, Message details…), double-click to open, click to
play a voice note, click a reply's quote to jump to the original.

`ConversationActions` belongs to the main window; it reads the vault the window has open at the time
of the action, and wipes the decrypted temp folder when the window locks or the app quits.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from chatvault.gui import media_temp
from chatvault.gui.ops import Op
from chatvault.gui.views.voice_player import VoicePlayer
from chatvault.store import queries

log = logging.getLogger(__name__)


def stored_attachment(msg: dict[str, Any]) -> dict[str, Any] | None:
    """The message's first attachment that is in the vault, or None."""
    return next((a for a in msg.get("attachments") or [] if a.get("status") == "stored" and a.get("blob_id")), None)


def copy_text(msg: dict[str, Any]) -> str:
    """What "Copy text" copies: the text or caption, else a card's title and details."""
    from chatvault.gui.views import card_text

    if msg.get("text"):
        return str(msg["text"])
    if msg["kind"] in ("file", "link", "payment", "location", "contact", "poll"):
        title, lines, _footer = card_text.card_lines(msg)
        return "\n".join([title, *lines]).strip()
    return ""


class ConversationActions(QObject):
    """The actions on messages of the main window's conversation view."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.win = window
        self.view = window.messages
        self.temp = media_temp.instance()
        self.player = VoicePlayer(self.view.viewport(), self.temp)
        self.player.failed.connect(self._say)
        self.player.fallback.connect(lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
        self.view.actions = self
        self.view.placed.connect(self._place_player)
        self.view.model_.modelReset.connect(self.player.stop)
        self.last_menu: QMenu | None = None
        self.last_saved: Path | None = None
        self.last_opened: Path | None = None
        self._copied: str | None = None
        window.locked.connect(self.temp.wipe)
        window.locked.connect(self._forget_clipboard)
        window.installEventFilter(self)
        self.retranslate()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.temp.wipe)

    def retranslate(self) -> None:
        button = getattr(self.win, "files_button", None)
        if button is not None:
            button.setText(self.tr("Chat files"))
            button.setToolTip(self.tr("Files and links shared in this chat"))
            button.setAccessibleName(button.text())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.win and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def _say(self, text: str, ms: int = 8000) -> None:
        self.win.statusBar().showMessage(text, ms)

    def _place_player(self) -> None:
        msg = self.player.message
        self.player.place(self.view.bubble_rect(msg["id"]) if msg is not None else None)

    # --- the menu ----------------------------------------------------------------------------
    def menu_for(self, msg: dict[str, Any]) -> QMenu:
        """The context menu of one message (every action has an objectName for tests and tools)."""
        menu = QMenu(self.view)
        menu.setObjectName("messageMenu")
        att = stored_attachment(msg)
        kind = msg["kind"]

        def add(name: str, text: str, slot: Any, enabled: bool = True) -> QAction:
            act = menu.addAction(text)
            act.setObjectName(name)
            act.setEnabled(enabled)
            act.triggered.connect(lambda _checked=False: slot(msg))
            return act

        add("actionCopy", self.tr("Copy text"), self.copy, bool(copy_text(msg)))
        if msg.get("article"):
            add("actionSavedCopy", self.tr("Open saved copy…"), self.saved_copy)
        if kind == "voice":
            add("actionPlay", self.tr("Play"), self.play, att is not None)
        if msg.get("attachments"):
            add("actionOpen", self.tr("Open"), self.open, att is not None)
            add("actionSave", self.tr("Save attachment…"), self.save, att is not None)
        menu.addSeparator()
        if msg.get("reply_to_id") or msg.get("reply_to_key") or msg.get("quote"):
            add("actionJumpToQuote", self.tr("Jump to quoted message"), self.jump_to_quote)
        add("actionShowInSearch", self.tr("Show in search"), self.show_in_search)
        add("actionChatFiles", self.tr("Chat files…"), lambda _m: self.chat_files())
        menu.addSeparator()
        add("actionDetails", self.tr("Message details…"), self.details)
        self.last_menu = menu
        return menu

    # --- the actions -------------------------------------------------------------------------
    def copy(self, msg: dict[str, Any]) -> None:
        self._copied = copy_text(msg)
        QGuiApplication.clipboard().setText(self._copied)
        self._say(self.tr("Copied"), 3000)

    def _forget_clipboard(self) -> None:
        """On lock, a message copied from the vault leaves the clipboard (if it is still what we put there)."""
        clip = QGuiApplication.clipboard()
        if self._copied is not None and clip.text() == self._copied:
            clip.clear()
        self._copied = None

    def activate(self, msg: dict[str, Any]) -> None:
        """Double-click: a voice note plays, anything with a file opens."""
        if msg["kind"] == "voice":
            self.play(msg)
        elif msg.get("article") and not msg.get("attachments"):
            self.saved_copy(msg)
        elif msg.get("attachments"):
            self.open(msg)

    def play(self, msg: dict[str, Any]) -> None:
        if self.win.vault is None:
            return
        if not self.player.play(self.win.vault, msg):
            att = (msg.get("attachments") or [{}])[0]
            self._say(self.tr("This voice note is not in the vault: %1").replace(
                "%1", self.view.delegate.missing_reason(att, "voice")))
            return
        self._place_player()

    def open(self, msg: dict[str, Any]) -> None:
        """Photos in the image viewer; anything else decrypted to the private temp folder and handed to
        the app the desktop opens such files with."""
        att = stored_attachment(msg)
        if msg["kind"] == "image":
            self.win.open_image(msg)
            return
        if att is None:
            first = (msg.get("attachments") or [{}])[0]
            self._say(self.tr("This file is not in the vault: %1").replace(
                "%1", self.view.delegate.missing_reason(first, msg["kind"])))
            return
        self.open_attachment(att, msg)

    def open_attachment(self, att: dict[str, Any], msg: dict[str, Any] | None = None) -> None:
        vault, temp = self.win.vault, self.temp
        if vault is None:
            return
        name = att.get("original_name") or f"{(msg or {}).get('kind', 'file')}-{att.get('id', '')}"
        if "." not in name:
            from chatvault.media.playable import _EXT

            name += _EXT.get(att.get("mime") or "", "")
        blob_id, voice = att["blob_id"], (msg or {}).get("kind") == "voice"

        def job(_ctx):
            from chatvault.media.blobstore import BlobStore

            store = BlobStore(vault)
            if voice:             # a WeChat SILK note opens as the WAV a player reads
                from chatvault.media.playable import playable

                data, ext = playable(store.read_all(blob_id), att.get("mime"), name)
                return temp.write(lambda out: out.write(data), name.rsplit(".", 1)[0] + ext)
            return temp.write(lambda out: store.copy_to(blob_id, out), name)

        self._say(self.tr("Opening %1…").replace("%1", name), 4000)
        self._run(job, self._opened)

    def _opened(self, path: Path) -> None:
        self.last_opened = Path(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._say(self.tr("No app on this computer opens %1. Use Save attachment… instead.")
                      .replace("%1", Path(path).name))

    def save(self, msg: dict[str, Any], path: str | None = None) -> None:
        att = stored_attachment(msg)
        if att is not None:
            self.save_attachment(att, path)

    def save_attachment(self, att: dict[str, Any], path: str | None = None) -> None:
        """Write the decrypted file where the user chooses (the name the export gave it by default)."""
        vault = self.win.vault
        if vault is None:
            return
        suggested = media_temp.safe_name(att.get("original_name"), "attachment")
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.win, self.tr("Save attachment"), str(Path.home() / suggested))
        if not path:
            return
        blob_id, target = att["blob_id"], Path(path)

        def job(_ctx):
            from chatvault.media.blobstore import BlobStore

            tmp = target.with_name(target.name + ".part")
            with open(tmp, "wb") as out:
                BlobStore(vault).copy_to(blob_id, out)
            tmp.replace(target)
            return target

        self._run(job, self._saved)

    def _saved(self, path: Path) -> None:
        self.last_saved = Path(path)
        self._say(self.tr("Saved to %1").replace("%1", str(path)))

    def _run(self, job: Any, done: Any) -> None:
        op = Op(job, self)
        op.finished.connect(done)
        op.failed.connect(lambda exc: self._say(getattr(exc, "message", None) or
                                                 self.tr("It could not be written: %1").replace("%1", str(exc))))
        op.ended.connect(op.deleteLater)
        op.start()

    def jump_to_quote(self, msg: dict[str, Any]) -> None:
        """Scroll to the message a reply quotes (loading the page around it if it is far away)."""
        store = self.win.store
        if store is None:
            return
        target = None
        if msg.get("reply_to_id"):
            target = store.message(int(msg["reply_to_id"]))
        if target is None and msg.get("reply_to_key"):
            target = queries.message_by_key(store.conn, msg["conversation_id"], str(msg["reply_to_key"]))
        if target is None:
            self._say(self.tr("The quoted message is not in the vault (it was not in any export imported so far)."))
            return
        if target["conversation_id"] != self.view.model_.conversation_id:     # a reply across chats
            self.win.open_message(target["conversation_id"], target["id"])
            return
        self.view.show_message(target)

    def show_in_search(self, msg: dict[str, Any]) -> None:
        """Open search on this chat and the message's day, with its words, and select it there."""
        from datetime import datetime

        from PySide6.QtCore import QDate

        from chatvault.gui.main_window import PAGE_SEARCH
        from chatvault.gui.models.search import HitRole

        page = self.win.search_page
        self.win.show_page(PAGE_SEARCH)
        idx = page.chat.findData(msg["conversation_id"])
        page.chat.setCurrentIndex(max(idx, 0))
        day = datetime.fromtimestamp(msg["ts"] / 1000).astimezone()
        for on, edit in ((page.since_on, page.since), (page.until_on, page.until)):
            on.setChecked(True)
            edit.setDate(QDate(day.year, day.month, day.day))
        words = " ".join((msg.get("text") or "").replace('"', " ").split()[:6])[:40]

        def select(*_args: Any) -> None:
            page.worker.results.disconnect(select)
            for row in range(page.model.rowCount()):
                hit = page.model.index(row).data(HitRole)
                if hit is not None and int(hit.message_id) == msg["id"]:
                    page.list.setCurrentIndex(page.model.index(row))
                    page.list.scrollTo(page.model.index(row))
                    return

        page.worker.results.connect(select)
        page.box.setText(f'"{words}"' if words else "")
        page.run_now()

    def details(self, msg: dict[str, Any]) -> None:
        from chatvault.gui.dialogs.message_details import MessageDetailsDialog

        if self.win.store is None:
            return
        dlg = MessageDetailsDialog(self.win.store.conn, msg["id"], self.win)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.last_details = dlg

    def saved_copy(self, msg: dict[str, Any]) -> None:
        """The article this message links to, as saved (chatvault/gui/articles/viewer.py)."""
        from chatvault.gui.articles.viewer import ArticleViewer

        if self.win.vault is None or not msg.get("article"):
            return
        dlg = ArticleViewer(self.win, int(msg["article"]["article_id"]))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.last_article = dlg

    def chat_files(self) -> None:
        from chatvault.gui.pages.chat_files import ChatFilesDialog

        conv = self.win.current_conv
        if conv is None or self.win.vault is None:
            return
        dlg = ChatFilesDialog(self, conv)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.last_files = dlg
