"""The main window's chrome: the navigation column, the menus, and their texts in the current language."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import theme

PAGE_CHATS, PAGE_SEARCH, PAGE_GALLERY, PAGE_PROTECTION, PAGE_LOCKED, PAGE_COMPLIANCE = range(6)
PAGE_MOMENTS = 6
PAGE_FAVORITES = 7        # WeChat Favorites
NAV_WIDTH = 72

class MainWindowChrome:
    """Mixed into `MainWindow`. `self.tr` finds MainWindow's translations (PySide's `tr` tries each
    class of the instance's MRO)."""

    def _build_nav(self) -> QWidget:
        """The navigation column: the pages, then import, settings and lock; each a labelled icon
        (text under it, a tooltip with its shortcut, an accessible name), as WeChat's and WhatsApp's
        desktop clients label theirs."""
        self.nav = QWidget()
        self.nav.setObjectName("navBar")
        self.nav.setFixedWidth(NAV_WIDTH)
        nav = QVBoxLayout(self.nav)
        nav.setContentsMargins(4, 14, 4, 10)
        nav.setSpacing(2)                      # ten buttons still fit a 600-pixel-high window
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[int, QToolButton] = {}
        for page, icon_name in ((PAGE_CHATS, "chats"), (PAGE_SEARCH, "search"), (PAGE_GALLERY, "gallery"),
                                (PAGE_PROTECTION, "shield"), (PAGE_COMPLIANCE, "compliance"),
                                (PAGE_MOMENTS, "moments"), (PAGE_FAVORITES, "favorites")):
            b = self._nav_button(theme.nav_icon(icon_name))
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, p=page: self.show_page(p))
            self.nav_group.addButton(b, page)
            self.nav_buttons[page] = b
            nav.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        nav.addStretch(1)
        self.import_button = self._nav_button(theme.icon("import", "#9b9b9b"))
        self.import_button.clicked.connect(lambda: self.import_dialog())
        self.settings_button = self._nav_button(theme.icon("settings", "#9b9b9b"))
        self.settings_button.clicked.connect(self.open_settings)
        self.lock_button = self._nav_button(theme.icon("lock", "#9b9b9b"))
        self.lock_button.clicked.connect(self.lock)
        for b in (self.import_button, self.settings_button, self.lock_button):
            nav.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        return self.nav

    def _nav_button(self, icon) -> QToolButton:
        b = QToolButton()
        b.setObjectName("navButton")
        b.setIcon(icon)
        b.setIconSize(QSize(22, 22))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        b.setFixedSize(NAV_WIDTH - 8, 48)
        font = b.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        b.setFont(font)
        return b

    def _label_nav(self, button: QToolButton, label: str, tip: str) -> None:
        """Text under the icon (elided to the column if a translation is long), the full name as
        tooltip and accessible name."""
        width = button.width() - 4
        button.setText(button.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, width))
        button.setToolTip(tip)
        button.setAccessibleName(label)
        button.setAccessibleDescription(tip)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.act_import = QAction(self)
        self.act_import.setShortcut(QKeySequence("Ctrl+I"))
        self.act_import.triggered.connect(self.import_dialog)
        self.act_import_folder = QAction(self)
        self.act_import_folder.triggered.connect(lambda: self.import_dialog(folder=True))
        self.act_lock = QAction(self)
        self.act_lock.setShortcut(QKeySequence("Ctrl+L"))
        self.act_lock.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.act_lock.triggered.connect(self.lock)
        self.act_settings = QAction(self)
        self.act_settings.setShortcut(QKeySequence.StandardKey.Preferences)
        self.act_settings.triggered.connect(self.open_settings)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.quit)
        for a in (self.act_import, self.act_import_folder, None, self.act_lock, self.act_settings, None, self.act_quit):
            self.file_menu.addSeparator() if a is None else self.file_menu.addAction(a)
        self.view_menu = bar.addMenu("")
        self.act_search = QAction(self)
        self.act_search.setShortcut(QKeySequence.StandardKey.Find)
        self.act_search.triggered.connect(lambda: self.show_page(PAGE_SEARCH))
        self.act_chats = QAction(self)
        self.act_chats.setShortcut(QKeySequence("Ctrl+1"))
        self.act_chats.triggered.connect(lambda: self.show_page(PAGE_CHATS))
        self.act_gallery = QAction(self)
        self.act_gallery.setShortcut(QKeySequence("Ctrl+3"))
        self.act_gallery.triggered.connect(lambda: self.show_page(PAGE_GALLERY))
        self.act_protection = QAction(self)
        self.act_protection.setShortcut(QKeySequence("Ctrl+4"))
        self.act_protection.triggered.connect(lambda: self.show_page(PAGE_PROTECTION))
        self.act_compliance = QAction(self)
        self.act_compliance.setShortcut(QKeySequence("Ctrl+5"))
        self.act_compliance.triggered.connect(lambda: self.show_page(PAGE_COMPLIANCE))
        self.act_moments = QAction(self)
        self.act_moments.setShortcut(QKeySequence("Ctrl+6"))
        self.act_moments.triggered.connect(lambda: self.show_page(PAGE_MOMENTS))
        self.act_favorites = QAction(self)
        self.act_favorites.setShortcut(QKeySequence("Ctrl+7"))
        self.act_favorites.triggered.connect(lambda: self.show_page(PAGE_FAVORITES))
        self.act_jump = QAction(self)
        self.act_jump.setShortcut(QKeySequence("Ctrl+G"))
        self.act_jump.triggered.connect(self.jump_to_date)
        self.act_missing = QAction(self)
        self.act_missing.triggered.connect(lambda: (self.show_page(PAGE_GALLERY), self.gallery.show_missing()))
        self.act_people = QAction(self)
        self.act_people.triggered.connect(self.open_people)
        for a in (self.act_chats, self.act_search, self.act_gallery, self.act_protection, self.act_compliance,
                  self.act_moments, self.act_favorites, None,
                  self.act_jump,
                  self.act_missing, self.act_people):
            self.view_menu.addSeparator() if a is None else self.view_menu.addAction(a)
        self.help_menu = bar.addMenu("")
        self.act_logs = QAction(self)
        self.act_logs.triggered.connect(self.open_log_folder)
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.about)
        self.help_menu.addAction(self.act_logs)
        self.help_menu.addAction(self.act_about)

    def retranslate(self) -> None:
        def keys(action: QAction) -> str:
            return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

        labels = {PAGE_CHATS: (self.tr("Chats"), self.act_chats), PAGE_SEARCH: (self.tr("Search"), self.act_search),
                  PAGE_GALLERY: (self.tr("Media"), self.act_gallery),
                  PAGE_PROTECTION: (self.tr("Protection"), self.act_protection),
                  PAGE_COMPLIANCE: (self.tr("Compliance"), self.act_compliance),
                  PAGE_MOMENTS: (self.tr("Moments"), self.act_moments),
                  PAGE_FAVORITES: (self.tr("Favorites"), self.act_favorites)}
        for page, b in self.nav_buttons.items():
            label, action = labels[page]
            self._label_nav(b, label, f"{label} ({keys(action)})")
        self._label_nav(self.import_button, self.tr("Import"),
                        f"{self.tr('Import an export')} ({keys(self.act_import)})")
        self._label_nav(self.settings_button, self.tr("Settings"), f"{self.tr('Settings')} ({keys(self.act_settings)})"
                        if keys(self.act_settings) else self.tr("Settings"))
        self._label_nav(self.lock_button, self.tr("Lock"), f"{self.tr('Lock')} ({keys(self.act_lock)})")
        self.filter_box.setPlaceholderText(self.tr("Filter chats"))
        self.filter_box.setAccessibleName(self.tr("Filter chats"))
        self.chat_list.setAccessibleName(self.tr("Conversations"))
        self.file_menu.setTitle(self.tr("&File"))
        self.act_import.setText(self.tr("&Import export file…"))
        self.act_import_folder.setText(self.tr("Import export &folder…"))
        self.act_lock.setText(self.tr("&Lock"))
        self.act_settings.setText(self.tr("&Settings…"))
        self.act_quit.setText(self.tr("&Quit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.act_chats.setText(self.tr("&Chats"))
        self.act_search.setText(self.tr("&Search"))
        self.act_gallery.setText(self.tr("&Media"))
        self.act_protection.setText(self.tr("&Protection"))
        self.act_compliance.setText(self.tr("C&ompliance"))
        self.act_moments.setText(self.tr("Mome&nts"))
        self.act_jump.setText(self.tr("&Jump to date…"))
        self.act_missing.setText(self.tr("M&issing media…"))
        self.act_people.setText(self.tr("Peop&le…"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.act_logs.setText(self.tr("Open &log folder"))
        self.act_about.setText(self.tr("&About ChatVault"))
        self.locked_label.setText(self.tr("ChatVault is locked. Your chats are encrypted on disk."))
        self.unlock_again.setText(self.tr("Unlock…"))
        self._update_title()
        if getattr(self, "vault_switcher", None) is not None:
            self.vault_switcher.retranslate()
        if getattr(self, "tray", None) is not None:
            self.tray.retranslate()
            self.refresh_health()
            if self.conn is not None:
                self.reload_chats()  # previews such as [Photo] are translated when loaded
