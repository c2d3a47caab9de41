"""A favorite as a card in the Favorites list (like WeChat's): a thumbnail or the type's badge, the
text, where it came from, when it was favorited and its tags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from chatvault.gui import theme, timefmt
from chatvault.gui.models.favorites import FavoriteRole

_BADGE = {"text": "#576b95", "image": "#fa9d3b", "video": "#fa9d3b", "voice": "#07c160", "file": "#2782d7",
          "link": "#10aeff", "article": "#07c160", "chat_history": "#6467f0", "note": "#fa5151",
          "location": "#1485ee", "music": "#fa5151", "product": "#fa9d3b", "mini_program": "#6467f0",
          "channels": "#fa9d3b"}


def kind_label(kind: str | None) -> str:
    t = QCoreApplication.translate
    return {
        "text": t("Favorites", "Text"), "image": t("Favorites", "Photo"), "voice": t("Favorites", "Voice"),
        "video": t("Favorites", "Video"), "file": t("Favorites", "File"), "link": t("Favorites", "Link"),
        "article": t("Favorites", "Article"), "chat_history": t("Favorites", "Chat history"),
        "note": t("Favorites", "Note"), "location": t("Favorites", "Location"), "music": t("Favorites", "Music"),
        "product": t("Favorites", "Product"), "mini_program": t("Favorites", "Mini program"),
        "channels": t("Favorites", "Channels"),
    }.get(kind or "", t("Favorites", "Other"))


def title_and_preview(row: dict[str, Any]) -> tuple[str, str]:
    """The card's first line and the line under it."""
    extra = row["extra"]
    kind = extra.get("fav_kind")
    text = (row.get("text") or "").strip()
    if kind == "chat_history":
        lines = [f"{it.get('sender') or ''}: {it.get('text') or ''}" for it in extra.get("bundle") or []]
        return text or kind_label(kind), "  ".join(lines[:3])
    if kind == "note":
        first, _, rest = text.partition("\n")
        return extra.get("title") or first or kind_label(kind), rest.replace("\n", "  ")
    if kind in ("link", "article", "music", "product", "mini_program", "channels"):
        return extra.get("title") or text or kind_label(kind), extra.get("description") or extra.get("url") or ""
    if kind == "location":
        return text or kind_label(kind), extra.get("label") or ""
    if kind == "voice":
        secs = (extra.get("duration_ms") or 0) / 1000
        return kind_label(kind), timefmt.duration(secs) if secs else ""
    if kind == "file":
        size = extra.get("size")
        return text or kind_label(kind), f"{size / 1024:.1f} KB" if size else ""
    first, _, rest = text.partition("\n")
    return first or kind_label(kind), rest.replace("\n", "  ")


def source_line(row: dict[str, Any]) -> str:
    """'Alice · Hiking group · 2 Jan 2026': who said it, in which chat, when it was favorited."""
    src = row["extra"].get("fav_source") or {}
    who = src.get("sender_name") or row.get("sender")
    chat = src.get("chat_name")
    bits = [b for b in (who, chat if chat and chat != who else None) if b]
    bits.append(timefmt.absolute(row["ts"], with_time=False))
    return " · ".join(bits)


def thumb_blob(row: dict[str, Any]) -> str | None:
    """The first stored picture of the item (its own photo, a note's or a bundle's first one)."""
    for a in row.get("attachments") or []:
        if a.get("status") == "stored" and a.get("blob_id") and (a.get("mime") or "").startswith("image/"):
            return a["blob_id"]
    return None


class FavoriteCardDelegate(QStyledItemDelegate):
    """Paints a card per favorite; thumbnails come from the page's loader as they are decrypted."""

    HEIGHT = 96
    thumbnail_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.thumbnails: dict[str, QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), self.HEIGHT)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = index.data(FavoriteRole)
        c = theme.colors()
        r = option.rect.adjusted(8, 4, -8, -4)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor(c.list_selected))
        p.setBrush(QColor(c.list_selected if option.state & QStyle.StateFlag.State_Selected else c.card_bg))
        p.drawRoundedRect(r, 6, 6)
        box = QRect(r.left() + 10, r.top() + 10, 68, 68)
        kind = row["extra"].get("fav_kind") or "other"
        blob = thumb_blob(row)
        pm = self.thumbnails.get(blob) if blob else None
        if blob and pm is None:
            self.thumbnail_requested.emit(blob)
        if pm is not None and not pm.isNull():
            scaled = pm.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                               Qt.TransformationMode.SmoothTransformation)
            p.setClipRect(box)
            p.drawPixmap(box.left() - (scaled.width() - box.width()) // 2,
                         box.top() - (scaled.height() - box.height()) // 2, scaled)
            p.setClipping(False)
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(_BADGE.get(kind, "#8c8c8c")))
            p.drawRoundedRect(box, 8, 8)
            f = QFont(option.font)
            f.setBold(True)
            p.setFont(f)
            p.setPen(QColor("#ffffff"))
            p.drawText(box.adjusted(4, 4, -4, -4), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       kind_label(kind))
        left = box.right() + 12
        width = r.right() - 10 - left
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        title, preview = title_and_preview(row)
        bold = QFont(base)
        bold.setBold(True)
        fm, sfm = QFontMetrics(bold), QFontMetrics(small)
        p.setFont(bold)
        p.setPen(QColor(c.list_text))
        y = r.top() + 10
        p.drawText(QRect(left, y, width, fm.height()), Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(title.replace("\n", " "), Qt.TextElideMode.ElideRight, width))
        y += fm.height() + 2
        p.setFont(small)
        p.setPen(QColor(c.list_sub))
        if preview:
            p.drawText(QRect(left, y, width, sfm.height()), Qt.AlignmentFlag.AlignLeft,
                       sfm.elidedText(preview, Qt.TextElideMode.ElideRight, width))
        y = r.bottom() - 8 - sfm.height()
        tags = "  ".join(f"#{t}" for t in row["extra"].get("tags") or [])
        meta = source_line(row)
        if row.get("status") == "missing-at-source":
            meta = QCoreApplication.translate("Favorites", "Deleted in WeChat") + " · " + meta
        tw = sfm.horizontalAdvance(tags) if tags else 0
        tw = min(tw, width // 2)
        p.drawText(QRect(left, y, width - tw - 8, sfm.height()), Qt.AlignmentFlag.AlignLeft,
                   sfm.elidedText(meta, Qt.TextElideMode.ElideRight, width - tw - 8))
        if tags:
            p.setPen(QColor("#07c160"))
            p.drawText(QRect(r.right() - 10 - tw, y, tw, sfm.height()), Qt.AlignmentFlag.AlignRight,
                       sfm.elidedText(tags, Qt.TextElideMode.ElideRight, tw))
        p.restore()
