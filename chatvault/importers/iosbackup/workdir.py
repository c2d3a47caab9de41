"""A private folder for the decrypted databases of one read of a backup, wiped when it closes.

SQLite opens a database by path, so Manifest.db, ChatStorage.sqlite and sms.db are decrypted into
files: in a fresh 0700 folder under ChatVault's own data folder (or `$CHATVAULT_TMPDIR`), each file
0600, and on close every file is overwritten with zeros before it is removed (the plaintext of an
encrypted backup should not linger in free disk blocks any longer than the import needs it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

_ZEROS = b"\x00" * (1 << 20)


class WorkDir:
    def __init__(self, prefix: str = "iosbackup-") -> None:
        parent = os.environ.get("CHATVAULT_TMPDIR")
        if parent is None:
            from chatvault.paths import data_dir

            parent = str(data_dir() / "tmp")
        Path(parent).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        os.chmod(self.path, 0o700)
        self._n = 0
        self._conns: list[sqlite3.Connection] = []

    def new_file(self, name: str) -> Path:
        """A path for a new private file, under its own name in a folder of its own (messages that name
        the file then name it as the user knows it); the caller creates it 0600 with O_EXCL."""
        self._n += 1
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-80:] or "file"
        folder = self.path / str(self._n)
        folder.mkdir(mode=0o700)
        return folder / safe

    def track(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        self._conns.append(conn)
        return conn

    def close(self) -> None:
        for conn in self._conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._conns.clear()
        for p in sorted(self.path.rglob("*")):
            if p.is_file() and not p.is_symlink():
                _wipe(p)
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> WorkDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros (best effort), then remove it."""
    try:
        size = path.stat().st_size
        with open(path, "r+b", buffering=0) as fh:
            done = 0
            while done < size:
                n = fh.write(_ZEROS[:min(len(_ZEROS), size - done)]) or 0
                if not n:
                    break
                done += n
            os.fsync(fh.fileno())
    except OSError:
        pass
    try:
        path.unlink()
    except OSError:
        pass
