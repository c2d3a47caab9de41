"""The Favorites page (收藏, Ctrl+7): the list of favorites like WeChat's, with type chips, a tag filter
and a search box; the selected favorite shown whole on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui.models.favorites import FavoriteRole, FavoritesModel
from chatvault.gui.models.media import ThumbLoader
from chatvault.gui.views.favorite_card import FavoriteCardDelegate
from chatvault.gui.views.favorite_detail import FavoriteDetail
from chatvault.vault.vault import Vault

# The chips, in WeChat's order: (key for store.favorites.CATEGORIES, or None for all).
CHIPS = (None, "media", "links", "files", "voice", "notes", "chat_history", "locations")


class FavoritesPage(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("pageBody")
        self.window_ = window
        self.vault: Vault | None = None
        self._jump: int | None = None
        self._shown: int | None = None          # the message id of the favorite shown whole
        self.loader = ThumbLoader(self, size=240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 8)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        head.addWidget(self.title)
        head.addStretch(1)
        self.count = QLabel()
        self.count.setObjectName("hintLabel")
        head.addWidget(self.count)
        layout.addLayout(head)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chips: dict[str | None, QPushButton] = {}
        for i, key in enumerate(CHIPS):
            b = QPushButton()
            b.setCheckable(True)
            b.setObjectName(f"favChip_{key or 'all'}")
            self.chip_group.addButton(b, i)
            self.chips[key] = b
            chips.addWidget(b)
        self.chips[None].setChecked(True)
        self.chip_group.idToggled.connect(lambda _i, on: on and self.refresh())
        chips.addStretch(1)
        strip = QWidget()
        strip.setLayout(chips)
        chips.setContentsMargins(0, 0, 0, 0)
        scroller = QScrollArea()                   # the chips scroll sideways in a narrow window
        scroller.setObjectName("favChips")
        scroller.setWidget(strip)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFixedHeight(strip.sizeHint().height() + 14)
        layout.addWidget(scroller)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("favSearch")
        self.search.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        row.addWidget(self.search, 1)
        self.tag = QComboBox()
        self.tag.setObjectName("favTag")
        self.tag.currentIndexChanged.connect(lambda *_: self.refresh())
        row.addWidget(self.tag)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = FavoritesModel(self)
        self.model.loaded.connect(self._loaded)
        self.model.tags_changed.connect(self._fill_tags)
        self.model.failed.connect(lambda exc: self.count.setText(getattr(exc, "message", None) or str(exc)))
        self.list = QListView()
        self.list.setObjectName("favList")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setMinimumWidth(240)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # cards fit the width
        self.delegate = FavoriteCardDelegate(self.list)
        self.delegate.thumbnails = self.loader.cache
        self.delegate.thumbnail_requested.connect(self.loader.request)
        self.loader.loaded.connect(lambda *_: self.list.viewport().update())
        self.list.setItemDelegate(self.delegate)
        self.list.selectionModel().currentChanged.connect(self._selected)
        split.addWidget(self.list)
        self.detail = FavoriteDetail(self.loader)
        self.detail.saved.connect(lambda p: self.window_.statusBar().showMessage(
            self.tr("Saved a copy to %1").replace("%1", p), 8000))
        self.detail.message.connect(lambda m: self.window_.statusBar().showMessage(m, 8000))
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 560])
        layout.addWidget(split, 1)
        self.empty = QLabel()
        self.empty.setObjectName("hintLabel")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Favorites"))
        labels = {None: self.tr("All"), "media": self.tr("Images and videos"), "links": self.tr("Links and articles"),
                  "files": self.tr("Files"), "voice": self.tr("Voice"), "notes": self.tr("Notes"),
                  "chat_history": self.tr("Chat history"), "locations": self.tr("Locations")}
        for key, b in self.chips.items():
            b.setText(labels[key])
            b.setAccessibleName(labels[key])
        self.search.setPlaceholderText(self.tr("Search favorites: words, people, tags"))
        self.search.setAccessibleName(self.tr("Search favorites"))
        self.tag.setAccessibleName(self.tr("Tag"))
        self.list.setAccessibleName(self.tr("Favorites"))
        if self.tag.count():
            self.tag.setItemText(0, self.tr("All tags"))
        self.empty.setText(self.tr("No favorites here. Import a WeChat account folder (PC, Weixin 4 or Android): "
                                   "its Favorites come with it."))
        self._show_count()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- vault ---------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        self.vault = vault
        self.loader.vault = vault
        self.detail.vault = vault
        self.model.set_vault(vault)

    def clear(self) -> None:
        self.detail.clear()
        self.model.close()
        self.loader.vault = None
        self.loader.cache.clear()
        self.detail.vault = None
        self.vault = None

    # --- filters -------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        chip = CHIPS[max(0, self.chip_group.checkedId())]
        return {"category": chip, "tag": self.tag.currentData(), "text": self.search.text().strip() or None}

    def refresh(self, at: int | None = None) -> None:
        self._jump = at
        self.model.reload(self.filters(), at=at)

    def _fill_tags(self, tags: list[tuple[str, int]]) -> None:
        keep = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("All tags"), None)
        for name, n in tags:
            self.tag.addItem(f"#{name} ({n})", name)
        self.tag.setCurrentIndex(max(0, self.tag.findData(keep)))
        self.tag.blockSignals(False)

    def _show_count(self) -> None:
        n = self.model.total
        self.count.setText(self.tr("%n favorite(s)", None, n))

    def _loaded(self, at: int | None) -> None:
        self._show_count()
        self.empty.setVisible(self.model.total == 0)
        if at is not None and at < len(self.model.rows):
            self.select_row(at)
        elif self._jump is None and self.model.rows and not self.list.currentIndex().isValid():
            kept = self.model.row_of(self._shown) if self._shown is not None else None
            self.select_row(kept or 0)          # the item shown before a refresh stays shown
        self._jump = None

    def select_row(self, row: int) -> None:
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(FavoriteRole) if current.isValid() else None
        if row is None:
            self.detail.clear()
        else:
            self._shown = row["id"]
            self.detail.show_item(row)

    def show_favorite(self, message_id: int) -> None:
        """Open the page at one favorite (a search hit): every filter cleared so it is in the list."""
        for w in (self.search, self.tag):
            w.blockSignals(True)
        self.search.clear()
        self.tag.setCurrentIndex(0)
        for w in (self.search, self.tag):
            w.blockSignals(False)
        self.chip_group.blockSignals(True)
        self.chips[None].setChecked(True)
        self.chip_group.blockSignals(False)
        self.list.selectionModel().clearCurrentIndex()
        self.refresh(at=message_id)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 600)

    @classmethod
    def install(cls, window) -> FavoritesPage:
        """The page at PAGE_FAVORITES of the window's stack (page 6, Moments, is added by its own module:
        until it is there, an empty page keeps the numbers)."""
        from chatvault.gui.views.main_chrome import PAGE_FAVORITES

        while window.stack.count() < PAGE_FAVORITES:
            window.stack.addWidget(QWidget())
        page = cls(window)
        window.stack.insertWidget(PAGE_FAVORITES, page)
        return page

    def open_item(self, conn, conversation_id: int, message_id: int) -> bool:
        """Show favorite `message_id` on this page when its conversation is a Favorites feed (a search
        hit); False for any other conversation."""
        from chatvault.gui.views.main_chrome import PAGE_FAVORITES
        from chatvault.store import favorites as store

        if conn is None or not store.is_favorites(conn, conversation_id):
            return False
        self.window_.show_page(PAGE_FAVORITES, refresh=False)
        self.show_favorite(message_id)
        return True
