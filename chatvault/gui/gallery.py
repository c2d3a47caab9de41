"""Media: a thumbnail grid per conversation or for the whole vault, the missing-media list with
"Locate file…", and an image viewer (zoom, next/previous, save a copy). Decryption and decoding run
off the UI thread; decrypted images live only in memory (never in a temp file)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import theme, timefmt
from chatvault.gui.ops import TaskGroup
from chatvault.store import queries
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)
THUMB = 150
ItemRole = Qt.ItemDataRole.UserRole + 30


class _LoadSignals(QObject):
    loaded = Signal(str, QImage)


def _load(vault: Vault, blob_id: str, size: int, signals: _LoadSignals) -> None:
    """Decrypt and decode one image (on the shared pool)."""
    from chatvault.media.blobstore import BlobStore

    try:
        data = BlobStore(vault).read_all(blob_id)
        img = QImage.fromData(data)
        if not img.isNull() and size:
            img = img.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    except Exception as exc:  # noqa: BLE001 - a damaged or missing blob shows a placeholder
        log.warning("thumbnail %s failed: %s", blob_id[:12], type(exc).__name__)
        img = QImage()
    try:
        signals.loaded.emit(blob_id, img)
    except RuntimeError:
        pass


class ThumbLoader(QObject):
    """Decrypts and decodes images on a small pool; caches pixmaps in memory until lock."""

    loaded = Signal(str, QPixmap)

    def __init__(self, parent=None, size: int = 320) -> None:
        super().__init__(parent)
        self.tasks = TaskGroup()
        self.size = size
        self.vault: Vault | None = None
        self.cache: dict[str, QPixmap] = {}
        self.pending: set[str] = set()
        self._signals = _LoadSignals(self)
        self._signals.loaded.connect(self._done)

    def request(self, blob_id: str) -> None:
        if self.vault is None or blob_id in self.cache or blob_id in self.pending:
            return
        self.pending.add(blob_id)
        self.tasks.start(partial(_load, self.vault, blob_id, self.size, self._signals))

    def _done(self, blob_id: str, img: QImage) -> None:
        self.pending.discard(blob_id)
        if self.vault is None:
            return
        pm = QPixmap.fromImage(img)
        self.cache[blob_id] = pm
        self.loaded.emit(blob_id, pm)

    def clear(self) -> None:
        self.vault = None
        self.tasks.drain(5000)
        self.cache.clear()
        self.pending.clear()


def query_captured(conn: Connection, since: int | None = None, until: int | None = None,
                   limit: int = 5000) -> list[dict[str, Any]]:
    """Files watch folders (or "Locate file", `media add`) captured, shaped like `queries.gallery_media` rows,
    newest capture first; `attachment_id` is the capture reference ("c12")."""
    from chatvault.media.captured import CaptureFilter, list_captured

    out = []
    for f in list_captured(conn, CaptureFilter(after=since, before=until, limit=limit)):
        out.append({"attachment_id": f.ref, "status": "stored", "mime": f.mime, "size": f.size, "width": f.width,
                    "height": f.height, "duration_ms": f.duration_ms, "blob_id": f.blob_id,
                    "thumb_blob_id": f.thumb_blob_id, "original_name": f.name, "expected_path": f.path,
                    "message_id": None, "kind": f.kind, "ts": f.captured_at, "conversation_id": None,
                    "conversation": f.folder or str(Path(f.path).parent), "sender": f.name, "captured": True})
    return out


class MediaModel(QAbstractListModel):
    def __init__(self, loader: ThumbLoader, parent=None) -> None:
        super().__init__(parent)
        self.items: list[dict[str, Any]] = []
        self.loader = loader
        loader.loaded.connect(self._loaded)

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def _loaded(self, blob_id: str, _pm: QPixmap) -> None:
        for i, it in enumerate(self.items):
            if (it.get("thumb_blob_id") or it.get("blob_id")) == blob_id:
                idx = self.index(i)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        it = self.items[index.row()]
        if role == ItemRole:
            return it
        if role == Qt.ItemDataRole.DecorationRole:
            return self._tile(it)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{it['conversation']} · {it.get('sender') or ''} · {timefmt.absolute(it['ts'])}"
        return None

    def _tile(self, it: dict[str, Any]) -> QPixmap:
        pm = QPixmap(THUMB, THUMB)
        pm.fill(QColor("#e6e6e6") if theme.current() == "light" else QColor("#2a2a2a"))
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        blob = it.get("thumb_blob_id") or it.get("blob_id")
        # A captured file that is no picture has nothing to decode: its tile names it.
        if it["status"] == "stored" and blob and not (it.get("captured") and it["kind"] != "image"):
            src = self.loader.cache.get(blob)
            if src is None:
                self.loader.request(blob)
            elif not src.isNull():
                scaled = src.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                    Qt.TransformationMode.SmoothTransformation)
                p.drawPixmap((THUMB - scaled.width()) // 2, (THUMB - scaled.height()) // 2, scaled)
        else:
            p.setPen(QColor("#8a8a8a"))
            if it.get("captured"):
                icon, text = {"video": "🎬", "audio": "🎵"}.get(it["kind"], "📄"), it["original_name"]
            else:
                icon = "🖼" if it["kind"] == "image" else "🎬"
                text = self.tr("Expired") if it["status"] == "expired" else self.tr("Not in the export")
            p.drawText(pm.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       f"{icon}\n{text}")
        if it["kind"] == "video":
            p.setPen(QColor("#ffffff"))
            p.drawText(pm.rect().adjusted(0, 0, -6, -4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                       "▶ " + (timefmt.duration(it["duration_ms"] / 1000) if it.get("duration_ms") else ""))
        p.end()
        return pm


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
        mrow.addWidget(self.locate_status, 1)
        ml.addLayout(mrow)
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

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_vault(self, vault: Vault | None, conn: Connection | None) -> None:
        self.vault, self.conn = vault, conn
        self.loader.vault = vault

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
        self.conversation = None


class ImageViewer(QDialog):
    """Full image, zoom (Ctrl +/−, 0 to fit), previous/next (←/→), save a copy."""

    def __init__(self, vault: Vault, items: list[dict[str, Any]], start: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.vault, self.items, self.pos = vault, items, start
        self.zoom = 0.0  # 0: fit
        self.image = QImage()
        layout = QVBoxLayout(self)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.label)
        self.scroll.setWidgetResizable(False)
        layout.addWidget(self.scroll, 1)
        self.info = QLabel()
        self.info.setObjectName("hintLabel")
        layout.addWidget(self.info)
        row = QHBoxLayout()
        self.prev_b = QPushButton(self.tr("← Previous"))
        self.prev_b.clicked.connect(lambda: self.go(-1))
        self.next_b = QPushButton(self.tr("Next →"))
        self.next_b.clicked.connect(lambda: self.go(1))
        zin = QPushButton("+")
        zin.setAccessibleName(self.tr("Zoom in"))
        zin.clicked.connect(lambda: self.set_zoom(self.effective_zoom() * 1.25))
        zout = QPushButton("−")
        zout.setAccessibleName(self.tr("Zoom out"))
        zout.clicked.connect(lambda: self.set_zoom(self.effective_zoom() / 1.25))
        fit = QPushButton(self.tr("Fit"))
        fit.clicked.connect(lambda: self.set_zoom(0))
        save = QPushButton(self.tr("Save a copy…"))
        save.clicked.connect(self.save_copy)
        for b in (self.prev_b, self.next_b, zout, zin, fit):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(save)
        layout.addLayout(row)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, lambda: self.go(-1))
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, lambda: self.go(1))
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.set_zoom(self.effective_zoom() * 1.25))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.set_zoom(self.effective_zoom() / 1.25))
        QShortcut(QKeySequence("Ctrl+0"), self, lambda: self.set_zoom(0))
        self.resize(900, 700)
        self.load()

    def current(self) -> dict[str, Any]:
        return self.items[self.pos]

    def load(self) -> None:
        from chatvault.media.blobstore import BlobStore

        it = self.current()
        try:
            data = BlobStore(self.vault).read_all(it["blob_id"])
            self.image = QImage.fromData(data)
        except Exception as exc:  # noqa: BLE001 - show a sentence, not a broken image
            self.image = QImage()
            self.info.setText(getattr(exc, "message", str(exc)))
            self.label.setText(self.tr("This image cannot be shown."))
            return
        is_thumb = bool(it.get("width")) and self.image.width() < (it.get("width") or 0) * 0.9
        quality = self.tr("Thumbnail only (the export did not contain the original)") if is_thumb else \
            self.tr("Original")
        self.info.setText(f"{it['conversation']} · {it.get('sender') or ''} · {timefmt.absolute(it['ts'])} · "
                          f"{self.image.width()}×{self.image.height()} · {quality}")
        self.setWindowTitle(self.tr("Photo %1 of %2").replace("%1", str(self.pos + 1)).replace("%2", str(len(self.items))))
        self.prev_b.setEnabled(self.pos > 0)
        self.next_b.setEnabled(self.pos < len(self.items) - 1)
        self.render()

    def effective_zoom(self) -> float:
        if self.zoom:
            return self.zoom
        if self.image.isNull():
            return 1.0
        vp = self.scroll.viewport().size()
        return min(1.0, vp.width() / max(1, self.image.width()), vp.height() / max(1, self.image.height()))

    def set_zoom(self, z: float) -> None:
        self.zoom = max(0.05, min(z, 8.0)) if z else 0.0
        self.render()

    def render(self) -> None:
        if self.image.isNull():
            return
        z = self.effective_zoom()
        pm = QPixmap.fromImage(self.image).scaled(int(self.image.width() * z), int(self.image.height() * z),
                                                  Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pm)
        self.label.resize(pm.size())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self.zoom:
            self.render()

    def go(self, step: int) -> None:
        new = self.pos + step
        if 0 <= new < len(self.items):
            self.pos = new
            self.load()

    def save_copy(self, path: str | None = None) -> bool:
        from chatvault.media.blobstore import BlobStore

        it = self.current()
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy"),
                                                  str(Path.home() / (it.get("original_name") or "photo.jpg")))
        if not path:
            return False
        with open(path, "wb") as out:
            BlobStore(self.vault).copy_to(it["blob_id"], out)
        self.info.setText(self.tr("Saved a copy to %1").replace("%1", path))
        return True

    def closeEvent(self, event) -> None:  # noqa: N802
        self.image = QImage()
        self.label.clear()
        super().closeEvent(event)
