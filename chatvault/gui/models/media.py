"""The media model: photos, videos and captured files as grid items, and the thumbnail loader that
decrypts and decodes images on the shared pool (decrypted images live only in memory)."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmap

from chatvault.gui import theme, timefmt
from chatvault.gui.models.rows import RowListModel
from chatvault.gui.ops import TaskGroup, post
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
    post(signals, signals.loaded.emit, blob_id, img)   # dropped if the loader went (gui/ops.py)


class ThumbLoader(QObject):
    """Decrypts and decodes images on a small pool; caches pixmaps in memory until lock."""

    loaded = Signal(str, QPixmap)

    def __init__(self, parent=None, size: int = 320) -> None:
        super().__init__(parent)
        self.tasks = TaskGroup(max_running=2)
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


def quality_badge(p: QPainter, r, text: str) -> None:
    """A small dark label at the top left of a picture the vault has only as WeChat's thumbnail."""
    f = QFont(p.font())
    f.setPointSizeF(max(7.0, f.pointSizeF() * 0.8))
    p.save()
    p.setFont(f)
    w = QFontMetrics(f).horizontalAdvance(text) + 10
    h = QFontMetrics(f).height() + 4
    box = r.adjusted(4, 4, 0, 0)
    box.setSize(box.size().boundedTo(QSize(w, h)))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(0, 0, 0, 150))
    p.drawRoundedRect(box, 3, 3)
    p.setPen(QColor("#ffffff"))
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    p.restore()


class MediaModel(RowListModel):
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

    ROW_ROLE = ItemRole

    def row_list(self) -> list[dict[str, Any]]:
        return self.items

    def row_data(self, it: dict[str, Any], role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole:
            return self._tile(it)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = f"{it['conversation']} · {it.get('sender') or ''} · {timefmt.absolute(it['ts'])}"
            return text + (f" · {self.tr('Thumbnail only')}" if it.get("quality") == "thumbnail" else "")
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
        if it.get("quality") == "thumbnail" and it["status"] == "stored":
            quality_badge(p, pm.rect(), self.tr("Thumbnail only"))
        if it["kind"] == "video":
            p.setPen(QColor("#ffffff"))
            p.drawText(pm.rect().adjusted(0, 0, -6, -4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                       "▶ " + (timefmt.duration(it["duration_ms"] / 1000) if it.get("duration_ms") else ""))
        p.end()
        return pm
