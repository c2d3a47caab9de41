"""The key of Signal Desktop's database, from `config.json` and what the user supplies.

`config.json` holds either `key` (64 hex digits, older installs) or `encryptedKey`: the same key
encrypted with Electron's safeStorage, whose secret lives in the operating system's keychain. ChatVault
never reads a keychain or another program's memory: the user looks the secret up and types it in
(docs/import.md gives the commands). Chromium's safeStorage formats (public; read in Chromium's
`os_crypt` and in signal-export, never copied):

- Linux: `v11` + AES-128-CBC, key = PBKDF2-HMAC-SHA1(secret, "saltysalt", 1 iteration, 16 bytes),
  IV = 16 spaces; `v10` is the same with the fixed secret "peanuts" (no keyring was available).
- macOS: `v10` + the same, with 1003 iterations and the "Signal Safe Storage" keychain password.
- Windows: `v10` + 12-byte nonce + AES-256-GCM ciphertext and tag; the 32-byte key is the one DPAPI
  protects in `Local State` (`os_crypt.encrypted_key`), which the user unprotects and gives as hex or base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chatvault.errors import InputError, WrongSecret

KEY_FIELD = "signal_key"
SECRET_FIELD = "signal_safe_storage"
KEY_PROBLEM = "The Signal database key is 64 hexadecimal digits (the `\"key\"` value in config.json)."
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_LINUX_FALLBACK = "peanuts"


def parse_key(value: str) -> str | None:
    """64 hex digits (also as `x'…'` or `0x…`), lower case; None when it is not that."""
    s = str(value).strip().replace(" ", "")
    if s.lower().startswith("x'") and s.endswith("'"):
        s = s[2:-1]
    s = s.removeprefix("0x").removeprefix("0X")
    return s.lower() if _HEX64.match(s) else None


def check_key(value: str) -> str | None:
    return None if parse_key(value) else KEY_PROBLEM


@dataclass(frozen=True)
class Config:
    key: str | None                 # plain key
    encrypted: bytes | None         # encryptedKey, decoded from hex
    backend: str | None             # safeStorageBackend (Linux), for messages
    path: Path


def read_config(path: Path) -> Config:
    try:
        if path.stat().st_size > 1_000_000:
            raise InputError(f"{path.name} is too large to be Signal's config.json.", location=str(path))
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputError(f"Cannot read Signal's {path.name}: {exc}.", location=str(path),
                         hint="Copy the whole Signal folder again, or give the database key itself.") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path.name} is not Signal's config file.", location=str(path))
    enc = None
    if isinstance(data.get("encryptedKey"), str):
        try:
            enc = bytes.fromhex(data["encryptedKey"])
        except ValueError:
            enc = None
    key = parse_key(data["key"]) if isinstance(data.get("key"), str) else None
    backend = data.get("safeStorageBackend") if isinstance(data.get("safeStorageBackend"), str) else None
    return Config(key, enc, backend, path)


def _cbc(blob: bytes, secret: bytes, iterations: int) -> str | None:
    body = blob[3:]
    if not body or len(body) % 16:
        return None
    key = hashlib.pbkdf2_hmac("sha1", secret, b"saltysalt", iterations, 16)
    dec = Cipher(algorithms.AES(key), modes.CBC(b" " * 16)).decryptor()
    plain = dec.update(body) + dec.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        return None
    return parse_key(plain[:-pad].decode("ascii", "replace"))


def _raw32(secret: str) -> bytes | None:
    s = secret.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", s):
        return bytes.fromhex(s)
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def _gcm(blob: bytes, key: bytes) -> str | None:
    if len(blob) < 3 + 12 + 16:
        return None
    try:
        plain = AESGCM(key).decrypt(blob[3:15], blob[15:], None)
    except InvalidTag:
        return None
    return parse_key(plain.decode("ascii", "replace"))


def unwrap(blob: bytes, secret: str | None) -> tuple[str | None, str]:
    """(the database key or None, which form opened it). Tries every OS form the secret can fit."""
    prefix = blob[:3]
    if secret:
        raw = _raw32(secret)
        if raw is not None and prefix == b"v10":
            key = _gcm(blob, raw)
            if key:
                return key, "windows"
        for iterations, form in ((1003, "macos"), (1, "linux")):
            key = _cbc(blob, secret.strip().encode("utf-8"), iterations)
            if key:
                return key, form
        return None, ""
    if prefix == b"v10":
        key = _cbc(blob, _LINUX_FALLBACK.encode(), 1)
        if key:
            return key, "linux-basic"
    return None, ""


def database_key(cfg: Config | None, given_key: str | None, secret: str | None, where: Path) -> tuple[str, str]:
    """(64-hex key, the field it came from). Raises for a missing or wrong secret, naming the file."""
    if given_key:
        key = parse_key(given_key)
        if key is None:
            raise InputError(KEY_PROBLEM, location=str(where), field=KEY_FIELD)
        return key, KEY_FIELD
    if cfg is not None and cfg.key:
        return cfg.key, KEY_FIELD
    if cfg is not None and cfg.encrypted:
        key, _form = unwrap(cfg.encrypted, secret)
        if key:
            return key, SECRET_FIELD
        if secret:
            raise WrongSecret(
                f"The Safe Storage secret does not decrypt the database key in {cfg.path.name}: it is not this "
                "computer's Signal secret, or it was copied incompletely.",
                location=str(cfg.path), field=SECRET_FIELD, hint=SECRET_HINT)
        raise InputError(f"Signal's database key in {cfg.path.name} is encrypted by the operating system "
                         "(encryptedKey); ChatVault needs the \"Signal Safe Storage\" secret to read it.",
                         location=str(cfg.path), field=SECRET_FIELD, hint=SECRET_HINT)
    raise InputError(f"There is no config.json beside {where.name} and no database key was given.",
                     location=str(where), field=KEY_FIELD,
                     hint="Import the whole Signal folder (with config.json), or give the database key.")


SECRET_HINT = ("Linux: secret-tool lookup application Signal (GNOME) or kwallet-query kdewallet -f \"Chromium "
               "Keys\" -r \"Chromium Safe Storage\" (KDE); macOS: security find-generic-password -ws \"Signal "
               "Safe Storage\"; Windows: unprotect os_crypt.encrypted_key of Signal's Local State with DPAPI "
               "(docs/import.md shows the PowerShell lines) and give the 32 bytes as hex.")
