"""Message details: where a message came from, for a user who must show it (a dispute, a lawyer) or
wonders why it looks the way it does. Source app and account, the conversation, the import that first
stored it (its file path and time) and the last one that saw it, the source's own id for it, where in
the export it was read, missing-at-source, edits and the attachments' files."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from chatvault.gui import timefmt
from chatvault.gui.views.card_text import human_size
from chatvault.store import queries
from chatvault.store.db import Connection

_APPS = {"wechat": "WeChat", "whatsapp": "WhatsApp", "telegram": "Telegram"}


class MessageDetailsDialog(QDialog):
    def __init__(self, conn: Connection, message_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("messageDetails")
        self.setWindowTitle(self.tr("Message details"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fields: dict[str, str] = {}
        info = queries.provenance(conn, message_id)
        if info is None:
            self._row("missing", self.tr("Message"), self.tr("This message is no longer in the vault."))
            return
        self._fill(info)

    def _row(self, key: str, label: str, value: str) -> None:
        text = QLabel(value)
        text.setObjectName(f"detail_{key}")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(label, text)
        self.fields[key] = value

    def _run_text(self, run: dict[str, Any] | None) -> str:
        if not run:
            return self.tr("Not recorded")
        when = timefmt.absolute(run["started_at"])
        return self.tr("Import #%1 of %2 on %3 (%4)").replace("%1", str(run["id"])).replace(
            "%2", run["path"]).replace("%3", when).replace("%4", run["format"])

    def _fill(self, info: dict[str, Any]) -> None:
        app = _APPS.get(info["app"], info["app"])
        account = info["account"] or self.tr("unknown account")
        self._row("source", self.tr("Source"), f"{app} · {account}" + (f" ({info['source_name']})"
                                                                        if info.get("source_name") else ""))
        self._row("conversation", self.tr("Conversation"), f"{info['conversation'] or ''} ({info['conversation_key']})")
        sender = info.get("sender") or self.tr("System")
        self._row("sender", self.tr("Sender"), sender + (f" ({info['sender_key']})" if info.get("sender_key") else ""))
        self._row("time", self.tr("Time"), timefmt.absolute(info["ts"], info.get("tz_offset")) + (
            f" (UTC{info['tz_offset'] / 60:+g})" if info.get("tz_offset") is not None else ""))
        self._row("source_key", self.tr("Original id"), info["source_key"])
        self._row("location", self.tr("Location in the export"), info.get("location") or self.tr("Not recorded"))
        self._row("first_run", self.tr("First imported"), self._run_text(info["first_run"]))
        if info["last_run"] and (not info["first_run"] or info["last_run"]["id"] != info["first_run"]["id"]):
            self._row("last_run", self.tr("Last seen"), self._run_text(info["last_run"]))
        if info["status"] == "missing-at-source":
            self._row("status", self.tr("Status"), self.tr(
                "Deleted on the phone: missing from a later export (%1). The vault keeps it.").replace(
                "%1", self._run_text(info["missing_run"])))
        else:
            self._row("status", self.tr("Status"), self.tr("Present in the latest export that covered it"))
        if info.get("is_edited"):
            self._row("edited", self.tr("Edited"), timefmt.absolute(info["edited_at"], info.get("tz_offset")) if info.get("edited_at")
                      else self.tr("Yes (the export does not say when)"))
        if info.get("forwarded_from"):
            self._row("forwarded", self.tr("Forwarded from"), info["forwarded_from"])
        if info.get("reply_to_key"):
            self._row("reply_to", self.tr("Reply to (original id)"), str(info["reply_to_key"]))
        for i, att in enumerate(info["attachments"]):
            state = {"stored": self.tr("in the vault"), "missing": self.tr("not in the export"),
                     "expired": self.tr("expired")}.get(att["status"], att["status"])
            parts = [att.get("original_name") or "", att.get("mime") or "", human_size(att.get("size")), state]
            if att.get("expected_path"):
                parts.append(self.tr("path in the export: %1").replace("%1", att["expected_path"]))
            self._row(f"attachment{i}", self.tr("Attachment"), " · ".join(p for p in parts if p))
