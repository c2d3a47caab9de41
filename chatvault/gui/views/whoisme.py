""""This is me": the chat list's context menu says which sender is the user in that chat's source.

Choosing a sender re-marks who "me" is for the whole source (the account the chat came from), off
the UI thread, through `chatvault.ingest.owner.set_me`; the choice is kept for later imports. The open
conversation is then reloaded, so the user's own messages move to the right at once.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu

from chatvault.gui import timefmt
from chatvault.gui.models.chatlist import ConversationRole
from chatvault.gui.ops import Op

log = logging.getLogger(__name__)
MAX_LISTED = 40          # the most active senders; `chatvault source set-me` reaches anyone


def _set_me(vault, source_id: int, key: str) -> Any:
    """The job: take the writer lock (unless this process holds it), re-mark, release."""
    from chatvault.ingest import owner

    lock = vault.writer_lock
    took = not lock.held
    if took:
        lock.acquire("setting who is me")
    try:
        conn = vault.connect()
        try:
            choice = owner.resolve_choice(conn, source_id, key)
            return owner.set_me(conn, source_id, choice)
        finally:
            conn.close()
    finally:
        if took:
            lock.release()


class WhoIsMe(QObject):
    """Adds "This is me: NAME" entries to the chat list's context menu."""

    changed = Signal(object)           # the SetMeResult
    menu_built = Signal(object, object)   # (QMenu, conversation): others add their entries (read markers)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.op: Op | None = None
        self.menu: QMenu | None = None
        window.chat_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.chat_list.customContextMenuRequested.connect(self._show_menu)

    def _show_menu(self, pos: QPoint) -> None:
        index = self.window.chat_list.indexAt(pos)
        if not index.isValid():              # the keyboard's menu key: the selected chat
            index = self.window.chat_list.currentIndex()
        conv = index.data(ConversationRole) if index.isValid() else None
        if conv is None:
            return
        menu = self.build_menu(conv)
        menu.popup(self.window.chat_list.viewport().mapToGlobal(pos))

    def build_menu(self, conv: dict[str, Any]) -> QMenu:
        """The menu for one chat: a submenu with one checkable entry per sender (the current "me" checked)."""
        from chatvault.ingest import owner

        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = menu = QMenu(self.window.chat_list)
        sub = menu.addMenu(self.tr("Which sender is me?"))
        conn = self.window.conn
        people: list[dict[str, Any]] = []
        source_id = None
        if conn is not None:
            source_id = int(owner.source_of_conversation(conn, int(conv["id"]))["id"])
            people = [p for p in owner.people(conn, source_id, int(conv["id"])) if p["messages"]][:MAX_LISTED]
        for p in people:
            act = sub.addAction(self.tr("This is me: %1").replace("%1", p["name"] or p["key"]))
            act.setCheckable(True)
            act.setChecked(p["is_me"])
            act.setData(p["key"])
            act.triggered.connect(lambda _=False, key=p["key"], sid=source_id: self.set_me(sid, key))
        if not people:
            sub.addAction(self.tr("No senders in this chat")).setEnabled(False)
        if getattr(self.window, "exporter", None) is not None:
            self.window.exporter.add_chat_action(menu, conv)
        self.menu_built.emit(menu, conv)
        return menu

    def set_me(self, source_id: int | None, key: str) -> Op | None:
        vault = self.window.vault
        if vault is None or source_id is None or (self.op is not None and self.op.running):
            return None
        self.op = Op(lambda ctx: _set_me(vault, source_id, key), self)
        self.op.finished.connect(self._done)
        self.op.failed.connect(self._failed)
        self.op.start()
        return self.op

    def _done(self, result) -> None:
        win = self.window
        if win.conn is not None:
            conv = win.current_conv
            win.reload_chats()
            if conv is not None:
                win.messages.delegate.clear_cache()
                win.open_conversation(conv)
        names = ", ".join(p["name"] or p["key"] for p in result.me)
        n = int(result.now_mine)
        win.statusBar().showMessage(timefmt.grouped(self.tr("%1 is now shown as you (%n message(s) moved to your side).",
                                                            None, n), n).replace("%1", names), 8000)
        self.changed.emit(result)

    def _failed(self, exc: Exception) -> None:
        msg = getattr(exc, "message", None) or str(exc)
        log.warning("set me failed: %s", type(exc).__name__)
        self.window.statusBar().showMessage(self.tr("Could not change who is me: %1").replace("%1", msg), 10000)
