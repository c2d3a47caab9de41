"""The conversation view: a list view over `MessageListModel` that loads more as it scrolls, jumps to a
date or a message, and opens images."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QListView

from chatvault.gui.models.conversation import MessageListModel, MessageRole
from chatvault.gui.views.bubbles import MEDIA_KINDS, BubbleDelegate
from chatvault.store.db import DatabaseError


class MessageView(QListView):
    """The list view over `MessageListModel`: loads older/newer pages as the user nears either end."""

    image_activated = Signal(dict)
    damaged = Signal(object)      # a read met damage in vault.db: the exception
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
        self.verticalScrollBar().valueChanged.connect(self._maybe_load)
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
        if msg and msg["kind"] in MEDIA_KINDS:
            self.image_activated.emit(msg)

    def clear(self) -> None:
        self.model_.set_connection(None)
        self.delegate.clear_cache()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.delegate.clear_cache()
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)
