"""RELIABILITY.md row 2: kill -9 of an import at 20 random moments; the vault stays whole each time
and finishing the import gives exactly the messages of one clean import, with no duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSPHRASE
from tests.test_ingest_crash import SCRIPT, N, export, state

KILLS = 20


def _start(vault_path: Path, path: Path) -> subprocess.Popen:
    env = dict(os.environ, CHATVAULT_IMPORT_BATCH="300", CHATVAULT_INSECURE_FAST_KDF="1")
    env.pop("CHATVAULT_FAULT", None)
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(vault_path), str(path), PASSPHRASE],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_random_time_kills_then_finish(vault, tmp_path: Path) -> None:
    path, photos = export(tmp_path)
    vault_path = vault.path
    vault.lock()
    # How long one clean run takes here (in a scratch vault), to spread the kills over it.
    from chatvault.vault.vault import create_vault

    scratch, _ = create_vault(tmp_path / "scratch", PASSPHRASE)
    scratch.lock()
    t0 = time.monotonic()
    proc = _start(scratch.path, path)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    span = time.monotonic() - t0
    rnd = random.Random(2)
    finished_early = 0
    for _ in range(KILLS):
        proc = _start(vault_path, path)
        time.sleep(rnd.uniform(0, span))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        rc = proc.wait(timeout=120)
        finished_early += rc == 0
        s = state(vault_path)   # asserts `check` passes and every blob row has its file
        assert s["dups"] == 0 and s["dangling"] == 0 and s["indexed"] == s["texts"]
        assert s["att"] == s["with_att"]
    proc = _start(vault_path, path)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    s = state(vault_path)
    assert s["messages"] == N and s["dups"] == 0 and s["stored"] == photos == s["att"]
    assert s["indexed"] == s["texts"] and s["unfinished"] == 0
    assert finished_early < KILLS  # the soak really interrupted imports
