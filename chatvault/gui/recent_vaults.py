"""The vaults this user opened, most recent first, kept in the preferences (paths only: nothing
secret), and the test that a folder is a vault at all."""

from __future__ import annotations

from pathlib import Path

from chatvault.gui import prefs
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME

KEY = "recent_vaults"
MAX = 10


def is_vault(path: Path) -> bool:
    """A vault folder holds vault.json (or, damaged, only its copy vault.json.bak)."""
    return path.is_dir() and ((path / HEADER_NAME).is_file() or (path / BACKUP_NAME).is_file())


def _key(path: Path) -> str:
    return str(Path(path).expanduser().absolute())


def recent() -> list[Path]:
    raw = prefs.settings().value(KEY, [])
    if isinstance(raw, str):           # QSettings gives a lone string for a one-item list
        raw = [raw]
    return [Path(p) for p in (raw or []) if isinstance(p, str) and p]


def _store(paths: list[Path]) -> None:
    prefs.put(KEY, [str(p) for p in paths][:MAX])


def remember(path: Path) -> None:
    """`path` was just opened: first in the list."""
    key = _key(path)
    _store([Path(key)] + [p for p in recent() if _key(p) != key])


def forget(path: Path) -> None:
    key = _key(path)
    _store([p for p in recent() if _key(p) != key])


def clear() -> None:
    _store([])
