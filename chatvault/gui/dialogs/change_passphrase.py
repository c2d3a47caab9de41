"""Settings → "Change passphrase…": the current passphrase, the new one twice with its strength meter,
then the real key derivation on a worker thread behind a busy bar.

Safe whatever happens: the current passphrase is checked against the header on disk first; the new
header is written only after the new key is derived and only if the user has not cancelled by then,
and the core writes it atomically and reads it back (`Vault.change_passphrase`). A failure or a
cancel leaves the vault opening with the old passphrase; after success only the new one opens it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QProgressBar, QVBoxLayout

from chatvault import faults
from chatvault.errors import ChatVaultError, WrongPassphrase
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.common import add_button_row, button, dress, error_label, wrapped
from chatvault.gui.ops import Op
from chatvault.gui.views.passphrase_fields import PassphraseFields, default_user_inputs
from chatvault.jobs.context import JobContext
from chatvault.vault.vault import Vault


def _change(vault: Vault, old: str, new: str, ctx: JobContext) -> None:
    """The job: check the current passphrase, derive the new key, write the header (unless cancelled)."""
    if not vault.opens_with(old):
        raise WrongPassphrase("The current passphrase is wrong: nothing was changed.",
                              hint="Type the passphrase you unlocked the vault with.")
    ctx.check()

    def before_write() -> None:
        faults.hit("passwd.before_write")
        ctx.check()              # cancelled during the derivation: nothing is written

    vault.change_passphrase(new, before_write=before_write)


class ChangePassphraseDialog(QDialog):
    """Change the passphrase of the open vault. `changed` is True after a successful change."""

    def __init__(self, vault: Vault, parent=None) -> None:
        super().__init__(parent)
        dress(self, "changePassphraseDialog", self.tr("Change passphrase"), 460)
        self.vault = vault
        self.op: Op | None = None
        self.changed = False
        self._new = ""
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(self.tr(
            "The new passphrase replaces the old one at once. Your recovery key stays valid. Backups made "
            "before keep opening with the passphrase the vault had when they were made.")))
        form = QFormLayout()
        self.old = QLineEdit()
        self.old.setObjectName("oldPassphrase")
        self.old.setEchoMode(QLineEdit.EchoMode.Password)
        self.old.setAccessibleName(self.tr("Current passphrase"))
        form.addRow(self.tr("Current passphrase"), self.old)
        layout.addLayout(form)
        self.error = error_label()
        self.error.setObjectName("changePassphraseError")
        self.fields = PassphraseFields(self.error, lambda: default_user_inputs(vault.path.name))
        self.fields.passphrase.setAccessibleName(self.tr("New passphrase"))
        layout.addWidget(self.fields)
        self.busy = QProgressBar()
        self.busy.setObjectName("changePassphraseBusy")
        self.busy.setRange(0, 0)              # the key derivation has no steps to count
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Changing the passphrase"))
        self.busy.hide()
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        self.cancel_button = button(self.tr("Cancel"), self.cancel)
        self.change_button = button(self.tr("Change passphrase"), self.change, primary=True, default=True)
        add_button_row(layout, self.cancel_button, self.change_button)

    def change(self) -> Op | None:
        if self.op is not None and self.op.running:
            return self.op
        old = self.old.text()
        if not old:
            self._error(self.tr("Type the current passphrase first."))
            self.old.setFocus()
            return None
        new = self.fields.validated()
        if new is None:
            self.error.setStyleSheet("color: #c0392b")
            return None
        vault = self.vault
        self._busy(True)
        self._new = new
        self.op = Op(lambda ctx: _change(vault, old, new, ctx), self)
        self.op.finished.connect(self._done)
        self.op.failed.connect(self._failed)
        self.op.cancelled.connect(self._cancelled)
        return self.op.start()

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.change_button.setEnabled(not on)
        for w in (self.old, self.fields):
            w.setEnabled(not on)
        if on:
            self.error.setStyleSheet("color: #777777")
            self.error.setText(self.tr("Deriving the new key and writing the vault header… This takes a few seconds."))

    def _error(self, text: str) -> None:
        self.error.setStyleSheet("color: #c0392b")
        self.error.setText(text)

    def _done(self, _result: object = None) -> None:
        from chatvault.gui import keychain

        self._busy(False)
        self.changed = True
        if keychain.available() and keychain.get(self.vault.path) is not None:
            keychain.put(self.vault.path, self._new)     # the keyring keeps opening it at once
        self._new = ""
        self.old.clear()
        self.fields.clear()
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        if isinstance(exc, WrongPassphrase):
            self._error(self.tr("The current passphrase is wrong. Nothing was changed."))
            self.old.setFocus()
            self.old.selectAll()
            return
        msg = error_text(exc) if isinstance(exc, ChatVaultError) else str(exc)
        self._error(self.tr("The passphrase was not changed; the old one still opens the vault. %1").replace("%1", msg))

    def _cancelled(self) -> None:
        self._busy(False)
        self.reject()

    def cancel(self) -> None:
        """Before the header is written, cancel stops the change (the old passphrase stays)."""
        if self.op is not None and self.op.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self.error.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.op is not None and self.op.running:     # Escape or the close box mid-way: cancel first
            self.cancel()
            return
        super().reject()
