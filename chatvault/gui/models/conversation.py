"""The conversation model: a paged window over one conversation.

Nothing here is one widget per message. The model holds a window of rows loaded page by page in both
directions through `store.queries.messages_page` (the (conversation, ts, id) index), so a conversation
of a million messages opens with two small queries.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from chatvault.articles import db as article_db
from chatvault.gui import timefmt
from chatvault.store import queries
from chatvault.store.db import Connection
from chatvault.store.store import Store

MessageRole = Qt.ItemDataRole.UserRole + 1


ChipRole = Qt.ItemDataRole.UserRole + 2


HighlightRole = Qt.ItemDataRole.UserRole + 3


END = (2**62, 2**62)


def _extra(msg: dict[str, Any]) -> dict[str, Any]:
    raw = msg.get("extra")
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}


def recall_of(msg: dict[str, Any]) -> dict[str, Any] | None:
    """The recall of a message the vault kept (its notice came in a later import), or None."""
    extra = msg.get("extra")
    recalled = extra.get("recalled") if isinstance(extra, dict) else None
    return recalled if isinstance(recalled, dict) and msg.get("kind") != "recalled" else None


class MessageListModel(QAbstractListModel):
    """A window of one conversation's messages, extended a page at a time at either end."""

    PAGE = 150
    loaded = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.conversation_id: int | None = None
        self.is_group = False
        self.rows: list[dict[str, Any]] = []
        self.at_start = self.at_end = True
        self.highlight_id: int | None = None
        self._now = None

    # --- loading -----------------------------------------------------------------------
    def set_connection(self, conn: Connection | None) -> None:
        self.clear()
        self.store = Store(conn) if conn is not None else None

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.conversation_id = None
        self.highlight_id = None
        self.at_start = self.at_end = True
        self.endResetModel()

    def open(self, conversation_id: int, is_group: bool, around: dict[str, Any] | None = None) -> None:
        """Show the newest page, or the page around message `around` (a row from Store.message)."""
        assert self.store is not None
        self.conversation_id = conversation_id
        self.is_group = is_group
        self.highlight_id = None
        if around is None:
            rows = self.store.messages_page(conversation_id, before=END, limit=self.PAGE)
            self.at_end = True
            self.at_start = len(rows) < self.PAGE
        else:
            cur = (around["ts"], around["id"])
            older = self.store.messages_page(conversation_id, before=cur, limit=self.PAGE // 2)
            newer = self.store.messages_page(conversation_id, after=cur, limit=self.PAGE // 2)
            rows = older + [around] + newer
            self.at_start = len(older) < self.PAGE // 2
            self.at_end = len(newer) < self.PAGE // 2
            self.highlight_id = around["id"]
        self.beginResetModel()         # after the reads: one that fails leaves the model consistent
        self.rows = self._decorate(rows)
        self.endResetModel()
        self.loaded.emit()

    def open_at_date(self, conversation_id: int, is_group: bool, ts_ms: int) -> int | None:
        """Open at the first message on or after `ts_ms`; returns its row (None if after the end)."""
        assert self.store is not None
        first = queries.first_message_at(self.store.conn, conversation_id, ts_ms)
        if first is None:
            self.open(conversation_id, is_group)
            return None
        self.open(conversation_id, is_group, around=first)
        self.highlight_id = None
        return self.row_of(first["id"])

    def load_older(self) -> int:
        if self.at_start or not self.rows or self.store is None:
            return 0
        first = self.rows[0]
        rows = self.store.messages_page(self.conversation_id, before=(first["ts"], first["id"]), limit=self.PAGE)
        self.at_start = len(rows) < self.PAGE
        if rows:
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self.rows[0:0] = self._decorate(rows)
            self.endInsertRows()
            old_first = self.index(len(rows))
            self.dataChanged.emit(old_first, old_first)  # its time chip may disappear
        return len(rows)

    def load_newer(self) -> int:
        if self.at_end or not self.rows or self.store is None:
            return 0
        last = self.rows[-1]
        rows = self.store.messages_page(self.conversation_id, after=(last["ts"], last["id"]), limit=self.PAGE)
        self.at_end = len(rows) < self.PAGE
        if rows:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(rows) - 1)
            self.rows.extend(self._decorate(rows))
            self.endInsertRows()
        return len(rows)

    def _decorate(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Attach attachments, quoted messages and parsed extras to a page (two IN queries)."""
        if not rows or self.store is None:
            return rows
        conn = self.store.conn
        atts = queries.attachments_of(conn, [r["id"] for r in rows])
        quotes = queries.quoted_messages(conn, [r["reply_to_id"] for r in rows if r.get("reply_to_id")])
        articles = article_db.for_messages(conn, [r["id"] for r in rows])
        out = []
        for r in rows:
            r = dict(r)
            r["extra"] = _extra(r)
            r["attachments"] = atts.get(r["id"], [])
            r["quote"] = quotes.get(r.get("reply_to_id") or -1)
            r["article"] = articles.get(r["id"])       # its saved copy, if it links to an article
            out.append(r)
        return out

    # --- Qt model ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        msg = self.rows[index.row()]
        if role == MessageRole:
            return msg
        if role == ChipRole:
            if index.row() == 0:
                return True
            return timefmt.needs_chip(self.rows[index.row() - 1]["ts"], msg["ts"])
        if role == HighlightRole:
            return msg["id"] == self.highlight_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            who = msg.get("sender") or ""
            body = msg.get("text") or msg["kind"]
            if recall_of(msg) is not None:
                body = f"{body} ({QCoreApplication.translate('BubbleDelegate', 'Recalled')})"
            return f"{who}: {body}" if who else body
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = timefmt.absolute(msg["ts"], msg.get("tz_offset"))
            recalled = recall_of(msg)
            if recalled is not None and recalled.get("notice"):
                tip += "\n" + str(recalled["notice"])      # the source's own words: "…撤回了一条消息"
            return tip
        return None

    def set_highlight(self, message_id: int | None) -> None:
        """Highlight one message (a search hit, a quoted original), repainting the old and new rows."""
        rows = [r for r in (self.row_of(self.highlight_id) if self.highlight_id else None,
                            self.row_of(message_id) if message_id else None) if r is not None]
        self.highlight_id = message_id
        for r in rows:
            self.dataChanged.emit(self.index(r), self.index(r), [HighlightRole])

    def row_of(self, message_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r["id"] == message_id:
                return i
        return None
