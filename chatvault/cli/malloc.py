"""glibc allocator tuning for the CLI commands that move backup data (`backup`, `restore`).

Called once at the start of those commands, never from library code: `mallopt` changes the
allocator of the whole process, and the desktop app (which also runs backups, on a worker
thread) keeps glibc's defaults for its GUI.

Why it helps (measured with bench/backup_bench.py, peak RSS from /usr/bin/time -v):
- glibc gives each new thread its own malloc arena; with 16 upload threads moving MiB-sized
  buffers, that fragmentation alone cost ~80 MiB of RSS. Two arenas keep a backup near its
  working set (commit 5375bed).
- glibc raises its mmap threshold to the size of the largest block freed, after which 8 MiB packs
  come from the heap, fragment it and are not given back. A fixed 1 MiB threshold keeps every
  pack-sized buffer in its own mapping, returned on free: S3 first-run peak RSS 167 -> 127 MiB at
  scale 0.3 (commit 76c5860).
Both only lower memory use; elsewhere than glibc on Linux this does nothing.
"""

from __future__ import annotations

import sys

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
_tuned = False


def tune_for_backups() -> None:
    """At most two malloc arenas and a fixed 1 MiB mmap threshold, once per process."""
    global _tuned
    if _tuned or not sys.platform.startswith("linux"):
        return
    _tuned = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, 2)
        libc.mallopt(M_MMAP_THRESHOLD, 1024 * 1024)  # fixed: no dynamic raise
    except (OSError, AttributeError):
        pass
