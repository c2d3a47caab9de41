"""Restore from a backup folder without the original vault (a new computer, a new user's empty vault):
the backup folder, the passphrase (or recovery key) the vault had, a new folder to rebuild it in, the
restore on a worker thread, then "Open it in this window". The core is `backup.engine.restore_snapshot`,
as `chatvault restore latest --from-folder` uses it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
)

from chatvault.errors import ChatVaultError
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.common import add_button_row, add_path_row, button, dress, error_label, wrapped
from chatvault.gui.ops import Op


def _restore(backup: Path, to: Path, secret: str, is_key: bool, ctx):
    from chatvault.backup import destinations as dests
    from chatvault.backup.engine import restore_snapshot

    target = dests.open_target(dests.Destination(0, "restore", "folder", {"path": str(backup)}))
    try:
        return restore_snapshot(target, "latest", to, passphrase=None if is_key else secret,
                                recovery_key=secret if is_key else None, check=True, ctx=ctx)
    finally:
        target.close()


class RestoreBackupDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        dress(self, "restoreBackupDialog", self.tr("Restore from a backup"), 520)
        self.window = window
        self.op: Op | None = None
        self.restored: Path | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(self.tr(
            "Rebuilds the newest snapshot of a ChatVault backup folder as a complete vault in a new folder. "
            "The backup is only read.")))
        form = QFormLayout()
        layout.addLayout(form)
        self.backup = QLineEdit()
        self.backup.setObjectName("backupFolder")
        add_path_row(form, self.tr("Backup folder"), self.backup, self.tr("Choose…"), self._browse_backup)
        self.secret = QLineEdit()
        self.secret.setObjectName("backupPassphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Passphrase the vault had"))
        form.addRow(self.tr("Passphrase the vault had"), self.secret)
        self.is_key = QCheckBox(self.tr("This is the recovery key"))
        form.addRow("", self.is_key)
        self.folder = QLineEdit(str(Path.home() / f"ChatVault restored {datetime.now():%Y-%m-%d}"))
        self.folder.setObjectName("restoreInto")
        add_path_row(form, self.tr("Restore into"), self.folder, self.tr("Choose…"), self._browse_into)
        self.bar = QProgressBar()
        self.bar.hide()
        layout.addWidget(self.bar)
        self.error = error_label()
        self.error.setObjectName("restoreBackupMessage")
        layout.addWidget(self.error)
        self.close_button = button(self.tr("Close"), self.reject)
        self.open_button = button(self.tr("Open it in this window"), self.open_restored, primary=True)
        self.open_button.hide()
        self.start_button = button(self.tr("Restore"), self.start, primary=True, default=True)
        add_button_row(layout, self.close_button, self.open_button, self.start_button)

    def _browse_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the backup folder"))
        if folder:
            self.backup.setText(folder)

    def _browse_into(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose an empty folder"))
        if folder:
            self.folder.setText(folder)

    def start(self) -> Op | None:
        if self.op is not None and self.op.running:
            return self.op
        backup, to, secret = Path(self.backup.text().strip()), Path(self.folder.text().strip()), self.secret.text()
        if not self.backup.text().strip() or not backup.is_dir():
            self._say(self.tr("Choose the backup folder (the folder ChatVault backed up to)."), error=True)
            return None
        if not secret:
            self._say(self.tr("Type the passphrase the vault had when the backup was made, or its recovery key."),
                      error=True)
            return None
        is_key = self.is_key.isChecked()
        self.start_button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.show()
        self._say(self.tr("Restoring…"))
        self.op = Op(lambda ctx: _restore(backup, to, secret, is_key, ctx), self)
        self.op.progress.connect(lambda p: (self.bar.setRange(0, 1000), self.bar.setValue(int(p.fraction * 1000)))
                                 if p.fraction is not None else None)
        self.op.finished.connect(self._done)
        self.op.failed.connect(self._failed)
        return self.op.start()

    def _say(self, text: str, error: bool = False) -> None:
        self.error.setStyleSheet("color: #c0392b" if error else "")
        self.error.setText(text)

    def _failed(self, exc: Exception) -> None:
        self.bar.hide()
        self.start_button.setEnabled(True)
        msg = error_text(exc) if isinstance(exc, ChatVaultError) else str(exc)
        self._say(self.tr("Nothing was restored: %1").replace("%1", msg), error=True)

    def _done(self, rep) -> None:
        self.bar.hide()
        self.restored = Path(rep.path)
        if rep.ok:
            self._say(self.tr("Restored to %1. Open it here with the passphrase it had.").replace("%1", str(rep.path)))
        else:
            self._say(self.tr("Restored to %1 with problems: %2 media files could not be restored.")
                      .replace("%1", str(rep.path)).replace("%2", str(len(rep.lost_blobs))), error=True)
        self.start_button.hide()
        self.open_button.show()

    def open_restored(self) -> None:
        if self.restored is not None and self.window.vault_switcher.switch_to(self.restored):
            self.accept()
