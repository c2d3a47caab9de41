"""The search page's compliance parts (#20): the custodian filter, filled off the UI thread and
shown only when the vault holds more than one custodian's archive, and compliance mode — a search
whose words and filters stayed the same for `SETTLE_MS` is recorded in the audit trail (typing
is not: "c", "co", "con" are not searches anyone made)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from chatvault.gui.custodian_box import custodian_combo, fill_custodians, run_read
from chatvault.gui.ops import Op

SETTLE_MS = 2000


class SearchCompliance(QObject):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.vault = None
        self.custodian = custodian_combo("custodianFilter")
        self.ops: list[Op] = []
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._record)
        self._pending: tuple[str, dict[str, Any], int] | None = None

    def _run(self, fn, done=None) -> None:
        run_read(self, self.ops, fn, done)

    def set_vault(self, vault) -> None:
        self.vault = vault
        self.settle.stop()
        self._pending = None
        if vault is None:
            self.custodian.clear()
            self.custodian.hide()
            return
        self.reload()

    def reload(self) -> None:
        """Read the custodians again (the compliance page may have added one)."""
        vault = self.vault
        if vault is None:
            return
        from chatvault.compliance.api import Compliance

        self._run(lambda _ctx: Compliance(vault).custodians(), self._fill)

    def _fill(self, rows: list[dict[str, Any]]) -> None:
        fill_custodians(self.custodian, rows)

    def filter_value(self) -> int | None:
        return self.custodian.currentData() if self.custodian.isVisible() else None

    def searched(self, query: str, filters: dict[str, Any], total: int) -> None:
        """Results are on screen: record them once they have settled (compliance mode only)."""
        self._pending = (query, dict(filters), total)
        self.settle.start()

    def _record(self) -> None:
        vault, pending = self.vault, self._pending
        self._pending = None
        if vault is None or pending is None:
            return
        from chatvault.compliance.api import Compliance

        query, filters, total = pending
        self._run(lambda _ctx: Compliance(vault).record_search(query, filters, total))

    def busy(self) -> bool:
        return any(op.running for op in self.ops)
