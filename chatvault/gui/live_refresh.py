"""What the window does when another process changed the open vault (`VaultWatcher` notices): the
chat list is read again on the shared pool and shown, the badges recounted, the open conversation
brought up to date (at once when the user is reading its newest messages, else on scrolling down),
the search filters and the media page refreshed, the protection page re-read after a backup."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject

from chatvault.gui.models.chatlist import ChatListModel
from chatvault.gui.ops import Op
from chatvault.gui.vault_watcher import VaultWatcher
from chatvault.gui.views.main_chrome import PAGE_GALLERY

log = logging.getLogger(__name__)


class LiveRefresh(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = VaultWatcher(self)
        self.watcher.content_changed.connect(self.vault_changed)
        self.watcher.markers_changed.connect(self.markers_changed)
        self.watcher.backups_changed.connect(lambda: window.protection.refresh())
        self.reloads = 0          # how many times the chat list was read again (tests, the log)

    def start(self, vault) -> None:
        self.watcher.start(vault)

    def stop(self) -> None:
        self.watcher.stop()

    def markers_changed(self) -> None:
        """Read markers moved: recount the badges, unless this window wrote them (its badges are right
        already, and a recount scans the messages above the markers)."""
        if not self.window.read_markers.wrote_recently():
            self.window.read_markers.refresh_counts()

    def vault_changed(self) -> None:
        win = self.window
        vault = win.vault
        if vault is None:
            return

        def job(_ctx):
            conn = vault.connect(readonly=True)
            try:
                return ChatListModel.read_rows(conn)
            finally:
                conn.close()

        op = Op(job, self)
        op.finished.connect(lambda rows: self.show_rows(rows) if win.vault is vault else None)
        op.failed.connect(lambda exc: log.warning("live refresh: %s", exc))
        op.ended.connect(op.deleteLater)
        op.start()

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        win = self.window
        self.reloads += 1
        before = win.current_conv
        current = before["id"] if before else None
        win.chat_model.set_rows(rows)
        win._chats_loaded(current)
        win.search_page.refresh_filters()
        if win.stack.currentIndex() == PAGE_GALLERY:
            win.gallery.refresh()
        row = win.chat_model.row_of(current) if current is not None else None
        if row is None or before is None:
            return
        conv = win.chat_model.rows[row]
        if (conv.get("last_ts"), conv.get("messages")) == (before.get("last_ts"), before.get("messages")):
            return
        if win.read_markers.at_end():
            win.open_conversation(conv)          # reading the newest: show what came in
        else:
            win.current_conv = conv
            win.messages.model_.at_end = False   # reading older messages: scrolling down reaches the new ones
