"""Chat files: a conversation's documents and links in one place, like WeChat's "Chat Files" and
WhatsApp's "Media, links and docs". Files with name, size, date and sender (open, save, show in chat);
links with title and address (open in the browser, show in chat). Read on the shared pool."""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from chatvault.gui import timefmt
from chatvault.gui.ops import Op
from chatvault.gui.views.card_text import human_size, missing_reason

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。）)\]]+", re.I)


def split_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(files, links) from `queries.chat_files` rows: a link card is one link, a text one link per address."""
    files, links = [], []
    for r in rows:
        try:
            extra = json.loads(r["extra"]) if r.get("extra") else {}
        except (TypeError, ValueError):
            extra = {}
        if r["kind"] == "file":
            files.append(dict(r, name=r.get("original_name") or extra.get("file_name") or r.get("text") or "?"))
        elif r["kind"] == "link":
            url = extra.get("url") or (URL.search(r.get("text") or "") or [None])[0] or ""
            links.append(dict(r, title=extra.get("title") or r.get("text") or url, url=url))
        else:
            for m in URL.finditer(r.get("text") or ""):
                url = m.group(0).rstrip(".,;:!?")
                links.append(dict(r, title=(r.get("text") or "").strip()[:120], url=url))
    return files, links


class ChatFilesDialog(QDialog):
    def __init__(self, actions: Any, conv: dict[str, Any]) -> None:
        super().__init__(actions.win)
        self.setObjectName("chatFiles")
        self.actions, self.conv = actions, conv
        self.files: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.setWindowTitle(self.tr("Chat files: %1").replace("%1", conv.get("display") or conv.get("title") or ""))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.status = QLabel(self.tr("Loading…"))
        self.status.setObjectName("hintLabel")
        layout.addWidget(self.status)
        self.tabs = QTabWidget()
        self.file_table = self._table("chatFilesTable", [self.tr("Name"), self.tr("Size"), self.tr("Date"),
                                                          self.tr("From")])
        self.link_table = self._table("chatLinksTable", [self.tr("Title"), self.tr("Address"), self.tr("Date"),
                                                          self.tr("From")])
        self.tabs.addTab(self.file_table, self.tr("Files"))
        self.tabs.addTab(self.link_table, self.tr("Links"))
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("chatFilesOpen")
        self.open_button.clicked.connect(self.open_current)
        self.save_button = QPushButton(self.tr("Save as…"))
        self.save_button.setObjectName("chatFilesSave")
        self.save_button.clicked.connect(lambda: self.save_current())
        self.jump_button = QPushButton(self.tr("Show in chat"))
        self.jump_button.setObjectName("chatFilesJump")
        self.jump_button.clicked.connect(self.jump_current)
        for b in (self.open_button, self.save_button, self.jump_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.file_table.doubleClicked.connect(lambda _i: self.open_current())
        self.link_table.doubleClicked.connect(lambda _i: self.open_current())
        self.tabs.currentChanged.connect(lambda _i: self._buttons())
        self._load()

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(headers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.itemSelectionChanged.connect(self._buttons)
        return t

    def _load(self) -> None:
        vault, cid = self.actions.win.vault, self.conv["id"]

        def job(_ctx):
            from chatvault.store import queries

            conn = vault.connect(readonly=True)
            try:
                return queries.chat_files(conn, cid)
            finally:
                conn.close()

        op = Op(job, self)
        op.finished.connect(self._show)
        op.failed.connect(lambda exc: self.status.setText(getattr(exc, "message", None) or str(exc)))
        op.ended.connect(op.deleteLater)
        op.start()

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.files, self.links = split_rows(rows)
        nf, nl = len(self.files), len(self.links)
        self.status.setText(timefmt.grouped(self.tr("%n file(s)", None, nf), nf) + " · " +
                            timefmt.grouped(self.tr("%n link(s)", None, nl), nl))
        self._fill(self.file_table, [(f["name"], human_size(f.get("size")) if f.get("status") == "stored"
                                      else missing_reason(f, "file"), timefmt.absolute(f["ts"]), f.get("sender") or "")
                                     for f in self.files])
        self._fill(self.link_table, [(x["title"], x["url"], timefmt.absolute(x["ts"]), x.get("sender") or "")
                                     for x in self.links])
        for table in (self.file_table, self.link_table):      # the newest selected: Open works at once
            if table.rowCount():
                table.selectRow(0)
        if not self.files and self.links:
            self.tabs.setCurrentIndex(1)
        self._buttons()

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def current(self) -> tuple[str, dict[str, Any] | None]:
        """("file" | "link", the selected row or None)."""
        if self.tabs.currentIndex() == 0:
            r = self.file_table.currentRow()
            return "file", self.files[r] if 0 <= r < len(self.files) else None
        r = self.link_table.currentRow()
        return "link", self.links[r] if 0 <= r < len(self.links) else None

    def _buttons(self) -> None:
        kind, row = self.current()
        stored = kind == "file" and row is not None and row.get("status") == "stored"
        self.open_button.setEnabled(stored or (kind == "link" and row is not None))
        self.save_button.setEnabled(stored)
        self.jump_button.setEnabled(row is not None)

    def _att(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"id": row["attachment_id"], "blob_id": row["blob_id"], "original_name": row["name"],
                "mime": row.get("mime"), "status": row.get("status")}

    def open_current(self) -> None:
        kind, row = self.current()
        if row is None:
            return
        if kind == "link":
            url = row["url"] if "://" in row["url"] else "https://" + row["url"]
            QDesktopServices.openUrl(QUrl(url))
        elif row.get("status") == "stored":
            self.actions.open_attachment(self._att(row))
        else:
            self.status.setText(missing_reason(row, "file"))

    def save_current(self, path: str | None = None) -> None:
        kind, row = self.current()
        if kind == "file" and row is not None and row.get("status") == "stored":
            self.actions.save_attachment(self._att(row), path)

    def jump_current(self) -> None:
        _kind, row = self.current()
        if row is not None:
            self.actions.win.open_message(self.conv["id"], row["message_id"])
            self.actions.win.raise_()

