"""The chat list model: every conversation with its last message preview and the new-in-last-import count
(read through `store.queries`), and the filter that also finds a chat by its earlier names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QSortFilterProxyModel,
    Qt,
)

from chatvault.gui import timefmt
from chatvault.gui.models.rows import RowListModel
from chatvault.store import queries
from chatvault.store.db import Connection

ConversationRole = Qt.ItemDataRole.UserRole + 10


FilterRole = Qt.ItemDataRole.UserRole + 11


_APP_NAMES = {"wechat": "WeChat", "whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal",
              "discord": "Discord", "qq": "QQ", "line": "LINE", "imessage": "iMessage"}


def preview_text(kind: str, text: str | None, extra: str | dict | None = None) -> str:
    """The chat list's one line for the newest message: its text, or a label for its kind followed by
    a caption, a file name or a link's title; a red packet is not called a transfer."""
    from PySide6.QtCore import QCoreApplication

    labels = {
        "image": QCoreApplication.translate("ChatList", "[Photo]"),
        "video": QCoreApplication.translate("ChatList", "[Video]"),
        "voice": QCoreApplication.translate("ChatList", "[Voice]"),
        "file": QCoreApplication.translate("ChatList", "[File]"),
        "sticker": QCoreApplication.translate("ChatList", "[Sticker]"),
        "location": QCoreApplication.translate("ChatList", "[Location]"),
        "contact": QCoreApplication.translate("ChatList", "[Contact card]"),
        "link": QCoreApplication.translate("ChatList", "[Link]"),
        "payment": QCoreApplication.translate("ChatList", "[Transfer]"),
        "call": QCoreApplication.translate("ChatList", "[Call]"),
        "poll": QCoreApplication.translate("ChatList", "[Poll]"),
        "recalled": QCoreApplication.translate("ChatList", "[Recalled]"),
    }
    if kind in ("text", "system", "unknown"):
        return (text or "").replace("\n", " ")
    if kind == "payment":
        from chatvault.gui.views.card_text import payment_kind

        ex = extra if isinstance(extra, dict) else _json(extra)
        if payment_kind(ex) == "red_packet":
            labels["payment"] = QCoreApplication.translate("ChatList", "[Red packet]")
    label = labels.get(kind, "")
    if text and kind in ("link", "image", "video", "file"):
        return f"{label} {text}".replace("\n", " ")
    return label


def _json(raw: str | None) -> dict:
    import json

    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class ChatListModel(RowListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def load(self, conn: Connection | None) -> None:
        rows = self._read(conn) if conn is not None else []   # read first: a failed read leaves the model whole
        self.set_rows(rows)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show rows read elsewhere (`read_rows` on a worker thread: the live refresh)."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    @classmethod
    def read_rows(cls, conn: Connection) -> list[dict[str, Any]]:
        return cls._read(conn)

    @staticmethod
    def _read(conn: Connection) -> list[dict]:
        rows = []
        for conv in queries.chat_list(conn):
            last = conv.pop("last")
            preview = ""
            if last is not None:
                preview = preview_text(last["kind"], last["text"], last.get("extra"))
                if conv["kind"] == "group" and last["display_name"] and last["kind"] not in ("system", "recalled"):
                    preview = f"{last['display_name']}: {preview}"
            conv["preview"] = preview
            conv["fresh"] = 0
            conv["display"] = conv["title"] or conv["source_key"]
            # the filter finds a chat by its earlier names and the source's id too
            conv["filter_text"] = "\n".join([conv["display"], *conv.pop("earlier_titles"), conv["source_key"]])
            rows.append(conv)
        return rows

    def set_fresh(self, fresh: dict[int, int]) -> None:
        """The "new in the last import" badges, counted off the UI thread (a scan of `messages`)."""
        for i, conv in enumerate(self.rows):
            n = int(fresh.get(conv["id"], 0))
            if conv["fresh"] != n:
                conv["fresh"] = n
                self.dataChanged.emit(self.index(i), self.index(i))

    def set_held(self, held: dict[int, int]) -> None:
        """Chats with messages under an active legal hold (#20): the chat list shows them with a tag."""
        for i, conv in enumerate(self.rows):
            n = int(held.get(conv["id"], 0))
            if conv.get("held", 0) != n:
                conv["held"] = n
                self.dataChanged.emit(self.index(i), self.index(i))

    ROW_ROLE = ConversationRole

    def row_list(self) -> list[dict[str, Any]]:
        return self.rows

    def row_data(self, conv: dict[str, Any], role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return conv["display"]
        if role == FilterRole:
            return conv.get("filter_text") or conv["display"]
        if role == Qt.ItemDataRole.ToolTipRole:
            count = int(conv["messages"] or 0)
            n = timefmt.grouped(QCoreApplication.translate("ChatList", "%n message(s)", None, count), count)
            return f"{conv['display']} · {_APP_NAMES.get(conv['app'], conv['app'])} · {n}"
        return None

    def row_of(self, conversation_id: int) -> int | None:
        for i, c in enumerate(self.rows):
            if c["id"] == conversation_id:
                return i
        return None


class ChatFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(FilterRole)      # the title, earlier titles (renamed, re-remarked) and the source id
        self.only: set[int] | None = None   # a custodian's chats (the chat list's custodian filter), or all

    def set_only(self, ids: set[int] | None) -> None:
        if not hasattr(self, "beginFilterChange"):      # Qt before 6.10
            self.only = ids
            self.invalidateFilter()
            return
        self.beginFilterChange()           # Qt 6.10+: begin/end replace the deprecated invalidateFilter()
        self.only = ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt's name
        if self.only is not None:
            conv = self.sourceModel().index(row, 0, parent).data(ConversationRole)
            if conv is None or conv["id"] not in self.only:
                return False
        return super().filterAcceptsRow(row, parent)
