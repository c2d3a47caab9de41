"""First run: create the vault (passphrase with a strength floor, Argon2id on the job pool), show the
recovery key once and have it confirmed."""

from __future__ import annotations

import os
import random
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.errors import ChatVaultError
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.common import (
    add_button_row,
    add_path_row,
    button,
    dress,
    error_label,
    titled_page,
    wrapped,
)
from chatvault.gui.ops import Op
from chatvault.gui.views.passphrase_fields import PassphraseFields, default_user_inputs
from chatvault.vault import recovery
from chatvault.vault.vault import Vault, create_vault


def clear_clipboard_if(text: str) -> None:
    """Empty the clipboard if it still holds `text` (something we put there)."""
    clip = QGuiApplication.clipboard()
    if text and clip.text() == text:
        clip.clear()


def _key_groups(key: str) -> list[str]:
    return key.split("-")


def _norm_group(text: str) -> str:
    return text.strip().upper().replace("I", "1").replace("L", "1").replace("O", "0")


class CreateVaultDialog(QDialog):
    """Three steps: passphrase (with a strength meter), the recovery key, typing part of it back."""

    def __init__(self, vault_path: Path, parent=None) -> None:
        super().__init__(parent)
        dress(self, "createVaultDialog", self.tr("Create your ChatVault"), 560)
        self.vault_path = vault_path
        self.vault: Vault | None = None
        self.recovery_key: str | None = None
        self.confirm_groups: list[int] = []
        self.pages = QStackedWidget()
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._key_page())
        self.pages.addWidget(self._confirm_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # --- step 1 --------------------------------------------------------------------------
    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(wrapped(self.tr(
            "ChatVault keeps your chats in an encrypted vault on this computer. Choose a passphrase: "
            "nobody can open the vault without it or the recovery key you will see next.")))
        form = QFormLayout()
        layout.addLayout(form)
        self.location = QLineEdit(str(self.vault_path))
        self.location.setAccessibleName(self.tr("Vault location"))
        add_path_row(form, self.tr("Location"), self.location, self.tr("Choose…"), self._browse)
        self.error = error_label()
        self.fields = PassphraseFields(self.error, self._user_inputs)
        # the names the rest of the dialog (and its tests) use
        self.passphrase, self.repeat = self.fields.passphrase, self.fields.repeat
        self.strength, self.strength_label, self.weak_ok = (self.fields.strength, self.fields.strength_label,
                                                            self.fields.weak_ok)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        self.create_button = button(self.tr("Create vault"), self.create, primary=True, default=True)
        add_button_row(layout, button(self.tr("Cancel"), self.reject), self.create_button)
        return page

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where should the vault live?"))
        if folder:
            self.location.setText(str(Path(folder) / "ChatVault"))

    def _user_inputs(self) -> list[str]:
        path = Path(self.location.text()).expanduser()
        return default_user_inputs(path.name, path.parent.name)

    def strength_score(self) -> int:
        return self.fields.score()

    def create(self) -> None:
        text = self.fields.validated()
        if text is None:
            return
        path = Path(self.location.text()).expanduser()
        try:
            self.vault, self.recovery_key = self._create_off_thread(path, text)
        except ChatVaultError as exc:
            self.error.setStyleSheet("")
            self.error.setText(error_text(exc))      # its hint without command-line advice
            return
        self.error.setStyleSheet("")
        self.error.clear()
        self.fields.clear()
        self.key_label.setText(self.recovery_key)
        self.pages.setCurrentIndex(1)
        self.resize(max(self.width(), self.sizeHint().width()), self.height())   # the whole key in view

    def _create_off_thread(self, path: Path, text: str) -> tuple[Vault, str]:
        """Run `create_vault` (Argon2id: seconds of CPU) on the shared job pool. The dialog waits in a
        local event loop, so it keeps painting while its buttons are disabled; Argon2id cannot be
        interrupted, so there is no cancel. Raises what `create_vault` raised."""
        from PySide6.QtCore import QEventLoop

        self.create_button.setEnabled(False)
        self.fields.setEnabled(False)
        self.error.setStyleSheet("color: #777777")
        self.error.setText(self.tr("Creating the vault…"))
        outcome: dict[str, object] = {}
        op = Op(lambda _ctx: create_vault(path, text), self)
        op.finished.connect(lambda result: outcome.update(result=result))
        op.failed.connect(lambda exc: outcome.update(error=exc))
        loop = QEventLoop(self)
        op.ended.connect(loop.quit)
        op.start()
        loop.exec()
        op.deleteLater()
        self.create_button.setEnabled(True)
        self.fields.setEnabled(True)
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["result"]  # type: ignore[return-value]

    # --- step 2 --------------------------------------------------------------------------
    def _key_page(self) -> QWidget:
        page, layout = titled_page(self.tr("Your recovery key"), self.tr(
            "This key opens your vault if you forget the passphrase. It is shown only now. Save it as a "
            "file on a USB stick or print it, and keep it somewhere safe."))
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(mono.pointSize() + 3)
        self.key_label.setFont(mono)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setStyleSheet("padding: 14px; border: 1px dashed #999; border-radius: 6px;")
        self.key_label.setWordWrap(False)    # one line: wrapped, the styled label cut its second line off
        self.key_label.setAccessibleName(self.tr("Recovery key"))
        layout.addWidget(self.key_label)
        warning = QLabel(self.tr(
            "Nobody can recover a lost key: not ChatVault, not us, not anyone. If you lose both the "
            "passphrase and this key, your archive cannot be opened."))
        warning.setWordWrap(True)
        warning.setStyleSheet("font-weight: 600")
        layout.addWidget(warning)
        self.saved_button = button(self.tr("I have saved it"), self._to_confirm, primary=True)
        add_button_row(layout, self.saved_button, left=(
            button(self.tr("Save as file…"), self.save_key), button(self.tr("Print…"), self.print_key),
            button(self.tr("Copy"), self.copy_key)))
        self.save_status = QLabel()
        self.save_status.setObjectName("hintLabel")
        layout.addWidget(self.save_status)
        return page

    CLIPBOARD_SECONDS = 30

    def copy_key(self) -> None:
        """Copy the key, and take it off the clipboard again after 30 s (KeePassXC clears after 10 s)."""
        key = self.recovery_key or ""
        QGuiApplication.clipboard().setText(key)
        self.save_status.setText(self.tr("Copied. The clipboard is cleared in %1 seconds.")
                                 .replace("%1", str(self.CLIPBOARD_SECONDS)))
        QTimer.singleShot(int(self.CLIPBOARD_SECONDS * 1000), lambda: clear_clipboard_if(key))

    def key_document(self) -> str:
        return "\n".join([
            self.tr("ChatVault recovery key"),
            "",
            self.recovery_key or "",
            "",
            self.tr("Vault: %1").replace("%1", str(self.vault_path)),
            self.tr("This key opens the vault if the passphrase is forgotten. Nobody can recover a lost key."),
            "",
        ])

    def save_key(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the recovery key"),
                                                  str(Path.home() / "ChatVault recovery key.txt"))
        if not path:
            return
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.key_document())
        except OSError as exc:
            self.save_status.setText(self.tr("Could not save the file: %1. Choose another place.").replace("%1", exc.strerror or str(exc)))
            return
        self.save_status.setText(self.tr("Saved to %1.").replace("%1", str(path)))

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            doc = QTextDocument()
            doc.setPlainText(self.key_document())
            doc.print_(printer)

    # --- step 3 --------------------------------------------------------------------------
    def _confirm_page(self) -> QWidget:
        page, layout = titled_page(self.tr("Check that you saved it"))
        self.confirm_text = wrapped()
        layout.addWidget(self.confirm_text)
        form = QFormLayout()
        self.confirm_a = QLineEdit()
        self.confirm_b = QLineEdit()
        for edit in (self.confirm_a, self.confirm_b):
            edit.setMaxLength(5)
            edit.textChanged.connect(self._check_confirm)
        self.confirm_label_a = QLabel()
        self.confirm_label_b = QLabel()
        form.addRow(self.confirm_label_a, self.confirm_a)
        form.addRow(self.confirm_label_b, self.confirm_b)
        layout.addLayout(form)
        self.confirm_error = error_label()
        layout.addWidget(self.confirm_error)
        self.finish_button = button(self.tr("Open my vault"), self.finish, primary=True)
        self.finish_button.setEnabled(False)
        back = button(self.tr("Show the key again"), lambda: self.pages.setCurrentIndex(1))
        add_button_row(layout, self.finish_button, left=(back,))
        return page

    def _to_confirm(self) -> None:
        self.confirm_groups = sorted(random.sample(range(recovery.GROUPS), 2))
        a, b = (g + 1 for g in self.confirm_groups)
        self.confirm_text.setText(self.tr(
            "Type group %1 and group %2 of your recovery key from what you saved or printed.")
            .replace("%1", str(a)).replace("%2", str(b)))
        self.confirm_label_a.setText(self.tr("Group %1").replace("%1", str(a)))
        self.confirm_label_b.setText(self.tr("Group %1").replace("%1", str(b)))
        self.confirm_a.setAccessibleName(self.confirm_label_a.text())
        self.confirm_b.setAccessibleName(self.confirm_label_b.text())
        self.confirm_a.clear()
        self.confirm_b.clear()
        self.pages.setCurrentIndex(2)
        self.confirm_a.setFocus()

    def _check_confirm(self) -> bool:
        groups = _key_groups(self.recovery_key or "")
        ok = bool(self.confirm_groups) and all(
            _norm_group(edit.text()) == groups[g]
            for edit, g in zip((self.confirm_a, self.confirm_b), self.confirm_groups, strict=True))
        self.finish_button.setEnabled(ok)
        full = len(self.confirm_a.text()) == 5 and len(self.confirm_b.text()) == 5
        self.confirm_error.setText("" if ok or not full else self.tr(
            "That does not match. Look at the key you saved, or go back and show it again."))
        return ok

    def finish(self) -> None:
        if self._check_confirm():
            clear_clipboard_if(self.recovery_key or "")
            self.key_label.clear()
            self.accept()
