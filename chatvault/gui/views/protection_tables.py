"""How the protection page shows its state: destination health in words, the tables, the overall level."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from chatvault.gui import timefmt
from chatvault.gui.models.protection import ProtectionState, read_health

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


class ProtectionTables:
    """Mixed into `ProtectionPage`: its state in words and tables. `self.tr` finds the page's own
    translations (PySide's `tr` tries each class of the instance's MRO)."""

    # --- health ----------------------------------------------------------------------------
    def _damage_text(self, h: Any) -> str:
        """What a refused backup found damaged in the vault (or a failed restore test), in words."""
        d = h.damage or {}
        if not d:
            text = self.tr("The restore test of the newest backup failed: %1")
            return text.replace("%1", h.last_failure_reason or "")
        pages, blobs = d.get("pages") or {}, d.get("blobs") or []
        msgs = (pages.get("messages") or 0) + sum(b.get("messages") or 0 for b in blobs)
        text = self.tr("Damage found in your archive: %1 and %2 fail their checks (%3 affected). It was not "
                       "backed up; the last clean backup is kept.")
        text = text.replace("%1", self.tr("%n database pages", "", int(pages.get("page_count", 0))))
        text = text.replace("%2", self.tr("%n media files", "", len(blobs))).replace(
            "%3", self.tr("%n messages", "", int(msgs)))
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
            days = h.max_age_s / 86400
            text += " · " + (self.tr("older than %n days", "", int(days)) if days == int(days)
                             else self.tr("older than %1 days").replace("%1", f"{days:g}"))
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
        return self.tr("Every %n minutes", "", max(1, seconds // 60))

    def ago(self, seconds: float) -> str:
        if seconds < 90:
            return self.tr("just now")
        if seconds < 5400:
            return self.tr("%1 minutes ago").replace("%1", f"{seconds / 60:.0f}")
        if seconds < 2 * 86400:
            return self.tr("%1 hours ago").replace("%1", f"{seconds / 3600:.0f}")
        return self.tr("%1 days ago").replace("%1", f"{seconds / 86400:.0f}")

    def load_health(self) -> None:
        """Health on this thread: only for the first banner, before the first background read is back."""
        if self.vault is not None:
            self.healths = read_health(self.vault)

    def overall_health(self) -> tuple[str, str]:
        """(green|amber|red, one sentence) for the banner and the tray; sets `last_cause`."""
        if self.vault is None:
            return "green", ""
        if self.state is None:
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

    def _apply(self, state: ProtectionState) -> None:
        self._epoch += 1
        self.state = state
        self.healths = state.healths
        due = state.due
        self.dest_table.setRowCount(len(self.healths))
        for i, h in enumerate(self.healths):
            status = {"green": self.tr("On schedule"), "amber": self.tr("Needs attention"),
                      "red": self.tr("At risk")}[h.state]
            d = state.destinations.get(h.name)
            schedule = self.tr("Off")
            if d is not None and d.enabled:
                schedule = self.every(d.interval_s)
                if h.name in due:
                    at = due[h.name]
                    schedule += " · " + (self.tr("due now") if at <= time.time() else
                                         self.tr("next %1").replace("%1", timefmt.absolute(int(at * 1000))))
            state_text = f"{DOT[h.state]} {status}"
            if getattr(h, "running", False):       # a run under way elsewhere (the CLI, another window)
                state_text = "⏳ " + self.tr("In progress")
            for col, text in enumerate((h.name, h.where, state_text, schedule, self._dest_text(h))):
                self.dest_table.setItem(i, col, QTableWidgetItem(text))
        self.dest_table.resizeColumnsToContents()
        level, text = self.overall_health()
        self.summary.setText(f"{DOT[level]} {text}")
        self._show_job_state()
        self._fill_history(state.history, state.destination_names)
        self._fill_watch(state.folders)
        self.arm_scheduler()
        self.health_changed.emit()

    def _fill_history(self, history: list[dict[str, Any]], names: dict[int, str]) -> None:
        self.history.setRowCount(len(history))
        kinds = {"backup": self.tr("Backup"), "verify": self.tr("Verify"), "restore": self.tr("Restore"),
                 "prune": self.tr("Prune")}
        results = {"success": self.tr("OK"), "failure": self.tr("Failed"), "running": self.tr("Running"),
                   "cancelled": self.tr("Cancelled")}
        for i, r in enumerate(history):
            when = timefmt.absolute(r["started_at"]) if r["started_at"] else ""
            what = f"{kinds.get(r['kind'], r['kind'])} → {names.get(r['destination_id'], '?')}"
            detail = r["error"] or self._run_detail(r)
            for col, t in enumerate((when, what, results.get(r["status"], r["status"]), detail or "")):
                self.history.setItem(i, col, QTableWidgetItem(t))
        self.history.resizeColumnsToContents()

    def _run_detail(self, r: dict[str, Any]) -> str:
        """What a finished run did, in words: a verify counts what it checked (it sends nothing), a
        backup says how much of what it covered was new."""
        d = r.get("detail") if isinstance(r.get("detail"), dict) else {}
        if r["kind"] == "verify" and r["status"] == "success":
            return self.verify_summary(int(d.get("snapshots") or 0), int(d.get("objects") or 0),
                                       int(d.get("bytes_read") or r["bytes_total"] or 0))
        if r["kind"] == "backup" and r["bytes_total"]:
            return self.tr("%1 backed up, %2 of it new").replace("%1", human_bytes(r["bytes_total"])).replace(
                "%2", human_bytes(r["bytes_sent"]))
        return ""

    def verify_summary(self, snapshots: int, objects: int, bytes_read: int) -> str:
        """"Checked 3 snapshots and 120 objects; 1.2 MB read back." (plural forms by Qt)."""
        text = self.tr("Checked %1 and %2; %3 read back.")
        return (text.replace("%1", self.tr("%n snapshots", "", snapshots))
                .replace("%2", self.tr("%n objects", "", objects)).replace("%3", human_bytes(bytes_read)))

    def _show_job_state(self) -> None:
        """The job this page runs, in the destination's State cell and (a backup) in the summary line, in
        place of the health it is about to change: no red "At risk" while the first backup runs."""
        job = getattr(self, "job", None)
        if job is None:
            return
        kind, dest = job
        doing = {"backup": self.tr("Backing up…"), "verify": self.tr("Verifying…")}.get(kind)
        if doing is None:
            return
        for i, h in enumerate(self.healths):
            if h.name == dest and i < self.dest_table.rowCount():
                self.dest_table.setItem(i, 2, QTableWidgetItem(f"⏳ {doing}"))
        if kind == "backup":
            self.summary.setText("⏳ " + self.backup_progress_text())

    def backup_progress_text(self) -> str:
        """"Backing up to usb… 42 % · about 3 minutes left", for the summary line and the banner."""
        _kind, dest = self.job or ("", "")
        text = self.tr("Backing up to %1…").replace("%1", dest) if dest else self.tr("Backing up…")
        p = getattr(self, "job_progress", None)
        if p is not None and p.fraction is not None:
            text += f" {p.fraction * 100:.0f} %"
        if p is not None and p.eta_seconds is not None:
            text += " · " + self.tr("about %1 left").replace("%1", timefmt.duration(p.eta_seconds))
        return text

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
