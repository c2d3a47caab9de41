"""What every tab of the compliance page shares: a table filled off the UI thread from the core's
`Compliance` object, a line for errors and results, and running a change as a background job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.compliance.api import Compliance
from chatvault.compliance.custodians import DEFAULT_NAME
from chatvault.errors import ChatVaultError, VaultLocked
from chatvault.gui.apptext import error_text
from chatvault.gui.ops import Op

_LOCKED = object()


def when(ms: int | None) -> str:
    """A time the way the tables show it (local time, to the minute)."""
    return "" if not ms else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


def custodian_label(row: dict[str, Any]) -> str:
    """A custodian's name as the app shows it: the default one the migration made, "Vault owner", in
    the user's language (it is ours, not data the user typed)."""
    from PySide6.QtCore import QCoreApplication

    if row.get("id") == 1 and row.get("name") == DEFAULT_NAME:
        return QCoreApplication.translate("ComplianceTab", "Vault owner")
    return str(row.get("name") or "")


class ComplianceTab(QWidget):
    """A table, a row of buttons, and a message line. Subclasses fill `columns()` and `load()`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.api: Compliance | None = None
        self.rows: list[dict[str, Any]] = []
        self.ops: list[Op] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("hintLabel")
        layout.addWidget(self.intro)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("complianceMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.change_buttons: list[QPushButton] = []

    def add_button(self, text: str, slot: Callable[[], None], name: str, *, changes: bool = True) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(slot)
        self.buttons.addWidget(b)
        if changes:
            self.change_buttons.append(b)
        return b

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def set_api(self, api: Compliance | None) -> None:
        self.api = api
        allowed = api is not None and api.may_change
        for b in self.change_buttons:
            b.setEnabled(allowed)
            b.setToolTip("" if allowed else self.tr("Unlock with the compliance officer's passphrase to change this."))
        if api is None:
            self.rows = []
            self.table.setRowCount(0)
        else:
            self.refresh()

    # --- to override --------------------------------------------------------------------------
    def columns(self) -> list[str]:
        return []

    def load(self, api: Compliance) -> list[dict[str, Any]]:
        return []

    def cells(self, row: dict[str, Any]) -> list[str]:
        return []

    # --- shared -------------------------------------------------------------------------------
    def refresh(self) -> None:
        api = self.api
        if api is None:
            return
        self.run(lambda _ctx: self.load(api), self.show_rows)

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        cols = self.columns()
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(self.cells(row)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def selected(self) -> dict[str, Any] | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def run(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None], *, then_refresh: bool = False) -> Op:
        """`fn(ctx)` on the shared pool; its result to `on_done`, its error on the message line. A job
        that finds the vault locked meanwhile (the user locked it) ends quietly: nothing to show."""
        def guarded(ctx: Any) -> Any:
            try:
                return fn(ctx)
            except VaultLocked:
                return _LOCKED

        op = Op(guarded, self)
        self.ops.append(op)

        def done(result: Any) -> None:
            if result is _LOCKED:
                return
            on_done(result)
            if then_refresh:
                self.refresh()

        op.finished.connect(done)
        op.failed.connect(self.show_error)
        op.ended.connect(lambda: self.ops.remove(op) if op in self.ops else None)
        return op.start()

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, ChatVaultError):
            # a hint naming a command line is for the CLI; the app's own controls are right here
            text = error_text(exc, " ")
        else:
            text = self.tr("It did not work: %1").replace("%1", str(exc))
        self.message.setStyleSheet("color: #c0392b")
        self.message.setText(text)

    def say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def busy(self) -> bool:
        return any(op.running for op in self.ops)
