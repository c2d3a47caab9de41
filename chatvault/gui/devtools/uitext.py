"""Every piece of UI text a window shows, and which of it is still English.

Used by the translation-completeness test and by the screenshot walk: with the zh_CN translator
installed, `english(collect(window))` must be empty. Text a person typed or imported (chat names,
file paths) is passed in as `user_data`; product and format names are allowed (`PROPER_NOUNS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QTextEdit,
    QWidget,
)

#: Names that stay as they are in every language (products, formats, units, keys).
PROPER_NOUNS = frozenset("""
ChatVault WeChat Weixin WhatsApp Telegram iMazing iTunes iPhone iPad iOS Android macOS Windows Linux
S3 JSON HTML PDF CSV TXT ZIP zip txt json html pdf csv SQLCipher SQLite Argon2id AES GCM XChaCha20
IMEI uin UIN MD5 md5 SHA-256 URL URLs HEX hex ID
EnMicroMsg MicroMsg MSG db dat Msg
Ctrl Shift Alt Esc Enter Tab Del PgUp PgDn Home End
B KB MB GB TB KiB MiB GiB ms s
Noto Emoji CJK Qt PySide6 DB Desktop PyWxDump SharpWxDump
Mac
Excel RSMF UTF-8 UTF-16 EML MBOX XLSX DOCX Relativity
WA TG WX wechat weixin whatsapp telegram wechat-pc weixin4 wechat-android
signal-desktop signal-android DPAPI PowerShell KDE GNOME
Facebook Messenger Instagram Meta messenger instagram meta Signal iMessage Finder LINE Slack Discord Google Hangouts
Snapchat QQ Twitter DiscordChatExporter Takeout WhatsApp-Chat-Exporter imessage-exporter
""".split())

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")
_PATHLIKE = re.compile(r"`[^`]+`|(?:[A-Za-z]:)?[/\\~][^\s]*|\S+\.(?:db|dat|txt|zip|json|html|wav|pdf|png|jpg|amr|silk|mp4)\b|"
                       r"https?://\S+|\S+@\S+|"
                       r"[^\s（）()]*\w[_/\\.]\w[^\s（）()]*|_\w+|\b\w-\w\b")   # `commands`, identifiers, file names, ranges


def _texts_of(w: QWidget) -> Iterable[str]:
    yield w.toolTip()
    yield w.accessibleName()
    yield w.whatsThis()
    if w.isWindow():
        yield w.windowTitle()
    if isinstance(w, QLabel):
        yield w.text() if w.textFormat() != Qt.TextFormat.RichText and "<" not in w.text() else _strip_html(w.text())
    elif isinstance(w, QAbstractButton):
        yield w.text()
    elif isinstance(w, QLineEdit):
        yield w.placeholderText()
    elif isinstance(w, QTextEdit):
        yield w.placeholderText()
    elif isinstance(w, QGroupBox):
        yield w.title()
    elif isinstance(w, QComboBox):
        yield from (w.itemText(i) for i in range(w.count()))
        if w.lineEdit() is not None:
            yield w.lineEdit().placeholderText()
    elif isinstance(w, QTabWidget):
        yield from (w.tabText(i) for i in range(w.count()))
        yield from (w.tabToolTip(i) for i in range(w.count()))
    elif isinstance(w, QMenu):
        yield w.title()
        for a in QWidget.actions(w):
            yield a.text()
            yield a.toolTip() if a.toolTip() != a.text().replace("&", "") else ""
    if isinstance(w, QHeaderView) and w.model() is not None:
        for i in range(w.count()):
            v = w.model().headerData(i, w.orientation(), Qt.ItemDataRole.DisplayRole)
            yield v if isinstance(v, str) else ""
    if isinstance(w, QDateTimeEdit):
        yield ""          # its text is a date in the locale's format


def _strip_html(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").replace("&amp;", "&")


def collect(root: QWidget) -> list[tuple[str, str]]:
    """(object path, text) for every non-empty UI string in `root`, its children, menus and actions."""
    out: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    home = QWidget.window(root)         # QWidget's own methods: a page may keep `self.window` as an attribute
    for w in widgets:
        top = QWidget.window(w)
        if top is not home and isinstance(top, QDialog):
            continue                    # a dialog open over `root` is a screen of its own

        where = f"{type(w).__name__}#{w.objectName() or '?'}"
        for t in _texts_of(w):
            if t and t.strip():
                out.append((where, t))
        for a in QWidget.actions(w):    # added to widgets (context menus, toolbars); an attribute may shadow it
            for t in (a.text(), a.toolTip() if a.toolTip() != a.text().replace("&", "") else "", a.statusTip()):
                if t and t.strip():
                    out.append((f"{where}/action", t))
    return out


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones()) | {"localtime", "Factory"}


def english_words(text: str, user_data: Iterable[str] = ()) -> list[str]:
    """The English words left in `text` once user data, paths and proper nouns are taken out."""
    if text.strip() in _zones():         # a time zone's IANA name is a name, in every language
        return []
    for item in sorted((u for u in user_data if u), key=len, reverse=True):
        if item.isascii() and len(item) <= 3:       # initials ("AR"): whole words only, never inside "IMEI"
            text = re.sub(rf"(?<![A-Za-z]){re.escape(item)}(?![A-Za-z])", " ", text)
        else:
            text = text.replace(item, " ")
    text = _PATHLIKE.sub(" ", text.replace("&", ""))
    return [w for w in _WORD.findall(text) if w.strip("'’-") not in PROPER_NOUNS and len(w.strip("'’-")) > 1]


def english(found: Iterable[tuple[str, str]], user_data: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The (where, text) pairs that still hold an English word."""
    data = list(user_data)
    return [(where, text) for where, text in found if english_words(text, data)]


class _Recorder(QPainter):
    """A painter that notes every string a delegate draws."""

    def __init__(self, device, sink: list[str]) -> None:
        super().__init__(device)
        self.sink = sink

    def drawText(self, *args) -> None:  # noqa: N802 - Qt's name
        self.sink.extend(a for a in args if isinstance(a, str))
        super().drawText(*args)


def painted(view: QAbstractItemView, rows: int = 400) -> list[tuple[str, str]]:
    """(view, text) for the strings the view's delegate paints for its first `rows` rows."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QStyleOptionViewItem

    model, delegate = view.model(), view.itemDelegate()
    if model is None or delegate is None:
        return []
    image = QImage(max(200, view.viewport().width()), 2000, QImage.Format.Format_ARGB32)
    sink: list[str] = []
    p = _Recorder(image, sink)
    try:
        for r in range(min(rows, model.rowCount())):
            index = model.index(r, 0)
            opt = QStyleOptionViewItem()
            view.initViewItemOption(opt)
            size = delegate.sizeHint(opt, index)
            opt.rect = QRect(0, 0, image.width(), min(1900, max(20, size.height())))
            delegate.paint(p, opt, index)
    finally:
        p.end()
    where = f"{type(view).__name__}#{view.objectName() or '?'}"
    return [(where, t) for t in sink if t.strip()]
