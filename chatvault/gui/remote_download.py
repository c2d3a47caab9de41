"""The Missing media view's "Download web files…": the files exports name only by a web address
(Slack files, Discord and X media links) downloaded into the vault, after the user read what will be
fetched and agreed; off the UI thread, with progress and Stop (`chatvault.articles.remote_media`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from chatvault.errors import VaultLocked
from chatvault.gui.apptext import error_text
from chatvault.gui.ops import Op

INTERVAL = 2.0


class RemoteDownload(QObject):
    """Owns the button and the status line; `finished` after a download (the view refreshes)."""

    finished = Signal()

    def __init__(self, button: QPushButton, status: QLabel, parent: QWidget) -> None:
        super().__init__(parent)
        self.button, self.status, self.parent_ = button, status, parent
        self.vault: Any = None
        self.op: Op | None = None
        button.setObjectName("downloadRemote")
        button.clicked.connect(self.clicked)
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Stop") if self.op else self.tr("Download web files…"))
        self.button.setToolTip(self.tr("Files the export names only by a web address (Slack, Discord, X): "
                                       "download them into the vault, once, when you agree."))

    def set_vault(self, vault: Any) -> None:
        self.vault = vault

    def clicked(self) -> None:
        if self.op is not None:
            self.op.cancel()
            return
        if self.vault is None:
            return
        vault = self.vault

        def read(_ctx: Any) -> Any:
            from chatvault.articles import remote_media as rm

            conn = vault.connect(readonly=True)
            try:
                return rm.remote_files(conn)
            finally:
                conn.close()

        op = Op(read, self)
        op.finished.connect(self._confirm)
        op.failed.connect(self._failed)
        op.start()

    def _confirm(self, files: list) -> None:
        from chatvault.articles import remote_media as rm

        if not files:
            self.status.setText(self.tr("No file here is kept only as a web address."))
            return
        hosts = ", ".join(rm.hosts_of(files)[:8])
        text = (self.tr("ChatVault will download %n file(s) that the exports name only by their web address, once "
                        "each, from: %1. At most one request every %2 s per host, 100 MiB per file, with no cookies. "
                        "The files are stored encrypted in the vault. Nothing is downloaded unless you agree.", None,
                        len(files))
                .replace("%1", hosts).replace("%2", f"{INTERVAL:g}"))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Download web files"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.parent_)
        box.setObjectName("downloadRemoteConfirm")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Download"))
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.start(files)

    def start(self, files: list) -> None:
        from chatvault.articles import remote_media as rm
        from chatvault.articles.net import Fetcher

        vault = self.vault

        def job(ctx: Any) -> Any:
            try:
                return rm.fetch(vault, Fetcher(allowed=True, interval=INTERVAL), files, ctx)
            except VaultLocked:
                return None

        self.op = Op(job, self)
        self.op.progress.connect(lambda p: self.status.setText(
            self.tr("Downloading… %1 of %2").replace("%1", str(p.items_done)).replace("%2", str(len(files)))))
        self.op.finished.connect(self._done)
        self.op.failed.connect(self._failed)
        self.op.cancelled.connect(lambda: self.status.setText(self.tr("Stopped: what was downloaded is kept.")))
        self.op.ended.connect(self._ended)
        self.retranslate()
        self.op.start()

    def _done(self, report: Any) -> None:
        if report is None:
            return
        text = self.tr("Downloaded %n file(s).", None, report.fetched)
        if report.failed:
            text += " " + self.tr("%n could not be downloaded (the link has expired or needs a login).", None,
                                  len(report.failed))
        self.status.setText(text)
        self.finished.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc, " "))

    def _ended(self) -> None:
        self.op = None
        self.retranslate()
