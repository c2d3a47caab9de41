"""The health banner above the chat list: backup or watch-folder trouble, with one action button; while
a backup runs, its progress instead (a backup under way is not a reason for alarm)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
)

log = logging.getLogger(__name__)


class HealthBanner(QFrame):
    """A strip above the pages when a backup is failing or late, or a watch folder is unreachable."""

    action = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("healthBanner")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        row.addWidget(self.text, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("bannerProgress")
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        row.addWidget(self.progress)
        self.button = QPushButton()
        self.button.clicked.connect(self.action)
        row.addWidget(self.button)
        self.hide()

    def show_level(self, level: str, text: str, button: str) -> None:
        self.progress.hide()
        if level == "green":
            self.hide()
            return
        self._show(level, text, button)

    def show_progress(self, text: str, fraction: float | None, button: str) -> None:
        """A job under way: neutral colours, its progress bar (busy while the size is unknown)."""
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self.progress.show()
        self._show("busy", text, button)

    def _show(self, level: str, text: str, button: str) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.button.setText(button)
        self.show()
