"""The vault header `vault.json`: format version, KDF parameters, salts and the wrapped master key.

Every wrap's AAD binds the vault id, the slot name and (for the passphrase slot) the KDF
parameters, so a wrapped key cannot be moved between slots or vaults, and a header whose
parameters were altered fails to unlock instead of silently weakening.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatvault.errors import VaultFormatError
from chatvault.vault.kdf import KdfParams

HEADER_NAME = "vault.json"
FORMAT_NAME = "chatvault-vault"
FORMAT_VERSION = 1
MAX_HEADER_BYTES = 64 * 1024


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise VaultFormatError(f"The vault header's {what} is not valid base64.") from exc


@dataclass
class Slot:
    nonce: bytes
    ct: bytes

    def to_json(self) -> dict[str, str]:
        return {"alg": "aes-256-gcm", "nonce": b64(self.nonce), "ct": b64(self.ct)}

    @classmethod
    def from_json(cls, data: dict[str, Any], name: str) -> Slot:
        if data.get("alg") != "aes-256-gcm":
            raise VaultFormatError(f"The vault header's {name} slot uses an unknown cipher.")
        return cls(unb64(data["nonce"], f"{name} nonce"), unb64(data["ct"], f"{name} key"))


@dataclass
class Header:
    vault_id: str
    created: str
    kdf: KdfParams
    slots: dict[str, Slot] = field(default_factory=dict)
    version: int = FORMAT_VERSION

    def aad(self, slot: str) -> bytes:
        bound: dict[str, Any] = {"format": FORMAT_NAME, "vault_id": self.vault_id, "slot": slot}
        if slot == "passphrase":
            bound["kdf"] = {"alg": self.kdf.alg, "m": self.kdf.m_kib, "t": self.kdf.t, "p": self.kdf.p,
                            "salt": b64(self.kdf.salt)}
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode()

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT_NAME,
            "version": self.version,
            "vault_id": self.vault_id,
            "created": self.created,
            "kdf": {"alg": self.kdf.alg, "m_kib": self.kdf.m_kib, "t": self.kdf.t, "p": self.kdf.p,
                    "salt": b64(self.kdf.salt)},
            "slots": {name: slot.to_json() for name, slot in sorted(self.slots.items())},
            "db": {"file": "vault.db", "cipher": "sqlcipher4-rawkey", "key": "hkdf-sha256:chatvault/db/v1"},
            "media": {"dir": "media", "key": "hkdf-sha256:chatvault/media/v1"},
        }
        return (json.dumps(data, indent=2) + "\n").encode()

    @classmethod
    def parse(cls, raw: bytes, where: str = HEADER_NAME) -> Header:
        if len(raw) > MAX_HEADER_BYTES:
            raise VaultFormatError(f"{where} is too large to be a vault header.")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise VaultFormatError(
                f"{where} is damaged (not valid JSON).",
                hint="Restore vault.json from a backup of this vault; the data files are intact.",
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
            raise VaultFormatError(f"{where} is not a ChatVault vault header.")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise VaultFormatError(f"{where} has an invalid format version.")
        if version > FORMAT_VERSION:
            raise VaultFormatError(
                f"This vault was written by a newer ChatVault (vault format {version}); this version "
                f"reads formats up to {FORMAT_VERSION}.",
                hint="Update ChatVault to open it. Nothing was changed.",
            )
        try:
            k = data["kdf"]
            kdf = KdfParams(str(k["alg"]), int(k["m_kib"]), int(k["t"]), int(k["p"]), unb64(k["salt"], "salt"))
            slots = {name: Slot.from_json(s, name) for name, s in data["slots"].items()}
            header = cls(str(data["vault_id"]), str(data.get("created", "")), kdf, slots, version)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise VaultFormatError(f"{where} is missing a required field ({exc}).") from exc
        kdf.validate()
        if "passphrase" not in slots:
            raise VaultFormatError(f"{where} has no passphrase slot.")
        return header

    @classmethod
    def load(cls, folder: Path) -> Header:
        path = folder / HEADER_NAME
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            from chatvault.errors import VaultNotFound

            raise VaultNotFound(
                f"No ChatVault vault in {folder} (no {HEADER_NAME}).",
                hint="Create one with `chatvault init`, or pass the right folder with --vault.",
            ) from None
        return cls.parse(raw, str(path))
