"""The chat list delegate: avatar with initials and messenger badge, title, last message preview, time and
the new-in-last-import badge."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from chatvault.gui import theme, timefmt
from chatvault.gui.models.chatlist import ConversationRole
from chatvault.gui.views.row_delegate import RowDelegate

_APP_BADGES = {"wechat": ("#07c160", "W"), "whatsapp": ("#25d366", "WA"), "telegram": ("#2aabee", "T"),
               "signal": ("#3a76f0", "S"), "discord": ("#5865f2", "D"), "qq": ("#12b7f5", "Q"),
               "line": ("#06c755", "L"), "imessage": ("#34c759", "i")}


class ChatListDelegate(RowDelegate):
    HEIGHT = 64
    HOVER = True

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

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        conv = index.data(ConversationRole)
        c = theme.colors()
        r = option.rect
        av = self.begin_row(p, option)
        theme.paint_avatar(p, av, conv["display"], f"conv-{conv['id']}")
        self._app_badge(p, av, conv.get("app") or "")
        base, small = self.fonts(option)
        sfm = QFontMetrics(small)
        time_text = timefmt.list_label(conv.get("last_ts"))
        tw = sfm.horizontalAdvance(time_text)
        p.setFont(small)
        p.setPen(QColor(c.list_sub))
        p.drawText(QRect(r.right() - 12 - tw, r.top() + 14, tw, sfm.height()), Qt.AlignmentFlag.AlignRight, time_text)
        left = av.right() + 12
        title_w = r.right() - 16 - tw - left
        if conv.get("held"):                       # under legal hold (#20): an amber tag before the time
            tag = QCoreApplication.translate("ChatList", "On hold")
            tag_w = sfm.horizontalAdvance(tag) + 10
            tr_ = QRect(r.right() - 12 - tw - 6 - tag_w, r.top() + 13, tag_w, sfm.height() + 2)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#f0a500"))
            p.drawRoundedRect(tr_, 4, 4)
            p.setPen(QColor("#ffffff"))
            p.drawText(tr_, Qt.AlignmentFlag.AlignCenter, tag)
            title_w -= tag_w + 6
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
