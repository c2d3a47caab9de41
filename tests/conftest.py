"""Shared fixtures. Real SQLCipher files, real Argon2id at a test-only low cost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Real Argon2id, tiny cost: keeps hundreds of vault creations fast (borg does the same).
os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def vault(vault_path: Path):
    from chatvault.vault.vault import create_vault

    v, _rk = create_vault(vault_path, PASSPHRASE)
    yield v
    v.lock()


@pytest.fixture
def vault_and_key(vault_path: Path):
    from chatvault.vault.vault import create_vault

    v, rk = create_vault(vault_path, PASSPHRASE)
    yield v, rk
    v.lock()


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m chatvault ARGS` as a user would, in a separate process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "chatvault", *args],
        capture_output=True, text=True, env=full_env, input=input, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def dest(vault, tmp_path: Path):
    """A folder backup destination "usb" in the test's folder (the backup tests' default target)."""
    from tests.backup_fixtures import folder_destination

    return folder_destination(vault, tmp_path / "backup")
