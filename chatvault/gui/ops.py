"""Running work off the UI thread: one shared pool for the whole GUI.

An `Op` runs `fn(ctx)` on the shared QThreadPool with a fresh `JobContext`, polls `ctx.snapshot()`
every 100 ms on the UI thread (the worker never touches Qt), and delivers the result, the error or the
cancellation through signals. Results are dropped when the op's owner has been deleted.

A worker never emits on an object its owner may be deleting at that moment (PySide then crashes
the process): it hands its result to `post()`, whose one process-wide courier is never deleted and
calls the receiver on the UI thread only if the receiver still exists.

A `TaskGroup` puts small fire-and-forget tasks (thumbnail decoding, search queries) on the same pool
and can be drained before a lock: tasks still queued then do nothing, running ones are waited for.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from chatvault.errors import Cancelled
from chatvault.jobs.context import JobContext, Progress

log = logging.getLogger(__name__)
POLL_MS = 100
POOL_THREADS = 4      # long jobs (import, backup) must not starve searches and thumbnails


class _Courier(QObject):
    """Carries `(receiver, fn, args)` from a worker to the UI thread (queued: it lives there)."""

    carry = Signal(object, object, object)

    def __init__(self) -> None:
        super().__init__()
        self.carry.connect(self._deliver)

    @staticmethod
    def _deliver(receiver: QObject, fn: Callable[..., Any], args: tuple) -> None:
        if shiboken6.isValid(receiver):
            fn(*args)


_courier: _Courier | None = None


def courier() -> _Courier:
    """The courier, made on first use — from the UI thread, before any worker can need it."""
    global _courier
    if _courier is None:
        _courier = _Courier()
    return _courier


def post(receiver: QObject, fn: Callable[..., Any], *args: Any) -> None:
    """From a worker thread: run `fn(*args)` on the UI thread if `receiver` is still alive then."""
    assert _courier is not None, "ops.courier() is made on the UI thread when the first task starts"
    _courier.carry.emit(receiver, fn, args)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], ctx: JobContext, op: Op) -> None:
        super().__init__()
        self.fn, self.ctx, self.op = fn, ctx, op
        self.setAutoDelete(True)

    def run(self) -> None:
        result = error = None
        cancelled = False
        try:
            result = self.fn(self.ctx)
        except Cancelled:
            cancelled = True
        except Exception as exc:  # noqa: BLE001 - every failure must reach the UI, not kill the thread
            log.error("background job failed:\n%s", traceback.format_exc())
            error = exc
        post(self.op, self.op._done, result, error, cancelled)   # dropped if the op went with its owner


class Op(QObject):
    """One background job. Connect to the signals, then `start()`."""

    progress = Signal(object)   # Progress
    finished = Signal(object)   # the result
    failed = Signal(object)     # the exception
    cancelled = Signal()
    ended = Signal()            # after any of the three above

    _pool: QThreadPool | None = None

    def __init__(self, fn: Callable[[JobContext], Any], parent: QObject | None = None,
                 ctx: JobContext | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.ctx = ctx or JobContext()
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @classmethod
    def pool(cls) -> QThreadPool:
        if cls._pool is None:
            cls._pool = QThreadPool()
            cls._pool.setMaxThreadCount(POOL_THREADS)
        return cls._pool

    def start(self, priority: int = 0) -> Op:
        self.running = True
        self._timer.start()
        courier()
        self.pool().start(_Runnable(self.fn, self.ctx, self), priority)
        return self

    def cancel(self) -> None:
        self.ctx.cancel()

    def snapshot(self) -> Progress:
        """The job's progress, its status line in the app's language (the core says it in English)."""
        from chatvault.gui.i18n import core_text

        snap = self.ctx.snapshot()
        return replace(snap, status=core_text(snap.status)) if snap.status else snap

    def _poll(self) -> None:
        self.progress.emit(self.snapshot())

    def _done(self, result: Any, error: Any, was_cancelled: bool) -> None:
        self._timer.stop()
        self.running = False
        self.progress.emit(self.snapshot())
        if was_cancelled:
            self.cancelled.emit()
        elif error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
        self.ended.emit()


class _Task(QRunnable):
    def __init__(self, group: TaskGroup, gen: int, fn: Callable[[], None], priority: int) -> None:
        super().__init__()
        self.group, self.gen, self.fn, self.priority = group, gen, fn, priority
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            if self.group._enter(self.gen):
                try:
                    self.fn()
                except Exception:  # noqa: BLE001 - a task reports through its own signals; never kill the thread
                    log.error("background task failed:\n%s", traceback.format_exc())
                finally:
                    self.group._leave()
        finally:
            self.group._next()


class TaskGroup:
    """Small tasks one owner runs on the shared pool (higher `priority` runs first), at most
    `max_running` at once: the rest wait in the group, so a burst of thumbnails cannot take every
    thread (or both cores) from the UI and the jobs."""

    def __init__(self, max_running: int = 2) -> None:
        self._cond = threading.Condition()
        self._gen = 0
        self._running = 0           # tasks inside `fn`
        self._placed = 0            # tasks handed to the pool and not finished
        self._max = max_running
        self._waiting: deque[_Task] = deque()

    def start(self, fn: Callable[[], None], priority: int = 0) -> None:
        courier()                 # tasks report through `post`
        with self._cond:
            task = _Task(self, self._gen, fn, priority)
            if self._placed >= self._max:
                self._waiting.append(task)
                return
            self._placed += 1
        Op.pool().start(task, priority)

    def _enter(self, gen: int) -> bool:
        with self._cond:
            if gen != self._gen:
                return False
            self._running += 1
            return True

    def _leave(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def _next(self) -> None:
        """A task ended: hand the next waiting one to the pool."""
        with self._cond:
            self._placed -= 1
            task = self._waiting.popleft() if self._waiting and self._placed < self._max else None
            if task is not None:
                self._placed += 1
        if task is not None:
            Op.pool().start(task, task.priority)

    def drain(self, msecs: int = 5000) -> bool:
        """Drop the waiting tasks and wait for the running ones; False if they outlast `msecs`."""
        with self._cond:
            self._gen += 1
            self._waiting.clear()
            return self._cond.wait_for(lambda: self._running == 0, msecs / 1000)


def wait_for_pool(msecs: int = 5000) -> bool:
    return Op.pool().waitForDone(msecs)
