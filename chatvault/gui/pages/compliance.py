"""The compliance page: custodians, legal holds, retention, erasure, the audit trail and
productions. Read-only (with the reason) when the vault has an officer passphrase and the owner
unlocked it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from chatvault.compliance.api import Compliance
from chatvault.gui.dialogs.compliance import OfficerDialog
from chatvault.gui.ops import Op
from chatvault.gui.views.compliance_audit import AuditTab, ErasureTab, ProductionsTab
from chatvault.gui.views.compliance_tabs import CustodiansTab, HoldsTab, RetentionTab


class CompliancePage(QWidget):
    holds_changed = Signal()      # a hold placed or released: the chat list's tags follow
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("pageBody")
        self.api: Compliance | None = None
        self.op: Op | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        row = QHBoxLayout()
        self.role_label = QLabel()
        self.role_label.setObjectName("complianceRole")
        self.role_label.setWordWrap(True)
        row.addWidget(self.role_label, 1)
        self.officer_button = QPushButton()
        self.officer_button.setObjectName("officerPassphrase")
        self.officer_button.clicked.connect(self.set_officer)
        row.addWidget(self.officer_button)
        layout.addLayout(row)
        self.tabs = QTabWidget()
        self.custodians, self.holds, self.retention = CustodiansTab(), HoldsTab(), RetentionTab()
        self.erasure, self.audit, self.productions = ErasureTab(), AuditTab(), ProductionsTab()
        for tab in self.all_tabs():
            self.tabs.addTab(tab, "")
        self.holds.changed.connect(self.holds_changed)
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.retranslate()

    def _tab_shown(self, _index: int) -> None:
        """A tab shows what is true now (another tab, an import or the scheduler may have changed it)."""
        tab = self.tabs.currentWidget()
        if tab is not None and self.api is not None:
            tab.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        self._tab_shown(self.tabs.currentIndex())
        super().showEvent(event)

    def all_tabs(self) -> list:
        return [self.custodians, self.holds, self.retention, self.erasure, self.audit, self.productions]

    def set_vault(self, vault) -> None:
        self.api = None if vault is None else Compliance(vault)
        for tab in self.all_tabs():
            tab.set_api(self.api)
        self._show_role()

    def _show_role(self) -> None:
        api = self.api
        if api is None:
            self.role_label.clear()
            self.officer_button.setEnabled(False)
            return
        if not api.has_officer:
            text = self.tr("No compliance officer passphrase is set: you can change everything here. A firm sets "
                           "one so that only the officer can.")
            button = self.tr("Set officer passphrase…")
        elif api.role == "officer":
            text = self.tr("Unlocked as the compliance officer: changes here are recorded under your role.")
            button = self.tr("Change officer passphrase…")
        else:
            text = self.tr("Read-only: this vault has a compliance officer, and it was unlocked with the owner's "
                           "passphrase. Lock and unlock with the officer's passphrase to make changes.")
            button = self.tr("Set officer passphrase…")
        self.role_label.setText(text)
        self.officer_button.setText(button)
        self.officer_button.setEnabled(not api.has_officer or api.role == "officer")

    def set_officer(self) -> None:
        api = self.api
        if api is None:
            return
        dialog = OfficerDialog(not api.has_officer, self)
        if not dialog.exec() or dialog.value is None:
            return
        value = dialog.value
        self.op = Op(lambda _ctx: api.set_officer_passphrase(value), self)   # Argon2id: off the UI thread
        self.op.finished.connect(lambda _r: (self._show_role(), self.audit.refresh()))
        self.op.failed.connect(self.audit.show_error)
        self.op.start()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Compliance"))
        names = [self.tr("Custodians"), self.tr("Legal holds"), self.tr("Retention"), self.tr("Erasure"),
                 self.tr("Audit trail"), self.tr("Productions")]
        for i, name in enumerate(names):
            self.tabs.setTabText(i, name)
        self._show_role()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._rebuild_tabs()
            self.retranslate()
        super().changeEvent(event)

    def _rebuild_tabs(self) -> None:
        """The tabs word their buttons and help when they are made: made again in the new language."""
        current = self.tabs.currentIndex()
        for tab in self.all_tabs():
            self.tabs.removeTab(self.tabs.indexOf(tab))
            tab.deleteLater()
        self.custodians, self.holds, self.retention = CustodiansTab(), HoldsTab(), RetentionTab()
        self.erasure, self.audit, self.productions = ErasureTab(), AuditTab(), ProductionsTab()
        for tab in self.all_tabs():
            self.tabs.addTab(tab, "")
            tab.set_api(self.api)
        self.holds.changed.connect(self.holds_changed)
        self.tabs.setCurrentIndex(max(current, 0))
