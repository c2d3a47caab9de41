"""The health banner above the chat list: backup or watch-folder trouble, with one action button."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
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
        self.button = QPushButton()
        self.button.clicked.connect(self.action)
        row.addWidget(self.button)
        self.hide()

    def show_level(self, level: str, text: str, button: str) -> None:
        if level == "green":
            self.hide()
            return
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.button.setText(button)
        self.show()
