"""One writer per vault: an OS file lock on `vault.lock`, released by the kernel if we die.

The lock file also records host, PID and start time so a refusal can say who holds it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from chatvault.errors import VaultInUse

LOCK_NAME = "vault.lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class WriterLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, purpose: str = "writing") -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            try:
                holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
            except (ValueError, OSError):
                holder = {}
            os.close(fd)
            who = f"PID {holder.get('pid', '?')} on {holder.get('host', '?')}"
            what = holder.get("purpose", "another task")
            raise VaultInUse(
                f"The vault is in use by {who} ({what}).",
                hint="Wait for it to finish or close the other ChatVault window, then try again.",
            )
        info = {"host": socket.gethostname(), "pid": os.getpid(), "started": time.time(), "purpose": purpose}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
