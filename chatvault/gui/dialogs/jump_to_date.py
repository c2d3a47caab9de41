"""Jump to a date in the open conversation."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
)

log = logging.getLogger(__name__)


class JumpToDateDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Jump to date"))
        layout = QVBoxLayout(self)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setSelectedDate(QDate.currentDate())
        layout.addWidget(self.calendar)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def timestamp_ms(self) -> int:
        d = self.calendar.selectedDate()
        return int(datetime(d.year(), d.month(), d.day()).astimezone().timestamp() * 1000)
