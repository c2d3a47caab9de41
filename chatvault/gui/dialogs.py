"""First run (create a vault, show the recovery key) and unlock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
)

from chatvault.errors import ChatVaultError
from chatvault.vault.vault import Vault, create_vault, open_vault


class CreateVaultDialog(QDialog):
    def __init__(self, vault_path: Path, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("createVaultDialog")
        self.setWindowTitle(self.tr("Create your ChatVault"))
        self.vault_path = vault_path
        self.vault: Vault | None = None
        self.recovery_key: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "ChatVault keeps your chats in an encrypted vault on this computer. Choose a passphrase: "
            "nobody can open the vault without it or the recovery key you will see next."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.location = QLineEdit(str(vault_path))
        self.location.setAccessibleName(self.tr("Vault location"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Repeat passphrase"))
        form.addRow(self.tr("Location"), self.location)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        form.addRow(self.tr("Repeat"), self.repeat)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def create(self) -> None:
        if not self.passphrase.text():
            self.error.setText(self.tr("Choose a passphrase."))
            return
        if self.passphrase.text() != self.repeat.text():
            self.error.setText(self.tr("The two passphrases differ."))
            return
        try:
            self.vault, self.recovery_key = create_vault(Path(self.location.text()), self.passphrase.text())
        except ChatVaultError as exc:
            self.error.setText(str(exc))
            return
        QMessageBox.information(self, self.tr("Your recovery key"), self.recovery_key)
        self.accept()


class UnlockDialog(QDialog):
    def __init__(self, vault_path: Path, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(self.tr("Unlock ChatVault"))
        self.vault_path = vault_path
        self.vault: Vault | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Enter the passphrase of the vault in %1").replace("%1", str(vault_path))))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        layout.addWidget(self.passphrase)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.unlock)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def unlock(self) -> None:
        try:
            self.vault = open_vault(self.vault_path, self.passphrase.text())
        except ChatVaultError as exc:
            self.error.setText(exc.message)
            self.passphrase.selectAll()
            return
        self.accept()
