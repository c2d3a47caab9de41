"""The conversation delegate: WeChat-style bubbles, cards and centred time chips (5-minute rule), with
each row's layout cached."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from chatvault.gui import theme, timefmt
from chatvault.gui.articles.wording import saved_copy_line
from chatvault.gui.models.conversation import ChipRole, HighlightRole, MessageRole, recall_of
from chatvault.gui.models.media import quality_badge
from chatvault.gui.views import card_text
from chatvault.gui.views.reactions import chips as reaction_chips

CARD_KINDS = {"file", "link", "payment", "location", "contact", "poll"}


MEDIA_KINDS = {"image", "video"}


CENTRED_KINDS = {"system", "recalled"}


AVATAR = 36


MARGIN = 14


GAP = 8


PAD_X = 11


PAD_Y = 8


CHIP_H = 30


NAME_H = 17


BADGE_H = 20


@dataclass
class Layout:
    height: int
    chip: QRect | None = None
    name: QRect | None = None
    avatar: QRect | None = None
    bubble: QRect | None = None
    text_rect: QRect | None = None
    header: str | None = None         # "Forwarded from …" inside the bubble
    header_rect: QRect | None = None
    quote: QRect | None = None
    badges: list[tuple[QRect, str, str]] = field(default_factory=list)  # rect, text, colour
    centred: QRect | None = None
    body_h: int = 0
    media: QRect | None = None        # a photo or video with a caption: the picture, above the text
    text_flags: int = int(Qt.TextFlag.TextWordWrap)


class BubbleDelegate(QStyledItemDelegate):
    """Paints one message: avatar, optional sender name, bubble or card, chips and badges."""

    thumbnail_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple[int, int], Layout] = {}
        self.thumbnails: dict[str, QPixmap] = {}
        self.is_group = False

    def clear_cache(self) -> None:
        self._cache.clear()

    # --- text helpers ------------------------------------------------------------------
    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.82))
        return base, small

    def body_text(self, msg: dict[str, Any]) -> str:
        kind = msg["kind"]
        ex = msg["extra"]
        text = msg.get("text") or ""
        if kind == "voice":
            line = f"▶  {card_text.voice_seconds(msg)}″"
            return line + (f"\n{ex['transcript']}" if ex.get("transcript") else "")
        if kind == "call":
            label = self.tr("Video call") if ex.get("type") == "video" else self.tr("Voice call")
            dur = ex.get("duration_ms")
            return f"📞 {label}  {timefmt.duration(dur / 1000)}" if dur else f"📞 {label}"
        if kind == "sticker":
            return ex.get("name") or text or self.tr("[Sticker]")
        if kind == "unknown":
            return text or self.tr("[A message type ChatVault cannot show yet]")
        return text

    def card_lines(self, msg: dict[str, Any]) -> tuple[str, list[str], str]:
        """(title, detail lines, footer) of a card message (`card_text`)."""
        return card_text.card_lines(msg)

    def missing_reason(self, att: dict[str, Any] | str | None, kind: str) -> str:
        return card_text.missing_reason(att, kind)

    # --- layout ------------------------------------------------------------------------
    def layout(self, option: QStyleOptionViewItem, index: QModelIndex) -> Layout:
        msg = index.data(MessageRole)
        chip = bool(index.data(ChipRole))
        width = option.rect.width() or 600
        key = (msg["id"], width * 2 + int(chip))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        lay = self._compute(option, msg, chip, width)
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[key] = lay
        return lay

    def _compute(self, option: QStyleOptionViewItem, msg: dict[str, Any], chip: bool, width: int) -> Layout:
        base, small = self._fonts(option)
        fm, sfm = QFontMetrics(base), QFontMetrics(small)
        y = 6
        lay = Layout(height=0)
        if chip:
            lay.chip = QRect(0, y, width, CHIP_H - 8)
            y += CHIP_H
        kind = msg["kind"]
        if kind in CENTRED_KINDS:
            text = msg.get("text") or (self.tr("A message was recalled") if kind == "recalled" else "")
            r = sfm.boundingRect(QRect(0, 0, int(width * 0.7), 10_000), Qt.TextFlag.TextWordWrap, text)
            lay.centred = QRect((width - r.width()) // 2 - 8, y, r.width() + 16, r.height() + 8)
            y += r.height() + 8
            y = self._badges(lay, msg, sfm, y, width, centred=True)
            lay.height = y + 8
            return lay
        mine = bool(msg.get("from_me"))
        max_w = int(min(width * 0.62, 540))
        if self.is_group and not mine:
            lay.name = QRect(MARGIN + AVATAR + GAP + 2, y, max_w, NAME_H)
            y += NAME_H
        header = None
        if msg.get("forwarded_from"):
            header = self.tr("Forwarded from %1").replace("%1", msg["forwarded_from"])
        elif msg["extra"].get("forwarded"):
            header = self.tr("Forwarded")
        bw, bh, text_rect = self._content_size(msg, kind, max_w, header, fm, sfm, lay)
        hdr_h = sfm.height() + 2 if header else 0
        bh += hdr_h
        bw = max(bw, min(sfm.horizontalAdvance(header or "") + 2 * PAD_X, max_w)) if header else bw
        if mine:
            bx = width - MARGIN - AVATAR - GAP - bw
            lay.avatar = QRect(width - MARGIN - AVATAR, y, AVATAR, AVATAR)
        else:
            bx = MARGIN + AVATAR + GAP
            lay.avatar = QRect(MARGIN, y - (NAME_H if lay.name else 0), AVATAR, AVATAR)
        lay.bubble = QRect(bx, y, bw, bh)
        if header:
            lay.header = header
            lay.header_rect = QRect(bx + PAD_X, y + PAD_Y - 2, bw - 2 * PAD_X, sfm.height())
        if lay.media is not None and text_rect is not None:       # a captioned photo or video
            lay.media = QRect(bx + (bw - lay.media.width() if mine else 0), y + hdr_h, lay.media.width(),
                              lay.media.height())
            lay.text_rect = QRect(bx + PAD_X, lay.media.bottom() + 1 + PAD_Y, text_rect.width(), text_rect.height())
        elif text_rect is not None:
            lay.text_rect = QRect(bx + PAD_X, y + PAD_Y + hdr_h, text_rect.width(), text_rect.height())
        y += max(bh, AVATAR - (NAME_H if lay.name else 0))
        if msg.get("quote") or msg.get("reply_to_key"):
            q = self.quote_text(msg)
            qr = sfm.boundingRect(QRect(0, 0, max_w - 16, 10_000), Qt.TextFlag.TextWordWrap, q)
            qh = min(qr.height(), sfm.height() * 2) + 10
            qw = min(qr.width() + 16, max_w)
            qx = (bx + bw - qw) if mine else bx
            lay.quote = QRect(qx, y + 4, qw, qh)
            y += qh + 4
        y = self._badges(lay, msg, sfm, y, width, mine=mine, bx=bx, bw=bw)
        lay.height = y + 8
        return lay

    def _content_size(self, msg: dict[str, Any], kind: str, max_w: int, header: str | None, fm: QFontMetrics,
                      sfm: QFontMetrics, lay: Layout) -> tuple[int, int, QRect | None]:
        """The bubble's width and height for its content (media, card or text), and the text's size
        (for a photo or video: its caption, below the picture, whose size goes to `lay.media`)."""
        if kind in MEDIA_KINDS or kind == "sticker":
            att = (msg.get("attachments") or [{}])[0]
            if kind == "sticker":
                bw, bh = 96, 96
            elif att.get("status") == "stored":
                w0, h0 = att.get("width") or 4, att.get("height") or 3
                scale = min(200 / max(w0, 1), 200 / max(h0, 1))
                bw, bh = max(60, int(w0 * scale)), max(60, int(h0 * scale))
            else:
                bw, bh = 220, 96
            caption = (msg.get("text") or "").strip() if kind in MEDIA_KINDS else ""
            if not caption:
                return bw, bh, None
            # The caption sits under the picture, as WhatsApp and Telegram show it.
            lay.media = QRect(0, 0, bw, bh)
            avail = max(bw, min(max_w, 240)) - 2 * PAD_X
            lay.text_flags = self._wrap_flags(fm, caption, avail)
            r = fm.boundingRect(QRect(0, 0, avail, 100_000), lay.text_flags, caption)
            cw = max(bw, r.width() + 2 * PAD_X)
            lay.media = QRect(0, 0, bw, bh)
            return cw, bh + r.height() + 2 * PAD_Y, QRect(0, bh, r.width(), r.height())
        if kind in CARD_KINDS:
            bw = min(max_w, 260)
            title, lines, footer = self.card_lines(msg)
            tr_ = fm.boundingRect(QRect(0, 0, bw - 2 * PAD_X - (40 if kind == "file" else 0), 10_000),
                                  Qt.TextFlag.TextWordWrap, title)
            content_h = min(tr_.height(), fm.height() * 2) + 6
            for line in lines:
                content_h += sfm.boundingRect(QRect(0, 0, bw - 2 * PAD_X, 10_000), self._wrap_flags(sfm, line, bw),
                                              line).height() + 2
            content_h = max(content_h, 44) + sfm.height() + 10  # footer strip
            return bw, content_h + 2 * PAD_Y, None
        text = self.body_text(msg)
        lay.text_flags = self._wrap_flags(fm, text, max_w - 2 * PAD_X)
        r = fm.boundingRect(QRect(0, 0, max_w - 2 * PAD_X, 100_000), lay.text_flags, text)
        tw = min(max(r.width(), 14), max_w - 2 * PAD_X)
        if header:
            tw = max(tw, min(sfm.horizontalAdvance(header), max_w - 2 * PAD_X))
        content_h = max(r.height(), fm.height())
        return tw + 2 * PAD_X, content_h + 2 * PAD_Y, QRect(0, 0, tw, content_h)

    @staticmethod
    def _wrap_flags(fm: QFontMetrics, text: str, width: int) -> int:
        """Word wrap, and wrap anywhere when one word (a long URL, 500 × "a") is wider than the bubble."""
        flags = int(Qt.TextFlag.TextWordWrap)
        if any(len(w) > 12 and fm.horizontalAdvance(w) > width for w in text.split()):
            flags |= int(Qt.TextFlag.TextWrapAnywhere)
        return flags

    def quote_text(self, msg: dict[str, Any]) -> str:
        q = msg.get("quote")
        if not q:
            return self.tr("Reply to a message that is not in the vault")
        body = q.get("text") or f"[{q.get('kind')}]"
        return f"{q.get('sender') or ''}: {body}" if q.get("sender") else body

    def _badges(self, lay: Layout, msg: dict[str, Any], sfm: QFontMetrics, y: int, width: int, *,
                centred: bool = False, mine: bool = False, bx: int = 0, bw: int = 0) -> int:
        items: list[tuple[str, str]] = []
        c = theme.colors()
        if msg.get("is_edited"):
            items.append((self.tr("edited"), c.chip_text))
        if msg.get("status") == "missing-at-source":
            items.append((self.tr("Deleted on phone"), c.badge))
        recalled = recall_of(msg)
        if recalled is not None:
            items.append((self.tr("Recalled by you") if recalled.get("by_me") else self.tr("Recalled"), c.badge))
        saved = saved_copy_line(msg.get("article")) if msg["kind"] != "link" else ""   # a card says it inside
        if saved:
            items.append((saved, c.badge if msg["article"].get("status") in ("deleted", "blocked") else c.chip_text))
        items += [(chip, c.chip_text) for chip in reaction_chips(msg.get("extra"), self.tr("+%1 more"))]
        if not items:
            return y
        room = max(width - 2 * MARGIN - AVATAR - GAP, 80)
        rows: list[list[tuple[str, str, int]]] = [[]]
        used = 0
        for text, colour in items:       # many reactions wrap onto more lines
            w = min(sfm.horizontalAdvance(text) + 12, room)
            if rows[-1] and used + 6 + w > room:
                rows.append([])
                used = 0
            used += (6 if rows[-1] else 0) + w
            rows[-1].append((text, colour, w))
        for row in rows:
            total = sum(w for _t, _c, w in row) + 6 * (len(row) - 1)
            x = (width - total) // 2 if centred else (bx + bw - total) if mine else bx
            x = max(x, MARGIN)
            for text, colour, w in row:
                lay.badges.append((QRect(x, y + 3, w, BADGE_H - 4), text, colour))
                x += w + 6
            y += BADGE_H
        return y

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width() or 600, self.layout(option, index).height)

    # --- painting ----------------------------------------------------------------------
    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        msg = index.data(MessageRole)
        if msg is None:
            return
        lay = self.layout(option, index)
        c = theme.colors()
        base, small = self._fonts(option)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.translate(option.rect.topLeft())
        if index.data(HighlightRole):
            p.fillRect(QRect(0, 0, option.rect.width(), lay.height), QColor(c.highlight))
        elif option.state & QStyle.StateFlag.State_HasFocus and option.state & QStyle.StateFlag.State_Selected:
            p.fillRect(QRect(0, 0, option.rect.width(), lay.height), QColor(0, 0, 0, 14))
        if lay.chip is not None:
            p.setFont(small)
            p.setPen(QColor(c.chip_text))
            p.drawText(lay.chip, Qt.AlignmentFlag.AlignCenter, timefmt.chip_label(msg["ts"], tz_offset_min=msg.get("tz_offset")))
        if lay.centred is not None:
            p.setFont(small)
            p.setPen(QColor(c.chip_text))
            p.drawText(lay.centred, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       msg.get("text") or self.tr("A message was recalled"))
            self._paint_badges(p, lay, small)
            p.restore()
            return
        theme.paint_avatar(p, lay.avatar, msg.get("sender"), msg.get("sender") or str(msg.get("sender_id")))
        if lay.name is not None:
            p.setFont(small)
            p.setPen(QColor(c.sender))
            p.drawText(lay.name, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, msg.get("sender") or "")
        mine = bool(msg.get("from_me"))
        kind = msg["kind"]
        if lay.media is not None:                  # the caption's bubble, the picture on top of it
            self._bubble(p, lay.bubble, QColor(c.mine if mine else c.theirs), mine)
            p.setFont(base)
            p.setPen(QColor(c.mine_text if mine else c.theirs_text))
            p.drawText(lay.text_rect, lay.text_flags, msg.get("text") or "")
        if kind in MEDIA_KINDS or kind == "sticker":
            self._paint_media(p, lay, msg, base, small)
        elif kind in CARD_KINDS:
            self._paint_card(p, lay, msg, base, small)
        else:
            fill = QColor(c.mine if mine else c.theirs)
            self._bubble(p, lay.bubble, fill, mine)
            p.setFont(base)
            p.setPen(QColor(c.mine_text if mine else c.theirs_text))
            p.drawText(lay.text_rect, lay.text_flags, self.body_text(msg))
        if lay.header:
            p.setFont(small)
            p.setPen(QColor(c.quote_text))
            p.drawText(lay.header_rect, Qt.AlignmentFlag.AlignLeft, "↪ " + lay.header)
        if lay.quote is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(c.quote_bg))
            p.drawRoundedRect(lay.quote, 3, 3)
            p.setFont(small)
            p.setPen(QColor(c.quote_text))
            p.drawText(lay.quote.adjusted(8, 5, -8, -5), Qt.TextFlag.TextWordWrap, self.quote_text(msg))
        self._paint_badges(p, lay, small)
        p.restore()

    def _bubble(self, p: QPainter, r: QRect, fill: QColor, mine: bool, border: bool = False) -> None:
        """A rounded bubble with the small tail pointing at the avatar."""
        path = QPainterPath()
        path.addRoundedRect(r, 5, 5)
        tail = QPainterPath()
        ty = r.top() + 14
        if mine:
            tail.moveTo(r.right(), ty - 5)
            tail.lineTo(r.right() + 6, ty)
            tail.lineTo(r.right(), ty + 5)
        else:
            tail.moveTo(r.left(), ty - 5)
            tail.lineTo(r.left() - 6, ty)
            tail.lineTo(r.left(), ty + 5)
        path = path.united(tail)
        p.setPen(QPen(QColor(0, 0, 0, 22), 1) if border or fill.lightness() > 245 else Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawPath(path)

    def _paint_media(self, p: QPainter, lay: Layout, msg: dict[str, Any], base: QFont, small: QFont) -> None:
        c = theme.colors()
        r = lay.media or lay.bubble
        att = (msg.get("attachments") or [{}])[0]
        kind = msg["kind"]
        if kind == "sticker":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(c.quote_bg))
            p.drawRoundedRect(r, 6, 6)
            f = QFont(base)
            f.setPointSizeF(base.pointSizeF() * 1.3)
            p.setFont(f)
            p.setPen(QColor(c.theirs_text))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.body_text(msg))
            return
        blob = att.get("thumb_blob_id") or att.get("blob_id")
        pm = self.thumbnails.get(blob) if blob else None
        if att.get("status") == "stored":
            if pm is not None and not pm.isNull():
                p.drawPixmap(r, pm)
            else:
                if blob:
                    self.thumbnail_requested.emit(blob)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor("#d8d8d8") if theme.current() == "light" else QColor("#333333"))
                p.drawRoundedRect(r, 4, 4)
                p.setFont(small)
                p.setPen(QColor("#7a7a7a"))
                label = self.tr("Photo") if kind == "image" else self.tr("Video")
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, label)
            if kind == "video":
                self._play(p, r, att)
            if att.get("quality") == "thumbnail":
                quality_badge(p, r, self.tr("Thumbnail only"))
            return
        # Missing or expired: say why, never a broken-image icon.
        p.setPen(QPen(QColor(c.chip_text), 1, Qt.PenStyle.DashLine))
        p.setBrush(QColor(c.card_bg))
        p.drawRoundedRect(r, 5, 5)
        p.setFont(small)
        p.setPen(QColor(c.theirs_text))
        title = self.tr("Photo not in the export") if kind == "image" else self.tr("Video not in the export")
        if att.get("status") == "expired":
            title = self.tr("Photo expired") if kind == "image" else self.tr("Video expired")
        inner = r.adjusted(10, 8, -10, -8)
        p.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, ("🖼  " if kind == "image" else "🎬  ") + title)
        p.setPen(QColor(c.chip_text))
        p.drawText(inner.adjusted(0, QFontMetrics(small).height() + 4, 0, 0), Qt.TextFlag.TextWordWrap,
                   self.missing_reason(att, kind))

    def _play(self, p: QPainter, r: QRect, att: dict[str, Any]) -> None:
        cx, cy = r.center().x(), r.center().y()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 110))
        p.drawEllipse(QPoint(cx, cy), 18, 18)
        p.setBrush(QColor("#ffffff"))
        path = QPainterPath()
        path.moveTo(cx - 6, cy - 9)
        path.lineTo(cx + 10, cy)
        path.lineTo(cx - 6, cy + 9)
        path.closeSubpath()
        p.drawPath(path)
        if att.get("duration_ms"):
            p.setPen(QColor("#ffffff"))
            p.drawText(r.adjusted(0, 0, -6, -4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                       timefmt.duration(att["duration_ms"] / 1000))

    def _paint_card(self, p: QPainter, lay: Layout, msg: dict[str, Any], base: QFont, small: QFont) -> None:
        c = theme.colors()
        r = lay.bubble
        kind, ex = msg["kind"], msg["extra"]
        mine = bool(msg.get("from_me"))
        fg = QColor(c.theirs_text)
        if kind == "payment":
            pending = ex.get("state", "pending") == "pending"
            dark = theme.current() == "dark"
            if pending:  # WeChat's orange transfer card; muted in dark mode
                fill, fg = QColor("#b8742f" if dark else "#f79c46"), QColor("#fdf3e7" if dark else "#ffffff")
            else:
                fill, fg = QColor("#5c4a33" if dark else "#f8e2c6"), QColor("#f0dcc0" if dark else "#7a5a2e")
        else:
            fill = QColor(c.card_bg)
        self._bubble(p, r, fill, mine, border=True)
        title, lines, footer = self.card_lines(msg)
        sfm = QFontMetrics(small)
        inner = r.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y - sfm.height() - 8)
        if lay.header:
            inner.setTop(inner.top() + sfm.height() + 2)
        text_left = inner
        if kind in ("file", "payment", "location", "contact"):
            icon_r = QRect(inner.right() - 34, inner.top() + 2, 34, 40)
            text_left = inner.adjusted(0, 0, -42, 0)
            self._card_icon(p, icon_r, kind, ex, fg)
        p.setFont(base)
        p.setPen(fg)
        fm = QFontMetrics(base)
        title_r = QRect(text_left.left(), text_left.top(), text_left.width(), min(fm.height() * 2, 10_000))
        p.drawText(title_r, Qt.TextFlag.TextWordWrap, title)
        ty = text_left.top() + min(fm.boundingRect(title_r, Qt.TextFlag.TextWordWrap, title).height(), fm.height() * 2) + 4
        p.setFont(small)
        for line in lines:
            flags = self._wrap_flags(sfm, line, text_left.width())
            lr = sfm.boundingRect(QRect(text_left.left(), ty, text_left.width(), 10_000), flags, line)
            is_missing = "export" in line.lower() or "导出" in line
            p.setPen(QColor(c.badge) if is_missing else (fg if kind == "payment" else QColor(c.quote_text)))
            p.drawText(QRect(text_left.left(), ty, text_left.width(), lr.height()), flags, line)
            ty += lr.height() + 2
        sep_y = r.bottom() - sfm.height() - 8
        p.setPen(QPen(QColor(0, 0, 0, 30) if kind != "payment" else QColor(255, 255, 255, 90), 1))
        p.drawLine(r.left() + PAD_X, sep_y, r.right() - PAD_X, sep_y)
        p.setPen(fg if kind == "payment" else QColor(c.chip_text))
        p.drawText(QRect(r.left() + PAD_X, sep_y + 2, r.width() - 2 * PAD_X, sfm.height() + 4),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, footer)

    def _card_icon(self, p: QPainter, r: QRect, kind: str, ex: dict[str, Any], fg: QColor) -> None:
        p.save()
        if kind == "file":
            p.setPen(QPen(QColor("#8a8a8a"), 1.2))
            p.setBrush(QColor("#ffffff"))
            path = QPainterPath()
            path.moveTo(r.left() + 4, r.top())
            path.lineTo(r.right() - 8, r.top())
            path.lineTo(r.right(), r.top() + 8)
            path.lineTo(r.right(), r.bottom())
            path.lineTo(r.left() + 4, r.bottom())
            path.closeSubpath()
            p.drawPath(path)
            p.setPen(QColor("#1e9e58"))
            f = QFont(p.font())
            f.setPixelSize(9)
            f.setBold(True)
            p.setFont(f)
            p.drawText(r.adjusted(4, 10, 0, 0), Qt.AlignmentFlag.AlignCenter, self.tr("FILE"))
        elif kind == "payment":
            p.setPen(QPen(fg, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(r.center(), 14, 14)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "¥")
        elif kind == "location":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#e5534b"))
            p.drawEllipse(QPoint(r.center().x(), r.top() + 14), 10, 10)
            path = QPainterPath()
            path.moveTo(r.center().x() - 8, r.top() + 19)
            path.lineTo(r.center().x(), r.top() + 34)
            path.lineTo(r.center().x() + 8, r.top() + 19)
            p.drawPath(path)
            p.setBrush(QColor("#ffffff"))
            p.drawEllipse(QPoint(r.center().x(), r.top() + 14), 4, 4)
        elif kind == "contact":
            theme.paint_avatar(p, QRect(r.left(), r.top() + 2, 34, 34), ex.get("name"), ex.get("name"))
        p.restore()

    def _paint_badges(self, p: QPainter, lay: Layout, small: QFont) -> None:
        p.setFont(small)
        for rect, text, colour in lay.badges:
            col = QColor(colour)
            if colour == theme.colors().badge:
                p.setPen(QPen(col, 1))
                p.setBrush(QColor(col.red(), col.green(), col.blue(), 28))
                p.drawRoundedRect(rect, 3, 3)
            p.setPen(col)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
