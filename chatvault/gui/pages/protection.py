"""The protection page: backup destinations and their health, the schedule, Back up now / Verify /
Restore, the run history, and the watch folders. Its reads run on the shared pool (`models.protection`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.restore import RestoreDialog
from chatvault.gui.models.protection import ProtectionState, read_state
from chatvault.gui.ops import Op
from chatvault.gui.views.expiring_box import ExpiringBox
from chatvault.gui.views.protection_tables import ProtectionTables, human_bytes
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


class ProtectionPage(ProtectionTables, QWidget):
    health_changed = Signal()
    job_changed = Signal()        # a job started, moved on or ended: the banner shows a backup's progress

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("pageBody")
        self.vault: Vault | None = None
        self.watch = None
        self.op: Op | None = None
        self.job: tuple[str, str] | None = None      # (kind, destination) of the running job
        self.job_progress = None                     # its latest Progress
        self.last_cause = ""
        self.healths: list[Any] = []
        self.state: ProtectionState | None = None    # the last background read (None: not read yet)
        self.refresh_op: Op | None = None
        self._refresh_again = self._job_read = False
        self._epoch = 0
        self.watch_status = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("pageBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self._build_backups())
        layout.addWidget(self._build_watch())
        self.expiring = ExpiringBox()          # media whose originals only a device still has
        layout.addWidget(self.expiring)
        layout.addStretch(1)
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(1000)
        self.watch_timer.timeout.connect(self._poll_watch)
        self.schedule_timer = QTimer(self)
        self.schedule_timer.setSingleShot(True)
        self.schedule_timer.timeout.connect(self.run_due)
        self.retranslate()

    def _build_backups(self) -> QGroupBox:
        """Destinations, their buttons, the running job's bar and the history."""
        self.backup_box = QGroupBox()
        bl = QVBoxLayout(self.backup_box)
        self.dest_table = QTableWidget(0, 5)
        self.dest_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dest_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.dest_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dest_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.dest_table.verticalHeader().hide()
        self.dest_table.setMinimumHeight(90)
        self.dest_table.setMaximumHeight(150)
        bl.addWidget(self.dest_table)
        row = QHBoxLayout()
        self.add_dest = QPushButton()
        self.add_dest.clicked.connect(self.add_folder_destination)
        self.remove_dest = QPushButton()
        self.remove_dest.clicked.connect(self.remove_destination)
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("primaryButton")
        self.backup_button.clicked.connect(self.backup_now)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify)
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(self.restore)
        for b in (self.add_dest, self.remove_dest, self.verify_button, self.restore_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.backup_button)
        bl.addLayout(row)
        self.job_row = QWidget()
        jr = QHBoxLayout(self.job_row)
        jr.setContentsMargins(0, 0, 0, 0)
        self.job_label = QLabel()
        self.job_bar = QProgressBar()
        self.job_cancel = QPushButton()
        self.job_cancel.clicked.connect(self.cancel_job)
        jr.addWidget(self.job_label)
        jr.addWidget(self.job_bar, 1)
        jr.addWidget(self.job_cancel)
        self.job_row.hide()
        bl.addWidget(self.job_row)
        self._build_history(bl)
        return self.backup_box

    def _build_history(self, bl: QVBoxLayout) -> None:
        self.job_result = QLabel()
        self.job_result.setWordWrap(True)
        bl.addWidget(self.job_result)
        self.history_label = QLabel()
        bl.addWidget(self.history_label)
        self.history = QTableWidget(0, 4)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setMinimumHeight(120)
        self.history.setMaximumHeight(200)
        bl.addWidget(self.history)

    def _build_watch(self) -> QGroupBox:
        self.watch_box = QGroupBox()
        wl = QVBoxLayout(self.watch_box)
        self.watch_hint = QLabel()
        self.watch_hint.setObjectName("hintLabel")
        self.watch_hint.setWordWrap(True)
        wl.addWidget(self.watch_hint)
        self.watch_table = QTableWidget(0, 4)
        self.watch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.watch_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.watch_table.verticalHeader().hide()
        self.watch_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.watch_table.setMinimumHeight(90)
        self.watch_table.setMaximumHeight(150)
        wl.addWidget(self.watch_table)
        row = QHBoxLayout()
        self.add_watch = QPushButton()
        self.add_watch.clicked.connect(self.add_watch_folder)
        self.remove_watch = QPushButton()
        self.remove_watch.clicked.connect(self.remove_watch_folder)
        row.addWidget(self.add_watch)
        row.addWidget(self.remove_watch)
        row.addStretch(1)
        wl.addLayout(row)
        return self.watch_box

    def retranslate(self) -> None:
        self.title.setText(self.tr("Protection"))
        self.backup_box.setTitle(self.tr("Backups"))
        self.watch_box.setTitle(self.tr("Watch folders"))
        self.dest_table.setHorizontalHeaderLabels([self.tr("Destination"), self.tr("Where"), self.tr("State"),
                                                   self.tr("Schedule"), self.tr("Last verified backup")])
        self.history_label.setText(self.tr("History"))
        self.history.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"), self.tr("Result"), self.tr("Details")])
        self.watch_table.setHorizontalHeaderLabels([self.tr("Folder"), self.tr("Rule"), self.tr("Status"),
                                                    self.tr("Last captured")])
        self.add_dest.setText(self.tr("Add a backup folder…"))
        self.remove_dest.setText(self.tr("Remove"))
        self.backup_button.setText(self.tr("Back up now"))
        self.verify_button.setText(self.tr("Verify"))
        self.restore_button.setText(self.tr("Restore…"))
        self.job_cancel.setText(self.tr("Cancel"))
        self.add_watch.setText(self.tr("Add a watch folder…"))
        self.remove_watch.setText(self.tr("Stop watching"))
        self.watch_hint.setText(self.tr(
            "ChatVault copies new files from these folders into the vault (capture), or imports new exports "
            "saved there (auto-import). Deleting a file there never deletes it from the vault."))
        for w, name in ((self.dest_table, self.tr("Backup destinations")), (self.watch_table, self.tr("Watch folders")),
                        (self.history, self.tr("History"))):
            w.setAccessibleName(name)
        if self.vault is not None and not self.vault.is_locked:
            self.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- vault -----------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        self.vault = vault
        if vault is None:
            return
        self._start_watch()
        self.arm_scheduler()
        self.refresh()
        self.expiring.set_vault(vault)

    def _conn(self, readonly: bool = True):
        assert self.vault is not None
        return self.vault.connect(readonly=readonly)

    def _start_watch(self) -> None:
        from chatvault.watch.folders import list_folders
        from chatvault.watch.service import WatchService

        if self.vault is None:
            return
        conn = self._conn()
        try:
            folders = [f for f in list_folders(conn) if f.enabled]
        finally:
            conn.close()
        if self.watch is not None:
            self.watch.stop(timeout=10)
            self.watch = None
        if folders:
            self.watch = WatchService(self.vault)
            self.watch.start()
            self.watch_timer.start()
        else:
            self.watch_timer.stop()

    def keeps_running(self) -> bool:
        return self.watch is not None or bool(self.healths)

    def shutdown(self) -> None:
        self.watch_timer.stop()
        self.schedule_timer.stop()
        if self.op is not None and self.op.running:
            self.op.cancel()
        if self.watch is not None:
            self.watch.stop(timeout=10)
            self.watch = None

    def clear(self) -> None:
        self.shutdown()
        self.vault = None
        self.healths = []
        self.state = None
        self.dest_table.setRowCount(0)
        self.watch_table.setRowCount(0)
        self.history.setRowCount(0)
        self.summary.clear()
        self.job_result.clear()
        self.expiring.set_vault(None)

    # --- refresh ---------------------------------------------------------------------------
    def refresh(self) -> Op | None:
        """Read everything the page shows on the shared pool, then fill it (`_apply`)."""
        if self.vault is None:
            return None
        self.expiring.refresh()
        if self.refresh_op is not None and self.refresh_op.running:
            self._refresh_again = True
            return self.refresh_op
        vault, epoch = self.vault, self._epoch
        self._refresh_again = False
        op = self.refresh_op = Op(lambda _ctx: read_state(vault), self)
        # dropped if the page showed a newer read meanwhile (a change the user made, a job's end)
        op.finished.connect(lambda state: self._apply(state) if self.vault is vault and self._epoch == epoch
                            else None)
        op.failed.connect(lambda exc: log.warning("protection page: %s", exc))
        op.ended.connect(self._refresh_ended)
        return op.start()

    def _refresh_ended(self) -> None:
        if self.refresh_op is not None:
            self.refresh_op.deleteLater()
            self.refresh_op = None
        if getattr(self, "_refresh_again", False):
            self.refresh()

    def _refresh_here(self) -> None:
        """Read and fill at once, after a change the user just made on this page (a destination or a
        watch folder added or removed: one small write and read), so the table shows it immediately."""
        if self.vault is not None:
            self._apply(read_state(self.vault))

    def _poll_watch(self) -> None:
        if self.vault is None or self.watch is None:
            return
        before = self.watch_status
        status = self.watch.status()
        if before is None or status.folders != before.folders:
            if self.state is None:      # the first background read has not come back: it fills the table
                return
            self._fill_watch(self.state.folders)    # the folders as of the last read (refreshed each minute)
            states = lambda s: [f.state for f in s.folders] if s else []  # noqa: E731
            if states(before) != states(status):
                self.health_changed.emit()

    # --- watch folders ---------------------------------------------------------------------
    def _write(self, change) -> bool:
        """One small change the user asked for (a core call on a writable connection); its refusal is
        shown under the buttons."""
        from chatvault.errors import ChatVaultError

        try:
            conn = self._conn(readonly=False)
            try:
                change(conn)
            finally:
                conn.close()
        except ChatVaultError as exc:
            self.job_result.setText(error_text(exc, " "))
            return False
        return True

    def add_watch_folder(self, path: str | None = None, rule: str | None = None,
                         custodian_id: int | None = None) -> bool:
        from chatvault.watch.folders import add_folder

        if self.vault is None:
            return False
        if path is None:
            path = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder to watch"))
            if not path:
                return False
        if rule is None:
            options = [self.tr("Copy new files into the vault (capture)"),
                       self.tr("Import new exports saved here (auto-import)")]
            choice, ok = QInputDialog.getItem(self, self.tr("Watch rule"), self.tr("What should ChatVault do?"),
                                              options, 0, False)
            if not ok:
                return False
            rule = "capture" if choice == options[0] else "auto-import"
        if rule == "auto-import" and custodian_id is None:
            chosen = self._ask_custodian()
            if chosen is False:
                return False
            custodian_id = chosen
        if not self._write(lambda conn: add_folder(conn, path, rule, custodian_id=custodian_id)):
            return False
        self._start_watch()
        self._refresh_here()
        return True

    def _ask_custodian(self) -> int | None | bool:
        """Whose archive the exports an auto-import folder brings are (#20): asked only when the vault
        holds more than one custodian; None is the default custodian, False a cancel."""
        from chatvault.compliance.custodians import list_custodians
        from chatvault.gui.views.compliance_base import custodian_label

        conn = self._conn(readonly=True)
        try:
            rows = list_custodians(conn, counts=False)
        finally:
            conn.close()
        if len(rows) < 2:
            return None
        labels = [custodian_label(r) for r in rows]
        start = next((i for i, r in enumerate(rows) if r["default"]), 0)
        choice, ok = QInputDialog.getItem(self, self.tr("Custodian"),
                                          self.tr("Whose archive are the exports saved in this folder?"),
                                          labels, start, False)
        return rows[labels.index(choice)]["id"] if ok else False

    def remove_watch_folder(self) -> None:
        from chatvault.watch.folders import remove_folder

        item = self.watch_table.currentItem()
        if item is None or self.vault is None:
            return
        wid = item.data(Qt.ItemDataRole.UserRole)
        if self.watch is not None:
            self.watch.stop(timeout=10)
            self.watch = None
        self._write(lambda conn: remove_folder(conn, str(wid)))
        self._start_watch()
        self._refresh_here()

    # --- destinations and jobs -------------------------------------------------------------
    def selected_destination(self) -> str | None:
        row = self.dest_table.currentRow()
        if row < 0 and self.healths:
            row = 0
        return self.healths[row].name if 0 <= row < len(self.healths) else None

    def add_folder_destination(self, path: str | None = None, name: str | None = None) -> bool:
        from chatvault.backup.destinations import add_destination

        if self.vault is None:
            return False
        if path is None:
            path = QFileDialog.getExistingDirectory(self, self.tr("Choose a backup folder (ideally on another drive)"))
            if not path:
                return False
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Name this backup"), self.tr("Name"),
                                            QLineEdit.EchoMode.Normal, Path(path).name or "backup")
            if not ok or not name:
                return False
        if not self._write(lambda conn: add_destination(conn, name, "folder", {"path": path})):
            return False
        self._refresh_here()
        self.arm_scheduler()
        self.health_changed.emit()
        return True

    def remove_destination(self) -> None:
        from chatvault.backup.destinations import remove_destination

        name = self.selected_destination()
        if name is None or self.vault is None:
            return
        if not self._write(lambda conn: remove_destination(conn, name)):
            return
        self._refresh_here()
        self.health_changed.emit()

    def _run_job(self, label: str, fn, on_done, kind: str = "", dest: str = "") -> Op | None:
        if self.vault is None or (self.op is not None and self.op.running):
            return None
        self.job, self.job_progress = (kind, dest), None
        self.job_label.setText(label)
        self.job_bar.setRange(0, 0)
        self.job_row.show()
        self.job_result.clear()
        vault = self.vault
        after: dict[str, ProtectionState] = {}

        def job(ctx):
            """The job, then (whatever its outcome) the page's new state, read on the same worker so the
            page shows it the moment the job ends."""
            try:
                return fn(ctx)
            finally:
                try:
                    after["state"] = read_state(vault)
                except Exception as exc:  # noqa: BLE001 - the job's own outcome matters more; refresh() retries
                    log.warning("protection page after a job: %s", exc)

        def show_after() -> None:
            self.job = self.job_progress = None      # the state read after the job is the news now
            state = after.pop("state", None)
            self._job_read = state is not None
            if state is not None and self.vault is vault:
                self._apply(state)

        self._job_read = False
        self.op = Op(job, self)
        self.op.progress.connect(self._progress)
        self.op.finished.connect(lambda result: (show_after(), on_done(result)))
        self.op.failed.connect(lambda exc: (show_after(), self._job_failed(exc)))
        self.op.cancelled.connect(lambda: (show_after(), self.job_result.setText(
            self.tr("Cancelled. Nothing already saved was lost."))))
        self.op.ended.connect(self._job_ended)
        self.op.start()
        self._show_job_state()
        self.job_changed.emit()
        return self.op

    def _progress(self, p) -> None:
        self.job_progress = p
        self.job_changed.emit()
        if p.fraction is not None:
            self.job_bar.setRange(0, 1000)
            self.job_bar.setValue(int(p.fraction * 1000))
        parts = []
        if p.bytes_total:
            parts.append(self.tr("%1 of %2").replace("%1", human_bytes(p.bytes_done))
                         .replace("%2", human_bytes(p.bytes_total)))
        elif p.items_total:
            parts.append(self.tr("%1 of %2").replace("%1", f"{p.items_done:,}").replace("%2", f"{p.items_total:,}"))
        if p.eta_seconds is not None:
            parts.append(self.tr("about %1 left").replace("%1", timefmt.duration(p.eta_seconds)))
        self.job_bar.setFormat(" · ".join(parts) if parts else "")
        self.job_bar.setTextVisible(bool(parts))

    def _job_failed(self, exc: Exception) -> None:
        self.job_result.setText(self.tr("It did not work: %1").replace("%1", error_text(exc)))

    def _job_ended(self) -> None:
        self.job = self.job_progress = None
        self.job_row.hide()
        self.job_changed.emit()
        if not self._job_read:
            self.refresh()      # failed or cancelled: read what changed in the background

    def cancel_job(self) -> None:
        if self.op is not None:
            self.op.cancel()

    def backup_now(self) -> Op | None:
        from chatvault.backup.engine import run_backup

        name = self.selected_destination()
        if name is None:
            if self.vault is not None:
                self.add_folder_destination()
            return None
        vault = self.vault

        def job(ctx):
            dest = _destination(vault, name)
            return run_backup(vault, dest, ctx)

        def done(result) -> None:
            self.job_result.setText(self.tr("Backup to %1 finished and verified: %2 sent of %3.")
                                    .replace("%1", name).replace("%2", human_bytes(result.bytes_sent))
                                    .replace("%3", human_bytes(result.bytes_total)))

        return self._run_job(self.tr("Backing up to %1…").replace("%1", name), job, done, "backup", name)

    def verify(self) -> Op | None:
        from chatvault.backup.engine import run_verify

        name = self.selected_destination()
        if name is None:
            return None
        vault = self.vault

        def job(ctx):
            dest = _destination(vault, name)
            return run_verify(vault, dest, read_data=True, ctx=ctx)

        def done(rep) -> None:
            checked = self.verify_summary(rep.snapshots, rep.objects, rep.bytes_read)
            if rep.ok:
                self.job_result.setText(self.tr("%1: every snapshot and object is intact.").replace("%1", name)
                                        + " " + checked)
            else:
                self.job_result.setText(f"{name}: " + self.tr("%n damaged objects found. Run a new backup now.", "",
                                                               len(rep.damaged)) + " " + checked)

        return self._run_job(self.tr("Verifying %1…").replace("%1", name), job, done, "verify", name)

    def restore(self) -> None:
        name = self.selected_destination()
        if name is None or self.vault is None:
            return
        RestoreDialog(self.vault, name, self).exec()
        self.refresh()

    # --- scheduler -------------------------------------------------------------------------
    def schedule(self) -> list[tuple[str, float]]:
        """(destination, due unix time), soonest first, as of the last background read."""
        return list(self.state.schedule) if self.state is not None and self.vault is not None else []

    def arm_scheduler(self) -> None:
        self.schedule_timer.stop()
        if self.vault is None:
            return
        sched = self.schedule()
        due = sched[0][1] if sched else None
        if due is None:
            return
        delay = max(5.0, due - time.time())
        self.schedule_timer.start(int(min(delay, 6 * 3600) * 1000))

    def run_due(self) -> None:
        from chatvault.backup.scheduler import Scheduler

        if self.vault is None:
            return
        if self.op is not None and self.op.running:
            self.schedule_timer.start(60_000)
            return
        sched = Scheduler(self.vault)
        if not any(at <= time.time() for _name, at in self.schedule()):
            self.arm_scheduler()
            return
        due = [n for n, at in self.schedule() if at <= time.time()]
        self._run_job(self.tr("Scheduled backup…"), sched.run_due, lambda _r: None, "backup", due[0] if due else "")


def _destination(vault: Vault, name: str):
    """A destination by name, read on the job's own thread with its own connection."""
    from chatvault.backup.destinations import get_destination

    conn = vault.connect(readonly=True)
    try:
        return get_destination(conn, name)
    finally:
        conn.close()
