"""The media page: a grid of photos and videos (this chat or all, by kind and month, captured files),
and the list of missing files with "Locate file"."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.dialogs.image_viewer import ImageViewer
from chatvault.gui.models.media import THUMB, ItemRole, MediaModel, ThumbLoader, query_captured
from chatvault.gui.remote_download import RemoteDownload
from chatvault.store import queries
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


class GalleryPage(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("pageBody")
        self.window_ = window
        self.vault: Vault | None = None
        self.conn: Connection | None = None
        self.conversation: dict[str, Any] | None = None
        self.loader = ThumbLoader(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 8)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        row = QHBoxLayout()
        self.scope_chat = QRadioButton()
        self.scope_all = QRadioButton()
        self.scope_all.setChecked(True)
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.scope_chat)
        self.scope.addButton(self.scope_all)
        self.scope.buttonToggled.connect(lambda *_: self.refresh())
        self.kind = QComboBox()
        self.kind.currentIndexChanged.connect(lambda *_: self.refresh())
        self.month = QComboBox()
        self.month.currentIndexChanged.connect(lambda *_: self.refresh())
        self.missing_button = QPushButton()
        self.missing_button.setCheckable(True)
        self.missing_button.toggled.connect(self._toggle_missing)
        for w in (self.scope_chat, self.scope_all, self.kind, self.month):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.missing_button)
        layout.addLayout(row)
        self.stack = QStackedWidget()
        self.model = MediaModel(self.loader, self)
        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 10, THUMB + 10))
        self.grid.setUniformItemSizes(True)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setModel(self.model)
        self.grid.activated.connect(self._open)
        self.grid.doubleClicked.connect(self._open)
        self.stack.addWidget(self.grid)
        missing = QWidget()
        ml = QVBoxLayout(missing)
        ml.setContentsMargins(0, 0, 0, 0)
        self.missing_hint = QLabel()
        self.missing_hint.setWordWrap(True)
        self.missing_hint.setObjectName("hintLabel")
        ml.addWidget(self.missing_hint)
        self.missing = QTableWidget(0, 5)
        self.missing.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.missing.verticalHeader().hide()
        self.missing.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        ml.addWidget(self.missing, 1)
        mrow = QHBoxLayout()
        self.locate_button = QPushButton()
        self.locate_button.clicked.connect(self.locate)
        self.locate_status = QLabel()
        self.locate_status.setWordWrap(True)
        mrow.addWidget(self.locate_button)
        self.remote_button = QPushButton()
        mrow.addWidget(self.remote_button)
        mrow.addWidget(self.locate_status, 1)
        ml.addLayout(mrow)
        self.remote = RemoteDownload(self.remote_button, self.locate_status, self)
        self.remote.finished.connect(lambda: (self.fill_missing(), self.model.set_items(self.model.items)))
        self.stack.addWidget(missing)
        layout.addWidget(self.stack, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Media"))
        self.scope_chat.setText(self.tr("This chat"))
        self.scope_all.setText(self.tr("All chats"))
        keep = self.kind.currentIndex()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(self.tr("Photos and videos"), None)
        self.kind.addItem(self.tr("Photos"), "image")
        self.kind.addItem(self.tr("Videos"), "video")
        self.kind.addItem(self.tr("Captured files"), "captured")
        self.kind.setCurrentIndex(max(0, keep))
        self.kind.blockSignals(False)
        self.kind.setAccessibleName(self.tr("Kind"))
        self.month.setAccessibleName(self.tr("Month"))
        self._fill_months()
        self.missing_button.setText(self.tr("Missing media"))
        self.missing_hint.setText(self.tr(
            "These files are mentioned in your chats but were not in the export. If you find one (on the phone, "
            "in a backup, in the messenger's folder), choose it with \"Locate file…\" and it is added to the vault."))
        self.missing.setHorizontalHeaderLabels([self.tr("Chat"), self.tr("From"), self.tr("When"), self.tr("File"),
                                                self.tr("Why it is missing")])
        self.missing.setAccessibleName(self.tr("Missing media"))
        self.grid.setAccessibleName(self.tr("Media"))
        self.locate_button.setText(self.tr("Locate file…"))
        if getattr(self, "remote", None) is not None:
            self.remote.retranslate()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_vault(self, vault: Vault | None, conn: Connection | None) -> None:
        self.vault, self.conn = vault, conn
        self.loader.vault = vault
        self.remote.set_vault(vault)

    def set_conversation(self, conv: dict[str, Any] | None) -> None:
        self.conversation = conv
        if conv is not None:
            self.scope_chat.setText(self.tr("This chat: %1").replace("%1", conv["display"]))
            if self.isVisible():
                self.refresh()

    def conversation_images(self, conversation_id: int) -> list[dict[str, Any]]:
        if self.conn is None:
            return []
        items = queries.gallery_media(self.conn, conversation_id, "image")
        return [it for it in reversed(items) if it["status"] == "stored"]

    def _fill_months(self) -> None:
        """Months that have photos or videos, newest first (the date filter)."""
        keep = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        self.month.addItem(self.tr("Any date"), None)
        if self.conn is not None:
            for y, mo in queries.media_months(self.conn):
                label = timefmt.month_label(y, mo)
                self.month.addItem(label, (y, mo))
        self.month.setCurrentIndex(max(0, self.month.findData(keep)))
        self.month.blockSignals(False)

    def refresh(self) -> None:
        if self.conn is None:
            return
        if self.month.count() <= 1:
            self._fill_months()
        conv = self.conversation["id"] if (self.scope_chat.isChecked() and self.conversation) else None
        since = until = None
        if self.month.currentData():
            y, mo = self.month.currentData()
            since = int(datetime(y, mo, 1).astimezone().timestamp() * 1000)
            until = int(datetime(y + mo // 12, mo % 12 + 1, 1).astimezone().timestamp() * 1000)
        if self.kind.currentData() == "captured":      # whatever the scope: captured files belong to no chat
            self.model.set_items(query_captured(self.conn, since, until))
        else:
            self.model.set_items(queries.gallery_media(self.conn, conv, self.kind.currentData(), since=since, until=until))
        if self.missing_button.isChecked():
            self.fill_missing()

    def show_missing(self) -> None:
        self.missing_button.setChecked(True)

    def _toggle_missing(self, on: bool) -> None:
        self.stack.setCurrentIndex(1 if on else 0)
        if on:
            self.fill_missing()

    def fill_missing(self) -> None:
        if self.conn is None:
            return
        rows = queries.unstored_attachments(self.conn, 5000)
        delegate = self.window_.messages.delegate
        self.missing.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = r["original_name"] or (Path(r["expected_path"]).name if r["expected_path"] else "")
            cells = (r["title"] or "", r["display_name"] or "", timefmt.absolute(r["ts"]), name,
                     delegate.missing_reason(r["status"], r["kind"]))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, int(r["id"]))
                self.missing.setItem(i, col, item)
        self.missing.resizeColumnsToContents()

    def locate(self, path: str | None = None) -> bool:
        """Attach a file the user found to the selected missing attachment."""
        from chatvault.errors import ChatVaultError
        from chatvault.media.attach import attach_file

        item = self.missing.currentItem()
        if item is None or self.vault is None:
            self.locate_status.setText(self.tr("Select a missing file in the list first."))
            return False
        att_id = item.data(Qt.ItemDataRole.UserRole)
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Locate the missing file"))
            if not path:
                return False
        try:
            ok = attach_file(self.vault, att_id, Path(path))
        except ChatVaultError as exc:
            self.locate_status.setText(exc.message)
            return False
        except OSError as exc:
            self.locate_status.setText(self.tr("Could not read %1: %2").replace("%1", path).replace("%2", exc.strerror or ""))
            return False
        self.locate_status.setText(self.tr("Added to the vault.") if ok else self.tr("That attachment was already filled."))
        self.fill_missing()
        self.model.set_items(self.model.items)
        return ok

    def _open(self, index: QModelIndex) -> None:
        it = index.data(ItemRole)
        if it is None or self.vault is None:
            return
        stored = [x for x in self.model.items if x["status"] == "stored" and x["kind"] == "image"]
        start = next((i for i, x in enumerate(stored) if x["attachment_id"] == it["attachment_id"]), None)
        if start is not None:
            ImageViewer(self.vault, stored, start, self).show()
        elif it.get("captured"):
            self.save_copy(it)
        else:
            self.window_.open_message(it["conversation_id"], it["message_id"])

    def save_copy(self, it: dict[str, Any], path: str | None = None) -> bool:
        """Write a decrypted copy of a stored file where the user chooses (a captured PDF, a video ...)."""
        from chatvault.media.blobstore import BlobStore

        if self.vault is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy"),
                                                  str(Path.home() / (it.get("original_name") or "file")))
        if not path:
            return False
        with open(path, "wb") as out:
            BlobStore(self.vault).copy_to(it["blob_id"], out)
        self.window_.statusBar().showMessage(self.tr("Saved a copy to %1").replace("%1", path), 8000)
        return True

    def clear(self) -> None:
        self.loader.clear()
        self.model.set_items([])
        self.missing.setRowCount(0)
        self.conn = None
        self.vault = None
        self.remote.set_vault(None)
        self.conversation = None
