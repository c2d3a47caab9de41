"""Search: live results as you type (IME-safe, debounced, off the UI thread, stale queries dropped),
filters, highlighted snippets, and activation that opens the conversation at the message."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import theme, timefmt
from chatvault.gui.ops import TaskGroup
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)
DEBOUNCE_MS = 250
PAGE = 200
HitRole = Qt.ItemDataRole.UserRole + 20


def run_query(conn: Connection, query: str, filters: dict[str, Any], sort: str, limit: int) -> Any:
    """Translate the page's filters into the search API's and run it (on the worker thread)."""
    from chatvault.search import api

    f = api.SearchFilters(
        conversations=[filters["conversation_id"]] if filters.get("conversation_id") is not None else (),
        sender=filters.get("sender"),
        after=filters.get("since"),
        before=filters.get("until"),
        kinds=[filters["kind"]] if filters.get("kind") else (),
        status="missing-at-source" if filters.get("missing_at_source") else None,
    )
    return api.search(conn, query, filters=f, sort=sort, limit=limit)


class _Signals(QObject):
    done = Signal(int, object, object, float)  # generation, result, error, seconds


def _search_job(gen: int, conn: Connection, lock: threading.Lock, query: str, filters: dict[str, Any], sort: str,
                signals: _Signals) -> None:
    """One query on the shared pool; `lock` keeps the page's connection to one query at a time (an
    older query, interrupted, finishes before the newer starts)."""
    t0 = time.perf_counter()
    result = error = None
    with lock:
        try:
            result = run_query(conn, query, filters, sort, PAGE)
        except Exception as exc:  # noqa: BLE001 - interrupted or bad query: reported, never crashes the UI
            error = exc
    try:
        signals.done.emit(gen, result, error, time.perf_counter() - t0)
    except RuntimeError:
        pass


class SearchWorker(QObject):
    """Runs one query at a time on its own read-only connection; a newer query interrupts the older."""

    results = Signal(object, float)   # SearchResult, seconds
    failed = Signal(object)
    started = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tasks = TaskGroup()
        self._lock = threading.Lock()
        self.conn: Connection | None = None
        self.generation = 0
        self.queries_run = 0
        self.busy = False
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)

    def set_vault(self, vault: Vault | None) -> None:
        self.close()
        if vault is not None:
            self.conn = vault.connect(readonly=True)

    def submit(self, query: str, filters: dict[str, Any], sort: str) -> int:
        if self.conn is None:
            return -1
        self.generation += 1
        if self.busy:
            try:
                self.conn.interrupt()
            except Exception:  # noqa: BLE001 - nothing running any more
                pass
        self.busy = True
        self.queries_run += 1
        self.started.emit(query)
        self.tasks.start(partial(_search_job, self.generation, self.conn, self._lock, query, filters, sort,
                                 self._signals), priority=1)   # ahead of queued thumbnails
        return self.generation

    def _done(self, gen: int, result: Any, error: Any, seconds: float) -> None:
        if gen != self.generation:
            return  # a stale query: the user kept typing
        self.busy = False
        if error is not None:
            self.failed.emit(error)
        else:
            self.results.emit(result, seconds)

    def close(self) -> None:
        self.generation += 1
        if self.conn is not None:
            try:
                self.conn.interrupt()
            except Exception:  # noqa: BLE001
                pass
            self.tasks.drain(5000)
            self.conn.close()
            self.conn = None
        self.busy = False


class ResultModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []

    def set_hits(self, hits: list[Any]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == HitRole:
            return hit
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.conversation} · {hit.sender or ''}: {hit.snippet}"
        return None


def _segments(hit: Any) -> list[tuple[str, bool]]:
    segs = getattr(hit, "segments", None)
    if segs:
        return [(str(s[0]), bool(s[1])) for s in segs]
    return [(hit.snippet or "", False)]


class ResultDelegate(QStyledItemDelegate):
    HEIGHT = 68

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), self.HEIGHT)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        c = theme.colors()
        r = option.rect
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            p.fillRect(r, QColor(c.list_selected))
        av = QRect(r.left() + 12, r.top() + 12, 40, 40)
        theme.paint_avatar(p, av, hit.sender or hit.conversation, str(hit.sender or hit.conversation))
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
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


KINDS = ["", "text", "image", "video", "voice", "file", "link", "payment", "location", "sticker", "call", "system"]


class SearchPage(QWidget):
    open_message = Signal(int, int)  # conversation id, message id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("pageBody")
        self.worker = SearchWorker(self)
        self.worker.results.connect(self._show)
        self.worker.failed.connect(self._failed)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_now)
        self.conversations: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 8)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setClearButtonEnabled(True)
        # textChanged fires on committed text only, never on IME pre-edit: IME-safe by construction.
        self.box.textChanged.connect(lambda _t: self.debounce.start())
        self.box.returnPressed.connect(self.run_now)
        layout.addWidget(self.box)
        row = QHBoxLayout()
        self.chat = QComboBox()
        self.sender = QLineEdit()
        self.since_on = QCheckBox()
        self.since = QDateEdit(QDate.currentDate().addYears(-1))
        self.until_on = QCheckBox()
        self.until = QDateEdit(QDate.currentDate())
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.deleted = QCheckBox()
        self.sort = QComboBox()
        for w in (self.chat, self.sender, self.since_on, self.since, self.until_on, self.until, self.kind,
                  self.deleted, self.sort):
            row.addWidget(w)
            sig = getattr(w, "currentIndexChanged", None) or getattr(w, "toggled", None) or getattr(w, "dateChanged", None)
            if isinstance(w, QLineEdit):
                w.textChanged.connect(lambda _t: self.debounce.start())
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(lambda _d: self.debounce.start())
            elif sig is not None:
                sig.connect(lambda *_a: self.debounce.start())
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("hintLabel")
        layout.addWidget(self.status)
        self.model = ResultModel(self)
        self.list = QListView()
        self.list.setObjectName("resultList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.activated.connect(self._activate)
        self.list.clicked.connect(self._activate)
        layout.addWidget(self.list, 1)
        self.last_result = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Search all chats"))
        self.box.setPlaceholderText(self.tr("Search messages, e.g. 红包 or \"train ticket\""))
        self.box.setAccessibleName(self.tr("Search"))
        self.sender.setPlaceholderText(self.tr("Sender"))
        self.sender.setAccessibleName(self.tr("Sender"))
        self.since_on.setText(self.tr("From"))
        self.until_on.setText(self.tr("To"))
        self.deleted.setText(self.tr("Only deleted on phone"))
        self.chat.setAccessibleName(self.tr("Chat"))
        self.kind.setAccessibleName(self.tr("Kind"))
        self.sort.setAccessibleName(self.tr("Sort"))
        kinds = {"": self.tr("All kinds"), "text": self.tr("Text"), "image": self.tr("Photos"),
                 "video": self.tr("Videos"), "voice": self.tr("Voice"), "file": self.tr("Files"),
                 "link": self.tr("Links"), "payment": self.tr("Payments"), "location": self.tr("Locations"),
                 "sticker": self.tr("Stickers"), "call": self.tr("Calls"), "system": self.tr("System messages")}
        keep = self.kind.currentIndex()
        self.kind.blockSignals(True)
        self.kind.clear()
        for k in KINDS:
            self.kind.addItem(kinds[k], k)
        self.kind.setCurrentIndex(max(0, keep))
        self.kind.blockSignals(False)
        keep = self.sort.currentIndex()
        self.sort.blockSignals(True)
        self.sort.clear()
        self.sort.addItem(self.tr("Newest first"), "newest")
        self.sort.addItem(self.tr("Oldest first"), "oldest")
        self.sort.addItem(self.tr("Best match"), "relevance")
        self.sort.setCurrentIndex(max(0, keep))
        self.sort.blockSignals(False)
        self.set_conversations(self.conversations)

    def changeEvent(self, event) -> None:  # noqa: N802
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_vault(self, vault: Vault | None) -> None:
        self.worker.set_vault(vault)

    def set_conversations(self, convs: list[dict[str, Any]]) -> None:
        self.conversations = convs
        current = self.chat.currentData()
        self.chat.blockSignals(True)
        self.chat.clear()
        self.chat.addItem(self.tr("All chats"), None)
        for c in convs:
            self.chat.addItem(c.get("display") or c.get("title") or "", c["id"])
        idx = self.chat.findData(current)
        self.chat.setCurrentIndex(max(0, idx))
        self.chat.blockSignals(False)

    def refresh_filters(self) -> None:
        self.set_conversations(self.conversations)

    def focus(self) -> None:
        self.box.setFocus()
        self.box.selectAll()

    def filters(self) -> dict[str, Any]:
        f: dict[str, Any] = {}
        if self.chat.currentData() is not None:
            f["conversation_id"] = self.chat.currentData()
        if self.sender.text().strip():
            f["sender"] = self.sender.text().strip()
        if self.since_on.isChecked():
            d = self.since.date()
            f["since"] = int(datetime(d.year(), d.month(), d.day()).astimezone().timestamp() * 1000)
        if self.until_on.isChecked():
            d = self.until.date().addDays(1)
            f["until"] = int(datetime(d.year(), d.month(), d.day()).astimezone().timestamp() * 1000)
        if self.kind.currentData():
            f["kind"] = self.kind.currentData()
        if self.deleted.isChecked():
            f["missing_at_source"] = True
        return f

    def run_now(self) -> None:
        self.debounce.stop()
        query = self.box.text().strip()
        filters = self.filters()
        if not query and not filters:
            self.model.set_hits([])
            self.status.setText(self.tr("Type a word or two. Chinese works with one or two characters."))
            return
        self.status.setText(self.tr("Searching…"))
        self.worker.submit(query, filters, self.sort.currentData() or "newest")

    def _show(self, result: Any, seconds: float) -> None:
        self.last_result = result
        self.model.set_hits(result.results)
        if result.total == 0:
            self.status.setText(self.tr("No messages match. Try fewer words or remove a filter."))
        else:
            shown = len(result.results)
            text = self.tr("%1 messages (%2 ms)").replace("%1", f"{result.total:,}").replace("%2", f"{seconds * 1000:.0f}")
            if shown < result.total:
                text += " · " + self.tr("showing the first %1").replace("%1", f"{shown:,}")
            self.status.setText(text)

    def _failed(self, exc: Exception) -> None:
        msg = getattr(exc, "message", None)
        if msg is None and "interrupt" in str(exc).lower():
            return
        self.status.setText(msg or self.tr("The search failed: %1").replace("%1", str(exc)))

    def _activate(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if hit is not None:
            self.open_message.emit(int(hit.conversation_id), int(hit.message_id))

    def clear(self) -> None:
        self.debounce.stop()
        self.worker.set_vault(None)
        self.model.set_hits([])
        self.box.clear()
        self.sender.clear()
        self.status.clear()
        self.last_result = None
