"""Light and dark themes (QSS in resources/themes), chat colours for the bubble painter, icons, fonts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleFactory, QToolTip

from chatvault.gui.i18n import RESOURCES

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class ChatColors:
    background: str
    mine: str          # outgoing bubble
    mine_text: str
    theirs: str        # incoming bubble
    theirs_text: str
    chip_text: str     # time chips and system lines
    sender: str        # sender names in groups
    quote_bg: str
    quote_text: str
    card_bg: str
    highlight: str     # search-hit row
    badge: str         # "deleted on phone"
    list_selected: str
    list_text: str
    list_sub: str


LIGHT = ChatColors("#f5f5f5", "#95EC69", "#1F1F1F", "#FFFFFF", "#1F1F1F", "#9b9b9b", "#8c8c8c",
                   "#e8e8e8", "#6b6b6b", "#FFFFFF", "#fff3b0", "#e5534b", "#c9c9c9", "#1f1f1f", "#999999")
DARK = ChatColors("#111111", "#3eb575", "#0e0e0e", "#2c2c2c", "#e3e3e3", "#7a7a7a", "#8a8a8a",
                  "#262626", "#a0a0a0", "#2c2c2c", "#5a4a12", "#ff6b61", "#3a3a3a", "#e0e0e0", "#7f7f7f")

_current = "light"
_system_point_size: float | None = None


def resolve(name: str) -> str:
    if name in ("light", "dark"):
        return name
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def apply(name: str) -> str:
    """Apply theme `name` (system/light/dark) to the application; returns light or dark."""
    global _current
    app = QApplication.instance()
    _current = resolve(name)
    app.setStyle("Fusion")
    # The palette first, so whatever the style sheet does not name (a popup, a tooltip, a calendar,
    # a widget added later) is dark in dark mode too, never Fusion's white default.
    app.setPalette(palette(_current))
    QToolTip.setPalette(palette(_current))
    qss = (RESOURCES / "themes" / f"{_current}.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss)
    return _current


def palette(name: str) -> QPalette:
    """Fusion's own light palette, or a WeChat-dark one with every role set."""
    if name != "dark":
        return QStyleFactory.create("Fusion").standardPalette()
    pal = QPalette()
    R = QPalette.ColorRole
    for role, colour in ((R.Window, "#1e1e1e"), (R.WindowText, "#d6d6d6"), (R.Base, "#1b1b1b"),
                         (R.AlternateBase, "#232323"), (R.ToolTipBase, "#2c2c2c"), (R.ToolTipText, "#e0e0e0"),
                         (R.PlaceholderText, "#7a7a7a"), (R.Text, "#d6d6d6"), (R.Button, "#2f2f2f"),
                         (R.ButtonText, "#e0e0e0"), (R.BrightText, "#ff6b61"), (R.Light, "#3a3a3a"),
                         (R.Midlight, "#333333"), (R.Mid, "#2a2a2a"), (R.Dark, "#151515"), (R.Shadow, "#000000"),
                         (R.Highlight, "#3a8f55"), (R.HighlightedText, "#f2f2f2"), (R.Link, "#5ad08a"),
                         (R.LinkVisited, "#3eb575")):
        pal.setColor(role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6a6a6a"))
    return pal


def current() -> str:
    return _current


def colors() -> ChatColors:
    return DARK if _current == "dark" else LIGHT


CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei UI", "PingFang SC")
EMOJI_FAMILIES = ("Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", "Twemoji", "JoyPixels")


def font_families() -> list[str]:
    """The application's family list: the system UI font, then a CJK font, then a colour emoji font
    (the ones installed here; packaging/sysdeps.sh installs Noto CJK and Noto Color Emoji)."""
    installed = set(QFontDatabase.families())
    ui = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    cjk = [f for f in CJK_FAMILIES if f in installed][:1]
    emoji = [f for f in EMOJI_FAMILIES if f in installed][:1]
    return [f for f in dict.fromkeys([ui, *cjk, *emoji]) if f]


def emoji_family() -> str | None:
    installed = set(QFontDatabase.families())
    return next((f for f in EMOJI_FAMILIES if f in installed), None)


def setup_fonts(point_size: int | None = None) -> None:
    """Use the system UI font, with CJK and colour-emoji fallbacks where they are installed.

    Three layers, because each reaches text the others miss: the application font's family list
    (widgets and delegates that copy the app font), a substitution list on the UI family (fonts made
    from its name), and Qt's emoji fallback (emoji sequences anywhere, drawn in colour)."""
    families = font_families()
    emoji = emoji_family()
    if emoji and hasattr(QFontDatabase, "addApplicationEmojiFontFamily"):
        QFontDatabase.addApplicationEmojiFontFamily(emoji)
    if len(families) > 1:
        # Only fallbacks: the system UI font stays first (no hard-coded CJK family in QSS).
        QFont.insertSubstitutions(families[0], families[1:])
    global _system_point_size
    if _system_point_size is None:
        _system_point_size = QApplication.font().pointSizeF()
    font = QApplication.font()
    font.setFamilies(families)
    font.setPointSizeF(float(point_size) if point_size else _system_point_size)
    QApplication.setFont(font)


@lru_cache(maxsize=256)
def icon(name: str, color: str = "#9b9b9b") -> QIcon:
    """An SVG icon from resources/icons, `currentColor` painted in `color`, sharp at any DPI."""
    data = (RESOURCES / "icons" / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(data.encode()))
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        renderer.render(p, QRectF(0, 0, size, size))
        p.end()
        result.addPixmap(pm)
    return result


def nav_icon(name: str) -> QIcon:
    """Gray when idle, WeChat green when its page is shown (checked)."""
    out = QIcon()
    for size in (24, 48):
        out.addPixmap(icon(name, "#9b9b9b").pixmap(size, size), QIcon.Mode.Normal, QIcon.State.Off)
        out.addPixmap(icon(name, "#07c160").pixmap(size, size), QIcon.Mode.Normal, QIcon.State.On)
    return out


def app_icon(badge: str | None = None) -> QIcon:
    """The app icon, optionally with a coloured status dot (tray: green/amber/red)."""
    base = icon("app", "#ffffff")
    if not badge:
        return base
    out = QIcon()
    dot = {"green": "#2ea043", "amber": "#f0a500", "red": "#e5534b"}.get(badge, badge)
    for size in (16, 22, 24, 32, 48, 64):
        pm = base.pixmap(size, size)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = size * 0.42
        p.setPen(QColor("#ffffff"))
        p.setBrush(QColor(dot))
        p.drawEllipse(QRectF(size - r - 0.5, size - r - 0.5, r, r))
        p.end()
        out.addPixmap(pm)
    return out


_AVATAR_COLORS = ["#5b8ff9", "#61ddaa", "#f6bd16", "#7262fd", "#78d3f8", "#9661bc", "#f6903d", "#008685",
                  "#f08bb4", "#65789b"]


def avatar_color(key: str) -> QColor:
    h = int(hashlib.md5(key.encode("utf-8")).hexdigest()[:6], 16)
    return QColor(_AVATAR_COLORS[h % len(_AVATAR_COLORS)])


def initials(name: str | None) -> str:
    name = (name or "?").strip() or "?"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[-2:] if len(name) >= 2 else name  # Chinese names: last two characters, like WeChat
    parts = [p for p in name.replace("_", " ").split() if p]
    if len(parts) >= 2:
        return (parts[0][0] + parts[1][0]).upper()
    return name[:2].upper() if name[:1].isalnum() else name[:1]


def paint_avatar(p: QPainter, rect, name: str | None, key: str | None = None) -> None:
    """A square avatar with 4 px rounded corners and the person's initials."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(avatar_color(key or name or "?"))
    p.drawRoundedRect(rect, 4, 4)
    font = QFont(p.font())
    text = initials(name)
    font.setPixelSize(max(9, int(rect.height() * (0.32 if len(text) > 1 else 0.45))))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    p.restore()
