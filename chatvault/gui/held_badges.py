"""Compliance in the chat list (#20): chats with messages under an active legal hold carry an
"On hold" tag (and the conversation header says so), and a custodian filter above the list shows
one custodian's chats — shown only when the vault holds more than one custodian's archive. Both
read off the UI thread through the core's `Compliance` object."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from chatvault.gui.custodian_box import custodian_combo, fill_custodians, run_read
from chatvault.gui.ops import Op


class ChatListCompliance(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.held: dict[int, int] = {}
        self.ops: list[Op] = []
        self.custodian = custodian_combo("chatCustodianFilter")
        self.custodian.currentIndexChanged.connect(self._custodian_chosen)

    def _run(self, fn, done) -> None:
        run_read(self, self.ops, fn, done)

    def refresh(self) -> None:
        """Read the held chats and the custodians again (after a chat list load or a hold change)."""
        vault = self.window.vault
        if vault is None:
            return
        from chatvault.compliance.api import Compliance

        self._run(lambda _ctx: (Compliance(vault).held_conversations(), Compliance(vault).custodians(counts=False)),
                  self._show)

    def _show(self, result: tuple[dict[int, int], list[dict[str, Any]]]) -> None:
        held, rows = result
        self.held = held
        self.window.chat_model.set_held(held)
        fill_custodians(self.custodian, rows)
        if not self.custodian.isVisible() and self.window.chat_proxy.only is not None:
            self.window.chat_proxy.set_only(None)
        self.window._update_title()

    def _custodian_chosen(self, _index: int) -> None:
        cid, vault = self.custodian.currentData(), self.window.vault
        if cid is None or vault is None:
            self.window.chat_proxy.set_only(None)
            return
        from chatvault.compliance.api import Compliance

        self._run(lambda _ctx: Compliance(vault).conversations_of(cid),
                  lambda ids: self.window.chat_proxy.set_only(set(ids)))

    def held_text(self, conversation_id: int) -> str:
        n = self.held.get(conversation_id, 0)
        return self.tr("On legal hold") if n else ""

    def clear(self) -> None:
        self.held = {}
        self.custodian.blockSignals(True)
        self.custodian.clear()
        self.custodian.blockSignals(False)
        self.custodian.hide()
        self.window.chat_proxy.set_only(None)
