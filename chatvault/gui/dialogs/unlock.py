"""Unlock: passphrase or recovery key (off the UI thread), the keychain option, and header damage named."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.errors import ChatVaultError
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.common import add_button_row, button, dress, error_label, titled_page, wrapped
from chatvault.gui.ops import Op
from chatvault.gui.views.passphrase_fields import PassphraseFields, default_user_inputs
from chatvault.vault.vault import Vault, open_vault


class UnlockDialog(QDialog):
    """Unlock with the passphrase or the recovery key. The KDF runs off the UI thread."""

    unlock_finished = Signal(bool)

    def __init__(self, vault_path: Path, parent=None) -> None:
        super().__init__(parent)
        dress(self, "unlockDialog", self.tr("Unlock ChatVault"), 440)
        self.vault_path = vault_path
        self.vault: Vault | None = None
        self._op: Op | None = None
        self.use_recovery = False
        self.new_passphrase_set = False
        self._tried_keyring = False
        self._from_keyring = False
        first = QWidget()
        layout = QVBoxLayout(first)
        self.prompt = wrapped()
        layout.addWidget(self.prompt)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        layout.addWidget(self.passphrase)
        from chatvault.gui import keychain

        self.remember = QCheckBox(self.tr("Remember the passphrase in this computer's keyring"))
        self.remember.setVisible(keychain.available())
        self.remember.setChecked(keychain.get(vault_path) is not None if keychain.available() else False)
        layout.addWidget(self.remember)
        self.error = error_label()
        self.error.setObjectName("unlockError")
        layout.addWidget(self.error)
        # Only a click (or Space on it) switches to the recovery key: never Enter. An auto-default
        # button takes Enter when it has the focus, and the focus used to land on it while the field was
        # disabled during an unlock, so "wrong passphrase + Enter" flipped the dialog into key mode.
        self.mode_button = button("", self.toggle_mode)
        self.mode_button.setObjectName("useRecoveryKey")
        self.mode_button.setFlat(True)
        self.mode_button.setAutoDefault(False)
        self.unlock_button = button(self.tr("Unlock"), self.unlock, primary=True, default=True)
        add_button_row(layout, button(self.tr("Quit"), self.reject), self.unlock_button,
                       left=(self.mode_button,))
        self.pages = QStackedWidget()
        self.pages.addWidget(first)
        self.pages.addWidget(self._new_passphrase_page())
        QVBoxLayout(self).addWidget(self.pages)
        self._apply_mode()

    # --- after a recovery-key unlock: choose a new passphrase --------------------------------
    def _new_passphrase_page(self) -> QWidget:
        page, layout = titled_page(self.tr("Choose a new passphrase"), self.tr(
            "The recovery key opened the vault. Choose a new passphrase now, so that you do "
            "not need the key next time. The recovery key stays valid."))
        self.new_error = error_label()
        self.new_fields = PassphraseFields(self.new_error, lambda: default_user_inputs(self.vault_path.name))
        layout.addWidget(self.new_fields)
        layout.addWidget(self.new_error)
        self.later_button = button(self.tr("Not now"), self.accept)
        self.set_button = button(self.tr("Set passphrase"), self.set_new_passphrase, primary=True)
        add_button_row(layout, self.later_button, self.set_button)
        return page

    def set_new_passphrase(self) -> None:
        """Re-wrap the key under the new passphrase (one Argon2id run) off the UI thread."""
        text = self.new_fields.validated()
        vault = self.vault
        if text is None or vault is None or (self._op is not None and self._op.running):
            return
        self.set_button.setEnabled(False)
        self.new_error.setStyleSheet("color: #777777")
        self.new_error.setText(self.tr("Setting the new passphrase…"))
        self._op = Op(lambda ctx: vault.change_passphrase(text), self)
        self._op.finished.connect(self._passphrase_set)
        self._op.failed.connect(self._passphrase_failed)
        self._op.start()

    def _passphrase_set(self, _result: object = None) -> None:
        self.new_fields.clear()
        self.new_passphrase_set = True
        self.accept()

    def _passphrase_failed(self, exc: Exception) -> None:
        self.set_button.setEnabled(True)
        self.new_error.setStyleSheet("color: #c0392b")
        msg = error_text(exc) if isinstance(exc, ChatVaultError) else str(exc)
        self.new_error.setText(self.tr("The passphrase was not changed: %1").replace("%1", msg))

    def _apply_mode(self) -> None:
        if self.use_recovery:
            self.prompt.setText(self.tr("Type the recovery key of the vault in %1 (8 groups of 5 characters).")
                                .replace("%1", str(self.vault_path)))
            self.passphrase.setEchoMode(QLineEdit.EchoMode.Normal)
            self.passphrase.setAccessibleName(self.tr("Recovery key"))
            self.passphrase.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
            self.mode_button.setText(self.tr("Use the passphrase instead"))
        else:
            self.prompt.setText(self.tr("Enter the passphrase of the vault in %1").replace("%1", str(self.vault_path)))
            self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
            self.passphrase.setAccessibleName(self.tr("Passphrase"))
            self.passphrase.setPlaceholderText("")
            self.mode_button.setText(self.tr("Forgot it? Use the recovery key"))

    def toggle_mode(self) -> None:
        self.use_recovery = not self.use_recovery
        self.passphrase.clear()
        self.error.clear()
        self._apply_mode()
        self.passphrase.setFocus()          # type the key (or the passphrase) straight away

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter on the first page always means "try what I typed": while an unlock runs (its button
        disabled) QDialog would hand Enter to another auto-default button, such as Quit."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.pages.currentIndex() == 0 \
                and not isinstance(self.focusWidget(), QAbstractButton):
            event.accept()
            self.unlock()
            return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._tried_keyring:
            self._tried_keyring = True
            QTimer.singleShot(0, self.unlock_from_keyring)

    def unlock_from_keyring(self) -> bool:
        """Use a remembered passphrase at once (the OS may ask to confirm), as users expect."""
        from chatvault.gui import keychain

        if self.use_recovery or not keychain.available():
            return False
        secret = keychain.get(self.vault_path)
        if not secret:
            return False
        self._from_keyring = True
        self.passphrase.setText(secret)
        self.unlock()
        return True

    def unlock(self) -> None:
        if self._op is not None and self._op.running:
            return
        secret = self.passphrase.text()
        path, use_rk = self.vault_path, self.use_recovery

        def job(ctx):
            return open_vault(path, recovery_key=secret) if use_rk else open_vault(path, secret)

        self.unlock_button.setEnabled(False)
        self.passphrase.setReadOnly(True)      # keeps the focus (a disabled field would hand it on)
        self.error.setStyleSheet("color: #777777")
        self._say(self.tr("Unlocking…"))
        self._op = Op(job, self)
        self._op.finished.connect(self._unlocked)
        self._op.failed.connect(self._failed)
        self._op.start()

    def _unlocked(self, vault: Vault) -> None:
        from chatvault.gui import keychain

        if not self.remember.isHidden() and not self.use_recovery:
            if self.remember.isChecked():
                keychain.put(self.vault_path, self.passphrase.text())
            else:
                keychain.forget(self.vault_path)
        self.vault = vault
        self.passphrase.clear()
        self.error.clear()
        self.unlock_finished.emit(True)
        if self.use_recovery:
            self.pages.setCurrentIndex(1)          # the key worked: offer a new passphrase first
            self.new_fields.passphrase.setFocus()
            return
        self.accept()

    def _say(self, text: str) -> None:
        """Put `text` under the field and grow the dialog so that every wrapped line shows."""
        self.error.setText(text)
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def _failed(self, exc: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.setReadOnly(False)
        self.error.setStyleSheet("color: #c0392b")
        code = getattr(exc, "code", "")
        if self._from_keyring:
            # The remembered passphrase is stale (changed elsewhere): forget it, ask for the new one.
            from chatvault.gui import keychain

            keychain.forget(self.vault_path)
            self._from_keyring = False
            self.passphrase.clear()
            self._say(self.tr("The passphrase remembered in the keyring no longer opens this vault. "
                              "Type the current passphrase."))
            self.unlock_finished.emit(False)
            return
        if code == "wrong_passphrase":
            # a damaged vault.json read through its copy is said too (core text, after "Note:")
            note = exc.message.partition(" Note: ")[2] if isinstance(exc, ChatVaultError) else ""
            self._say(self.tr("Wrong passphrase: the vault was not unlocked and nothing was changed.") + "\n"
                      + self.tr("Check the keyboard layout and Caps Lock and type it again, or click "
                                "“Forgot it? Use the recovery key” below.")
                      + (f"\n{note}" if note else ""))
        elif code == "wrong_recovery_key":
            self._say(self.tr("That recovery key does not open this vault. It is well-formed, so it may "
                              "belong to another vault."))
        elif isinstance(exc, ChatVaultError):
            self._say(error_text(exc))
        else:
            self._say(self.tr("The vault could not be opened: %1").replace("%1", str(exc)))
        self.passphrase.setFocus()
        self.passphrase.selectAll()
        self.unlock_finished.emit(False)
