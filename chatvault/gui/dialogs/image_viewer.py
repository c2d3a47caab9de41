"""The image viewer: one photo at full size, previous/next, zoom, and "save a copy"."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
)

from chatvault.gui import timefmt
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)


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
        level = it.get("quality")            # the stored level; a size guess for files without one
        is_thumb = level == "thumbnail" or (
            level is None and bool(it.get("width")) and self.image.width() < (it.get("width") or 0) * 0.9)
        quality = self.tr("Thumbnail only (the export did not contain the original)") if is_thumb else \
            self.tr("HD (the sender's original is larger)") if level == "hd" else self.tr("Original")
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
