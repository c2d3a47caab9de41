"""Unread badges: the chat list counts messages the user has not seen, and a chat is read once its
newest messages have been on screen (opened at the end, or scrolled down to it).

The markers live in the vault (`chatvault.store.readmarks`, the settings table), written off the UI
thread. Writing takes the vault's writer lock when it is free; while another process holds it (a
`chatvault import` in a terminal) the marker waits in memory, the badge is already cleared on screen,
and the write is retried a little later and at the next refresh.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu

from chatvault.gui.ops import Op
from chatvault.store import readmarks

log = logging.getLogger(__name__)
RETRY_MS = 10_000
END_SLACK_PX = 8          # "at the end": within a few pixels of the bottom


def _write(vault, marks: dict[int, int], all_up_to: int | None) -> None:
    """The job: raise the markers under the writer lock (unless this process holds it already)."""
    lock = vault.writer_lock
    took = not lock.held
    if took:
        lock.acquire("marking chats as read")
    try:
        conn = vault.connect()
        try:
            readmarks.write(conn, marks, all_up_to)
        finally:
            conn.close()
    finally:
        if took:
            lock.release()


class ReadMarkers(QObject):
    """Marks the open chat read when its end is on screen; "Mark as read" and "Mark all as read" in
    the chat list's menu; keeps the badges (`ChatListModel.set_fresh`) in step."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.pending: dict[int, int] = {}
        self.pending_all: int | None = None      # "Mark all as read" up to this message id
        self.known: dict[int, int] = {}          # markers written or queued in this session
        self.known_all = 0
        self.last_write = 0.0                    # monotonic time our last marker write ended
        self.op: Op | None = None
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self.flush)
        view = window.messages
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.check_open_chat())
        view.model_.loaded.connect(lambda: QTimer.singleShot(0, self.check_open_chat))
        view.model_.rowsInserted.connect(lambda *_: QTimer.singleShot(0, self.check_open_chat))
        window.who_is_me.menu_built.connect(self.extend_menu)

    # --- reading the open chat --------------------------------------------------------------
    def at_end(self) -> bool:
        view = self.window.messages
        bar = view.verticalScrollBar()
        return view.model_.at_end and bar.value() >= bar.maximum() - END_SLACK_PX

    def check_open_chat(self) -> None:
        """The open conversation is read up to its newest loaded message if that is on screen."""
        win = self.window
        conv, model = win.current_conv, win.messages.model_
        if conv is None or win.vault is None or not model.rows or model.conversation_id != conv["id"]:
            return
        if not win.isVisible() or win.isMinimized() or win.stack.currentWidget() is not win.split \
                or not self.at_end():
            return
        up_to = max(int(r["id"]) for r in model.rows)
        if self.known.get(conv["id"], 0) >= up_to:
            return
        self.mark(conv["id"], up_to)

    def mark(self, conversation_id: int, up_to: int) -> None:
        self.known[conversation_id] = max(up_to, self.known.get(conversation_id, 0))
        self.pending[conversation_id] = self.known[conversation_id]
        self.window.chat_model.set_fresh(self._cleared({conversation_id}))
        self.flush()

    def mark_all(self) -> None:
        if self.window.conn is None:
            return
        self.pending_all = max(self.pending_all or 0, readmarks.newest_message_id(self.window.conn))
        self.known_all = max(self.known_all, self.pending_all)
        self.window.chat_model.set_fresh({})
        self.flush()

    def _cleared(self, ids: set[int]) -> dict[int, int]:
        """The badges as shown, with `ids` at zero."""
        return {c["id"]: (0 if c["id"] in ids else c.get("fresh", 0)) for c in self.window.chat_model.rows}

    def wrote_recently(self, seconds: float = 5.0) -> bool:
        """Did this window just write markers? Then a change of markers seen in the vault is its own."""
        return time.monotonic() - self.last_write < seconds

    def refresh_counts(self) -> None:
        """Count the unread messages off the UI thread, with what was read here and may not be written
        yet folded in, then show them as the chat list's badges."""
        vault = self.window.vault
        if vault is None:
            return
        read_here, all_up_to = dict(self.known), self.known_all

        def job(_ctx):
            conn = vault.connect(readonly=True)
            try:
                return readmarks.unread_counts(conn, read_here, all_up_to or None)
            finally:
                conn.close()

        def show(counts: dict[int, int]) -> None:
            if self.window.vault is not vault:
                return
            if self.known_all > all_up_to:            # marked meanwhile: the count is older than that
                counts = {}
            self.window.chat_model.set_fresh({cid: n for cid, n in counts.items()
                                              if self.known.get(cid, 0) <= read_here.get(cid, 0)})

        op = Op(job, self)
        op.finished.connect(show)
        op.ended.connect(op.deleteLater)
        op.start()

    # --- writing ----------------------------------------------------------------------------
    def flush(self) -> None:
        win = self.window
        vault = win.vault
        if vault is None or (self.op is not None and self.op.running) or not (self.pending or self.pending_all):
            return
        marks, all_up_to = dict(self.pending), self.pending_all
        self.pending.clear()
        self.pending_all = None
        self.op = Op(lambda ctx: _write(vault, marks, all_up_to), self)
        self.op.finished.connect(lambda _r: setattr(self, "last_write", time.monotonic()))
        self.op.failed.connect(lambda exc: self._failed(exc, marks, all_up_to))
        self.op.ended.connect(self._ended)
        self.op.start()

    def _failed(self, exc: Exception, marks: dict[int, int], all_up_to: int | None) -> None:
        log.info("read markers not written yet (%s): retrying", getattr(exc, "code", type(exc).__name__))
        for cid, up_to in marks.items():
            self.pending[cid] = max(up_to, self.pending.get(cid, 0))
        if all_up_to is not None:
            self.pending_all = all_up_to
        self.retry.start()

    def _ended(self) -> None:
        if self.pending or self.pending_all:
            QTimer.singleShot(0, self.flush)

    def forget(self) -> None:
        """On lock: the session's cache goes (what was not written is retried at the next unlock only
        if the user reads again; a marker is a convenience, never data)."""
        self.retry.stop()
        self.known.clear()
        self.known_all = 0
        self.pending.clear()
        self.pending_all = None

    # --- the chat list's menu ---------------------------------------------------------------
    def extend_menu(self, menu: QMenu, conv: dict[str, Any]) -> None:
        menu.addSeparator()
        one = menu.addAction(self.tr("Mark as read"))
        one.setObjectName("markRead")
        one.setEnabled(bool(conv.get("fresh")))
        one.triggered.connect(lambda _=False, cid=conv["id"]: self.mark_conversation(cid))
        every = menu.addAction(self.tr("Mark all as read"))
        every.setObjectName("markAllRead")
        every.setEnabled(any(c.get("fresh") for c in self.window.chat_model.rows))
        every.triggered.connect(self.mark_all)

    def mark_conversation(self, conversation_id: int) -> None:
        """Everything in the chat now in the vault is read (its newest id is looked up by the writer)."""
        self.known.pop(conversation_id, None)
        if self.window.conn is None:
            return
        self.pending[conversation_id] = readmarks.newest_message_id(self.window.conn, conversation_id)
        self.window.chat_model.set_fresh(self._cleared({conversation_id}))
        self.flush()

