"""The search page: a box searched as you type (debounced), filters, and activation that opens the
conversation at the message."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui.models.search import HitRole, ResultModel, SearchWorker
from chatvault.gui.search_compliance import SearchCompliance
from chatvault.gui.views.search_results import ResultDelegate
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


DEBOUNCE_MS = 250


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
        self.box.returnPressed.connect(self._enter_in_box)
        self.box.installEventFilter(self)
        self._into_results = False     # Enter pressed: move into the results when they arrive
        self._last_key: tuple[str, str, str] | None = None
        layout.addWidget(self.box)
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
        self.feed = QComboBox()            # everywhere, chats only, WeChat Moments, Favorites
        self.feed.setObjectName("searchFeed")
        self.deleted = QCheckBox()
        self.sort = QComboBox()
        self.compliance = SearchCompliance(self)     # the custodian filter and compliance mode (#20)
        self.compliance.custodian.currentIndexChanged.connect(lambda *_a: self.debounce.start())
        self.sender.setMinimumWidth(110)
        # Two rows, so the page fits a 900×600 window in either language: what and who, then when.
        self.filter_rows = (QHBoxLayout(), QHBoxLayout())
        for row, widgets in zip(self.filter_rows, ((self.chat, self.sender, self.kind, self.sort),
                                                   (self.since_on, self.since, self.until_on, self.until,
                                                    self.feed, self.deleted, self.compliance.custodian)),
                                                  strict=True):
            for w in widgets:
                row.addWidget(w)
            row.addStretch(1)
            layout.addLayout(row)
        for w in (self.chat, self.sender, self.since_on, self.since, self.until_on, self.until, self.kind,
                  self.feed, self.deleted, self.sort):
            sig = getattr(w, "currentIndexChanged", None) or getattr(w, "toggled", None) or getattr(w, "dateChanged", None)
            if isinstance(w, QLineEdit):
                w.textChanged.connect(lambda _t: self.debounce.start())
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(lambda _d: self.debounce.start())
            elif sig is not None:
                sig.connect(lambda *_a: self.debounce.start())
        self.status = QLabel()
        self.status.setObjectName("hintLabel")
        layout.addWidget(self.status)
        self.model = ResultModel(self)
        self.list = QListView()
        self.list.setObjectName("resultList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # rows fit the width
        self.list.activated.connect(self._activate)
        self.list.installEventFilter(self)
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
        keep = self.feed.currentIndex()
        self.feed.setAccessibleName(self.tr("Where"))
        self.feed.blockSignals(True)
        self.feed.clear()
        for value, label in ((None, self.tr("Everywhere")), ("chats", self.tr("Chats")),
                             ("moments", self.tr("Moments")), ("favorites", self.tr("Favorites"))):
            self.feed.addItem(label, value)
        self.feed.setCurrentIndex(max(0, keep))
        self.feed.blockSignals(False)
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
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_vault(self, vault: Vault | None) -> None:
        self.worker.set_vault(vault)
        self.compliance.set_vault(vault)

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
        self.compliance.reload()

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
        if self.feed.currentData():
            f["feed"] = self.feed.currentData()
        if self.deleted.isChecked():
            f["missing_at_source"] = True
        if self.compliance.filter_value() is not None:
            f["custodian"] = self.compliance.filter_value()
        return f

    def run_now(self) -> None:
        self.debounce.stop()
        query = self.box.text().strip()
        filters = self.filters()
        if not query and not filters:
            self._into_results = False
            self.model.set_hits([])
            self.status.setText(self.tr("Type a word or two. Chinese works with one or two characters."))
            return
        self.status.setText(self.tr("Searching…"))
        self._last_key = self._key()
        self.worker.submit(query, filters, self.sort.currentData() or "newest")

    def _key(self) -> tuple[str, str, str]:
        return self.box.text().strip(), repr(sorted(self.filters().items())), str(self.sort.currentData())

    def _enter_in_box(self) -> None:
        """Enter: search now unless these results are current, then put the keyboard on the first hit."""
        if self.debounce.isActive() or self._key() != self._last_key or self.worker.busy:
            self._into_results = True
            self.run_now()
        else:
            self.enter_results()

    def enter_results(self) -> bool:
        """Move the keyboard into the results (the first hit selected); False when there are none."""
        if self.model.rowCount() == 0:
            return False
        self.list.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))
        return True

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        """Down/PageDown in the box go to the results; Up on the first hit comes back to the box."""
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if obj is self.box and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                return self.enter_results()
            if obj is self.list and key == Qt.Key.Key_Up and self.list.currentIndex().row() <= 0:
                self.box.setFocus(Qt.FocusReason.BacktabFocusReason)
                return True
        return super().eventFilter(obj, event)

    def _show(self, result: Any, seconds: float) -> None:
        self.last_result = result
        self.compliance.searched(self.box.text().strip(), self.filters(), result.total)
        self.model.set_hits(result.results)
        if self._into_results:
            self._into_results = False
            self.enter_results()
        if result.total == 0:
            self.status.setText(self.tr("No messages match. Try fewer words or remove a filter."))
        else:
            self.status.setText(self.count_text(result.total, len(result.results), seconds))

    def count_text(self, total: int, shown: int, seconds: float) -> str:
        """"1 message", "1,234 messages (12 ms) · showing the first 200": plural forms from the catalogue."""
        text = self.tr("%Ln message(s) (%1 ms)", "", total).replace("%1", f"{seconds * 1000:.0f}")
        if shown < total:
            text += " · " + self.tr("showing the first %Ln", "", shown)
        return text

    def _failed(self, exc: Exception) -> None:
        msg = getattr(exc, "message", None)
        if msg is None and "interrupt" in str(exc).lower():
            return
        self._into_results = False
        self.status.setText(msg or self.tr("The search failed: %1").replace("%1", str(exc)))

    def _activate(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if hit is not None:
            self.open_message.emit(int(hit.conversation_id), int(hit.message_id))

    def clear(self) -> None:
        self.debounce.stop()
        self.worker.set_vault(None)
        self.compliance.set_vault(None)
        self.model.set_hits([])
        self.box.clear()
        self.sender.clear()
        self.status.clear()
        self.last_result = None
