"""The tray icon: its colour and tooltip say what the health banner says; notifications escalate like
Backblaze (once, then after 7, 14 and 30 days for the same cause), never hourly. Errors stay until
dismissed; successes are quiet and can be turned off. Without a tray (GNOME), nothing hides in it."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from chatvault.gui import prefs, theme

ESCALATION_DAYS = (0, 7, 14, 30)


class Tray(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.level = "green"
        self.icon: QSystemTrayIcon | None = None
        self.notified: list[tuple[str, str]] = []  # (title, text) shown, for tests and the log
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(theme.app_icon("green"), self)
            self.menu = QMenu()
            self.act_open = QAction(self.menu)
            self.act_open.triggered.connect(self.show_window)
            self.act_backup = QAction(self.menu)
            self.act_backup.triggered.connect(lambda: self.window.protection.backup_now())
            self.act_lock = QAction(self.menu)
            self.act_lock.triggered.connect(self.window.lock)
            self.act_quit = QAction(self.menu)
            self.act_quit.triggered.connect(self.window.quit)
            for a in (self.act_open, self.act_backup, self.act_lock, self.act_quit):
                self.menu.addAction(a)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(lambda reason: self.show_window()
                                        if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
            self.retranslate()
            self.icon.show()

    def available(self) -> bool:
        return self.icon is not None

    def retranslate(self) -> None:
        if self.icon is None:
            return
        self.act_open.setText(self.tr("Open ChatVault"))
        self.act_backup.setText(self.tr("Back up now"))
        self.act_lock.setText(self.tr("Lock"))
        self.act_quit.setText(self.tr("Quit"))

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def set_locked(self, locked: bool) -> None:
        if self.icon is not None:
            self.icon.setToolTip(self.tr("ChatVault is locked") if locked else "ChatVault")

    def set_health(self, level: str, text: str, cause: str) -> None:
        previous, self.level = self.level, level
        if self.icon is not None:
            self.icon.setIcon(theme.app_icon(level))
            self.icon.setToolTip("ChatVault\n" + text)
        if level == "green":
            prefs.settings().remove("notify")
            if previous != "green" and prefs.get("notify_success"):
                self._show(self.tr("ChatVault"), text or self.tr("Your archive is protected again."), error=False)
            return
        if self._should_notify(cause, level):
            self._show(self.tr("ChatVault needs attention"), text, error=True)

    def _should_notify(self, cause: str, level: str) -> bool:
        """Once per cause and level, then on the escalation days since it started."""
        s = prefs.settings()
        key = f"notify/{cause or 'health'}"
        first = s.value(f"{key}/first")
        sent = int(s.value(f"{key}/sent", 0) or 0)
        last_level = s.value(f"{key}/level")
        now = time.time()
        if first is None or last_level != level:
            s.setValue(f"{key}/first", now if first is None else first)
            s.setValue(f"{key}/sent", 1)
            s.setValue(f"{key}/level", level)
            return True
        days = (now - float(first)) / 86400
        if sent < len(ESCALATION_DAYS) and days >= ESCALATION_DAYS[sent]:
            s.setValue(f"{key}/sent", sent + 1)
            return True
        return False

    def _show(self, title: str, text: str, *, error: bool) -> None:
        self.notified.append((title, text))
        if self.icon is not None:
            icon = QSystemTrayIcon.MessageIcon.Warning if error else QSystemTrayIcon.MessageIcon.Information
            # Errors stay until dismissed where the platform allows (0 = no timeout); successes fade.
            self.icon.showMessage(title, text, icon, 0 if error else 5000)

    def notify_hidden_once(self) -> None:
        if prefs.settings().value("tray/hinted") is None:
            prefs.put("tray/hinted", 1)
            self._show("ChatVault", self.tr("ChatVault keeps watching your folders and backing up. Use the tray icon "
                                            "to open it, or Quit from its menu."), error=False)

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
