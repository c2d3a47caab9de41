"""The compliance page's tabs for the audit trail (with its verify status and CSV/JSON export),
erasure requests, and the productions and exports made from the vault."""

from __future__ import annotations

import csv
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
)

from chatvault.compliance.api import Compliance
from chatvault.gui.views.compliance_base import ComplianceTab, when


class AuditTab(ComplianceTab):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("auditTab")
        self.intro.setText(self.tr("Every import, export, hold, policy change, deletion and erasure, each entry "
                                   "holding the hash of the one before it. The newest hash is sealed into every "
                                   "backup, so a rewritten history no longer matches them."))
        self.filter = QLineEdit()
        self.filter.setObjectName("auditFilter")
        self.filter.setPlaceholderText(self.tr("Only this action (e.g. hold, import)"))
        self.filter.returnPressed.connect(self.refresh)
        self.buttons.addWidget(self.filter)
        self.add_button(self.tr("Verify"), self.verify, "verifyAudit", changes=False)
        self.add_button(self.tr("Export CSV…"), lambda: self.export("csv"), "exportAuditCsv", changes=False)
        self.add_button(self.tr("Export JSON…"), lambda: self.export("json"), "exportAuditJson", changes=False)
        self.finish_buttons()
        self.searches = QCheckBox(self.tr("Record every search in the audit trail (compliance mode)"))
        self.searches.setObjectName("auditSearches")
        self.searches.toggled.connect(self._searches_toggled)
        self.layout().insertWidget(2, self.searches)
        self.change_buttons.append(self.searches)
        self.status = ""
        self._searches_on: bool | None = None

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        action = self.filter.text().strip() or None
        self._searches_on = api.searches_audited()
        return list(reversed(api.audit_entries(action=action)))

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        super().show_rows(rows)
        if self._searches_on is not None:
            self.searches.blockSignals(True)
            self.searches.setChecked(self._searches_on)
            self.searches.blockSignals(False)

    def _searches_toggled(self, on: bool) -> None:
        if self.api is None:
            return
        api = self.api
        self.run(lambda _ctx: api.set_searches_audited(on),
                 lambda _r: self.say(self.tr("Every search is recorded now.") if on else
                                     self.tr("Searches are not recorded any more.")), then_refresh=True)

    def columns(self) -> list[str]:
        return ["#", self.tr("Time"), self.tr("Who"), self.tr("Action"), self.tr("Details"), self.tr("Hash")]

    def cells(self, row: dict[str, Any]) -> list[str]:
        return [str(row["id"]), when(row["at"]), row["actor"], row["action"],
                json.dumps(row["detail"], ensure_ascii=False)[:200], (row["hash"] or "")[:16]]

    def verify(self) -> None:
        if self.api is None:
            return
        api = self.api
        self.say(self.tr("Verifying the audit trail and the backups' sealed heads…"))
        self.run(lambda _ctx: api.verify_audit(), self._verified)

    def _verified(self, result: dict[str, Any]) -> None:
        if result["ok"]:
            self.status = "ok"
            self.say(self.tr("Audit trail intact — entries: %1; backup snapshots that agree: %2.")
                     .replace("%1", f"{result['entries']:,}").replace("%2", str(result["anchors_checked"]))
                     + "".join(f"\n{n}" for n in result["notes"]))
        else:
            self.status = "broken"
            first = result["problems"][0]
            self.show_error(RuntimeError(self.tr("Audit trail BROKEN at entry %1: %2")
                                         .replace("%1", str(first["id"])).replace("%2", first["message"])))

    def export(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the audit trail"), f"audit-trail.{kind}")
        if not path:
            return
        rows = self.rows
        with open(path, "w", encoding="utf-8", newline="") as fh:
            if kind == "json":
                json.dump({"entries": list(reversed(rows))}, fh, ensure_ascii=False, indent=1)
            else:
                w = csv.writer(fh)
                w.writerow(["id", "at", "actor", "action", "detail", "prev_hash", "hash"])
                for r in reversed(rows):
                    w.writerow([r["id"], r["at"], r["actor"], r["action"],
                                json.dumps(r["detail"], ensure_ascii=False), r["prev_hash"], r["hash"]])
        self.say(self.tr("Saved to %2 (entries: %1).").replace("%1", f"{len(rows):,}").replace("%2", path))


class ErasureTab(ComplianceTab):
    """Find a person across sources, tick their identities, preview, erase (refused under a hold)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("erasureTab")
        self.intro.setText(self.tr("An erasure request removes what one person sent, and their media, from every "
                                   "source, leaving tombstones. It is refused while a legal hold covers any of it. "
                                   "Backups made before still hold it until they are pruned."))
        self.person = QLineEdit()
        self.person.setObjectName("erasePerson")
        self.person.setPlaceholderText(self.tr("Name, account or phone number"))
        self.person.returnPressed.connect(self.find)
        self.buttons.addWidget(self.person)
        self.add_button(self.tr("Find"), self.find, "findPerson", changes=False)
        self.add_button(self.tr("Preview"), self.preview, "previewErasure", changes=False)
        self.add_button(self.tr("Erase…"), self.erase, "eraseNow")
        self.finish_buttons()
        self.identities = QListWidget()
        self.identities.setObjectName("eraseIdentities")
        self.layout().insertWidget(2, self.identities)
        self.table.hide()

    def find(self) -> None:
        text = self.person.text().strip()
        if not text or self.api is None:
            return
        api = self.api
        self.run(lambda _ctx: api.find_person(text), self._found)

    def _found(self, people: list[dict[str, Any]]) -> None:
        self.identities.clear()
        for p in people:
            label = (f"{p['display_name'] or p['source_key']} · {p['app']} · {p['source_key']} · "
                     + self.tr("messages: %1").replace("%1", f"{p['messages']:,}")
                     + (self.tr(" (you)") if p["is_me"] else ""))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, p["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if p["is_me"] else Qt.CheckState.Checked)
            self.identities.addItem(item)
        self.say(self.tr("Tick the identities that are this person.") if people else
                 self.tr("Nobody in the vault matches '%1'.").replace("%1", self.person.text()))

    def chosen(self) -> list[int]:
        return [int(self.identities.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.identities.count())
                if self.identities.item(i).checkState() == Qt.CheckState.Checked]

    def preview(self) -> None:
        ids, person = self.chosen(), self.person.text().strip()
        if not ids or self.api is None:
            self.say(self.tr("Find the person and tick their identities first."))
            return
        api = self.api
        self.run(lambda ctx: api.erase(person, ids, dry_run=True, job=ctx), self._previewed)

    def _previewed(self, rep: Any) -> None:
        text = self.tr("Would be erased — messages: %1, attachments: %2.").replace("%1", f"{rep.messages:,}") \
            .replace("%2", f"{rep.attachments:,}")
        if rep.held:
            matters = sorted({h["matter"] for item in rep.held for h in item["holds"]})
            text += " " + self.tr("Refused while held: %1 of them are under legal hold %2.") \
                .replace("%1", f"{len(rep.held):,}").replace("%2", ", ".join(matters))
        self.say(text)

    def erase(self) -> None:
        ids, person = self.chosen(), self.person.text().strip()
        if not ids or self.api is None:
            self.say(self.tr("Find the person and tick their identities first."))
            return
        reason, ok = QInputDialog.getText(self, self.tr("Erasure request"),
                                          self.tr("The request's reference or reason:"))
        if not ok:
            return
        answer = QMessageBox.warning(
            self, self.tr("Erase"), self.tr("Erase everything %1 sent, from every source? This cannot be undone.")
            .replace("%1", person), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        api = self.api
        self.run(lambda ctx: api.erase(person, ids, reason=reason, job=ctx),
                 lambda rep: self.say(self.tr("Erased — messages: %1, attachments: %2. Each left a tombstone.")
                                      .replace("%1", f"{rep.messages:,}").replace("%2", f"{rep.attachments:,}")))


class ProductionsTab(ComplianceTab):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("productionsTab")
        self.intro.setText(self.tr("Exports and eDiscovery productions made from this vault, as the audit trail "
                                   "records them."))
        self.add_button(self.tr("Refresh"), self.refresh, "refreshProductions", changes=False)
        self.finish_buttons()

    def columns(self) -> list[str]:
        return [self.tr("Time"), self.tr("Who"), self.tr("Kind"), self.tr("Where"), self.tr("Messages")]

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        return api.productions()

    def cells(self, row: dict[str, Any]) -> list[str]:
        d = row["detail"] if isinstance(row["detail"], dict) else {}
        return [when(row["at"]), row["actor"], d.get("format") or row["action"], str(d.get("out") or ""),
                f"{d.get('messages', 0):,}"]
