"""Application set-up: QApplication, one instance, logging, theme, language, then first run
(create) or unlock, then the main window."""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QEvent, QLockFile, QStandardPaths, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from chatvault.paths import default_vault_path
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME

log = logging.getLogger(__name__)


def build_app(argv: list[str] | None = None) -> QApplication:
    from chatvault.gui import i18n, prefs, theme

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(["chatvault", *(argv or [])])
    app.setApplicationName("ChatVault")
    app.setOrganizationName("ChatVault")
    app.setApplicationDisplayName("ChatVault")
    app.setDesktopFileName("io.github.chatvault.ChatVault")
    app.setWindowIcon(theme.app_icon())
    theme.setup_fonts(prefs.get("font_size") or None)
    theme.apply(prefs.get("theme"))
    i18n.set_language(prefs.get("language"))
    # "Follow the system" follows it live, like the messengers do.
    app.styleHints().colorSchemeChanged.connect(
        lambda _scheme: theme.apply("system") if prefs.get("theme") == "system" else None)
    return app


def start(vault_path: Path):
    """Show the first window: the create-vault dialog on first run, else the unlock dialog."""
    from chatvault.gui.dialogs.create_vault import CreateVaultDialog
    from chatvault.gui.dialogs.unlock import UnlockDialog

    if (vault_path / HEADER_NAME).exists() or (vault_path / BACKUP_NAME).exists():
        return UnlockDialog(vault_path)   # with only the copy left, unlocking repairs vault.json
    return CreateVaultDialog(vault_path)


def _server_name(vault_path: Path) -> str:
    who = os.environ.get("USER") or os.environ.get("USERNAME") or "user"
    return "chatvault-" + hashlib.sha256(f"{who}:{vault_path.resolve()}".encode()).hexdigest()[:16]


def _raise_running(name: str) -> bool:
    """Ask an already running ChatVault to show its window; True if one answered."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(500):
        return False
    sock.write(b"raise\n")
    sock.waitForBytesWritten(500)
    sock.disconnectFromServer()
    return True


def _install_crash_handler(app: QApplication) -> None:
    """Unexpected errors: a sentence, "Copy diagnostics" and "Open log folder", never a raw traceback."""
    from chatvault.paths import log_dir

    def hook(exc_type, exc, tb) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error:\n%s", details)
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(app.translate("ChatVault", "Something went wrong"))
        box.setText(app.translate("ChatVault", "ChatVault hit an unexpected problem. Your vault was not changed by "
                                               "it. The details are in the log; please include them in a report."))
        box.setDetailedText(details)
        copy = box.addButton(app.translate("ChatVault", "Copy diagnostics"), QMessageBox.ButtonRole.ActionRole)
        logs = box.addButton(app.translate("ChatVault", "Open log folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QGuiApplication.clipboard().setText(details)
        elif box.clickedButton() is logs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    sys.excepthook = hook


def run_gui(argv: list[str]) -> int:
    from chatvault.hardening import disable_core_dumps, setup_logging

    parser = argparse.ArgumentParser(prog="chatvault")
    parser.add_argument("--vault", type=Path, default=None)
    args, qt_args = parser.parse_known_args(argv)
    disable_core_dumps()
    setup_logging()
    app = build_app(qt_args)
    vault_path = (args.vault or default_vault_path()).expanduser()

    # One instance per vault: a second launch raises the running window and exits (QLockFile handles
    # stale locks left by a crash).
    name = _server_name(vault_path)
    runtime = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation) or QDir.tempPath()
    lock = QLockFile(str(Path(runtime) / f"{name}.lock"))
    lock.setStaleLockTime(0)
    if not lock.tryLock(100):
        if _raise_running(name):
            return 0
        lock.removeStaleLockFile()
        lock.tryLock(100)
    QLocalServer.removeServer(name)
    server = QLocalServer()
    server.listen(name)
    _install_crash_handler(app)

    dialog = start(vault_path)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.vault is None:
        return 0
    from chatvault.gui.main_window import MainWindow

    window = MainWindow(dialog.vault)
    if dialog.vault.notices:            # e.g. vault.json repaired from its copy: say so once
        window.statusBar().showMessage(" ".join(dialog.vault.notices), 60_000)

    def on_connection() -> None:
        conn = server.nextPendingConnection()
        if conn is not None:
            conn.readyRead.connect(lambda: (conn.readAll(), window.tray.show_window()))

    server.newConnection.connect(on_connection)
    window.show()
    # Without a system tray (GNOME), closing the window quits: nothing hides where it cannot be found.
    QTimer.singleShot(0, window.raise_)
    code = app.exec()
    # MainWindow.quit() closes the last window (which ends exec()) and then posts a Quit event; left
    # in the queue it would make the next event loop in this process return at once.
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    server.close()
    lock.unlock()
    return code


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv[1:]))
