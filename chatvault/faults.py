"""Named fault points for crash and I/O-error tests.

Production code calls `faults.hit("import.after_commit")` at the places where a crash matters.
In tests, `CHATVAULT_FAULT="name:n:action"` makes the n-th hit of `name` either kill the process
with SIGKILL (`kill`), raise an `OSError` (`oserror`, `enospc`), or fill the disk from then on
(`fsize=BYTES`: no file can grow past BYTES any more, see `fill_disk`); `sleep=SECONDS` slows
every hit from the n-th on (a long job in a test, to cancel it mid-way). Several faults may be given,
separated by commas. Without the variable, `hit` costs an environment lookup and a comparison.
With `CHATVAULT_FAULT_TRACE=FILE` every hit appends its name to FILE (tests list the points a
command passes).
"""

from __future__ import annotations

import errno
import os
import signal
import time

_spec: dict[str, tuple[int, str]] | None = None
_raw: str | None = None
_trace: str | None = None      # CHATVAULT_FAULT_TRACE=FILE: every hit's name is appended (tests list the points)
_counts: dict[str, int] = {}


def _load() -> dict[str, tuple[int, str]]:
    """The parsed variable; re-read (and the counts restarted) whenever its value changes, so a
    test that sets and unsets it leaves nothing armed for the next one."""
    global _spec, _raw, _trace
    raw = os.environ.get("CHATVAULT_FAULT", "")
    if _spec is None or raw != _raw:
        _spec, _raw = {}, raw
        _trace = os.environ.get("CHATVAULT_FAULT_TRACE")
        _counts.clear()
        for item in filter(None, (p.strip() for p in raw.split(","))):
            name, n, action = item.split(":")
            _spec[name] = (int(n), action)
    return _spec


def reset() -> None:
    """Forget counts and re-read the environment (tests that set the variable in-process)."""
    global _spec
    _spec = None
    _counts.clear()


def hit(name: str) -> None:
    spec = _load()
    if _trace:
        with open(_trace, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")
    if not spec or name not in spec:
        return
    _counts[name] = _counts.get(name, 0) + 1
    n, action = spec[name]
    if action.startswith("sleep="):        # slow every hit from the n-th on (cancel tests land mid-way)
        if _counts[name] >= n:
            time.sleep(float(action[6:]))
        return
    if _counts[name] != n:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action.startswith("fsize="):
        fill_disk(int(action[6:]))
    elif action == "enospc":
        raise OSError(errno.ENOSPC, f"No space left on device (injected at {name})")
    else:
        raise OSError(errno.EIO, f"Input/output error (injected at {name})")


def fill_disk(limit: int) -> None:
    """Make this process's disk "full" from now on: no write may reach past `limit` bytes of any
    file (RLIMIT_FSIZE; SIGXFSZ ignored, so the write fails with EFBIG instead of killing us, and a
    write across the limit is cut short, as on a full disk). Works unprivileged, without a mount."""
    import resource

    try:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    except ValueError:  # not the main thread: the test's child process ignores SIGXFSZ itself
        pass
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
