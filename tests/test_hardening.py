"""Core dumps off, logs without secrets."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path


def test_core_dumps_are_disabled_in_the_running_process() -> None:
    code = ("from chatvault.hardening import disable_core_dumps; disable_core_dumps(); import resource; "
            "print(resource.getrlimit(resource.RLIMIT_CORE))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(0, 0)"


def test_log_file_redacts_keys(tmp_path: Path) -> None:
    from chatvault.hardening import setup_logging

    root = logging.getLogger("chatvault")
    saved = list(root.handlers)
    for h in saved:  # an earlier test (the app start-up) may have set up the default log file
        root.removeHandler(h)
    path = setup_logging(tmp_path)
    assert path is not None
    log = logging.getLogger("chatvault.test")
    secret = "ab" * 32
    rk = "-".join(["7K3Q9"] * 8)
    log.warning("opened with key %s and recovery %s", secret, rk)
    for h in logging.getLogger("chatvault").handlers:
        h.flush()
    text = path.read_text()
    assert secret not in text and rk not in text
    assert "<redacted>" in text
    assert (path.stat().st_mode & 0o077) == 0
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    for h in saved:
        root.addHandler(h)
