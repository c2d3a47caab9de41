"""The conversation view on a damaged vault: a notice that names the damaged pages and what they
hold, in place of a traceback or an empty list.

SQLite only says "malformed"; `chatvault.store.damage.damage_error_from` finds the pages and tables,
which reads the whole vault.db, so it runs off the UI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from chatvault.gui.ops import Op
from chatvault.store.damage import damage_error_from


class DamageNotice(QLabel):
    """Shown above the messages while the open conversation (or the chat list) cannot be read."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("damageNotice")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setContentsMargins(14, 8, 14, 8)
        self.hide()
        self.found: Any = None      # the IntegrityError with `.damage`, once diagnosed
        self._active = False        # a diagnosis that ends after `clear()` (lock, another chat) is dropped

    def show_damage(self, vault: Any, exc: BaseException, what: str = "showing this conversation") -> None:
        """Say at once that this part is damaged, then which pages and tables (found in the background)."""
        self.found = None
        self._active = True
        self.setText(self.tr("Part of this vault cannot be read: vault.db is damaged. Finding the damaged pages…"))
        self.show()
        op = Op(lambda ctx: damage_error_from(lambda: vault.connect(readonly=True), exc, what), self)
        op.finished.connect(self._diagnosed)
        op.ended.connect(op.deleteLater)
        op.start()

    def show_error(self, err: Any) -> None:
        """A damage error that already names its place (page 1: vault.db cannot be opened at all)."""
        self._active = True
        self.show()
        self._diagnosed(err)

    def _diagnosed(self, err: Any) -> None:
        if not self._active:
            return
        self.found = err
        self.setText(self.tr("Part of this vault cannot be read. %1 Run “chatvault check” for the full list, and "
                             "restore vault.db from a backup to get the damaged part back.").replace("%1", err.message))

    def clear(self) -> None:
        self.found = None
        self._active = False
        self.hide()
