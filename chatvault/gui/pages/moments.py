"""The Moments page (Ctrl+6): everyone's posts, or one person's, newest first as in WeChat.

Posts are read off the UI thread a page at a time (`store.moments.posts`), more as the list is
scrolled to its end, so an account with thousands of posts opens at once. A search hit on a post or
a comment opens the page at that post (`show_message`), with "Show newer posts" above it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.models.media import ThumbLoader
from chatvault.gui.ops import Op
from chatvault.gui.views.main_chrome import PAGE_MOMENTS
from chatvault.gui.views.moments_post import PostCard
from chatvault.vault.vault import Vault

PAGE_SIZE = 20
ONE_THUMB = 440
COLUMN_WIDTH = 760          # thumbnails are decoded this large: sharp in the single-photo box on HiDPI


def _read(vault: Vault, fn):
    """Run `fn(conn, feed ids)` on a connection of its own (called on the pool)."""
    from chatvault.store import moments

    conn = vault.connect(readonly=True)
    try:
        return fn(conn, moments.feed_ids(conn))
    finally:
        conn.close()


class MomentsPage(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("momentsPage")
        self.window_ = window
        self.vault: Vault | None = None
        self.loader = ThumbLoader(self, size=ONE_THUMB)
        self.loader.loaded.connect(self._thumb)
        self.cards: list[PostCard] = []
        self.author: int | None = None
        self.has_more = False
        self.loading = False
        self.gen = 0                     # results of an older request are dropped
        self.highlight: int | None = None
        self.known_total = -1            # posts in the vault when the timeline was last read
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.setContentsMargins(14, 10, 14, 6)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        top.addWidget(self.title)
        top.addStretch(1)
        self.person_label = QLabel()
        top.addWidget(self.person_label)
        self.person = QComboBox()
        self.person.setObjectName("momentsPerson")
        self.person.setMinimumWidth(200)
        self.person.currentIndexChanged.connect(self._person_changed)
        top.addWidget(self.person)
        lay.addLayout(top)
        self.status = QLabel()
        self.status.setObjectName("momentsStatus")
        self.status.setContentsMargins(14, 0, 14, 4)
        lay.addWidget(self.status)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("momentsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        inner = QWidget()
        inner.setObjectName("momentsColumn")
        inner.setMaximumWidth(COLUMN_WIDTH)          # a column as in WeChat, not the window's width
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(0)
        self.newer = QPushButton()
        self.newer.setObjectName("momentsNewer")
        self.newer.clicked.connect(self.load_newer)
        self.newer.hide()
        self.column.addWidget(self.newer)
        self.posts_box = QVBoxLayout()
        self.posts_box.setSpacing(0)
        self.column.addLayout(self.posts_box)
        self.more = QPushButton()
        self.more.setObjectName("momentsMore")
        self.more.clicked.connect(self.load_older)
        self.more.hide()
        self.column.addWidget(self.more)
        self.column.addStretch(1)
        self.scroll.setWidget(inner)
        lay.addWidget(self.scroll, 1)
        self.retranslate()

    # --- vault and language --------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        self.vault = vault
        self.loader.vault = vault
        self._clear_cards()

    def clear(self) -> None:
        """On lock: nothing decrypted stays in memory."""
        self.gen += 1
        self.known_total = -1
        self.loader.clear()
        self._clear_cards()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Moments"))
        self.person_label.setText(self.tr("Whose posts:"))
        self.person.setAccessibleName(self.tr("Whose posts"))
        if self.person.count():
            self.person.setItemText(0, self.tr("Everyone"))
        self.newer.setText(self.tr("Show newer posts"))
        self.more.setText(self.tr("Show older posts"))
        self.scroll.setAccessibleName(self.tr("Moments timeline"))

    # --- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Shown: the people with posts, then the newest page (everyone or the chosen person)."""
        if self.vault is None:
            return
        from chatvault.store import moments

        keep = self.person.currentData()
        self._run(lambda conn, feeds: moments.authors(conn, feeds), lambda people: self._people(people, keep))

    def _people(self, people: list[dict[str, Any]], keep: int | None) -> None:
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(self.tr("Everyone"), None)
        for p in people:
            self.person.addItem(f"{p['name']} ({p['posts']:,})", p["id"])
        self.person.setCurrentIndex(max(0, self.person.findData(keep)) if keep is not None else 0)
        self.person.blockSignals(False)
        self.author = self.person.currentData()
        total = sum(p["posts"] for p in people)
        changed, self.known_total = total != self.known_total, total
        if self.highlight is None and (changed or not self.cards):
            self.reload()            # coming back to the page keeps its place unless an import added posts

    def _person_changed(self, _i: int) -> None:
        self.author = self.person.currentData()
        self.highlight = None
        self.reload()

    def reload(self, before: tuple[int, int] | None = None) -> None:
        self._clear_cards()
        self.newer.setVisible(before is not None)
        self._page(before=before)

    def load_older(self) -> None:
        if self.cards and self.has_more and not self.loading:
            last = self.cards[-1].post
            self._page(before=(last["ts"], last["id"]))

    def load_newer(self) -> None:
        if self.loading:
            return
        if not self.cards:
            self.reload()
            return
        first = self.cards[0].post
        self._page(after=(first["ts"], first["id"]))

    def _page(self, before=None, after=None) -> None:
        from chatvault.store import moments

        author = self.author
        self.loading = True
        self.status.setText(self.tr("Loading…"))

        def fn(conn, feeds):
            rows = moments.posts(conn, feeds, author=author, before=before, after=after, limit=PAGE_SIZE)
            return rows, moments.count_posts(conn, feeds, author)

        self._run(fn, lambda res: self._show(res, newer=after is not None))

    def _run(self, fn, done) -> None:
        vault = self.vault
        if vault is None:
            return
        gen = self.gen
        op = Op(lambda _ctx: _read(vault, fn), self)
        op.finished.connect(lambda res: done(res) if gen == self.gen else None)
        op.failed.connect(lambda exc: self._failed(exc) if gen == self.gen else None)
        op.ended.connect(op.deleteLater)
        op.start()

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.status.setText(getattr(exc, "message", None) or str(exc))

    def _show(self, res: tuple[list[dict[str, Any]], int], newer: bool) -> None:
        rows, total = res
        self.loading = False
        if newer:
            for i, post in enumerate(rows):
                self._add(post, i)
            self.newer.setVisible(len(rows) == PAGE_SIZE)
        else:
            for post in rows:
                self._add(post)
            self.has_more = len(rows) == PAGE_SIZE
        self.more.setVisible(self.has_more)
        if total == 0:
            self.status.setText(self.tr("No Moments in this vault yet. Import a WeChat account folder "
                                        "(PC, Weixin 4 or Android) to keep its Moments."))
        else:
            self.status.setText(timefmt.grouped(self.tr("%n post(s)", None, total), total))
        if self.highlight is not None:
            QTimer.singleShot(0, self._scroll_to_highlight)

    def _add(self, post: dict[str, Any], at: int | None = None) -> None:
        card = PostCard(post)
        card.photo_clicked.connect(self.open_photo)
        card.open_video.connect(self._video)
        card.open_link.connect(self._link)
        if post["id"] == self.highlight:
            card.setStyleSheet("#momentsPost { border: 2px solid #07c160; border-radius: 4px; }")
        if at is None:
            self.posts_box.addWidget(card)
            self.cards.append(card)
        else:
            self.posts_box.insertWidget(at, card)
            self.cards.insert(at, card)
        for blob in card.tiles:
            pm = self.loader.cache.get(blob)
            if pm is not None:
                card.set_thumbnail(blob, pm)
            else:
                self.loader.request(blob)

    def _clear_cards(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards.clear()
        self.has_more = False
        self.more.hide()

    def _thumb(self, blob_id: str, pm) -> None:
        for card in self.cards:
            if blob_id in card.tiles:
                card.set_thumbnail(blob_id, pm)

    def _scrolled(self, value: int) -> None:
        bar = self.scroll.verticalScrollBar()
        if value >= bar.maximum() - 200 and self.has_more and not self.loading:
            self.load_older()

    # --- a search hit ------------------------------------------------------------------------
    def show_message(self, conversation_id: int, message_id: int) -> bool:
        """Open the page at the post `message_id` is or comments on; False when it is no Moments message."""
        conn = self.window_.conn
        if conn is None:
            return False
        from chatvault.store import moments

        if not moments.is_feed(conn, conversation_id):
            return False
        where = moments.locate(conn, message_id)
        if where is None:
            return False
        self.highlight = where["post_id"]
        self.gen += 1
        self.person.blockSignals(True)
        self.person.setCurrentIndex(0)
        self.person.blockSignals(False)
        self.author = None
        self.window_.show_page(PAGE_MOMENTS)
        self.reload(before=(where["ts"], where["post_id"] + 1))   # the post itself first
        return True

    def _scroll_to_highlight(self) -> None:
        for card in self.cards:
            if card.post["id"] == self.highlight:
                self.scroll.ensureWidgetVisible(card, 0, 0)
                self.scroll.verticalScrollBar().setValue(card.y())
                return

    # --- photos, videos, links ---------------------------------------------------------------
    def open_photo(self, post: dict[str, Any], index: int) -> None:
        from chatvault.gui.dialogs.image_viewer import ImageViewer

        if self.vault is None:
            return
        atts = post["attachments"]
        items, start = [], 0
        for i, att in enumerate(atts):
            if att.get("status") == "stored" and att.get("blob_id"):
                if i == index:
                    start = len(items)
                items.append({"blob_id": att["blob_id"], "message_id": post["id"], "conversation": self.tr("Moments"),
                              "sender": post["sender"], "ts": post["ts"], "width": att.get("width"),
                              "height": att.get("height")})
        if items:
            viewer = ImageViewer(self.vault, items, start, self)
            viewer.show()
            self.viewer = viewer

    def _video(self, post: dict[str, Any]) -> None:
        att = (post["attachments"] or [None])[0]
        if att and att.get("status") == "stored":
            self.window_.convo.open_attachment(att, {"kind": "video", "id": post["id"]})

    def _link(self, url: str) -> None:
        if url.startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(url))
