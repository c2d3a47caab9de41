"""The search results delegate: a hit with its highlighted snippet, chat, sender and time."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPointF,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QStyleOptionViewItem,
)

from chatvault.gui import theme, timefmt
from chatvault.gui.models.search import HitRole
from chatvault.gui.views.row_delegate import RowDelegate

log = logging.getLogger(__name__)


def _segments(hit: Any) -> list[tuple[str, bool]]:
    segs = getattr(hit, "segments", None)
    if segs:
        return [(str(s[0]), bool(s[1])) for s in segs]
    return [(hit.snippet or "", False)]


class ResultDelegate(RowDelegate):
    HEIGHT = 68

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        c = theme.colors()
        r = option.rect
        av = self.begin_row(p, option)
        theme.paint_avatar(p, av, hit.sender or hit.conversation, str(hit.sender or hit.conversation))
        base, small = self.fonts(option)
        sfm, fm = QFontMetrics(small), QFontMetrics(base)
        when = timefmt.absolute(int(hit.time)) if hit.time is not None else ""
        tw = sfm.horizontalAdvance(when)
        left = av.right() + 12
        p.setFont(small)
        p.setPen(QColor(c.list_sub))
        p.drawText(QRect(r.right() - 12 - tw, r.top() + 12, tw, sfm.height()), Qt.AlignmentFlag.AlignRight, when)
        head = f"{hit.conversation}" + (f" · {hit.sender}" if hit.sender else "")
        p.setFont(base)
        p.setPen(QColor(c.list_text))
        w = r.right() - 20 - tw - left
        p.drawText(QRect(left, r.top() + 10, w, fm.height()), Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(head, Qt.TextElideMode.ElideRight, w))
        # Snippet with the matched parts highlighted (QTextLayout: correct CJK shaping and widths).
        text = ""
        formats = []
        for part, is_hit in _segments(hit):
            if is_hit:
                f = QTextLayout.FormatRange()
                f.start, f.length = len(text), len(part)
                fmt = QTextCharFormat()
                fmt.setForeground(QColor("#07c160" if theme.current() == "light" else "#5ad08a"))
                fmt.setFontWeight(QFont.Weight.Bold)
                f.format = fmt
                formats.append(f)
            text += part
        text = text.replace("\n", " ")
        layout = QTextLayout(text, small)
        layout.setFormats(formats)
        layout.beginLayout()
        line = layout.createLine()
        if line.isValid():
            line.setLineWidth(r.right() - 12 - left)
        layout.endLayout()
        p.setPen(QColor(c.list_sub))
        layout.draw(p, QPointF(left, r.top() + 36))
        p.restore()
