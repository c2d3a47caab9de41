"""The restore wizard: pick a snapshot, pick an empty folder, restore there, and say what came back."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
)

from chatvault.gui import timefmt
from chatvault.gui.dialogs.common import add_button_row, add_path_row, button, wrapped
from chatvault.gui.ops import Op
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


class RestoreDialog(QDialog):
    """Restore wizard: pick a snapshot, pick an empty folder, restore there, and say what came back."""

    def __init__(self, vault: Vault, destination: str, parent=None) -> None:
        super().__init__(parent)
        from chatvault.backup.destinations import get_destination, open_target
        from chatvault.backup.engine import list_snapshots, vault_keys

        self.setWindowTitle(self.tr("Restore from %1").replace("%1", destination))
        self.vault = vault
        conn = vault.connect(readonly=True)
        try:
            self.dest = get_destination(conn, destination)
        finally:
            conn.close()
        self.target = open_target(self.dest)
        self.keys = vault_keys(vault)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(self.tr(
            "A restore builds a complete vault in a new folder. Your current vault is not touched.")))
        form = QFormLayout()
        layout.addLayout(form)
        self.snapshot = QComboBox()
        self.error = wrapped()
        try:
            snaps = list_snapshots(self.target, self.keys)
        except Exception as exc:  # noqa: BLE001 - an unreachable destination is a message, not a crash
            snaps = []
            self.error.setText(getattr(exc, "message", str(exc)))
        for s in reversed(snaps):
            label = timefmt.absolute(int(s.time * 1000)) + f" · {s.counts.get('messages', 0):,} " + self.tr("messages")
            if not s.ok:
                label += " · " + self.tr("damaged")
            self.snapshot.addItem(label, s.id)
        self.folder = QLineEdit(str(Path.home() / f"ChatVault restored {datetime.now():%Y-%m-%d}"))
        form.addRow(self.tr("Snapshot"), self.snapshot)
        add_path_row(form, self.tr("Restore into"), self.folder, self.tr("Choose…"), self._browse)
        self.bar = QProgressBar()
        self.bar.hide()
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        self.close_button = button(self.tr("Close"), self.reject)
        self.start_button = button(self.tr("Restore"), self.start, primary=True)
        self.start_button.setEnabled(self.snapshot.count() > 0)
        self.open_button = button(self.tr("Open it in a new window"), self.open_restored)
        self.open_button.hide()                  # shown once a restore succeeded
        add_button_row(layout, self.close_button, self.open_button, self.start_button)
        self.restored: str | None = None
        self.op: Op | None = None

    def open_restored(self) -> bool:
        """A second ChatVault window on the restored folder (its own process: one vault per window)."""
        if not self.restored:
            return False
        args = ["gui", "--vault", self.restored]
        if not getattr(sys, "frozen", False):       # from source: `python -m chatvault`; a bundle is the app
            args = ["-m", "chatvault", *args]
        return bool(QProcess.startDetached(sys.executable, args))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose an empty folder"))
        if folder:
            self.folder.setText(folder)

    def start(self) -> None:
        from chatvault.backup.engine import restore_snapshot

        ref, to, keys, target = self.snapshot.currentData(), Path(self.folder.text()), self.keys, self.target
        self.start_button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.op = Op(lambda ctx: restore_snapshot(target, ref, to, keys=keys, check=True, ctx=ctx), self)
        self.op.progress.connect(lambda p: (self.bar.setRange(0, 1000), self.bar.setValue(int(p.fraction * 1000)))
                                 if p.fraction is not None else None)
        self.op.finished.connect(self._done)
        self.op.failed.connect(lambda exc: (self.error.setText(getattr(exc, "message", str(exc))),
                                            self.start_button.setEnabled(True)))
        self.op.start()

    def _done(self, rep) -> None:
        self.bar.hide()
        if rep.ok:
            self.restored = str(rep.path)
            self.error.setText(self.tr("Restored to %1. It is a complete vault: open it in a new window to check "
                                       "it, with the passphrase it had when the backup was made.")
                               .replace("%1", str(rep.path)))
            self.open_button.show()
        else:
            self.error.setText(self.tr("Restored to %1 with problems: %2 media files could not be restored.")
                               .replace("%1", rep.path).replace("%2", str(len(rep.lost_blobs))))
