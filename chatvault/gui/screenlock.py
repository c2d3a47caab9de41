"""Lock when the desktop session's screen locks (KeePassXC's default `LockDatabaseScreenLock=true`).

Listens for `ActiveChanged(bool)` from the freedesktop and GNOME screen savers on the session bus
(KDE, GNOME, Xfce, Cinnamon and MATE emit one of them). Where there is no session bus (Windows,
macOS, a bare X server) nothing is connected and `available` is False; the idle lock still works.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

_SOURCES = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


class ScreenLockWatcher(QObject):
    screen_locked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available = False
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        for path, iface in _SOURCES:
            # "1" is what Qt's SLOT() macro prepends to a slot signature.
            if bus.connect("", path, iface, "ActiveChanged", self, "1on_active_changed(bool)"):
                self.available = True
        log.info("screen-lock watcher %s", "active" if self.available else "unavailable")

    @Slot(bool)
    def on_active_changed(self, active: bool) -> None:
        if active:
            self.screen_locked.emit()
