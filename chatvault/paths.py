"""Default locations (platformdirs): the vault, settings and logs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "ChatVault"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_vault_path() -> Path:
    env = os.environ.get("CHATVAULT_VAULT")
    return Path(env).expanduser() if env else data_dir() / "vault"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))
