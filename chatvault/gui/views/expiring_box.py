"""The protection page's "Media about to be lost" section: chats whose pictures and videos the vault
holds only as a thumbnail, or not at all while the phone/computer may still have them, past the
messenger's clean-up age (`chatvault.media.expiring`; `chatvault media expiring` on the CLI).

The list is read on the shared pool (never on the UI thread); a double-click or "Open chat" opens
the chat in the app; the clean-up age per app is the vault's setting, edited here.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from chatvault.gui import timefmt
from chatvault.gui.ops import Op
from chatvault.media.expiring import DEFAULT_DAYS, MAX_DAYS, ExpiringReport, read_report, save_limit

log = logging.getLogger(__name__)
ChatIdRole = Qt.ItemDataRole.UserRole + 1


class ExpiringBox(QGroupBox):
    open_chat = Signal(int)          # a conversation id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("expiringBox")
        self.vault = None
        self.report: ExpiringReport | None = None
        self.op: Op | None = None
        self._again = False
        lay = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        ages = QHBoxLayout()
        self.age_labels: dict[str, QLabel] = {}
        self.ages: dict[str, QSpinBox] = {}
        for app in DEFAULT_DAYS:
            label, spin = QLabel(), QSpinBox()
            spin.setObjectName(f"expiringAge_{app}")
            spin.setRange(0, MAX_DAYS)
            spin.setValue(DEFAULT_DAYS[app])
            spin.editingFinished.connect(lambda app=app: self.save_age(app))
            label.setBuddy(spin)
            self.age_labels[app], self.ages[app] = label, spin
            ages.addWidget(label)
            ages.addWidget(spin)
        ages.addStretch(1)
        lay.addLayout(ages)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("expiringTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        lay.addWidget(self.table)
        self.status = QLabel()
        self.status.setObjectName("expiringStatus")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.open_button = QPushButton()
        self.open_button.setObjectName("expiringOpen")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.open_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Media about to be lost"))
        self.hint.setText(self.tr(
            "Pictures and videos the vault has only as a thumbnail, or not at all, while the phone or computer may "
            "still have the original. Past the age below the messenger's servers may no longer have it: open these "
            "chats in WeChat or WhatsApp on that device now, tap each picture and video so the original downloads, "
            "then import the account again or let a watch folder capture the files."))
        names = {"wechat": self.tr("WeChat clean-up age (days):"), "whatsapp": self.tr("WhatsApp clean-up age (days):")}
        for app, label in self.age_labels.items():
            label.setText(names.get(app, app))
        self.table.setHorizontalHeaderLabels([self.tr("Chat"), self.tr("Files"), self.tr("Thumbnail only"),
                                              self.tr("Not imported"), self.tr("Oldest"), self.tr("Newest"),
                                              self.tr("Open it on")])
        self.table.setAccessibleName(self.tr("Media about to be lost"))
        self.open_button.setText(self.tr("Open chat"))
        self.refresh_button.setText(self.tr("Refresh"))
        if self.report is not None:
            self._fill(self.report)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_vault(self, vault) -> None:
        self.vault = vault
        self.report = None
        self.table.setRowCount(0)
        self.status.clear()
        if vault is not None:
            self.refresh()

    def refresh(self) -> Op | None:
        """Read the report on the shared pool; fill the table when it arrives."""
        if self.vault is None or self.vault.is_locked:
            return None
        if self.op is not None and self.op.running:
            self._again = True
            return self.op
        vault = self.vault
        self._again = False
        op = self.op = Op(lambda _ctx: read_report(vault), self)
        op.finished.connect(lambda got: self._apply(*got) if self.vault is vault else None)
        op.failed.connect(lambda exc: log.warning("expiring media: %s", exc))
        op.ended.connect(self._ended)
        return op.start()

    def _ended(self) -> None:
        if self.op is not None:
            self.op.deleteLater()
            self.op = None
        if self._again:
            self.refresh()

    def _apply(self, report: ExpiringReport, ages: dict[str, int]) -> None:
        self.report = report
        for app, spin in self.ages.items():
            if not spin.hasFocus():
                spin.blockSignals(True)
                spin.setValue(ages.get(app, DEFAULT_DAYS[app]))
                spin.blockSignals(False)
        self._fill(report)

    def _fill(self, report: ExpiringReport) -> None:
        devices = {"phone": self.tr("phone"), "computer": self.tr("computer")}
        self.table.setRowCount(len(report.chats))
        for r, c in enumerate(report.chats):
            cells = [c.conversation or str(c.conversation_id), f"{c.count:,}", f"{c.thumbnails:,}", f"{c.missing:,}",
                     timefmt.absolute(c.oldest, with_time=False), timefmt.absolute(c.newest, with_time=False),
                     self.tr(" and ").join(devices.get(d, d) for d in c.devices)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ChatIdRole, c.conversation_id)
                if 1 <= col <= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        if report.items:
            self.status.setText(self.tr("%n file(s) may exist only on a device.", "", len(report.items)))
        else:
            self.status.setText(self.tr("Nothing at risk: every picture and video past the clean-up age is in the "
                                        "vault at its best level."))
        self.open_button.setEnabled(bool(report.chats))

    def selected_chat(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return int(item.data(ChatIdRole)) if item is not None else None

    def open_selected(self) -> None:
        cid = self.selected_chat()
        if cid is None and self.table.rowCount():
            self.table.selectRow(0)
            cid = self.selected_chat()
        if cid is not None:
            self.open_chat.emit(cid)

    def save_age(self, app: str) -> bool:
        """Save the age of `app` (one small write), then read the list again."""
        from chatvault.errors import ChatVaultError

        if self.vault is None or self.vault.is_locked:
            return False
        try:
            save_limit(self.vault, app, self.ages[app].value())
        except ChatVaultError as exc:
            self.status.setText(exc.message)
            return False
        self.refresh()
        return True
