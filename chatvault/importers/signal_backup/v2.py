"""Signal's new folder-style backup ("backup v2", `SignalBackups/`): recognised, not read.

Signal Android's newer local backups are a folder: `SignalBackups/` with `snapshot-<time>/` folders
(each holding `main` and `metadata`) and a shared `files/` store, encrypted with a key from the
64-character recovery key (account entropy pool). No public tool reads them yet, and neither does
ChatVault: it recognises them so the user gets a clear answer instead of "unknown format".
"""

from __future__ import annotations

from pathlib import Path

from chatvault.errors import InputError


def _snapshot(path: Path) -> bool:
    return (path / "main").is_file() and (path / "metadata").is_file()


def find(path: Path) -> Path | None:
    """The v2 backup folder `path` is (or is inside), or None."""
    try:
        if path.is_file() and path.name in ("main", "metadata") and _snapshot(path.parent):
            return path.parent
        if path.is_dir():
            if _snapshot(path) and path.name.startswith("snapshot-"):
                return path
            if any(_snapshot(p) for p in path.glob("snapshot-*")):
                return path
    except OSError:
        return None
    return None


def refuse(path: Path) -> InputError:
    return InputError(
        f"{path.name} is a Signal backup of the new folder kind (\"backup v2\", with snapshot folders and a "
        "files store). ChatVault cannot read this kind yet, and no public tool can.",
        location=str(path),
        hint="On the phone, make a classic backup file instead if your Signal version still offers it "
             "(Settings > Chats > Chat backups gives a signal-….backup file), or import Signal Desktop's "
             "folder, which holds the same chats from the day it was linked.")
