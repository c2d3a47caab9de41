"""Optional "remember the passphrase" in the OS credential store (Keychain, Credential Manager,
Secret Service) through `keyring`, like iMazing's "Remember Password". Off unless the user ticks it;
hidden where no real backend exists (the `fail` backend, or a plaintext one)."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)
SERVICE = "ChatVault"


def _backend():
    try:
        import keyring

        kr = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring set-up means "not available"
        return None
    name = type(kr).__module__ + "." + type(kr).__name__
    if getattr(kr, "priority", 0) <= 0 or "fail" in name or "PlaintextKeyring" in name:
        return None
    return kr


def available() -> bool:
    return _backend() is not None


def vault_id(path: Path) -> str | None:
    from chatvault.vault.header import Header

    try:
        return Header.load(path).vault_id
    except Exception:  # noqa: BLE001 - a missing or damaged header is reported by the unlock itself
        return None


def get(path: Path) -> str | None:
    kr, vid = _backend(), vault_id(path)
    if kr is None or vid is None:
        return None
    try:
        return kr.get_password(SERVICE, vid)
    except Exception as exc:  # noqa: BLE001 - the user declined, or the store is locked
        log.info("keyring read failed: %s", type(exc).__name__)
        return None


def put(path: Path, passphrase: str) -> bool:
    kr, vid = _backend(), vault_id(path)
    if kr is None or vid is None:
        return False
    try:
        kr.set_password(SERVICE, vid, passphrase)
        return True
    except Exception as exc:  # noqa: BLE001
        log.info("keyring write failed: %s", type(exc).__name__)
        return False


def forget(path: Path) -> None:
    kr, vid = _backend(), vault_id(path)
    if kr is None or vid is None:
        return
    try:
        kr.delete_password(SERVICE, vid)
    except Exception:  # noqa: BLE001 - nothing stored
        pass
