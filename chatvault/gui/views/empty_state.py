"""The first screen of an empty vault: a welcome panel in the conversation pane with the three ways to
bring history in, each opening the real dialog: import an export, watch a folder, restore a backup.
It goes away as soon as the vault holds a chat (an import here, or one from another process)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from chatvault.gui.views.main_chrome import PAGE_PROTECTION


class EmptyState(QFrame):
    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.setObjectName("welcomePanel")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(460)
        layout = QVBoxLayout(box)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.buttons: dict[str, tuple[QPushButton, QLabel]] = {}
        for key, slot in (("import", self.import_export), ("watch", self.watch_folder),
                          ("restore", self.restore_backup)):
            b = QPushButton()
            b.setObjectName("primaryButton" if key == "import" else f"{key}Button")
            b.clicked.connect(slot)
            hint = QLabel()
            hint.setObjectName("hintLabel")
            hint.setWordWrap(True)
            layout.addWidget(b)
            layout.addWidget(hint)
            self.buttons[key] = (b, hint)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.retranslate()
        pane = window.messages.parentWidget()
        pane.layout().addWidget(self, 1)
        model = window.chat_model
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            sig.connect(self.update_visibility)
        self.update_visibility()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Bring your chat history in"))
        self.text.setText(self.tr("This vault holds no chats yet. Everything you add is encrypted on this "
                                  "computer; nothing is uploaded."))
        texts = {
            "import": (self.tr("Import an export…"), self.tr(
                "A WhatsApp “Export chat” file, a Telegram export folder, or WeChat's database folder "
                "with its key. Dropping files on this window works too.")),
            "watch": (self.tr("Watch a folder…"), self.tr(
                "ChatVault copies new files saved in a folder (your phone's backup folder, Downloads) "
                "or imports new exports saved there.")),
            "restore": (self.tr("Restore from a backup…"), self.tr(
                "Had ChatVault before? Rebuild your vault from its backup folder with the passphrase it had.")),
        }
        for key, (b, hint) in self.buttons.items():
            b.setText(texts[key][0])
            b.setAccessibleName(texts[key][0])
            hint.setText(texts[key][1])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def update_visibility(self, *_args) -> None:
        """Shown, in place of the conversation, while an unlocked vault holds no chat."""
        win = self.window
        empty = win.vault is not None and win.conn is not None and win.chat_model.rowCount() == 0
        self.setVisible(empty)
        win.messages.setVisible(not empty)
        win.conv_title.setVisible(not empty)

    # --- the three ways in --------------------------------------------------------------------
    def import_export(self) -> None:
        self.window.import_dialog()

    def watch_folder(self) -> None:
        win = self.window
        win.show_page(PAGE_PROTECTION)
        win.protection.add_watch_folder()

    def restore_backup(self) -> None:
        from chatvault.gui.dialogs.restore_backup import RestoreBackupDialog

        self.restore_dialog = RestoreBackupDialog(self.window)
        self.restore_dialog.open()
