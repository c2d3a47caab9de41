"""The private folder decrypted attachments are written to when another app opens them (a PDF in the
PDF reader, a video in the video player) or the voice player plays them.

It lives in the user's runtime directory ($XDG_RUNTIME_DIR: memory-backed on Linux, owned by the user,
removed at logout) when there is one, else in the app's data directory; never in the shared system temp
dir (RELIABILITY.md, "Temp files"). The folder is 0700, each file 0600, and it is wiped when the vault
locks, when the app quits, and at exit; folders left by a crashed run (their process is gone) are removed
at the next start. A file another app still has open is unlinked all the same (the data stays only as
long as that app keeps it open), and on an SSD a deleted file is not erased: the runtime directory's
tmpfs is why it is preferred.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from chatvault.paths import data_dir

log = logging.getLogger(__name__)

PREFIX = "chatvault-open-"
_SAFE = re.compile(r"[^\w.\- ()\[\]@+,]+", re.UNICODE)


def runtime_base() -> Path:
    """$XDG_RUNTIME_DIR when it is a directory of this user's that only they can enter, else the app's
    data directory (not Qt's RuntimeLocation: without XDG_RUNTIME_DIR that is a folder under /tmp)."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isdir(xdg):
        st = os.stat(xdg)
        if not hasattr(os, "getuid") or (st.st_uid == os.getuid() and not st.st_mode & 0o077):
            return Path(xdg)
    return data_dir() / "open-files"


def safe_name(name: str | None, fallback: str = "attachment") -> str:
    """A file name safe to create: no folders, no control characters, not empty, at most 120 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE.sub("_", base).strip(" .") or fallback
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110] + dot + ext[:9]) if dot and len(ext) < 10 else base[:120]
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class MediaTemp:
    """The folder of this process: created on first use, wiped by `wipe()`."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base
        self._folder: Path | None = None
        self._n = 0
        self.wiped: list[Callable[[], None]] = []     # called before the files go (the player lets go)

    @property
    def folder(self) -> Path:
        if self._folder is None or not self._folder.is_dir():
            base = self.base or runtime_base()
            base.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._sweep(base)
            self._folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
            os.chmod(self._folder, 0o700)
        return self._folder

    @staticmethod
    def _sweep(base: Path) -> None:
        """Remove the folders of runs that ended without wiping theirs (a crash, a kill)."""
        for old in base.glob(PREFIX + "*"):
            try:
                pid = int(old.name[len(PREFIX):].split("-", 1)[0])
            except ValueError:
                continue
            if pid != os.getpid() and not _alive(pid):
                shutil.rmtree(old, ignore_errors=True)

    def path_for(self, name: str | None) -> Path:
        """A new, empty place for a file called `name` (each in its own subfolder: names never clash)."""
        self._n += 1
        sub = self.folder / str(self._n)
        sub.mkdir(mode=0o700)
        return sub / safe_name(name)

    def write(self, writer: Callable[[object], object], name: str | None) -> Path:
        """Create a 0600 file for `name` and let `writer(fileobj)` fill it; returns its path."""
        path = self.path_for(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            writer(out)
        return path

    def files(self) -> list[Path]:
        if self._folder is None or not self._folder.is_dir():
            return []
        return [p for p in self._folder.rglob("*") if p.is_file()]

    def wipe(self) -> None:
        """Delete every decrypted file (and the folder). Safe to call any number of times."""
        for fn in list(self.wiped):
            try:
                fn()
            except RuntimeError:              # its widget is gone (a closed window): nothing holds a file
                self.wiped.remove(fn)
            except Exception:  # noqa: BLE001 - wiping must complete
                log.exception("media temp: a release hook failed")
        folder, self._folder = self._folder, None
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            log.info("decrypted temporary files removed")


_instance: MediaTemp | None = None


def instance() -> MediaTemp:
    """The process's folder, wiped at exit too."""
    global _instance
    if _instance is None:
        _instance = MediaTemp()
        atexit.register(_instance.wipe)
    return _instance
