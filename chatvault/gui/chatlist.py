"""The chat list: avatar with initials, title, last message preview, time and the new-in-last-import count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from chatvault.gui import theme, timefmt
from chatvault.store import queries
from chatvault.store.db import Connection

ConversationRole = Qt.ItemDataRole.UserRole + 10
FilterRole = Qt.ItemDataRole.UserRole + 11
_APP_NAMES = {"wechat": "WeChat", "whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal",
              "discord": "Discord", "qq": "QQ", "line": "LINE", "imessage": "iMessage"}


def preview_text(kind: str, text: str | None) -> str:
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
    label = labels.get(kind, "")
    return f"{label} {text}" if text and kind in ("link",) else label


class ChatListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def load(self, conn: Connection | None) -> None:
        rows = self._read(conn) if conn is not None else []   # read first: a failed read leaves the model whole
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    @staticmethod
    def _read(conn: Connection) -> list[dict]:
        rows = []
        for conv in queries.chat_list(conn):
            last = conv.pop("last")
            preview = ""
            if last is not None:
                preview = preview_text(last["kind"], last["text"])
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

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        conv = self.rows[index.row()]
        if role == ConversationRole:
            return conv
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return conv["display"]
        if role == FilterRole:
            return conv.get("filter_text") or conv["display"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{conv['display']} · {_APP_NAMES.get(conv['app'], conv['app'])} · {conv['messages']:,}"
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


_APP_BADGES = {"wechat": ("#07c160", "W"), "whatsapp": ("#25d366", "WA"), "telegram": ("#2aabee", "T"),
               "signal": ("#3a76f0", "S"), "discord": ("#5865f2", "D"), "qq": ("#12b7f5", "Q"),
               "line": ("#06c755", "L"), "imessage": ("#34c759", "i")}


class ChatListDelegate(QStyledItemDelegate):
    HEIGHT = 64

    @staticmethod
    def _app_badge(p: QPainter, av: QRect, app: str) -> None:
        """Which messenger the chat came from: a small coloured disc on the avatar's corner."""
        colour, letter = _APP_BADGES.get(app, ("#8c8c8c", (app[:1] or "?").upper()))
        r = QRect(av.right() - 11, av.bottom() - 11, 16, 16)
        p.save()
        p.setPen(QColor("#ffffff"))
        p.setBrush(QColor(colour))
        p.drawEllipse(r)
        f = QFont(p.font())
        f.setPixelSize(7 if len(letter) > 1 else 9)
        f.setBold(True)
        p.setFont(f)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, letter)
        p.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), self.HEIGHT)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        conv = index.data(ConversationRole)
        c = theme.colors()
        r = option.rect
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            p.fillRect(r, QColor(c.list_selected))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            p.fillRect(r, QColor(0, 0, 0, 12) if theme.current() == "light" else QColor(255, 255, 255, 10))
        av = QRect(r.left() + 12, r.top() + 12, 40, 40)
        theme.paint_avatar(p, av, conv["display"], f"conv-{conv['id']}")
        self._app_badge(p, av, conv.get("app") or "")
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        sfm = QFontMetrics(small)
        time_text = timefmt.list_label(conv.get("last_ts"))
        tw = sfm.horizontalAdvance(time_text)
        p.setFont(small)
        p.setPen(QColor(c.list_sub))
        p.drawText(QRect(r.right() - 12 - tw, r.top() + 14, tw, sfm.height()), Qt.AlignmentFlag.AlignRight, time_text)
        left = av.right() + 12
        title_w = r.right() - 16 - tw - left
        p.setFont(base)
        p.setPen(QColor(c.list_text))
        fm = QFontMetrics(base)
        p.drawText(QRect(left, r.top() + 12, title_w, fm.height()), Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(conv["display"], Qt.TextElideMode.ElideRight, title_w))
        p.setFont(small)
        p.setPen(QColor(c.list_sub))
        badge_w = 0
        if conv.get("fresh"):
            text = str(conv["fresh"]) if conv["fresh"] < 1000 else "999+"
            badge_w = max(18, sfm.horizontalAdvance(text) + 10)
            br = QRect(r.right() - 12 - badge_w, r.top() + 36, badge_w, 18)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#fa5151"))
            p.drawRoundedRect(br, 9, 9)
            p.setPen(QColor("#ffffff"))
            p.drawText(br, Qt.AlignmentFlag.AlignCenter, text)
            p.setPen(QColor(c.list_sub))
        pw = r.right() - 16 - left - (badge_w + 6 if badge_w else 0)
        p.drawText(QRect(left, r.top() + 36, pw, sfm.height()), Qt.AlignmentFlag.AlignLeft,
                   sfm.elidedText(conv.get("preview") or "", Qt.TextElideMode.ElideRight, pw))
        p.restore()
