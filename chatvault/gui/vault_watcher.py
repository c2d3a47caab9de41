"""Live refresh: the window follows changes other processes make to the open vault (a `chatvault
import` in a terminal, a backup, another ChatVault) without a lock and unlock.

Two cheap signals start a check: a QFileSystemWatcher on vault.db and its write-ahead log (and the
folder, which sees the log appear), and a timer that reads SQLite's `data_version` counter on a
connection of its own (it changes when any other connection commits; no table is read), for file
systems that do not report changes. The check (`store.changes.signature`) and any reload run on the
shared pool; the window is told what kind of change it was: `content` (chats, messages), `markers`
(read markers), `backups` (backup runs). While a long import commits batch after batch, content
reloads are spaced at least `MIN_GAP_MS` apart.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from chatvault.gui.ops import Op
from chatvault.store import changes

log = logging.getLogger(__name__)
POLL_MS = 1500
DEBOUNCE_MS = 250
MIN_GAP_MS = 3000


class VaultWatcher(QObject):
    content_changed = Signal()
    markers_changed = Signal()
    backups_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.vault = None
        self.conn = None
        self.version: int | None = None
        self.last: changes.Signature | None = None
        self.op: Op | None = None
        self._again = False
        self._last_content = 0.0
        self.files = QFileSystemWatcher(self)
        self.files.fileChanged.connect(lambda _p: self.soon())
        self.files.directoryChanged.connect(lambda _p: self._watch_files())
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.check)

    def start(self, vault) -> None:
        self.stop()
        self.vault = vault
        try:
            self.conn = vault.connect(readonly=True)
            self.version = changes.data_version(self.conn)
        except Exception as exc:  # noqa: BLE001 - a damaged vault: no live refresh, the window says why
            log.warning("live refresh off: %s", exc)
            self.conn = None
            return
        self.last = None
        self.files.addPath(str(vault.path))
        self._watch_files()
        self.poll_timer.start()
        self.check()            # the baseline signature

    def _watch_files(self) -> None:
        if self.vault is None:
            return
        watched = set(self.files.files())
        for name in ("vault.db", "vault.db-wal"):
            path = self.vault.path / name
            if path.exists() and str(path) not in watched:
                self.files.addPath(str(path))
        self.soon()

    def stop(self) -> None:
        """On lock: stop, and close the connection (the lock waits for the pool after)."""
        self.poll_timer.stop()
        self.debounce.stop()
        for paths in (self.files.files(), self.files.directories()):
            if paths:
                self.files.removePaths(paths)
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - lock must always complete
                pass
        self.conn = None
        self.vault = None
        self.last = None

    def soon(self) -> None:
        if self.vault is not None:
            self.debounce.start(DEBOUNCE_MS)

    def poll(self) -> None:
        """The timer: has any other connection committed since the last look?"""
        if self.conn is None:
            return
        try:
            version = changes.data_version(self.conn)
        except Exception as exc:  # noqa: BLE001 - closed under us (the vault locked) or damaged: stop polling
            log.warning("live refresh stopped: %s", exc)
            self.poll_timer.stop()
            return
        if version != self.version:
            self.version = version
            self.soon()

    def check(self) -> Op | None:
        vault = self.vault
        if vault is None:
            return None
        if self.op is not None and self.op.running:
            self._again = True
            return self.op

        def job(_ctx):
            conn = vault.connect(readonly=True)
            try:
                return changes.signature(conn)
            finally:
                conn.close()

        self._again = False
        self.op = Op(job, self)
        self.op.finished.connect(lambda sig: self._compare(sig) if self.vault is vault else None)
        self.op.failed.connect(lambda exc: log.warning("live refresh: %s", exc))
        self.op.ended.connect(self._ended)
        return self.op.start()

    def _ended(self) -> None:
        if self._again:
            QTimer.singleShot(0, self.check)

    def _compare(self, sig: changes.Signature) -> None:
        before, self.last = self.last, sig
        if before is None:
            return
        if sig.content != before.content:
            wait = self._last_content + MIN_GAP_MS / 1000 - time.monotonic()
            if wait > 0:                  # an import committing batch after batch: at most every few seconds
                self.last = changes.Signature(before.content, sig.markers, sig.backups)
                self.debounce.start(int(wait * 1000) + DEBOUNCE_MS)
            else:
                self._last_content = time.monotonic()
                self.content_changed.emit()
        if sig.markers != before.markers:
            self.markers_changed.emit()
        if sig.backups != before.backups:
            self.backups_changed.emit()
