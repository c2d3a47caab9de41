"""The main window: conversations on the left, the open conversation on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QMainWindow, QSplitter, QTextBrowser

from chatvault.store.store import Store
from chatvault.vault.vault import Vault


class MainWindow(QMainWindow):
    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("ChatVault")
        self.vault = vault
        self.conn = vault.connect(readonly=True)
        self.store = Store(self.conn)
        split = QSplitter()
        self.chats = QListWidget()
        self.chats.setAccessibleName(self.tr("Conversations"))
        self.view = QTextBrowser()
        split.addWidget(self.chats)
        split.addWidget(self.view)
        self.setCentralWidget(split)
        for conv in self.store.conversations():
            self.chats.addItem(conv["title"] or conv["source_key"])
        self.resize(1100, 720)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.vault.lock()
        super().closeEvent(event)
