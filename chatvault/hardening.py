"""Process hardening and logging set-up shared by the CLI and the desktop app.

Core dumps would write decrypted messages and keys to disk, so they are disabled. Logs go to a
rotating file in the platform log folder and never contain message text, file names, passphrases
or keys: code logs ids and counts only, and a filter scrubs anything that looks like a key.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

_KEYLIKE = re.compile(r"\b[0-9a-fA-F]{32,}\b|\b(?:[0-9A-Z]{5}-){7}[0-9A-Z]{5}\b")


# Environment variables a child process must not inherit: our secrets, and anything named like a
# credential (AWS_SECRET_ACCESS_KEY, *_TOKEN, *_PASSWORD, ...). The child gets its job over a pipe.
_SECRET_ENV = re.compile(r"PASSPHRASE|PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|RECOVERY_KEY|(^|_)KEY$|_KEY_ID$|"
                         r"^CHATVAULT_WECHAT_KEY$", re.IGNORECASE)


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment without secrets, for the processes we start (parse, thumbnails)."""
    env = dict(os.environ if base is None else base)
    return {k: v for k, v in env.items() if not _SECRET_ENV.search(k)}


def disable_core_dumps() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
        except OSError:
            pass


class RedactingFilter(logging.Filter):
    """Replace key-like strings (long hex, recovery keys) in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if _KEYLIKE.search(msg):
            record.msg = _KEYLIKE.sub("<redacted>", msg)
            record.args = ()
        return True


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that cannot be written (disk full, folder gone) loses the line: the default
    prints "--- Logging error ---" and a traceback on stderr, which the user reads as a crash."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


def setup_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Log to `log_dir/chatvault.log` (rotating, 0600). Returns the log file path."""
    from chatvault.paths import log_dir as default_log_dir

    folder = log_dir or default_log_dir()
    root = logging.getLogger("chatvault")
    root.setLevel(level)
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return folder / "chatvault.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "chatvault.log"
        handler = _QuietRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        os.chmod(path, 0o600)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    return path
