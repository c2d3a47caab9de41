"""Crash-safe file writes: temp file, fsync, rename, fsync the directory."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from chatvault import faults
from chatvault.errors import DiskFull, StorageError


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def storage_error(exc: OSError, what: str) -> StorageError:
    """Turn an OSError from the environment into a message a user can act on."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull(f"The disk is full while {what}.", hint="Free some space, then run the same command again.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(f"Cannot write while {what}: {exc.strerror}.", hint="Check that the folder is writable.")
    return StorageError(f"An I/O error occurred while {what}: {exc.strerror or exc}.")


def atomic_write(
    path: Path,
    data: bytes,
    *,
    fault_prefix: str = "atomic_write",
    mode: int = 0o600,
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new content.

    `verify(tmp_path)` runs on the durable temp file before it replaces the old one; if it raises,
    the old file stays and the temp file is removed.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            faults.hit(f"{fault_prefix}.before_fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        if verify is not None:
            verify(tmp)
        faults.hit(f"{fault_prefix}.before_rename")
        os.replace(tmp, path)
        faults.hit(f"{fault_prefix}.before_dir_fsync")
        fsync_dir(path.parent)
    except BaseException as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if not isinstance(exc, OSError):
            raise
        raise storage_error(exc, f"writing {path.name}") from exc
