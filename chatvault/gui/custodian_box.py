"""What the chat list's and the search page's custodian filters share (#20): a combo box filled
with the vault's custodians (shown only when there are several), and running the reads behind them
on the pool — a read that finds the vault locked meanwhile simply ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QComboBox

from chatvault.errors import VaultLocked
from chatvault.gui.ops import Op
from chatvault.gui.views.compliance_base import custodian_label


def custodian_combo(name: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.hide()
    return box


def fill_custodians(box: QComboBox, rows: list[dict[str, Any]]) -> None:
    """"All custodians" then each one, keeping the choice; visible only with two or more."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(QCoreApplication.translate("CustodianFilter", "All custodians"), None)
    for c in rows:
        box.addItem(custodian_label(c), c["id"])
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)
    box.setAccessibleName(QCoreApplication.translate("CustodianFilter", "Custodian"))
    box.setVisible(len(rows) > 1)


def run_read(owner: QObject, ops: list[Op], fn: Callable[[Any], Any], done: Callable[[Any], None] | None) -> None:
    """`fn(ctx)` on the pool; `done(result)` on the UI thread unless the vault was locked meanwhile."""
    def guarded(ctx: Any) -> Any:
        try:
            return fn(ctx)
        except VaultLocked:
            return None

    op = Op(guarded, owner)
    ops.append(op)
    if done is not None:
        op.finished.connect(lambda result: done(result) if result is not None else None)
    op.ended.connect(lambda: ops.remove(op) if op in ops else None)
    op.start()
