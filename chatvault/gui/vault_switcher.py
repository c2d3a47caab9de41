"""File → "Open another vault…" and "Recent vaults": open a different vault folder in this window.

The current vault is locked first, as Ctrl+L does (connections closed, key wiped, views emptied),
then the unlock dialog asks for the other vault's passphrase. A folder that is not a vault is refused
with the reason before anything is locked. Recent vaults are listed most recent first; one whose
folder is gone is shown disabled, with a way to remove it from the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from chatvault.gui import recent_vaults


class VaultSwitcher(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        menu = window.file_menu
        first = menu.actions()[0] if menu.actions() else None
        self.act_open = QAction(window)
        self.act_open.setObjectName("openAnotherVault")
        self.act_open.setShortcut(QKeySequence.StandardKey.Open)
        self.act_open.triggered.connect(lambda: self.choose())
        self.recent_menu = QMenu(window)
        self.recent_menu.setObjectName("recentVaults")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        menu.insertAction(first, self.act_open)
        menu.insertMenu(first, self.recent_menu)
        menu.insertSeparator(first)
        self.last_refusal = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.act_open.setText(self.tr("&Open another vault…"))
        self.recent_menu.setTitle(self.tr("&Recent vaults"))

    # --- choosing ---------------------------------------------------------------------------
    def choose(self, folder: str | None = None) -> bool:
        if folder is None:
            start = str(self.window.vault_path.parent)
            folder = QFileDialog.getExistingDirectory(self.window, self.tr("Choose a vault folder"), start)
            if not folder:
                return False
        return self.switch_to(Path(folder))

    def switch_to(self, path: Path) -> bool:
        """Lock the open vault and ask to unlock the one in `path` in this window."""
        win = self.window
        path = path.expanduser().absolute()
        if not recent_vaults.is_vault(path):
            self.last_refusal = self.tr(
                "%1 is not a ChatVault vault: it holds no vault.json. Choose the folder that holds vault.json "
                "and vault.db (a restored backup is such a folder). Nothing was changed.").replace("%1", str(path))
            QMessageBox.warning(win, self.tr("Not a vault"), self.last_refusal)
            return False
        if win.vault is not None and path == win.vault_path.absolute():
            win.statusBar().showMessage(self.tr("This vault is already open."), 5000)
            return False
        if win.vault is not None:
            win.lock()                   # shows the unlock dialog on the next turn of the event loop
        if win.unlock_dialog is not None and win.unlock_dialog.isVisible():
            win.unlock_dialog.reject()   # a dialog for the previous vault
        win.vault_path = path
        win.setWindowTitle(f"ChatVault — {path.name}")
        recent_vaults.remember(path)
        if win.isVisible():
            win.show_unlock()
        return True

    # --- recent -----------------------------------------------------------------------------
    def fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        current = self.window.vault_path.absolute() if self.window.vault_path else None
        paths = recent_vaults.recent()
        for path in paths:
            present = recent_vaults.is_vault(path)
            text = str(path) if present else self.tr("%1 (not found)").replace("%1", str(path))
            act = menu.addAction(text)
            act.setData(str(path))
            if path == current:
                act.setCheckable(True)
                act.setChecked(True)
                act.setEnabled(False)
            elif not present:
                act.setEnabled(False)
                act.setToolTip(self.tr("The folder was moved, renamed or is on a drive that is not connected."))
            else:
                act.triggered.connect(lambda _=False, p=path: self.switch_to(p))
        if not paths:
            menu.addAction(self.tr("No other vault opened yet")).setEnabled(False)
        if any(not recent_vaults.is_vault(p) for p in paths):
            menu.addSeparator()
            menu.addAction(self.tr("Remove missing vaults from the list"), self.remove_missing)

    def remove_missing(self) -> None:
        for path in recent_vaults.recent():
            if not recent_vaults.is_vault(path):
                recent_vaults.forget(path)
