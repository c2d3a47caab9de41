"""The main window: a WeChat-style navigation column, the chat list, the conversation, and the pages
for search, media and protection. Owns locking (Ctrl+L and idle) and the tray icon."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.errors import IntegrityError
from chatvault.gui import prefs, theme, timefmt
from chatvault.gui.dialogs.jump_to_date import JumpToDateDialog
from chatvault.gui.held_badges import ChatListCompliance
from chatvault.gui.idle import IdleWatcher
from chatvault.gui.models.chatlist import ChatFilter, ChatListModel, ConversationRole
from chatvault.gui.ops import wait_for_pool
from chatvault.gui.views.banner import HealthBanner
from chatvault.gui.views.chatlist import ChatListDelegate
from chatvault.gui.views.damage import DamageNotice
from chatvault.gui.views.main_chrome import (  # the page numbers are part of this module's interface
    PAGE_CHATS,
    PAGE_FAVORITES,
    PAGE_GALLERY,
    PAGE_LOCKED,
    PAGE_MOMENTS,
    PAGE_PROTECTION,
    PAGE_SEARCH,
    MainWindowChrome,
)
from chatvault.gui.views.message_view import MessageView
from chatvault.gui.window_dialogs import WindowDialogs
from chatvault.store.db import Connection, DatabaseError
from chatvault.store.store import Store
from chatvault.vault.vault import Vault

log = logging.getLogger(__name__)




class MainWindow(WindowDialogs, MainWindowChrome, QMainWindow):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("ChatVault")
        self.setWindowIcon(theme.app_icon())
        self.setAcceptDrops(True)
        self.vault: Vault | None = vault
        self.vault_path: Path = vault.path
        self.conn: Connection | None = None
        self.store: Store | None = None
        self.current_conv: dict[str, Any] | None = None
        self.unlock_dialog = None
        self.imports = None
        self._build()
        self._connect_vault(vault)
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        self.idle.set_minutes(prefs.get("idle_lock_minutes"))
        from chatvault.gui.screenlock import ScreenLockWatcher

        self.screen_lock = ScreenLockWatcher(self)
        self.screen_lock.screen_locked.connect(lambda: self.lock() if prefs.get("lock_on_screen_lock") else None)
        from chatvault.gui.tray import Tray

        self.tray = Tray(self)
        self.health_timer = QTimer(self)
        self.health_timer.setInterval(60_000)
        self.health_timer.timeout.connect(lambda: self.protection.refresh())   # then health_changed
        self.health_timer.start()
        self.refresh_health()
        self._restore_state()

    # --- construction --------------------------------------------------------------------
    def _build(self) -> None:
        from chatvault.gui.dialogs.imports import ImportController
        from chatvault.gui.views.whoisme import WhoIsMe

        root = QWidget()
        outer = QHBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_nav())
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(0)
        self.banner = HealthBanner()
        self.banner.action.connect(self.banner_action)
        rv.addWidget(self.banner)
        self.stack = QStackedWidget()
        rv.addWidget(self.stack, 1)
        outer.addWidget(right, 1)
        self.stack.addWidget(self._build_chats())
        self._build_pages()
        from chatvault.gui.views.message_menu import ConversationActions

        self.convo = ConversationActions(self)     # context menu, open/save, voice, quotes, chat files
        self.setCentralWidget(root)
        self.imports = ImportController(self)
        self.who_is_me = WhoIsMe(self)             # "This is me: …" in the chat list's menu
        self._build_menus()
        from chatvault.gui.export_hooks import ExportHooks

        self.exporter = ExportHooks(self)          # File → Export…, "Export chat…", "Export results…"
        self._build_shell()
        self.retranslate()
        self.show_page(PAGE_CHATS)
        self.resize(1180, 760)

    def _build_chats(self) -> QSplitter:
        """The chats page: the filtered chat list beside the open conversation."""
        self.split = QSplitter()
        self.split.setHandleWidth(1)
        left = QWidget()
        left.setObjectName("chatListPane")
        lv = QVBoxLayout(left)
        lv.setContentsMargins(10, 12, 0, 0)
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("filterBox")
        self.filter_box.setClearButtonEnabled(True)
        lv.addWidget(self.filter_box)
        lv.setContentsMargins(0, 12, 0, 0)
        self.chat_model = ChatListModel(self)
        self.chat_proxy = ChatFilter(self)
        self.chat_proxy.setSourceModel(self.chat_model)
        self.filter_box.textChanged.connect(self.chat_proxy.setFilterFixedString)
        self.chat_compliance = ChatListCompliance(self)    # held tags and the custodian filter (#20)
        lv.addWidget(self.chat_compliance.custodian)
        self.chat_list = QListView()
        self.chat_list.setObjectName("chatList")
        self.chat_list.setModel(self.chat_proxy)
        self.chat_list.setItemDelegate(ChatListDelegate(self.chat_list))
        self.chat_list.setMouseTracking(True)
        self.chat_list.selectionModel().currentChanged.connect(self._chat_selected)
        lv.addWidget(self.chat_list, 1)
        left.setMinimumWidth(220)
        self.split.addWidget(left)
        conv = QWidget()
        conv.setObjectName("conversationPane")
        cv = QVBoxLayout(conv)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(0)
        self.conv_title = QLabel()
        self.conv_title.setObjectName("conversationTitle")
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 8, 0)
        header.addWidget(self.conv_title, 1)
        self.files_button = QPushButton()          # "Chat files": the conversation's documents and links
        self.files_button.setObjectName("chatFilesButton")
        self.files_button.setFlat(True)
        self.files_button.clicked.connect(lambda: self.convo.chat_files())
        self.files_button.hide()                     # shown with an open conversation
        header.addWidget(self.files_button)
        cv.addLayout(header)
        self.damage_notice = DamageNotice()
        cv.addWidget(self.damage_notice)
        self.messages = MessageView()
        self.messages.image_activated.connect(self.open_image)
        self.messages.damaged.connect(lambda exc: self.damage_notice.show_damage(self.vault, exc)
                                      if self.vault is not None else None)
        cv.addWidget(self.messages, 1)
        self.split.addWidget(conv)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([280, 820])
        return self.split

    def _build_pages(self) -> None:
        """Search, media, protection and the locked page, in the order of the PAGE_ numbers."""
        from chatvault.gui.pages.gallery import GalleryPage
        from chatvault.gui.pages.protection import ProtectionPage
        from chatvault.gui.pages.search import SearchPage

        self.search_page = SearchPage(self)
        self.search_page.open_message.connect(self.open_message)
        self.stack.addWidget(self.search_page)
        self.gallery = GalleryPage(self)
        self.stack.addWidget(self.gallery)
        # Bubbles and the gallery share one in-memory thumbnail cache, emptied on lock.
        self.messages.delegate.thumbnails = self.gallery.loader.cache
        self.messages.delegate.thumbnail_requested.connect(self.gallery.loader.request)
        self.gallery.loader.loaded.connect(lambda *_: self.messages.viewport().update())
        self.protection = ProtectionPage(self)
        self.protection.health_changed.connect(self.refresh_health)
        self.protection.expiring.open_chat.connect(self.open_chat)
        self.stack.addWidget(self.protection)
        self.locked_page = QWidget()
        lp = QVBoxLayout(self.locked_page)
        lp.addStretch(1)
        self.locked_label = QLabel()
        self.locked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lp.addWidget(self.locked_label)
        self.unlock_again = QPushButton()
        self.unlock_again.setObjectName("primaryButton")
        self.unlock_again.clicked.connect(self.show_unlock)
        lp.addWidget(self.unlock_again, 0, Qt.AlignmentFlag.AlignHCenter)
        lp.addStretch(2)
        self.stack.addWidget(self.locked_page)
        from chatvault.gui.pages.compliance import CompliancePage

        self.compliance = CompliancePage(self)        # PAGE_COMPLIANCE: after the locked page
        self.compliance.holds_changed.connect(lambda: self.chat_compliance.refresh())
        self.stack.addWidget(self.compliance)
        from chatvault.gui.pages.moments import MomentsPage

        self.moments = MomentsPage(self)              # PAGE_MOMENTS
        self.stack.addWidget(self.moments)
        from chatvault.gui.pages.favorites import FavoritesPage

        self.favorites_page = FavoritesPage.install(self)        # PAGE_FAVORITES

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.chat_list.viewport().update()
        super().changeEvent(event)

    # --- vault connection ----------------------------------------------------------------
    def _connect_vault(self, vault: Vault) -> None:
        self.vault = vault
        self.vault_path = vault.path
        try:
            self.conn = vault.connect(readonly=True)
        except IntegrityError as exc:   # page 1 damaged: nothing can be read (not even the backup
            self.damage_notice.show_error(exc)   # settings); the window says so instead of not starting
            return
        self.store = Store(self.conn)
        self.messages.model_.set_connection(self.conn)
        self.search_page.set_vault(vault)
        self.gallery.set_vault(vault, self.conn)
        self.protection.set_vault(vault)
        self.compliance.set_vault(vault)
        self.moments.set_vault(vault)
        self.favorites_page.set_vault(vault)
        self.reload_chats()
        self._watch_vault(vault)

    def reload_chats(self) -> None:
        current = self.current_conv["id"] if self.current_conv else None
        try:
            self.chat_model.load(self.conn)
        except DatabaseError as exc:      # damage where the chat list reads: say where, list what can be
            self.chat_model.load(None)
            self.damage_notice.show_damage(self.vault, exc, "listing the conversations")
            return
        self._chats_loaded(current)

    def _chats_loaded(self, current: int | None) -> None:
        """After the chat list's rows changed: reselect the open chat, the status line, the badges."""
        self.search_page.set_conversations(self.chat_model.rows)
        if current is not None:
            row = self.chat_model.row_of(current)
            if row is not None:
                self.chat_list.setCurrentIndex(self.chat_proxy.mapFromSource(self.chat_model.index(row)))
        n = len(self.chat_model.rows)
        self.statusBar().showMessage(timefmt.grouped(self.tr("%n conversation(s)", None, n), n))
        self._count_fresh()
        self.chat_compliance.refresh()

    def _count_fresh(self) -> None:
        self.read_markers.refresh_counts()      # the unread badges, counted off the UI thread

    def _chat_selected(self, current, _previous=None) -> None:
        conv = current.data(ConversationRole) if current.isValid() else None
        if conv is None or (self.current_conv and self.current_conv["id"] == conv["id"]):
            return
        self.open_conversation(conv)

    def open_conversation(self, conv: dict[str, Any], around: dict[str, Any] | None = None) -> None:
        self.current_conv = conv
        self._update_title()
        self.damage_notice.clear()
        self.messages.open(conv["id"], conv["kind"] == "group", around)
        self.gallery.set_conversation(conv)

    def _update_title(self) -> None:
        conv = self.current_conv
        self.files_button.setVisible(conv is not None)
        if conv is None:
            self.conv_title.setText("")
            return
        extra = f"  ({conv['members']:,})" if conv["kind"] == "group" and conv.get("members") else ""
        held = self.chat_compliance.held_text(conv["id"])
        self.conv_title.setText(f"{conv['display']}{extra}" + (f"  · {held}" if held else ""))

    def open_message(self, conversation_id: int, message_id: int) -> None:
        """Open a conversation scrolled to a message, highlighted, with its context around it."""
        if self.store is None or self.moments.show_message(conversation_id, message_id):
            return
        if self.favorites_page.open_item(self.conn, conversation_id, message_id):   # a favorite: on its page
            return
        msg = self.store.message(message_id)
        row = self.chat_model.row_of(conversation_id)
        if msg is None or row is None:
            return
        self.show_page(PAGE_CHATS)
        conv = self.chat_model.rows[row]
        self.current_conv = None
        self.chat_list.selectionModel().blockSignals(True)
        self.chat_list.setCurrentIndex(self.chat_proxy.mapFromSource(self.chat_model.index(row)))
        self.chat_list.selectionModel().blockSignals(False)
        self.open_conversation(conv, around=msg)
        self.messages.setFocus()

    def open_chat(self, conversation_id: int) -> None:
        """Show a conversation in the chat list and open it (from another page's list of chats)."""
        row = self.chat_model.row_of(conversation_id)
        if row is not None:
            self.show_page(PAGE_CHATS)
            self.chat_list.setCurrentIndex(self.chat_proxy.mapFromSource(self.chat_model.index(row)))

    def show_page(self, page: int, refresh: bool = True) -> None:
        if self.vault is None and page != PAGE_LOCKED:
            return
        self.stack.setCurrentIndex(page)
        if page in self.nav_buttons:
            self.nav_buttons[page].setChecked(True)
        if page == PAGE_SEARCH:
            self.search_page.focus()
        elif page == PAGE_GALLERY:
            self.gallery.refresh()
        elif page == PAGE_PROTECTION:
            self.protection.refresh()
        elif page == PAGE_MOMENTS:
            self.moments.refresh()
        elif page == PAGE_FAVORITES and refresh:
            self.favorites_page.refresh()

    def jump_to_date(self) -> None:
        if self.current_conv is None:
            return
        dlg = JumpToDateDialog(self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.show_page(PAGE_CHATS)
            self.messages.jump_to_date(dlg.timestamp_ms())

    def open_image(self, msg: dict[str, Any]) -> None:
        from chatvault.gui.dialogs.image_viewer import ImageViewer

        if self.vault is None or self.conn is None:
            return
        items = self.gallery.conversation_images(msg["conversation_id"])
        start = next((i for i, it in enumerate(items) if it["message_id"] == msg["id"]), None)
        if start is None:
            att = (msg.get("attachments") or [{}])[0]
            self.statusBar().showMessage(self.tr("This photo is not in the vault: %1").replace(
                "%1", self.messages.delegate.missing_reason(att, msg["kind"])), 8000)
            return
        ImageViewer(self.vault, items, start, self).show()

    # --- import --------------------------------------------------------------------------
    def import_dialog(self, folder: bool = False) -> None:
        self.imports.choose(folder=folder)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        from chatvault.gui.drop_overlay import DropOverlay

        if event.mimeData().hasUrls() and self.vault is not None:
            event.acceptProposedAction()
            DropOverlay.over(self).cover()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        from chatvault.gui.drop_overlay import DropOverlay

        DropOverlay.over(self).hide()

    def dropEvent(self, event) -> None:  # noqa: N802
        from chatvault.gui.drop_overlay import DropOverlay

        DropOverlay.over(self).hide()
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.imports.start_many(paths)      # every dropped export, as one job

    def import_finished(self) -> None:
        if self.conn is not None:
            self.reload_chats()
            if self.current_conv:
                row = self.chat_model.row_of(self.current_conv["id"])
                if row is not None:
                    self.open_conversation(self.chat_model.rows[row])
            self.search_page.refresh_filters()
            self.gallery.refresh()

    # --- lock ----------------------------------------------------------------------------
    def lock(self) -> None:
        """Close every connection, wipe the key, and empty every view, then ask to unlock."""
        if self.vault is None:
            return
        if self.imports is not None:
            self.imports.on_lock()        # stops the import; closes its dialog (keys, previews)
        self._lock_shell()
        self.exporter.stop()
        self.search_page.clear()
        self.gallery.clear()
        self.moments.clear()
        self.protection.clear()
        self.compliance.set_vault(None)
        self.favorites_page.clear()
        self.chat_compliance.clear()
        self.messages.clear()
        self.damage_notice.clear()
        self.chat_model.load(None)
        self.filter_box.clear()
        self.current_conv = None
        self._update_title()
        QPixmapCache.clear()
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - lock must always complete
                pass
        self.conn = None
        self.store = None
        # Background reads and a cancelled import hold connections of their own: closing those under a
        # running query can crash SQLite, so let them end first (an import stops at its next check).
        wait_for_pool(5000)
        self.vault.lock()
        self.vault = None
        self.idle.timer.stop()
        self.stack.setCurrentIndex(PAGE_LOCKED)
        self.statusBar().clearMessage()
        self.tray.set_locked(True)
        log.info("vault locked")
        self.locked.emit()
        if self.isVisible():
            QTimer.singleShot(0, self.show_unlock)

    def show_unlock(self) -> None:
        from chatvault.gui.dialogs.unlock import UnlockDialog

        if self.vault is not None:
            return
        if self.unlock_dialog is not None and self.unlock_dialog.isVisible():
            self.unlock_dialog.raise_()
            return
        dialog = UnlockDialog(self.vault_path, self)
        dialog.accepted.connect(lambda d=dialog: self.on_unlocked(d.vault))
        self.unlock_dialog = dialog
        dialog.open()

    def on_unlocked(self, vault: Vault | None) -> None:
        if vault is None:
            return
        self._connect_vault(vault)
        self.idle.set_minutes(prefs.get("idle_lock_minutes"))
        self.tray.set_locked(False)
        self.show_page(PAGE_CHATS)
        self.refresh_health()
        self.unlocked.emit()

    # --- the shell: unread badges, live refresh, vault switching, the welcome panel ------
    def _build_shell(self) -> None:
        from chatvault.gui.live_refresh import LiveRefresh
        from chatvault.gui.read_markers import ReadMarkers
        from chatvault.gui.vault_switcher import VaultSwitcher
        from chatvault.gui.views.empty_state import EmptyState

        self.read_markers = ReadMarkers(self)
        self.live_refresh = LiveRefresh(self)
        self.protection.job_changed.connect(
            lambda: self.show_backup_progress() or (self.protection.job is None and self.refresh_health()))
        self.vault_switcher = VaultSwitcher(self)       # File → Open another vault…, Recent vaults
        self.empty_state = EmptyState(self)             # the welcome panel of a vault without chats

    def _lock_shell(self) -> None:
        """Before lock: write what was read (the pool is drained after), then forget the session."""
        self.live_refresh.stop()
        self.read_markers.flush()
        self.read_markers.forget()

    def _watch_vault(self, vault: Vault) -> None:
        """A vault was connected: follow its changes, and list it first among the recent vaults."""
        from chatvault.gui import recent_vaults

        recent_vaults.remember(vault.path)
        if self.conn is not None:
            self.live_refresh.start(vault)

    # --- health and tray -----------------------------------------------------------------
    def refresh_health(self) -> None:
        if self.vault is None:
            return
        level, text = self.protection.overall_health()
        if not self.show_backup_progress():
            self.banner.show_level(level, text, self.tr("Back up now") if "backup" in self.protection.last_cause
                                   else self.tr("Open protection"))
        self.tray.set_health(level, text, self.protection.last_cause)

    def show_backup_progress(self) -> bool:
        """While this window runs a backup the banner shows its progress, not the health it is fixing."""
        page = self.protection
        if self.vault is None or page.job is None or page.job[0] != "backup":
            return False
        p = page.job_progress
        self.banner.show_progress(page.backup_progress_text(), p.fraction if p is not None else None,
                                  self.tr("Show progress"))
        return True

    def banner_action(self) -> None:
        self.show_page(PAGE_PROTECTION)
        if "backup" in self.protection.last_cause and self.protection.job is None:
            self.protection.backup_now()

    # --- settings, help ------------------------------------------------------------------
    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from chatvault import __version__

        QMessageBox.about(self, self.tr("About ChatVault"), self.tr(
            "ChatVault %1\nKeep your chat histories safe for good: an encrypted, searchable archive.")
            .replace("%1", __version__))

    # --- window state --------------------------------------------------------------------
    def _restore_state(self) -> None:
        s = prefs.settings()
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        split = s.value("window/splitter")
        if split is not None:
            self.split.restoreState(split)

    def save_state(self) -> None:
        s = prefs.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.split.saveState())
        s.sync()

    def quit(self) -> None:
        self._quitting = True
        self.close()
        QApplication.instance().quit()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.tray.available() and not getattr(self, "_quitting", False) and self.vault is not None \
                and self.protection.keeps_running():
            # Watch folders and scheduled backups keep running; the tray menu has "Open ChatVault".
            self.save_state()
            self.hide()
            self.tray.notify_hidden_once()
            event.ignore()
            return
        self.save_state()
        if self.imports is not None and self.imports.busy():
            self.imports.cancel()
        self.exporter.stop()
        self.protection.clear()
        self.idle.stop()
        self.tray.hide()
        if self.vault is not None:
            self._lock_shell()
            self.search_page.clear()
            self.gallery.clear()
            self.favorites_page.clear()
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            self.store = None
            self.messages.clear()
            self.chat_model.load(None)
            wait_for_pool(5000)      # as in lock(): no connection is closed under a running query
            self.convo.temp.wipe()   # decrypted files opened in other apps
            self.vault.lock()
            self.vault = None
        super().closeEvent(event)
