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
            for col, text in enumerate((h.name, h.where, f"{DOT[h.state]} {status}", schedule, self._dest_text(h))):
                self.dest_table.setItem(i, col, QTableWidgetItem(text))
        self.dest_table.resizeColumnsToContents()
        level, text = self.overall_health()
        self.summary.setText(f"{DOT[level]} {text}")
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
            detail = r["error"] or (human_bytes(r["bytes_sent"]) + " / " + human_bytes(r["bytes_total"])
                                    if r["bytes_total"] else "")
            for col, t in enumerate((when, what, results.get(r["status"], r["status"]), detail or "")):
                self.history.setItem(i, col, QTableWidgetItem(t))
        self.history.resizeColumnsToContents()

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
