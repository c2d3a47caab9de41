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

class MainWindowChrome:
    """Mixed into `MainWindow`. `self.tr` finds MainWindow's translations (PySide's `tr` tries each
    class of the instance's MRO)."""

    def _build_nav(self) -> QWidget:
        """The navigation column: the pages, then import, settings and lock."""
        self.nav = QWidget()
        self.nav.setObjectName("navBar")
        self.nav.setFixedWidth(60)
        nav = QVBoxLayout(self.nav)
        nav.setContentsMargins(8, 16, 8, 12)
        nav.setSpacing(10)
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[int, QToolButton] = {}
        for page, icon_name in ((PAGE_CHATS, "chats"), (PAGE_SEARCH, "search"), (PAGE_GALLERY, "gallery"),
                                (PAGE_PROTECTION, "shield"), (PAGE_COMPLIANCE, "compliance")):
            b = QToolButton()
            b.setObjectName("navButton")
            b.setCheckable(True)
            b.setIcon(theme.nav_icon(icon_name))
            b.setIconSize(QSize(24, 24))
            b.setFixedSize(44, 44)
            b.clicked.connect(lambda _=False, p=page: self.show_page(p))
            self.nav_group.addButton(b, page)
            self.nav_buttons[page] = b
            nav.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        nav.addStretch(1)
        self.import_button = QToolButton()
        self.import_button.setObjectName("navButton")
        self.import_button.setIcon(theme.icon("import", "#9b9b9b"))
        self.import_button.setIconSize(QSize(24, 24))
        self.import_button.setFixedSize(44, 44)
        self.import_button.clicked.connect(self.import_dialog)
        nav.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("navButton")
        self.settings_button.setIcon(theme.icon("settings", "#9b9b9b"))
        self.settings_button.setIconSize(QSize(24, 24))
        self.settings_button.setFixedSize(44, 44)
        self.settings_button.clicked.connect(self.open_settings)
        nav.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.lock_button = QToolButton()
        self.lock_button.setObjectName("navButton")
        self.lock_button.setIcon(theme.icon("lock", "#9b9b9b"))
        self.lock_button.setIconSize(QSize(24, 24))
        self.lock_button.setFixedSize(44, 44)
        self.lock_button.clicked.connect(self.lock)
        nav.addWidget(self.lock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        return self.nav

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
        self.act_jump = QAction(self)
        self.act_jump.setShortcut(QKeySequence("Ctrl+G"))
        self.act_jump.triggered.connect(self.jump_to_date)
        self.act_missing = QAction(self)
        self.act_missing.triggered.connect(lambda: (self.show_page(PAGE_GALLERY), self.gallery.show_missing()))
        for a in (self.act_chats, self.act_search, self.act_gallery, self.act_protection, self.act_compliance, None,
                  self.act_jump,
                  self.act_missing):
            self.view_menu.addSeparator() if a is None else self.view_menu.addAction(a)
        self.help_menu = bar.addMenu("")
        self.act_logs = QAction(self)
        self.act_logs.triggered.connect(self.open_log_folder)
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.about)
        self.help_menu.addAction(self.act_logs)
        self.help_menu.addAction(self.act_about)

    def retranslate(self) -> None:
        tips = {PAGE_CHATS: self.tr("Chats"), PAGE_SEARCH: self.tr("Search"), PAGE_GALLERY: self.tr("Media"),
                PAGE_PROTECTION: self.tr("Protection"), PAGE_COMPLIANCE: self.tr("Compliance")}
        for page, b in self.nav_buttons.items():
            b.setToolTip(tips[page])
            b.setAccessibleName(tips[page])
        self.import_button.setToolTip(self.tr("Import an export"))
        self.import_button.setAccessibleName(self.tr("Import an export"))
        self.settings_button.setToolTip(self.tr("Settings"))
        self.settings_button.setAccessibleName(self.tr("Settings"))
        self.lock_button.setToolTip(self.tr("Lock (Ctrl+L)"))
        self.lock_button.setAccessibleName(self.tr("Lock"))
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
        self.act_jump.setText(self.tr("&Jump to date…"))
        self.act_missing.setText(self.tr("Missing &media…"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.act_logs.setText(self.tr("Open &log folder"))
        self.act_about.setText(self.tr("&About ChatVault"))
        self.locked_label.setText(self.tr("ChatVault is locked. Your chats are encrypted on disk."))
        self.unlock_again.setText(self.tr("Unlock…"))
        self._update_title()
        if getattr(self, "tray", None) is not None:
            self.tray.retranslate()
            self.refresh_health()
            if self.conn is not None:
                self.reload_chats()  # previews such as [Photo] are translated when loaded
