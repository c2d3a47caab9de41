"""One progress renderer and one Ctrl-C policy for every long CLI command.

A command wraps its work in `with cancellable(ctx) as jobs:` and each step in
`with jobs.stage("label", unit="messages") as job:`, passing `job` (a `JobContext`) to the core.

- Progress: the job's snapshot is pulled every `INTERVAL` seconds and drawn as one line on a
  terminal's stderr, or, with `--json`, written to stderr as one JSON object per line
  (`{"type": "progress", ...}`, docs/cli.md) so stdout keeps its single result object.
  Without a terminal and without `--json` nothing is drawn.
- Cancel: the first Ctrl-C (SIGINT, or SIGTERM from a service manager) sets the job's cancel flag;
  the core stops at its next `check()`, keeps what it committed, and the command reports what was
  done and exits `EXIT_CANCELLED`. A second one quits at once (`os._exit`): the vault is crash-safe
  (every write is a transaction or a temp file renamed into place), so nothing committed is lost.

Hand-written rather than rich/tqdm: neither is in the environment, a line plus a JSON writer is
~150 lines here, and `chatvault --help` stays free of the import cost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from chatvault.errors import EXIT_CANCELLED
from chatvault.jobs.context import JobContext, Progress

INTERVAL = 0.2          # ~5 lines a second, like restic's status
BAR = 24


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def line(p: Progress, label: str, unit: str = "messages") -> str:
    """The text progress line: label, bar and percent, count, bytes, rates, ETA, current step."""
    parts = [label]
    frac = p.fraction
    if frac is not None:
        filled = int(frac * BAR)
        parts.append(f"[{'#' * filled}{'.' * (BAR - filled)}] {frac * 100:5.1f}%")
    if p.items_done or p.items_total:
        parts.append(f"{p.items_done:,} {unit}" + (f" of {p.items_total:,}" if p.items_total else ""))
    if p.bytes_total:
        parts.append(f"{human_bytes(p.bytes_done)}/{human_bytes(p.bytes_total)}")
    elif p.bytes_done:
        parts.append(human_bytes(p.bytes_done))
    if p.rate_items:
        parts.append(f"{p.rate_items:,.0f}/s")
    if p.rate_bytes and not (p.items_done or p.items_total):
        parts.append(f"{human_bytes(p.rate_bytes)}/s")
    if p.eta_seconds is not None:
        m, s = divmod(int(p.eta_seconds), 60)
        parts.append(f"ETA {m}:{s:02d}")
    if p.cancelled:
        parts.append("stopping...")
    elif p.status and p.status != label:
        parts.append(p.status)
    return "  ".join(parts)


def _num(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def progress_json(p: Progress, command: str, label: str) -> dict[str, Any]:
    """One `--json` status object (docs/cli.md, "Progress lines"); fields are only ever added."""
    frac = p.fraction
    return {"type": "progress", "command": command, "stage": label, "done": p.items_done, "total": p.items_total,
            "bytes": p.bytes_done, "bytes_total": p.bytes_total,
            "percent": None if frac is None else round(frac * 100, 1),
            "rate": _num(p.rate_items), "bytes_rate": _num(p.rate_bytes, 0), "eta_s": _num(p.eta_seconds),
            "elapsed_s": _num(p.elapsed, 2), "status": p.status, "cancelled": p.cancelled}


class Renderer:
    """Draws one job's progress on `out` every INTERVAL seconds from a daemon thread."""

    def __init__(self, job: JobContext, label: str, unit: str, mode: str | None, command: str,
                 out: TextIO | None = None) -> None:
        self.job, self.label, self.unit, self.mode, self.command = job, label, unit, mode, command
        self.out = out or sys.stderr
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="chatvault-progress")
        self._width = 0
        self._lines = 0

    def _draw(self) -> None:
        p = self.job.snapshot()
        if self.mode == "json":
            self.out.write(json.dumps(progress_json(p, self.command, self.label), ensure_ascii=False) + "\n")
            self._lines += 1
        else:
            cols = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            text = line(p, self.label, self.unit)[:cols]
            self.out.write("\r" + text.ljust(self._width))
            self._width = len(text)
        self.out.flush()

    def _loop(self) -> None:
        while not self._stop.wait(INTERVAL):
            try:
                self._draw()
            except (OSError, ValueError):       # stderr closed (a pipe reader went away): stop drawing
                return

    def clear(self) -> None:
        """Wipe the text line so a message can be printed on a clean line."""
        if self.mode == "text" and self._width:
            self.out.write("\r" + " " * self._width + "\r")
            self.out.flush()
            self._width = 0

    def __enter__(self) -> Renderer:
        if self.mode:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.mode:
            return
        self._stop.set()
        self._thread.join()
        try:
            if self.mode == "json" and self._lines:
                self._draw()                 # the last line carries the final counts
            self.clear()
        except (OSError, ValueError):
            pass


class Jobs:
    """The command's jobs under one Ctrl-C policy (see the module docstring)."""

    def __init__(self, mode: str | None, command: str) -> None:
        self.mode, self.command = mode, command
        self.cancelled = False
        self.job: JobContext | None = None
        self._renderer: Renderer | None = None
        self._previous: dict[int, Any] = {}

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.cancelled:
            try:
                if self._renderer:
                    self._renderer.clear()
                sys.stderr.write("\nchatvault: stopped at once. What was committed stays; "
                                 "run the command again to finish.\n")
                sys.stderr.flush()
            finally:
                os._exit(EXIT_CANCELLED)
        self.cancelled = True
        if self.job is not None:
            self.job.cancel()
        try:
            if self._renderer:
                self._renderer.clear()
            sys.stderr.write("chatvault: stopping after the current step (press Ctrl-C again to quit at once)...\n")
            sys.stderr.flush()
        except (OSError, ValueError, RuntimeError):    # stderr gone or mid-write: the flag is what matters
            pass

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return                             # called from a thread (a test harness): no signals here
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._on_signal)

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    @contextmanager
    def stage(self, label: str, unit: str = "items") -> Iterator[JobContext]:
        """A fresh JobContext (already cancelled if Ctrl-C came earlier) with its progress drawn."""
        job = JobContext()
        if self.cancelled:
            job.cancel()
        self.job = job
        with Renderer(job, label, unit, self.mode, self.command) as r:
            self._renderer = r
            try:
                yield job
            finally:
                self._renderer = None


def render_mode(json_mode: bool, stream: TextIO | None = None) -> str | None:
    """"json" with --json, "text" on a terminal, else None (nothing drawn)."""
    if json_mode:
        return "json"
    stream = stream or sys.stderr
    try:
        return "text" if stream.isatty() else None
    except (AttributeError, ValueError):
        return None


@contextmanager
def cancellable(ctx: Any) -> Iterator[Jobs]:
    """Ctrl-C/SIGTERM cancel the command's current job for the duration of the block."""
    jobs = Jobs(render_mode(bool(getattr(ctx, "json", False))), getattr(ctx, "command", "") or "")
    jobs.install()
    try:
        yield jobs
    finally:
        jobs.restore()
