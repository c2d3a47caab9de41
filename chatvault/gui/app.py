"""Application set-up: QApplication, first run (create) or unlock, then the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog

from chatvault.paths import default_vault_path
from chatvault.vault.header import HEADER_NAME


def build_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(["chatvault", *(argv or [])])
    app.setApplicationName("ChatVault")
    app.setOrganizationName("ChatVault")
    return app


def start(vault_path: Path):
    """Show the first window: the create-vault dialog on first run, else the unlock dialog."""
    from chatvault.gui.dialogs import CreateVaultDialog, UnlockDialog

    if (vault_path / HEADER_NAME).exists():
        return UnlockDialog(vault_path)
    return CreateVaultDialog(vault_path)


def run_gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chatvault")
    parser.add_argument("--vault", type=Path, default=None)
    args, qt_args = parser.parse_known_args(argv)
    app = build_app(qt_args)
    vault_path = args.vault or default_vault_path()
    dialog = start(vault_path)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.vault is None:
        return 0
    from chatvault.gui.main_window import MainWindow

    window = MainWindow(dialog.vault)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv[1:]))
