"""The protection page: watch folders and backups, their health, and the in-app backup scheduler."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
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
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.dbconn import open_conn
from chatvault.gui.ops import Op
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)
LEVELS = {"green": 0, "amber": 1, "red": 2}
DOT = {"green": "🟢", "amber": "🟠", "red": "🔴"}


def human_bytes(n: int | None) -> str:
    if not n:
        return "0 B"
    x = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if x < 1024 or unit == "TB":
            return f"{x:.0f} {unit}" if unit == "B" else f"{x:.1f} {unit}"
        x /= 1024
    return ""


class ProtectionPage(QWidget):
    health_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("pageBody")
        self.vault: Vault | None = None
        self.watch = None
        self.op: Op | None = None
        self.last_cause = ""
        self.healths: list[Any] = []
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
        layout.addWidget(self.backup_box)

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
        layout.addWidget(self.watch_box)
        layout.addStretch(1)

        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(1000)
        self.watch_timer.timeout.connect(self._poll_watch)
        self.schedule_timer = QTimer(self)
        self.schedule_timer.setSingleShot(True)
        self.schedule_timer.timeout.connect(self.run_due)
        self.retranslate()

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

    def _conn(self, readonly: bool = True):
        assert self.vault is not None
        return open_conn(self.vault, readonly=readonly)

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
        self.dest_table.setRowCount(0)
        self.watch_table.setRowCount(0)
        self.history.setRowCount(0)
        self.summary.clear()
        self.job_result.clear()

    # --- health ----------------------------------------------------------------------------
    def _damage_text(self, h: Any) -> str:
        """What a refused backup found damaged in the vault (or a failed restore test), in words."""
        d = h.damage or {}
        if not d:
            text = self.tr("The restore test of the newest backup failed: %1")
            return text.replace("%1", h.last_failure_reason or "")
        pages, blobs = d.get("pages") or {}, d.get("blobs") or []
        msgs = (pages.get("messages") or 0) + sum(b.get("messages") or 0 for b in blobs)
        text = self.tr("Damage found in your archive: %1 database pages and %2 media files fail their checks "
                       "(%3 messages affected). It was not backed up; the last clean backup is kept.")
        text = text.replace("%1", str(pages.get("page_count", 0))).replace("%2", str(len(blobs)))
        text = text.replace("%3", str(msgs))
        titles = [c.get("title") for c in pages.get("conversations", []) + [c for b in blobs
                  for c in b.get("conversations", [])] if c.get("title")]
        if titles:
            text += " " + self.tr("Chats: %1").replace("%1", ", ".join(dict.fromkeys(titles).keys()))
        return text

    def _dest_text(self, h: Any) -> str:
        if getattr(h, "damaged", False):
            return self._damage_text(h)
        if h.last_success_at is None:
            text = self.tr("No verified backup yet")
        else:
            ago = self.ago(time.time() - h.last_success_at)
            text = self.tr("Last verified backup: %1 (%2)").replace("%1", ago).replace(
                "%2", timefmt.absolute(int(h.last_success_at * 1000)))
            if h.last_bytes_total:
                text += " · " + human_bytes(h.last_bytes_total)
        if h.state == "red" and h.last_success_at is not None:
            text += " · " + self.tr("older than %1 days").replace("%1", f"{h.max_age_s / 86400:g}")
        if h.last_failure_reason and (h.last_success_at is None or (h.last_failure_at or 0) > h.last_success_at):
            text += " · " + self.tr("the last attempt failed: %1").replace("%1", h.last_failure_reason)
        return text

    def every(self, seconds: int) -> str:
        if seconds % 86400 == 0:
            days = seconds // 86400
            return self.tr("Every day") if days == 1 else self.tr("Every %1 days").replace("%1", str(days))
        if seconds % 3600 == 0:
            hours = seconds // 3600
            return self.tr("Every hour") if hours == 1 else self.tr("Every %1 hours").replace("%1", str(hours))
        return self.tr("Every %1 minutes").replace("%1", str(max(1, seconds // 60)))

    def ago(self, seconds: float) -> str:
        if seconds < 90:
            return self.tr("just now")
        if seconds < 5400:
            return self.tr("%1 minutes ago").replace("%1", f"{seconds / 60:.0f}")
        if seconds < 2 * 86400:
            return self.tr("%1 hours ago").replace("%1", f"{seconds / 3600:.0f}")
        return self.tr("%1 days ago").replace("%1", f"{seconds / 86400:.0f}")

    def load_health(self) -> None:
        from chatvault.backup.health import health

        if self.vault is None:
            return
        conn = self._conn()
        try:
            self.healths = health(conn)
        finally:
            conn.close()

    def overall_health(self) -> tuple[str, str]:
        """(green|amber|red, one sentence) for the banner and the tray; sets `last_cause`."""
        if self.vault is None:
            return "green", ""
        self.load_health()
        level, text, cause = "green", self.tr("All backups are up to date."), ""
        if not self.healths:
            level, text, cause = "amber", self.tr(
                "Your archive has no backup yet. Add a backup folder on another drive."), "backup:none"
        for h in self.healths:
            if LEVELS[h.state] > LEVELS[level]:
                level, text, cause = h.state, f"{h.name}: {self._dest_text(h)}", f"backup:{h.name}:{h.state}"
        status = self.watch.status() if self.watch is not None else None
        for f in (status.folders if status else ()):
            if f.state == "unreachable" and LEVELS[level] < LEVELS["amber"]:
                level, cause = "amber", f"watch:{f.id}"
                text = self.tr("The watch folder %1 cannot be reached (unplugged drive or network share?).").replace(
                    "%1", f.path)
        self.last_cause = cause
        return level, text

    # --- refresh ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.vault is None:
            return
        from chatvault.backup.destinations import list_destinations, runs
        from chatvault.watch.folders import list_folders

        self.load_health()
        conn = self._conn()
        try:
            dests = {d.name: d for d in list_destinations(conn)}
        finally:
            conn.close()
        due = dict(self.schedule())
        self.dest_table.setRowCount(len(self.healths))
        for i, h in enumerate(self.healths):
            state = {"green": self.tr("On schedule"), "amber": self.tr("Needs attention"),
                     "red": self.tr("At risk")}[h.state]
            d = dests.get(h.name)
            schedule = self.tr("Off")
            if d is not None and d.enabled:
                schedule = self.every(d.interval_s)
                if h.name in due:
                    at = due[h.name]
                    schedule += " · " + (self.tr("due now") if at <= time.time() else
                                         self.tr("next %1").replace("%1", timefmt.absolute(int(at * 1000))))
            for col, text in enumerate((h.name, h.where, f"{DOT[h.state]} {state}", schedule, self._dest_text(h))):
                self.dest_table.setItem(i, col, QTableWidgetItem(text))
        self.dest_table.resizeColumnsToContents()
        level, text = self.overall_health()
        self.summary.setText(f"{DOT[level]} {text}")
        conn = self._conn()
        try:
            history = runs(conn, limit=30)
            names = {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM backup_destinations")}
            folders = list_folders(conn)
        finally:
            conn.close()
        self.history.setRowCount(len(history))
        kinds = {"backup": self.tr("Backup"), "verify": self.tr("Verify"), "restore": self.tr("Restore"),
                 "prune": self.tr("Prune")}
        results = {"success": self.tr("OK"), "failure": self.tr("Failed"), "running": self.tr("Running"),
                   "cancelled": self.tr("Cancelled")}
        for i, r in enumerate(history):
            when = timefmt.absolute(r["started_at"]) if r["started_at"] else ""
            what = f"{kinds.get(r['kind'], r['kind'])} → {names.get(r['destination_id'], '?')}"
            detail = r["error"] or (human_bytes(r["bytes_sent"]) + " / " + human_bytes(r["bytes_total"])
                                    if r["bytes_total"] else "")
            for col, t in enumerate((when, what, results.get(r["status"], r["status"]), detail or "")):
                self.history.setItem(i, col, QTableWidgetItem(t))
        self.history.resizeColumnsToContents()
        self._fill_watch(folders)

    def _fill_watch(self, folders) -> None:
        status = self.watch.status() if self.watch is not None else None
        by_id = {f.id: f for f in (status.folders if status else ())}
        rules = {"capture": self.tr("Copy new files"), "auto-import": self.tr("Import new exports")}
        states = {"starting": self.tr("Starting"), "scanning": self.tr("Scanning"), "watching": self.tr("Watching"),
                  "unreachable": self.tr("Cannot be reached")}
        self.watch_table.setRowCount(len(folders))
        for i, f in enumerate(folders):
            st = by_id.get(f.id)
            state = states.get(st.state, st.state) if st else (self.tr("Paused") if not f.enabled else self.tr("Starting"))
            if st and st.captured:
                state += " · " + self.tr("%1 captured").replace("%1", str(st.captured))
            last = ""
            if st and st.last_event_at:
                last = timefmt.absolute(st.last_event_at)
            items = (f.path, rules.get(f.rule, f.rule), state, last)
            for col, t in enumerate(items):
                item = QTableWidgetItem(t)
                item.setData(Qt.ItemDataRole.UserRole, f.id)
                self.watch_table.setItem(i, col, item)
        self.watch_status = status

    def _poll_watch(self) -> None:
        if self.vault is None or self.watch is None:
            return
        before = self.watch_status
        status = self.watch.status()
        if before is None or status.folders != before.folders:
            from chatvault.watch.folders import list_folders

            conn = self._conn()
            try:
                folders = list_folders(conn)
            finally:
                conn.close()
            self._fill_watch(folders)
            states = lambda s: [f.state for f in s.folders] if s else []  # noqa: E731
            if states(before) != states(status):
                self.health_changed.emit()

    # --- watch folders ---------------------------------------------------------------------
    def add_watch_folder(self, path: str | None = None, rule: str | None = None) -> bool:
        from chatvault.errors import ChatVaultError
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
        try:
            conn = self._conn(readonly=False)
            try:
                add_folder(conn, path, rule)
            finally:
                conn.close()
        except ChatVaultError as exc:
            self.job_result.setText(exc.message + (f" {exc.hint}" if exc.hint else ""))
            return False
        self._start_watch()
        self.refresh()
        return True

    def remove_watch_folder(self) -> None:
        from chatvault.watch.folders import remove_folder

        item = self.watch_table.currentItem()
        if item is None or self.vault is None:
            return
        wid = item.data(Qt.ItemDataRole.UserRole)
        if self.watch is not None:
            self.watch.stop(timeout=10)
            self.watch = None
        conn = self._conn(readonly=False)
        try:
            remove_folder(conn, str(wid))
        finally:
            conn.close()
        self._start_watch()
        self.refresh()

    # --- destinations and jobs -------------------------------------------------------------
    def selected_destination(self) -> str | None:
        row = self.dest_table.currentRow()
        if row < 0 and self.healths:
            row = 0
        return self.healths[row].name if 0 <= row < len(self.healths) else None

    def add_folder_destination(self, path: str | None = None, name: str | None = None) -> bool:
        from chatvault.backup.destinations import add_destination
        from chatvault.errors import ChatVaultError

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
        try:
            conn = self._conn(readonly=False)
            try:
                add_destination(conn, name, "folder", {"path": path})
            finally:
                conn.close()
        except ChatVaultError as exc:
            self.job_result.setText(exc.message + (f" {exc.hint}" if exc.hint else ""))
            return False
        self.refresh()
        self.arm_scheduler()
        self.health_changed.emit()
        return True

    def remove_destination(self) -> None:
        from chatvault.backup.destinations import remove_destination

        name = self.selected_destination()
        if name is None or self.vault is None:
            return
        conn = self._conn(readonly=False)
        try:
            remove_destination(conn, name)
        finally:
            conn.close()
        self.refresh()
        self.health_changed.emit()

    def _run_job(self, label: str, fn, on_done) -> Op | None:
        if self.vault is None or (self.op is not None and self.op.running):
            return None
        self.job_label.setText(label)
        self.job_bar.setRange(0, 0)
        self.job_row.show()
        self.job_result.clear()
        self.op = Op(fn, self)
        self.op.progress.connect(self._progress)
        self.op.finished.connect(on_done)
        self.op.failed.connect(self._job_failed)
        self.op.cancelled.connect(lambda: self.job_result.setText(self.tr("Cancelled. Nothing already saved was lost.")))
        self.op.ended.connect(self._job_ended)
        return self.op.start()

    def _progress(self, p) -> None:
        if p.fraction is not None:
            self.job_bar.setRange(0, 1000)
            self.job_bar.setValue(int(p.fraction * 1000))
        parts = []
        if p.bytes_total:
            parts.append(f"{human_bytes(p.bytes_done)} / {human_bytes(p.bytes_total)}")
        elif p.items_total:
            parts.append(self.tr("%1 of %2").replace("%1", f"{p.items_done:,}").replace("%2", f"{p.items_total:,}"))
        if p.eta_seconds is not None:
            parts.append(self.tr("about %1 left").replace("%1", timefmt.duration(p.eta_seconds)))
        self.job_bar.setFormat(" · ".join(parts) if parts else "")
        self.job_bar.setTextVisible(bool(parts))

    def _job_failed(self, exc: Exception) -> None:
        msg = getattr(exc, "message", str(exc))
        hint = getattr(exc, "hint", None)
        self.job_result.setText(self.tr("It did not work: %1").replace("%1", msg) + (f"\n{hint}" if hint else ""))

    def _job_ended(self) -> None:
        self.job_row.hide()
        self.refresh()
        self.arm_scheduler()
        self.health_changed.emit()

    def cancel_job(self) -> None:
        if self.op is not None:
            self.op.cancel()

    def backup_now(self) -> Op | None:
        from chatvault.backup.destinations import get_destination
        from chatvault.backup.engine import run_backup

        name = self.selected_destination()
        if name is None:
            if self.vault is not None:
                self.add_folder_destination()
            return None
        vault = self.vault

        def job(ctx):
            conn = open_conn(vault)
            try:
                dest = get_destination(conn, name)
            finally:
                conn.close()
            return run_backup(vault, dest, ctx)

        def done(result) -> None:
            self.job_result.setText(self.tr("Backup to %1 finished and verified: %2 sent of %3.")
                                    .replace("%1", name).replace("%2", human_bytes(result.bytes_sent))
                                    .replace("%3", human_bytes(result.bytes_total)))

        return self._run_job(self.tr("Backing up to %1…").replace("%1", name), job, done)

    def verify(self) -> Op | None:
        from chatvault.backup.destinations import get_destination
        from chatvault.backup.engine import run_verify

        name = self.selected_destination()
        if name is None:
            return None
        vault = self.vault

        def job(ctx):
            conn = open_conn(vault)
            try:
                dest = get_destination(conn, name)
            finally:
                conn.close()
            return run_verify(vault, dest, read_data=True, ctx=ctx)

        def done(rep) -> None:
            if rep.ok:
                self.job_result.setText(self.tr("%1: every snapshot and object is intact (%2 snapshots checked).")
                                        .replace("%1", name).replace("%2", str(rep.snapshots)))
            else:
                self.job_result.setText(self.tr("%1: %2 damaged objects found. Run a new backup now.")
                                        .replace("%1", name).replace("%2", str(len(rep.damaged))))

        return self._run_job(self.tr("Verifying %1…").replace("%1", name), job, done)

    def restore(self) -> None:
        name = self.selected_destination()
        if name is None or self.vault is None:
            return
        RestoreDialog(self.vault, name, self).exec()
        self.refresh()

    # --- scheduler -------------------------------------------------------------------------
    def schedule(self) -> list[tuple[str, float]]:
        """(destination, due unix time), soonest first: the scheduler's own rule (`due_at`) on a GUI
        connection, because `Scheduler.schedule()` goes through `Vault.connect()` (see dbconn.py)."""
        from chatvault.backup.destinations import list_destinations
        from chatvault.backup.scheduler import Scheduler

        if self.vault is None:
            return []
        sched = Scheduler(self.vault)
        conn = self._conn()
        try:
            out = [(d.name, sched.due_at(conn, d)) for d in list_destinations(conn) if d.enabled]
        finally:
            conn.close()
        return sorted(out, key=lambda x: x[1])

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
        self._run_job(self.tr("Scheduled backup…"), sched.run_due, lambda _r: None)


class RestoreDialog(QDialog):
    """Restore wizard: pick a snapshot, pick an empty folder, restore there, and say what came back."""

    def __init__(self, vault: Vault, destination: str, parent=None) -> None:
        super().__init__(parent)
        from chatvault.backup.destinations import get_destination, open_target
        from chatvault.backup.engine import list_snapshots, vault_keys

        self.setWindowTitle(self.tr("Restore from %1").replace("%1", destination))
        self.vault = vault
        conn = open_conn(vault)
        try:
            self.dest = get_destination(conn, destination)
        finally:
            conn.close()
        self.target = open_target(self.dest)
        self.keys = vault_keys(vault)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("A restore builds a complete vault in a new folder. Your current vault is not touched."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.snapshot = QComboBox()
        self.error = QLabel()
        self.error.setWordWrap(True)
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
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Snapshot"), self.snapshot)
        form.addRow(self.tr("Restore into"), row)
        layout.addLayout(form)
        self.bar = QProgressBar()
        self.bar.hide()
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.start_button = QPushButton(self.tr("Restore"))
        self.start_button.setObjectName("primaryButton")
        self.start_button.setEnabled(self.snapshot.count() > 0)
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.start_button)
        layout.addLayout(buttons)
        self.op: Op | None = None

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
            self.error.setText(self.tr("Restored to %1. Open it with: chatvault --vault \"%1\"").replace("%1", rep.path))
        else:
            self.error.setText(self.tr("Restored to %1 with problems: %2 media files could not be restored.")
                               .replace("%1", rep.path).replace("%2", str(len(rep.lost_blobs))))
