"""The compliance page's dialogs: place a legal hold, add a retention policy, assign imports to a
custodian, and set the compliance officer's passphrase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from chatvault.compliance.holds import HoldScope
from chatvault.gui.dialogs.common import dress, error_label, wrapped
from chatvault.gui.ops import Op
from chatvault.gui.views.compliance_base import when
from chatvault.gui.views.passphrase_fields import PassphraseFields


def _buttons(dialog: QDialog, accept) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(accept)
    box.rejected.connect(dialog.reject)
    return box


def _day_ms(edit: QDateEdit, end: bool = False) -> int:
    d = edit.date().addDays(1) if end else edit.date()
    from datetime import UTC, datetime

    return int(datetime(d.year(), d.month(), d.day(), tzinfo=UTC).timestamp() * 1000)


class HoldDialog(QDialog):
    """Matter, reason and scope (custodian, chat, person, dates: any combination, none = everything)."""

    def __init__(self, custodians: list[dict[str, Any]], chats: list[dict[str, Any]],
                 find_person: Callable[[str], list[dict[str, Any]]], parent=None) -> None:
        super().__init__(parent)
        dress(self, "holdDialog", self.tr("Place a legal hold"), 520)
        self.find_person = find_person
        self.op: Op | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(self.tr("Everything in the scope below is kept until the hold is released. "
                                         "Leave a field at “any” to hold more.")))
        form = QFormLayout()
        self.matter_edit = QLineEdit()
        self.matter_edit.setObjectName("holdMatter")
        self.matter_edit.setPlaceholderText(self.tr("e.g. Acme v. Example Ltd"))
        form.addRow(self.tr("Matter:"), self.matter_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("holdReason")
        form.addRow(self.tr("Reason:"), self.reason_edit)
        self.custodian_box = QComboBox()
        self.custodian_box.setObjectName("holdCustodian")
        self.custodian_box.addItem(self.tr("any"), None)
        for c in custodians:
            self.custodian_box.addItem(c["name"], c["id"])
        form.addRow(self.tr("Custodian:"), self.custodian_box)
        self.chat_box = QComboBox()
        self.chat_box.setObjectName("holdChat")
        self.chat_box.addItem(self.tr("any"), None)
        for c in chats:
            self.chat_box.addItem(f"{c['title'] or c['id']} ({c['app']})", c["id"])
        form.addRow(self.tr("Chat:"), self.chat_box)
        person_row = QHBoxLayout()
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText(self.tr("name, account or phone"))
        self.person_box = QComboBox()
        self.person_box.setObjectName("holdPerson")
        self.person_box.addItem(self.tr("any"), None)
        find = QPushButton(self.tr("Find"))
        find.clicked.connect(self._find_person)
        person_row.addWidget(self.person_edit)
        person_row.addWidget(find)
        person_row.addWidget(self.person_box, 1)
        form.addRow(self.tr("Person:"), person_row)
        self.after_check, self.after_edit = QCheckBox(self.tr("from")), QDateEdit(QDate.currentDate().addYears(-1))
        self.before_check, self.before_edit = QCheckBox(self.tr("to")), QDateEdit(QDate.currentDate())
        dates = QHBoxLayout()
        for check, edit in ((self.after_check, self.after_edit), (self.before_check, self.before_edit)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            dates.addWidget(check)
            dates.addWidget(edit)
        form.addRow(self.tr("Dates:"), dates)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._accept))

    def _find_person(self) -> None:
        text = self.person_edit.text().strip()
        if not text:
            return
        finder = self.find_person
        self.op = Op(lambda _ctx: finder(text), self)
        self.op.finished.connect(self._found)
        self.op.failed.connect(lambda exc: self.error.setText(str(getattr(exc, "message", exc))))
        self.op.start()

    def _found(self, people: list[dict[str, Any]]) -> None:
        self.person_box.clear()
        self.person_box.addItem(self.tr("any"), None)
        for p in people:
            self.person_box.addItem(f"{p['display_name'] or p['source_key']} · {p['app']} · {p['source_key']}", p["id"])
        if self.person_box.count() > 1:
            self.person_box.setCurrentIndex(1)
        else:
            self.error.setText(self.tr("Nobody in the vault matches '%1'.").replace("%1", self.person_edit.text()))

    def _accept(self) -> None:
        if not self.matter().strip() or not self.reason().strip():
            self.error.setText(self.tr("A hold needs a matter name and a reason."))
            return
        s = self.scope()
        if s.after_ms is not None and s.before_ms is not None and s.after_ms >= s.before_ms:
            self.error.setText(self.tr("The date range is empty."))
            return
        self.accept()

    def matter(self) -> str:
        return self.matter_edit.text()

    def reason(self) -> str:
        return self.reason_edit.text()

    def scope(self) -> HoldScope:
        return HoldScope(custodian_id=self.custodian_box.currentData(), conversation_id=self.chat_box.currentData(),
                         participant_id=self.person_box.currentData(),
                         after_ms=_day_ms(self.after_edit) if self.after_check.isChecked() else None,
                         before_ms=_day_ms(self.before_edit, end=True) if self.before_check.isChecked() else None)


class PolicyDialog(QDialog):
    def __init__(self, custodians: list[str], parent=None) -> None:
        super().__init__(parent)
        dress(self, "policyDialog", self.tr("Add a retention policy"), 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("policyName")
        self.name_edit.setPlaceholderText(self.tr("e.g. Broker-dealer records"))
        form.addRow(self.tr("Name:"), self.name_edit)
        period = QHBoxLayout()
        self.amount = QSpinBox()
        self.amount.setObjectName("policyAmount")
        self.amount.setRange(1, 36500)
        self.amount.setValue(7)
        self.unit = QComboBox()
        self.unit.setObjectName("policyUnit")
        self.unit.addItem(self.tr("years"), 365)
        self.unit.addItem(self.tr("days"), 1)
        period.addWidget(self.amount)
        period.addWidget(self.unit)
        form.addRow(self.tr("Keep for:"), period)
        self.custodian_box = QComboBox()
        self.custodian_box.setObjectName("policyCustodian")
        self.custodian_box.addItem(self.tr("whole vault"), None)
        for name in custodians:
            self.custodian_box.addItem(name, name)
        form.addRow(self.tr("For:"), self.custodian_box)
        layout.addLayout(form)
        layout.addWidget(wrapped(self.tr("After the period, counted from each message's date, the message is "
                                         "deleted and leaves a tombstone, unless a legal hold covers it.")))
        layout.addWidget(_buttons(self, self.accept))

    def name(self) -> str:
        return self.name_edit.text().strip() or self.tr("Policy")

    def days(self) -> int:
        return int(self.amount.value()) * int(self.unit.currentData())

    def custodian(self) -> str | None:
        return self.custodian_box.currentData()


class AssignDialog(QDialog):
    """Tick import runs, choose the custodian they belong to."""

    def __init__(self, runs: list[dict[str, Any]], custodians: list[str], parent=None) -> None:
        super().__init__(parent)
        dress(self, "assignDialog", self.tr("Assign imports to a custodian"), 560)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("assignRuns")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for r in runs:
            item = QListWidgetItem(f"{when(r['started_at'])}  {r['format']}  {r['path']}  → {r['custodian'] or '-'}")
            item.setData(Qt.ItemDataRole.UserRole, r["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.custodian_box = QComboBox()
        self.custodian_box.setObjectName("assignCustodian")
        self.custodian_box.addItems(custodians)
        form.addRow(self.tr("Belongs to:"), self.custodian_box)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, self.accept))

    def run_ids(self) -> list[int]:
        return [int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def custodian(self) -> str:
        return self.custodian_box.currentText()


class OfficerDialog(QDialog):
    """The compliance officer's passphrase (a second key slot), with the strength meter."""

    def __init__(self, first: bool, parent=None) -> None:
        super().__init__(parent)
        dress(self, "officerDialog", self.tr("Compliance officer's passphrase"), 460)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(
            self.tr("This passphrase also unlocks the vault, as the compliance officer. Once it is set, holds, "
                    "retention, erasures and custodians can only be changed by the officer, and the audit trail "
                    "names who did what.") if first else
            self.tr("Choose the officer's new passphrase.")))
        self.error = error_label()
        self.fields = PassphraseFields(self.error, lambda: [], self)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._accept))
        self.value: str | None = None

    def _accept(self) -> None:
        self.value = self.fields.validated()
        if self.value is not None:
            self.accept()
