"""A consistent point-in-time image of the encrypted `vault.db`, read as the pages are on disk.

Why raw pages: SQLCipher gives every rewritten page a fresh random IV, so an unchanged page keeps
its exact bytes while a copy through a new connection (or the online backup API) would re-encrypt
every page and make every extent new. We read the ciphertext pages from the file itself.

Why it is consistent (SQLite WAL rules, `wal.c`):
1. A second connection takes the write lock (`BEGIN IMMEDIATE`), so nobody can commit.
2. A passive checkpoint copies every WAL frame into the database file; it must report
   `log == checkpointed` (an old reader can hold it back: then we release and retry).
3. Our reading connection starts a read transaction: its snapshot is the latest commit, and every
   page of it is now in the database file.
4. The writer lock is released. While our read transaction lasts, a checkpoint may not copy newer
   frames into the file (it cannot pass our read mark, and a reader on "read lock 0" blocks any
   back-fill), so the first `page_count` pages of the file stay exactly our snapshot.

POSIX locks: closing *any* descriptor of a file drops every fcntl lock this process holds on it,
including SQLite's own. So the raw descriptor is opened once per file and kept for the life of the
process (`_raw_fd`), never closed while SQLite connections may exist.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chatvault.errors import StorageError, VaultInUse
from chatvault.store.db import DatabaseError, classify, rollback
from chatvault.vault.vault import Vault

# 64 KiB per extent (16 pages of 4 KiB, 4 of 16 KiB): the smallest size allowed, which keeps the
# bytes re-stored after spread-out page changes lowest (bench/backup_bench.py measures 64 KiB
# against larger extents). Each snapshot records its page size and pages per extent.
EXTENT_BYTES = 64 * 1024

_fds: dict[tuple[int, int], int] = {}
_fds_lock = threading.Lock()


def _libc_mmap() -> tuple[object, object] | None:
    """libc's mmap/munmap. Python's mmap module duplicates the descriptor and closes the duplicate
    when the map is closed, which would drop SQLite's POSIX locks (see above); these do not."""
    if not sys.platform.startswith(("linux", "darwin")):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        mmap_, munmap = libc.mmap, libc.munmap
    except (OSError, AttributeError):
        return None
    mmap_.restype = ctypes.c_void_p
    mmap_.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int64]
    munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    munmap.restype = ctypes.c_int
    return mmap_, munmap


_MMAP = _libc_mmap()
PROT_READ, MAP_SHARED = 1, 1
READER_CACHE_KIB = 2048
TAIL_WINDOW = 16 * 1024 * 1024  # bytes of vault.db mapped at a time while reading page tails


def _raw_fd(path: Path) -> int:
    st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    with _fds_lock:
        fd = _fds.get(key)
        if fd is None:
            fd = os.open(path, os.O_RDONLY)
            _fds[key] = fd
        return fd


class DbSnapshot:
    """Holds a read transaction on vault.db; iterate `extents()` while it is open, then `close()`."""

    def __init__(self, vault: Vault, *, extent_pages: int | None = None, attempts: int = 50) -> None:
        self._closed = False
        self._reader = vault.connect()
        try:
            # this connection only counts rows (whole indexes, read once): a small page cache keeps
            # those pages from staying resident (the default cache is 64 MiB)
            self._reader.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            self._begin(vault, attempts)
            self.page_size = int(self._reader.execute("PRAGMA page_size").fetchone()[0])
            self.extent_pages = extent_pages or max(1, EXTENT_BYTES // self.page_size)
            self.pages = int(self._reader.execute("PRAGMA page_count").fetchone()[0])
            self._fd = _raw_fd(vault.db_path)
        except BaseException:
            self._reader.close()
            raise
        self.size = self.page_size * self.pages

    def _begin(self, vault: Vault, attempts: int) -> None:
        for _ in range(attempts):
            writer = vault.connect()
            try:
                try:
                    writer.execute("BEGIN IMMEDIATE")
                    busy, log, done = self._reader.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if busy == 0 and (log == done or log == -1):
                        self._reader.execute("BEGIN")
                        self._reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
                        return
                finally:
                    if writer.in_transaction:
                        rollback(writer)
                    writer.close()
            except DatabaseError as exc:
                raise classify(exc, "taking a snapshot of the database") from exc
            time.sleep(0.1)
        raise VaultInUse("Another reader kept an old view of the database, so no consistent snapshot could be taken.",
                         hint="Close long-running searches or exports and run the backup again.")

    def extents(self) -> Iterator[bytes]:
        """The database image as consecutive extents of `extent_pages` pages (the last may be shorter)."""
        step = self.extent_pages * self.page_size
        for i in range((self.size + step - 1) // step):
            yield self.read_extent(i)

    def read_extent(self, i: int) -> bytes:
        step = self.extent_pages * self.page_size
        pos = i * step
        n = min(step, self.size - pos)
        try:
            data = os.pread(self._fd, n, pos)
        except OSError as exc:
            raise StorageError(f"Cannot read vault.db at byte {pos}: {exc.strerror}.") from exc
        if len(data) != n:
            raise StorageError("vault.db is shorter than its page count says.", hint="Run `chatvault check`.")
        return data

    def read_page(self, n: int) -> bytes:
        """Page n (from 1) of the image as it is on disk."""
        return os.pread(self._fd, self.page_size, (n - 1) * self.page_size) if 1 <= n <= self.pages else b""

    def tails(self, n: int) -> bytes | None:
        """The last `n` (8) bytes of every page of the image, page after page, read through
        short-lived read-only mappings of the file: one cache line per page is touched instead of
        copying the whole database. The file is mapped a window at a time, because every page
        touched through a mapping counts in the process's resident size until it is unmapped.
        None where libc's mmap is not available."""
        if _MMAP is None or n != 8 or self.page_size % 8 or not self.size or self._closed:
            return None
        if os.fstat(self._fd).st_size < self.size:  # never map past the end (SIGBUS)
            return None
        mmap_, munmap = _MMAP
        per_page = self.page_size // 8
        window = max(self.page_size, TAIL_WINDOW // self.page_size * self.page_size)
        out = []
        for start in range(0, self.size, window):
            length = min(window, self.size - start)
            addr = mmap_(None, length, PROT_READ, MAP_SHARED, self._fd, start)  # type: ignore[operator]
            if addr is None or addr == ctypes.c_void_p(-1).value:
                return None
            try:
                view = memoryview((ctypes.c_char * length).from_address(addr)).cast("B").cast("Q")
                try:
                    out.append(view[per_page - 1::per_page].tobytes())
                finally:
                    view.release()
            finally:
                munmap(addr, length)  # type: ignore[operator]
        return b"".join(out)

    def connection(self) -> Any:
        """The connection holding the snapshot's read transaction: queries through it see exactly
        the image being backed up (row counts, naming damaged pages). One thread at a time, and
        only until `close()`."""
        return self._reader

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._reader.in_transaction:
                rollback(self._reader)
        finally:
            self._reader.close()

    def __enter__(self) -> DbSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
