"""The context every long job receives.

The worker calls `check()` in its loops (raising `Cancelled` when the user asked to stop) and
`advance()` as it goes. Progress lands in a lock-protected snapshot that any front end pulls
(`snapshot()`); the worker never pushes to a UI. Cancel is a flag and a normal outcome.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from chatvault.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    items_done: int = 0
    items_total: int | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    status: str = ""
    elapsed: float = 0.0
    rate_items: float | None = None  # items per second over the recent window
    rate_bytes: float | None = None  # bytes per second over the same window
    eta_seconds: float | None = None  # only once there are ~5 s of samples
    cancelled: bool = False

    @property
    def fraction(self) -> float | None:
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.items_total:
            return min(1.0, self.items_done / self.items_total)
        return None


class JobContext:
    """Cancellation flag + progress counters shared between a worker and its observers."""

    ETA_MIN_SECONDS = 5.0

    def __init__(self, on_checkpoint: Callable[[dict], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._p = Progress()
        self._start = time.monotonic()
        self._samples: deque[tuple[float, int, int]] = deque(maxlen=64)
        self._on_checkpoint = on_checkpoint

    # --- control -----------------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `Cancelled` if the user asked to stop. Call this often from loops."""
        if self._cancel.is_set():
            raise Cancelled()

    # --- progress ----------------------------------------------------------------------
    def set_total(self, items: int | None = None, bytes_: int | None = None) -> None:
        with self._lock:
            self._p = replace(self._p, items_total=items, bytes_total=bytes_)

    def advance(self, items: int = 0, bytes_: int = 0) -> None:
        with self._lock:
            self._p = replace(self._p, items_done=self._p.items_done + items, bytes_done=self._p.bytes_done + bytes_)

    def set_position(self, items: int | None = None, bytes_: int | None = None) -> None:
        with self._lock:
            p = self._p
            self._p = replace(
                p,
                items_done=p.items_done if items is None else items,
                bytes_done=p.bytes_done if bytes_ is None else bytes_,
            )

    def status(self, text: str) -> None:
        with self._lock:
            self._p = replace(self._p, status=text)

    def checkpoint(self, state: dict) -> None:
        if self._on_checkpoint:
            self._on_checkpoint(state)

    def snapshot(self) -> Progress:
        now = time.monotonic()
        with self._lock:
            p = self._p
            self._samples.append((now, p.items_done, p.bytes_done))
            first = self._samples[0]
        elapsed = now - self._start
        rate_items = rate_bytes = eta = None
        span = now - first[0]
        if span > 0.5:
            rate_items = (p.items_done - first[1]) / span
            rate_bytes = (p.bytes_done - first[2]) / span
            if elapsed >= self.ETA_MIN_SECONDS:
                if p.bytes_total and rate_bytes > 0:
                    eta = max(0.0, (p.bytes_total - p.bytes_done) / rate_bytes)
                elif p.items_total and rate_items > 0:
                    eta = max(0.0, (p.items_total - p.items_done) / rate_items)
        return replace(p, elapsed=elapsed, rate_items=rate_items, rate_bytes=rate_bytes, eta_seconds=eta,
                       cancelled=self.cancelled)
