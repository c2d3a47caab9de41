"""One injectable clock, so tests can move time without patching `time.time` everywhere."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def now(self) -> float:
        return time.time()

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock(Clock):
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: float) -> None:
        self._now = start
        self._mono = 0.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._mono += seconds


clock: Clock = Clock()


def now_ms() -> int:
    return int(clock.now() * 1000)


def iso_now() -> str:
    return clock.utcnow().isoformat(timespec="seconds").replace("+00:00", "Z")
