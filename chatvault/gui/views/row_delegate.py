"""What the chat list and the search results delegates share: a fixed row height, the selected (and
hovered) background, the avatar's place and the two fonts a row is written in."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from chatvault.gui import theme


class RowDelegate(QStyledItemDelegate):
    """A list row with a 40 px avatar at its left; `HOVER` shades the row under the mouse."""

    HEIGHT = 64
    HOVER = False

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), self.HEIGHT)

    def begin_row(self, p: QPainter, option: QStyleOptionViewItem) -> QRect:
        """Save the painter and fill the row's background; returns the avatar's rectangle."""
        r = option.rect
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            p.fillRect(r, QColor(theme.colors().list_selected))
        elif self.HOVER and option.state & QStyle.StateFlag.State_MouseOver:
            p.fillRect(r, QColor(0, 0, 0, 12) if theme.current() == "light" else QColor(255, 255, 255, 10))
        return QRect(r.left() + 12, r.top() + 12, 40, 40)

    @staticmethod
    def fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        """The row's font and a smaller one (85 %, at least 7 pt) for times and secondary text."""
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        return base, small
