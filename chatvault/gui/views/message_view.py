"""The conversation view: a list view over `MessageListModel` that loads more as it scrolls, jumps to a
date or a message, and hands clicks, double-clicks and the context menu to `ConversationActions`
(views/message_menu.py): a reply's quote jumps to the original, a voice bubble plays."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyleOptionViewItem

from chatvault.gui.models.conversation import MessageListModel, MessageRole
from chatvault.gui.views.bubbles import MEDIA_KINDS, BubbleDelegate
from chatvault.store.db import DatabaseError


class MessageView(QListView):
    """The list view over `MessageListModel`: loads older/newer pages as the user nears either end."""

    image_activated = Signal(dict)
    damaged = Signal(object)      # a read met damage in vault.db: the exception
    placed = Signal()             # scrolled or laid out again: overlays (the voice player) follow
    EDGE_PX = 400

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setAccessibleName(self.tr("Messages"))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalScrollBar().setSingleStep(24)
        self.model_ = MessageListModel(self)
        self.delegate = BubbleDelegate(self)
        self.setModel(self.model_)
        self.setItemDelegate(self.delegate)
        self._loading = False
        self.actions: Any = None          # ConversationActions, set by the main window
        self.verticalScrollBar().valueChanged.connect(self._maybe_load)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.placed.emit())
        self.doubleClicked.connect(self._activated)
        self.model_.modelReset.connect(self.delegate.clear_cache)

    def open(self, conversation_id: int, is_group: bool, around: dict[str, Any] | None = None) -> None:
        self.delegate.is_group = is_group
        try:
            self.model_.open(conversation_id, is_group, around)
        except DatabaseError as exc:      # damage: the window says where, the list stays empty
            self.model_.clear()
            self.damaged.emit(exc)
            return
        if around is None:
            self.scrollToBottom()
        else:
            self.scroll_to_message(around["id"])

    def jump_to_date(self, ts_ms: int) -> None:
        if self.model_.conversation_id is None:
            return
        row = self.model_.open_at_date(self.model_.conversation_id, self.model_.is_group, ts_ms)
        if row is None:
            self.scrollToBottom()
        else:
            self.scrollTo(self.model_.index(row), QAbstractItemView.ScrollHint.PositionAtTop)

    def scroll_to_message(self, message_id: int) -> None:
        row = self.model_.row_of(message_id)
        if row is not None:
            idx = self.model_.index(row)
            self.setCurrentIndex(idx)
            self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
            # A second pass once the rows above have their real heights.
            QTimer.singleShot(0, lambda: self.scrollTo(self.model_.index(row), QAbstractItemView.ScrollHint.PositionAtCenter)
                              if self.model_.rowCount() > row else None)

    def _maybe_load(self, value: int) -> None:
        if self._loading or self.model_.conversation_id is None:
            return
        bar = self.verticalScrollBar()
        self._loading = True
        try:
            self._load_more(value, bar)
        except DatabaseError as exc:      # the older/newer page is in a damaged part
            self.damaged.emit(exc)
        finally:
            self._loading = False

    def _load_more(self, value: int, bar: Any) -> None:
        if value < self.EDGE_PX and not self.model_.at_start:
            old_max = bar.maximum()
            if self.model_.load_older():
                self.doItemsLayout()
                bar.setValue(value + (bar.maximum() - old_max))
        elif bar.maximum() - value < self.EDGE_PX and not self.model_.at_end:
            self.model_.load_newer()

    def _activated(self, index: QModelIndex) -> None:
        msg = index.data(MessageRole)
        if msg and self.actions is not None:
            self.actions.activate(msg)
        elif msg and msg["kind"] in MEDIA_KINDS:
            self.image_activated.emit(msg)

    # --- where things are ----------------------------------------------------------------------
    def _layout_at(self, index: QModelIndex) -> Any:
        opt = QStyleOptionViewItem()
        self.initViewItemOption(opt)
        opt.rect = self.visualRect(index)
        return self.delegate.layout(opt, index)

    def part_at(self, pos: QPoint) -> tuple[dict[str, Any] | None, str | None]:
        """The message under `pos` (viewport coordinates) and the part hit: "quote", "bubble" or None."""
        index = self.indexAt(pos)
        msg = index.data(MessageRole) if index.isValid() else None
        if msg is None:
            return None, None
        lay = self._layout_at(index)
        local = pos - self.visualRect(index).topLeft()
        if lay.quote is not None and lay.quote.contains(local):
            return msg, "quote"
        if lay.bubble is not None and lay.bubble.contains(local):
            return msg, "bubble"
        return msg, None

    def bubble_rect(self, message_id: int) -> QRect | None:
        """A message's bubble in viewport coordinates, None when it is not on screen."""
        row = self.model_.row_of(message_id)
        if row is None:
            return None
        index = self.model_.index(row)
        vr = self.visualRect(index)
        if not vr.isValid() or not vr.intersects(self.viewport().rect()):
            return None
        lay = self._layout_at(index)
        return lay.bubble.translated(vr.topLeft()) if lay.bubble is not None else None

    def show_message(self, target: dict[str, Any]) -> None:
        """Scroll to `target` and highlight it; if it is outside the loaded window, load the window around it."""
        if target["conversation_id"] != self.model_.conversation_id:
            return
        if self.model_.row_of(target["id"]) is None:
            self.model_.open(target["conversation_id"], self.model_.is_group, around=target)
        self.model_.set_highlight(target["id"])
        self.scroll_to_message(target["id"])

    # --- mouse and menu ------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.actions is None:
            return
        msg, part = self.part_at(event.position().toPoint())
        if msg is None:
            return
        if part == "quote":
            self.actions.jump_to_quote(msg)
        elif part == "bubble" and msg["kind"] == "voice":
            self.actions.play(msg)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard      # the Menu key, Shift+F10
        index = self.currentIndex() if keyboard else self.indexAt(event.pos())
        msg = index.data(MessageRole) if index.isValid() else None
        if msg is None or self.actions is None:
            return
        self.setCurrentIndex(index)
        where = event.globalPos()
        if keyboard:
            rect = self.bubble_rect(msg["id"]) or self.visualRect(index)
            where = self.viewport().mapToGlobal(rect.center())
        self.actions.menu_for(msg).popup(where)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.actions is not None:
            msg = self.currentIndex().data(MessageRole) if self.currentIndex().isValid() else None
            if msg is not None:
                self.actions.activate(msg)        # Enter opens or plays, as a double-click does
                return
        super().keyPressEvent(event)

    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        self.placed.emit()

    def clear(self) -> None:
        self.model_.set_connection(None)
        self.delegate.clear_cache()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.delegate.clear_cache()
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)
