"""What every backup operation shares: the vault's backup keys, the one-at-a-time lock and a
bounded thread pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from chatvault.backup.crypto import BackupKeys
from chatvault.errors import VaultInUse
from chatvault.fsutil import storage_error
from chatvault.vault import keys as vkeys
from chatvault.vault.lock import WriterLock
from chatvault.vault.vault import Vault

MAX_IN_FLIGHT = 64  # queued tasks: bounds memory to ~64 extents (4 MiB) plus workers x 16 MiB


def vault_keys(vault: Vault) -> BackupKeys:
    return BackupKeys(vault.vault_id, vault.derive_key(vkeys.LABEL_BACKUP), vault.derive_key(vkeys.LABEL_BACKUP_ID),
                      vault.derive_key(vkeys.LABEL_DB), vault.derive_key(vkeys.LABEL_MEDIA))


class BackupLock:
    """One backup/prune at a time per vault (an OS lock on `backup.lock`, released if we die)."""

    def __init__(self, vault_path: Path) -> None:
        self._lock = WriterLock(vault_path)
        self._lock.path = vault_path / "backup.lock"

    def __enter__(self) -> BackupLock:
        try:
            self._lock.acquire("backup")
        except VaultInUse as exc:
            raise VaultInUse("Another backup or prune of this vault is running.",
                             hint="Wait for it to finish, then try again.") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class Pool:
    """A bounded thread pool: at most MAX_IN_FLIGHT tasks queued, the first failure re-raised."""

    def __init__(self, workers: int) -> None:
        self.ex = ThreadPoolExecutor(workers, thread_name_prefix="backup")
        self.futures: set[Future] = set()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        while len(self.futures) >= MAX_IN_FLIGHT:
            done, self.futures = wait(self.futures, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()
        fut = self.ex.submit(fn, *args)
        self.futures.add(fut)
        return fut

    def drain(self) -> None:
        while self.futures:
            done, self.futures = wait(self.futures, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


def run_all(workers: int, fn: Callable[..., Any], jobs: Iterable[tuple[Any, ...]],
            check: Callable[[], None] | None = None) -> None:
    """`fn(*job)` for every job on a bounded pool of `workers` threads; the first failure re-raised."""
    pool = Pool(workers)
    try:
        for job in jobs:
            if check is not None:
                check()
            pool.submit(fn, *job)
        pool.drain()
    finally:
        pool.close()


def wrap(exc: BaseException, doing: str = "backing up") -> BaseException:
    """An OSError as the StorageError the history records; anything else as it is."""
    if isinstance(exc, OSError):
        return storage_error(exc, doing)
    return exc
