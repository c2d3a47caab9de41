"""User preferences in QSettings (native storage per platform), with typed accessors."""

from __future__ import annotations

from PySide6.QtCore import QSettings

DEFAULTS = {
    "theme": "system",
    "language": "system",
    "font_size": 0,          # 0: the system size
    "idle_lock_minutes": 10,  # 0: never
    "lock_on_screen_lock": True,  # KeePassXC's default
    "notify_success": True,
}


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ChatVault", "ChatVault")


def get(key: str):
    default = DEFAULTS.get(key)
    value = settings().value(key, default)
    if isinstance(default, bool):
        return value in (True, "true", "1", 1)
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    return value


def put(key: str, value) -> None:
    s = settings()
    s.setValue(key, value)
    s.sync()
