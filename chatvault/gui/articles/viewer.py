"""The saved copy of an article, offline, in a QTextBrowser.

Why QTextBrowser and not Qt WebEngine: it renders the rich-text subset of HTML an article needs
(paragraphs, headings, lists, tables, images) and has no JavaScript engine and no network stack; every
resource it wants goes through `loadResource`, which here answers only `cvimg:N` (the snapshot's
stored images, decoded with a pixel limit) and nothing else. The view HTML was already sanitised when
the snapshot was made (`chatvault.articles.page`). Links are never followed: clicking one shows its
address, to copy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from chatvault.articles import consent, db, jobs
from chatvault.gui import timefmt
from chatvault.gui.apptext import error_text
from chatvault.gui.articles import wording
from chatvault.gui.ops import Op
from chatvault.media.blobstore import BlobStore

MAX_PIXELS = 40_000_000       # an image claiming more is not decoded (a decompression bomb)
MAX_WIDTH = 900               # wider images are scaled down while decoding


def load_snapshot(vault: Any, snapshot_id: int) -> tuple[str, dict[int, bytes]]:
    """(view HTML, ordinal → image bytes), decrypted (a job: off the UI thread)."""
    conn = vault.connect(readonly=True)
    try:
        snap = db.snapshot(conn, snapshot_id)
    finally:
        conn.close()
    if snap is None:
        return "", {}
    store = BlobStore(vault)
    images = {r["ordinal"]: store.read_all(r["blob_id"]) for r in snap["image_rows"] if r["blob_id"]}
    return store.read_all(snap["view_blob_id"]).decode("utf-8", "replace"), images


def decode_image(data: bytes) -> QImage:
    """The image, scaled to MAX_WIDTH; a small grey box for anything too big or unreadable."""
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_PIXELS:
        placeholder = QImage(QSize(120, 40), QImage.Format.Format_RGB32)
        placeholder.fill(Qt.GlobalColor.lightGray)
        return placeholder
    if size.width() > MAX_WIDTH:
        reader.setScaledSize(QSize(MAX_WIDTH, max(1, size.height() * MAX_WIDTH // size.width())))
    image = reader.read()
    if image.isNull():
        image = QImage(QSize(120, 40), QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.lightGray)
    return image


class OfflineBrowser(QTextBrowser):
    """Shows the view; loads nothing but the snapshot's own images."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("articleBrowser")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.images: dict[int, bytes] = {}
        self.refused: list[str] = []          # what the document asked for and did not get

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 - Qt's name
        if kind == QTextDocument.ResourceType.ImageResource.value and url.scheme() == "cvimg" and url.path().isdigit():
            data = self.images.get(int(url.path()))
            if data is not None:
                return decode_image(data)
        self.refused.append(url.toString())
        return None


class ArticleViewer(QDialog):
    def __init__(self, window: Any, article_id: int, parent=None) -> None:
        super().__init__(parent or window)
        self.setObjectName("articleViewer")
        self.win = window
        self.vault = window.vault
        self.article_id = article_id
        self.setWindowTitle(self.tr("Saved copy"))
        self.resize(760, 820)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("articleTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.source = QLabel()
        self.source.setObjectName("articleSource")
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.captured = QLabel()
        self.captured.setObjectName("articleCaptured")
        self.captured.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("articleStatus")
        self.status.setWordWrap(True)
        self.browser = OfflineBrowser(self)
        self.browser.anchorClicked.connect(self._link)
        self.note = QLabel()
        self.note.setObjectName("articleNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.title, self.source, self.captured, self.status, self.browser, self.note):
            layout.addWidget(w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.check_button = QPushButton(self.tr("Check again"))
        self.check_button.setObjectName("checkAgainButton")
        self.check_button.clicked.connect(self.check_again)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.op: Op | None = None
        self.refresh()
        self._load()

    def _read(self) -> tuple[dict | None, bool]:
        conn = self.vault.connect(readonly=True)
        try:
            return db.article(conn, self.article_id), db.network_settings(conn).allowed
        finally:
            conn.close()

    def refresh(self) -> None:
        art, allowed = self._read()
        self.article = art or {}
        if art is None:
            self.title.setText(self.tr("This article is no longer in the vault."))
            self.check_button.setEnabled(False)
            return
        self.title.setText(art["title"] or art["url"])
        self.source.setText(" · ".join(x for x in (art["account"], art["url"]) if x))
        if art["snapshot_id"]:
            self.captured.setText(self.tr("Saved copy captured on %1, %2").replace(
                "%1", timefmt.absolute(art["captured_at"])).replace("%2", wording.origin_text(art["origin"])))
        else:
            self.captured.setText(self.tr("No saved copy of this article."))
        self.status.setText(wording.status_line(art))
        gone = art["status"] in ("deleted", "blocked")
        self.status.setStyleSheet("color: #b3261e; font-weight: 600;" if gone else "")
        self.check_button.setEnabled(allowed)
        self.check_button.setToolTip("" if allowed else self.tr(
            "Turn on fetching in Settings → Articles to ask the source again."))

    def _load(self) -> None:
        snap = self.article.get("snapshot_id")
        if not snap:
            return
        vault = self.vault
        op = Op(lambda _ctx: load_snapshot(vault, snap), self)
        op.finished.connect(self._loaded)
        op.failed.connect(lambda exc: self.note.setText(error_text(exc)))
        op.start()
        self.load_op = op

    def _loaded(self, result: tuple[str, dict[int, bytes]]) -> None:
        html, images = result
        self.browser.images = images
        self.browser.setHtml(html)

    def _link(self, url: QUrl) -> None:
        self.note.setText(self.tr("Links are not opened from a saved copy. Address: %1").replace("%1", url.toString()))

    def check_again(self) -> None:
        if not self.article or (self.op is not None and self.op.running):
            return
        vault, aid = self.vault, self.article_id

        def job(ctx):
            conn = vault.connect(readonly=True)
            try:
                settings = db.network_settings(conn)
            finally:
                conn.close()
            return jobs.run(vault, consent.fetcher(settings, allow=False), ctx, fetch=False, check_ids=[aid])

        self.check_button.setEnabled(False)
        self.note.setText(self.tr("Asking the source…"))
        self.op = Op(job, self)
        self.op.finished.connect(self._checked)
        self.op.failed.connect(self._check_failed)
        self.op.start()

    def _checked(self, _out: Any) -> None:
        self.note.setText(self.tr("Checked."))
        self.refresh()

    def _check_failed(self, exc: BaseException) -> None:
        self.note.setText(error_text(exc))
        self.refresh()
