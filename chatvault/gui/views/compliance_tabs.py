"""The compliance page's tabs for custodians, legal holds and retention policies."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox

from chatvault.compliance.api import Compliance
from chatvault.gui.dialogs.compliance import AssignDialog, HoldDialog, PolicyDialog
from chatvault.gui.views.compliance_base import ComplianceTab, custodian_label, when


class CustodiansTab(ComplianceTab):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("custodiansTab")
        self.intro.setText(self.tr("A custodian is the person whose archive an import is. A message belongs to the "
                                   "custodians whose imports brought or covered it; search, holds, retention and "
                                   "productions can be limited to them."))
        self.add_button(self.tr("Add custodian…"), self.add, "addCustodian")
        self.add_button(self.tr("Assign imports…"), self.assign, "assignImports")
        self.add_button(self.tr("Make default"), self.make_default, "defaultCustodian")
        self.finish_buttons()

    def columns(self) -> list[str]:
        return [self.tr("Name"), self.tr("Imports"), self.tr("Messages"), self.tr("Note")]

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        return api.custodians()

    def cells(self, row: dict[str, Any]) -> list[str]:
        name = custodian_label(row) + (self.tr(" (default)") if row["default"] else "")
        return [name, f"{row['runs']:,}", f"{row['messages'] or 0:,}", row["note"] or ""]

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add custodian"), self.tr("Name of the person:"))
        if ok and name.strip() and self.api is not None:
            api = self.api
            self.run(lambda _ctx: api.add_custodian(name.strip()),
                     lambda _id: self.say(self.tr("Custodian %1 added.").replace("%1", name.strip())), then_refresh=True)

    def assign(self) -> None:
        if self.api is None:
            return
        api = self.api
        self.run(lambda _ctx: api.import_runs(), self._assign)

    def _assign(self, runs: list[dict[str, Any]]) -> None:
        api = self.api
        if api is None:
            return
        dialog = AssignDialog(runs, [(custodian_label(c), c["id"]) for c in self.rows], self)
        if dialog.exec() and dialog.run_ids():
            custodian, runs = dialog.custodian(), dialog.run_ids()
            self.run(lambda _ctx: api.assign(custodian, runs),
                     lambda r: self.say(self.tr("Imports now belonging to %2: %1.").replace("%1", str(len(runs)))
                                        .replace("%2", custodian_label(r["custodian"]))), then_refresh=True)

    def make_default(self) -> None:
        row = self.selected()
        if row is None or self.api is None:
            self.say(self.tr("Choose a custodian in the list first."))
            return
        api = self.api
        self.run(lambda _ctx: api.set_default_custodian(row["id"]),
                 lambda c: self.say(self.tr("New imports belong to %1.").replace("%1", custodian_label(c))),
                 then_refresh=True)


class HoldsTab(ComplianceTab):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("holdsTab")
        self.intro.setText(self.tr("While a legal hold is active, nothing in its scope can be deleted: not by "
                                   "retention, not by an erasure, not by any other path. Holds are released, never "
                                   "deleted, and both are recorded in the audit trail."))
        self.add_button(self.tr("Place hold…"), self.place, "placeHold")
        self.add_button(self.tr("Release…"), self.release, "releaseHold")
        self.finish_buttons()

    def columns(self) -> list[str]:
        return [self.tr("Matter"), self.tr("State"), self.tr("Messages"), self.tr("Scope"), self.tr("Reason"),
                self.tr("Placed")]

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        return api.holds()

    def cells(self, row: dict[str, Any]) -> list[str]:
        scope = []
        if row["custodian_id"]:
            scope.append(self.tr("custodian %1").replace("%1", str(row["custodian_id"])))
        if row["conversation_id"]:
            scope.append(self.tr("chat %1").replace("%1", str(row["conversation_id"])))
        if row["participant_id"]:
            scope.append(self.tr("person %1").replace("%1", str(row["participant_id"])))
        if row["after_ms"] or row["before_ms"]:
            scope.append(f"{when(row['after_ms'])[:10]}…{when(row['before_ms'])[:10]}")
        state = self.tr("Active") if row["active"] else self.tr("Released %1").replace("%1", when(row["released_at"]))
        return [row["matter"] or "", state, f"{row['messages']:,}", ", ".join(scope) or self.tr("whole vault"),
                row["reason"], when(row["created_at"])]

    def place(self) -> None:
        if self.api is None:
            return
        api = self.api
        self.run(lambda _ctx: (api.custodians(), api.chats()), self._place)

    def _place(self, lists: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        api = self.api
        if api is None:
            return
        dialog = HoldDialog(lists[0], lists[1], api.find_person, self)
        if dialog.exec():
            matter, reason, scope = dialog.matter(), dialog.reason(), dialog.scope()
            self.run(lambda _ctx: api.place_hold(matter, reason, scope),
                     lambda h: (self.say(self.tr("Legal hold %1 placed (messages held: %2).").replace("%1", matter)
                                         .replace("%2", f"{h['messages']:,}")), self.changed.emit()),
                     then_refresh=True)

    def release(self) -> None:
        row = self.selected()
        if row is None or not row["active"] or self.api is None:
            self.say(self.tr("Choose an active hold in the list first."))
            return
        reason, ok = QInputDialog.getText(self, self.tr("Release legal hold"),
                                          self.tr("Why is the hold on %1 released?").replace("%1", row["matter"]))
        if ok and reason.strip():
            api = self.api
            self.run(lambda _ctx: api.release_hold(row["id"], reason.strip()),
                     lambda _r: (self.say(self.tr("Legal hold %1 released.").replace("%1", row["matter"])),
                                 self.changed.emit()),
                     then_refresh=True)


class RetentionTab(ComplianceTab):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionTab")
        self.intro.setText(self.tr("Keep messages for a period after their date, then delete them, leaving a "
                                   "tombstone. Held messages are never deleted. A locked policy can be lengthened, "
                                   "never shortened or removed. Retention runs once a day with the backups."))
        self.add_button(self.tr("Add policy…"), self.add, "addPolicy")
        self.add_button(self.tr("Lengthen…"), self.lengthen, "lengthenPolicy")
        self.add_button(self.tr("Lock…"), self.lock, "lockPolicy")
        self.add_button(self.tr("Remove"), self.remove, "removePolicy")
        self.add_button(self.tr("Preview"), self.preview, "previewRetention", changes=False)
        self.add_button(self.tr("Run now…"), self.run_now, "runRetention")
        self.finish_buttons()
        self.custodian_names: list[str] = []

    def columns(self) -> list[str]:
        return [self.tr("Policy"), self.tr("Keep"), self.tr("Scope"), self.tr("Locked"), self.tr("Since")]

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        return api.policies()

    def cells(self, row: dict[str, Any]) -> list[str]:
        days = row["keep_days"]
        years = days // 365
        keep = (self.tr("1 year") if days == 365 else self.tr("%1 years").replace("%1", str(years))
                if days % 365 == 0 else self.tr("1 day") if days == 1 else self.tr("%1 days").replace("%1", str(days)))
        scope = (self.tr("custodian %1").replace("%1", str(row["custodian_id"])) if row["custodian_id"] else
                 self.tr("chat %1").replace("%1", str(row["conversation_id"])) if row["conversation_id"] else
                 self.tr("source %1").replace("%1", str(row["source_id"])) if row["source_id"] else
                 self.tr("whole vault"))
        return [row["name"], keep, scope, self.tr("Locked") if row["locked"] else "", when(row["created_at"])]

    def add(self) -> None:
        if self.api is None:
            return
        api = self.api
        self.run(lambda _ctx: [(custodian_label(c), c["id"]) for c in api.custodians()], self._add)

    def _add(self, custodians: list[tuple[str, int]]) -> None:
        api = self.api
        if api is None:
            return
        dialog = PolicyDialog(custodians, self)
        if dialog.exec():
            name, days, custodian = dialog.name(), dialog.days(), dialog.custodian()
            self.run(lambda _ctx: api.set_policy(name, days, custodian=custodian),
                     lambda _pid: self.say(self.tr("Policy added.")), then_refresh=True)

    def lengthen(self) -> None:
        row = self.selected()
        if row is None or self.api is None:
            self.say(self.tr("Choose a policy in the list first."))
            return
        days, ok = QInputDialog.getInt(self, self.tr("Change the period"), self.tr("Keep for (days):"),
                                       row["keep_days"], 1, 365 * 200)
        if ok:
            api = self.api
            self.run(lambda _ctx: api.set_policy("", days, policy_id=row["id"]),
                     lambda _pid: self.say(self.tr("The period is now (days): %1.").replace("%1", str(days))),
                     then_refresh=True)

    def lock(self) -> None:
        row = self.selected()
        if row is None or self.api is None:
            self.say(self.tr("Choose a policy in the list first."))
            return
        answer = QMessageBox.warning(
            self, self.tr("Lock policy"),
            self.tr("After locking, nobody — you included — can shorten or remove '%1'; it can only be "
                    "lengthened. Backups with Object Lock keep their objects for the same period. Lock it?")
            .replace("%1", row["name"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            api = self.api
            self.run(lambda _ctx: api.lock_policy(row["id"]),
                     lambda notes: self.say("\n".join([self.tr("The policy is locked."), *notes])), then_refresh=True)

    def remove(self) -> None:
        row = self.selected()
        if row is None or self.api is None:
            self.say(self.tr("Choose a policy in the list first."))
            return
        api = self.api
        self.run(lambda _ctx: api.remove_policy(row["id"]), lambda _r: self.say(self.tr("Policy removed.")),
                 then_refresh=True)

    def preview(self) -> None:
        if self.api is None:
            return
        api = self.api
        self.run(lambda ctx: api.retention_preview(ctx), self._previewed)

    def _previewed(self, rep: Any) -> None:
        self.say(self.tr("Retention would delete now — messages: %1; past their period but held: %2.")
                 .replace("%1", f"{len(rep.would_delete):,}").replace("%2", f"{rep.held:,}"))

    def run_now(self) -> None:
        if self.api is None:
            return
        answer = QMessageBox.question(self, self.tr("Run retention"),
                                      self.tr("Delete every message the policies no longer keep? Each leaves a "
                                              "tombstone; held messages stay."))
        if answer == QMessageBox.StandardButton.Yes:
            api = self.api
            self.run(lambda ctx: api.run_retention(ctx),
                     lambda rep: self.say(self.tr("Deleted messages: %1; held messages kept: %2.")
                                          .replace("%1", f"{rep.deleted:,}").replace("%2", f"{rep.held:,}")))
