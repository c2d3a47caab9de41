"""Named fault points for crash and I/O-error tests.

Production code calls `faults.hit("import.after_commit")` at the places where a crash matters.
In tests, `CHATVAULT_FAULT="name:n:action"` makes the n-th hit of `name` either kill the process
with SIGKILL (`kill`) or raise an `OSError` (`oserror`, `enospc`). Several faults may be given,
separated by commas. Without the variable, `hit` costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal

_spec: dict[str, tuple[int, str]] | None = None
_counts: dict[str, int] = {}


def _load() -> dict[str, tuple[int, str]]:
    global _spec
    if _spec is None:
        _spec = {}
        raw = os.environ.get("CHATVAULT_FAULT", "")
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
    if not spec or name not in spec:
        return
    _counts[name] = _counts.get(name, 0) + 1
    n, action = spec[name]
    if _counts[name] != n:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "enospc":
        raise OSError(errno.ENOSPC, f"No space left on device (injected at {name})")
    else:
        raise OSError(errno.EIO, f"Input/output error (injected at {name})")
