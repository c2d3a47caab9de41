"""Shared by tests/test_passwd_o1.py (RELIABILITY row 15) and bench/passwd_bench.py: build a vault of a
chosen size with the real Argon2id cost, time `chatvault passwd` on it in a separate process, hash
every file of the folder."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from chatvault import clock

MIB = 1 << 20


@contextmanager
def real_kdf():
    """Vaults created inside use the shipped Argon2id cost even under the test suite's fast-KDF setting."""
    from chatvault.vault.kdf import FAST_ENV

    saved = os.environ.pop(FAST_ENV, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[FAST_ENV] = saved


def build_vault(path: Path, passphrase: str, *, media_bytes: int, messages: int, blob_size: int = 8 * MIB,
                seed: int = 15) -> str:
    """Create a vault (real KDF) holding `messages` messages and `media_bytes` of media blobs of
    `blob_size` random bytes each. Returns the recovery key; the vault is left locked."""
    from chatvault.media.blobstore import BlobStore
    from chatvault.vault.vault import create_vault
    from tests.backup_fixtures import fill

    with real_kdf():
        vault, rk = create_vault(path, passphrase)
    try:
        if messages:
            fill(vault, messages=messages, blobs=0, seed=seed)
        r = random.Random(seed)
        store = BlobStore(vault)
        conn = vault.connect()
        try:
            left = media_bytes
            while left > 0:
                n = min(blob_size, left)
                b = store.put_bytes(r.randbytes(n))
                conn.execute("INSERT OR IGNORE INTO blobs(id, size, stored_size, created_at) VALUES (?, ?, ?, ?)",
                             (b.id, b.size, b.stored_size, clock.now_ms()))
                left -= n
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    finally:
        vault.lock()
    return rk


def tree_hashes(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                while chunk := fh.read(4 * MIB):
                    h.update(chunk)
            out[p.relative_to(folder).as_posix()] = h.hexdigest()
    return out


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def timed_passwd(vault: Path, old: str, new: str, state_dir: Path) -> float:
    """Wall time of `python -m chatvault passwd` (process start to exit); raises if it fails."""
    from chatvault.vault.kdf import FAST_ENV

    env = dict(os.environ, CHATVAULT_VAULT=str(vault), CHATVAULT_PASSPHRASE=old, CHATVAULT_NEW_PASSPHRASE=new,
               XDG_STATE_HOME=str(state_dir))
    env.pop(FAST_ENV, None)             # the new header gets the shipped Argon2id cost too
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "chatvault", "passwd", "--json"], env=env,
                          capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"passwd failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
