"""The vault header `vault.json`: format version, KDF parameters, salts and the wrapped master key.

Every wrap's AAD binds the vault id, the slot name and (for the passphrase slot) the KDF
parameters, so a wrapped key cannot be moved between slots or vaults, and a header whose
parameters were altered fails to unlock instead of silently weakening.

Version 2 adds three things (docs/vault-format.md):
- `checksum`: SHA-256 of the canonical header, checked before any key derivation, so a damaged
  header reads as "header damaged", not as "wrong passphrase";
- `mac`: HMAC-SHA256 of the canonical header under a key derived from the master key, checked after
  the unwrap, so an edit that also fixed the checksum is noticed;
- `passphrase_norm` and the recovery slot's `key_format`: which passphrase normalisation and which
  recovery-key check the wraps were made with.
A version-1 header (no such fields) still opens, and is rewritten as version 2 after an unlock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatvault.errors import VaultFormatError
from chatvault.vault.kdf import KdfParams
from chatvault.vault.passphrase import NORM_ID
from chatvault.vault.recovery import FORMATS as RECOVERY_FORMATS

HEADER_NAME = "vault.json"
BACKUP_NAME = "vault.json.bak"
FORMAT_NAME = "chatvault-vault"
FORMAT_VERSION = 2
MAX_HEADER_BYTES = 64 * 1024
# What the `db` and `media` fields must say: the header binds them (checksum and MAC), and a value
# other than these is an edit, never something this version could act on.
DB_FIELDS = {"file": "vault.db", "cipher": "sqlcipher4-rawkey", "key": "hkdf-sha256:chatvault/db/v1"}
MEDIA_FIELDS = {"dir": "media", "key": "hkdf-sha256:chatvault/media/v1"}
_NEXT_STEP = ("Nothing was changed. Restore vault.json from a backup of this vault (`chatvault restore` "
              "puts a whole vault in a new folder; its vault.json fits this one if no passphrase change "
              "happened since); the data files vault.db and media/ are not affected.")


class HeaderDamaged(VaultFormatError):
    """vault.json cannot be trusted: not JSON, a checksum or MAC mismatch, a missing or edited field."""

    code = "header_damaged"


class _Damage(ValueError):
    """A short description of what is wrong; `Header.parse` says which file and what to do."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise _Damage(f"the field {what} is not valid base64") from exc


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass
class Slot:
    nonce: bytes
    ct: bytes
    key_format: int | None = None    # recovery slot: the recovery key's check (recovery.py)
    kdf: KdfParams | None = None     # officer slot: its own key derivation (a passphrase change keeps it)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alg": "aes-256-gcm", "nonce": b64(self.nonce), "ct": b64(self.ct)}
        if self.key_format is not None:
            out["key_format"] = self.key_format
        if self.kdf is not None:
            out["kdf"] = _kdf_json(self.kdf)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], name: str) -> Slot:
        if data.get("alg") != "aes-256-gcm":
            raise _Damage(f"the {name} slot names an unknown cipher ({str(data.get('alg'))[:40]!r})")
        fmt = data.get("key_format")
        if fmt is not None and fmt not in RECOVERY_FORMATS:
            raise _Damage(f"the {name} slot names an unknown recovery-key format ({str(fmt)[:20]})")
        kdf = None
        if data.get("kdf") is not None:
            k = data["kdf"]
            kdf = KdfParams(str(k["alg"]), int(k["m_kib"]), int(k["t"]), int(k["p"]), unb64(k["salt"], f"slots.{name}.kdf"))
        return cls(unb64(data["nonce"], f"slots.{name}.nonce"), unb64(data["ct"], f"slots.{name}.ct"), fmt, kdf)


def _kdf_json(kdf: KdfParams) -> dict[str, Any]:
    return {"alg": kdf.alg, "m_kib": kdf.m_kib, "t": kdf.t, "p": kdf.p, "salt": b64(kdf.salt)}


@dataclass
class Header:
    vault_id: str
    created: str
    kdf: KdfParams
    slots: dict[str, Slot] = field(default_factory=dict)
    version: int = FORMAT_VERSION
    passphrase_norm: str | None = NORM_ID   # None: a version-1 header (the passphrase as typed)
    mac: bytes | None = None                # as read; None for a version-1 header
    mac_body: bytes = b""                   # the canonical bytes the MAC covers, as read
    source: str = HEADER_NAME               # the file it was read from
    damage: str | None = None               # why vault.json was not used (read from the copy)

    @property
    def recovery_format(self) -> int:
        slot = self.slots.get("recovery")
        return slot.key_format if slot is not None and slot.key_format is not None else 1

    @property
    def legacy(self) -> bool:
        return self.version < 2 or self.passphrase_norm is None

    def aad(self, slot: str, kdf: KdfParams | None = None) -> bytes:
        """What a slot's wrapped key is bound to; `kdf` is the officer slot's own derivation."""
        bound: dict[str, Any] = {"format": FORMAT_NAME, "vault_id": self.vault_id, "slot": slot}
        if slot == "passphrase":
            bound["kdf"] = {"alg": self.kdf.alg, "m": self.kdf.m_kib, "t": self.kdf.t, "p": self.kdf.p,
                            "salt": b64(self.kdf.salt)}
        elif kdf is not None:
            bound["kdf"] = {"alg": kdf.alg, "m": kdf.m_kib, "t": kdf.t, "p": kdf.p, "salt": b64(kdf.salt)}
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode()

    def body(self) -> dict[str, Any]:
        recovery = self.slots.get("recovery")
        if recovery is not None and recovery.key_format is None:
            recovery.key_format = 1          # a version-1 header's key: say so from now on
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "created": self.created,
            "passphrase_norm": self.passphrase_norm or NORM_ID,
            "kdf": {"alg": self.kdf.alg, "m_kib": self.kdf.m_kib, "t": self.kdf.t, "p": self.kdf.p,
                    "salt": b64(self.kdf.salt)},
            "slots": {name: slot.to_json() for name, slot in sorted(self.slots.items())},
            "db": dict(DB_FIELDS),
            "media": dict(MEDIA_FIELDS),
        }

    def to_bytes(self, mac_key: bytes) -> bytes:
        """Version 2 on disk: the body, its MAC, and the checksum over both."""
        data = self.body()
        data["mac"] = "hmac-sha256:" + hmac.new(mac_key, canonical(data), hashlib.sha256).hexdigest()
        data["checksum"] = "sha256:" + hashlib.sha256(canonical(data)).hexdigest()
        return (json.dumps(data, indent=2) + "\n").encode()

    def mac_ok(self, mac_key: bytes) -> bool:
        """True if the MAC matches (or the header is version 1 and has none)."""
        if self.mac is None:
            return self.version < 2
        return hmac.compare_digest(hmac.new(mac_key, self.mac_body, hashlib.sha256).digest(), self.mac)

    @classmethod
    def parse(cls, raw: bytes, where: str = HEADER_NAME) -> Header:
        try:
            return cls._parse(raw, where)
        except _Damage as exc:
            raise HeaderDamaged(f"{where} is damaged: {exc}.", hint=_NEXT_STEP) from exc

    @classmethod
    def _parse(cls, raw: bytes, where: str) -> Header:
        if len(raw) > MAX_HEADER_BYTES:
            raise _Damage(f"it is {len(raw):,} bytes, too large to be a vault header")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _Damage("it is not valid JSON (cut short, or bytes changed)") from exc
        if not isinstance(data, dict):
            raise _Damage("it is not a JSON object")
        stored_sum = data.pop("checksum", None)
        if stored_sum is not None:
            if stored_sum != "sha256:" + hashlib.sha256(canonical(data)).hexdigest():
                raise _Damage("its checksum does not match its contents (bytes were changed after "
                              "ChatVault wrote it)")
        if data.get("format") != FORMAT_NAME:
            raise _Damage("it is not a ChatVault vault header (its format field is wrong)")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _Damage("its format version is not valid")
        if version > FORMAT_VERSION:
            raise VaultFormatError(
                f"This vault was written by a newer ChatVault (vault format {version}); this version "
                f"reads formats up to {FORMAT_VERSION}.",
                hint="Update ChatVault to open it. Nothing was changed.",
            )
        if version >= 2 and stored_sum is None:
            raise _Damage("its checksum is missing")
        header = cls._fields(data, version)
        header.kdf.validate()
        if "passphrase" not in header.slots:
            raise _Damage("it has no passphrase slot")
        header.source = where
        return header

    @classmethod
    def _fields(cls, data: dict[str, Any], version: int) -> Header:
        for name, want in (("db", DB_FIELDS), ("media", MEDIA_FIELDS)):
            got = data.get(name)
            if got is None and version < 2:
                continue
            if not isinstance(got, dict):
                raise _Damage(f"the field {name} is missing")
            for key, value in want.items():
                if got.get(key) != value:
                    raise _Damage(
                        f"the field {name}.{key} says {str(got.get(key))[:60]!r} where ChatVault wrote "
                        f"{value!r} (the header was edited)")
        try:
            k = data["kdf"]
            kdf = KdfParams(str(k["alg"]), int(k["m_kib"]), int(k["t"]), int(k["p"]), unb64(k["salt"], "kdf.salt"))
            slots = {str(name): Slot.from_json(s, str(name)) for name, s in data["slots"].items()}
            vault_id = str(data["vault_id"])
            bytes.fromhex(vault_id)
            if len(vault_id) != 32:
                raise ValueError("vault_id is not 32 hex digits")
            header = cls(vault_id, str(data.get("created", "")), kdf, slots, version, passphrase_norm=None)
        except _Damage:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Damage(f"a required field is missing or malformed ({exc})") from exc
        if version >= 2:
            norm = data.get("passphrase_norm")
            if norm != NORM_ID:
                raise VaultFormatError(
                    f"The vault header names a passphrase rule this version does not know ({str(norm)[:40]!r}).",
                    hint="Update ChatVault to open it. Nothing was changed.")
            mac = data.pop("mac", None)
            if not isinstance(mac, str) or not mac.startswith("hmac-sha256:"):
                raise _Damage("its authentication code (mac) is missing")
            try:
                header.mac = bytes.fromhex(mac.split(":", 1)[1])
            except ValueError as exc:
                raise _Damage("its authentication code (mac) is malformed") from exc
            header.passphrase_norm = norm
            header.mac_body = canonical(data)
        return header

    @classmethod
    def load(cls, folder: Path) -> Header:
        """Read vault.json; if it is damaged, read the verified copy vault.json.bak instead (the
        caller repairs vault.json after a successful unlock, see vault.py)."""
        path, copy = folder / HEADER_NAME, folder / BACKUP_NAME
        try:
            raw: bytes | None = path.read_bytes()
        except FileNotFoundError:
            raw = None
        if raw is None and not copy.exists():
            from chatvault.errors import VaultNotFound

            raise VaultNotFound(
                f"No ChatVault vault in {folder} (no {HEADER_NAME}).",
                hint="Create one with `chatvault init`, or pass the right folder with --vault.",
            )
        try:
            if raw is None:
                raise HeaderDamaged(f"{path} is missing but its copy {BACKUP_NAME} is there.", hint=_NEXT_STEP)
            return cls.parse(raw, str(path))
        except HeaderDamaged as exc:
            backup = _read_copy(copy)
            if backup is None:
                missing = "is missing" if not copy.exists() else "is damaged too"
                raise HeaderDamaged(exc.message, hint=f"The copy {BACKUP_NAME} {missing}. {_NEXT_STEP}") from exc
            backup.damage = exc.message
            return backup


def _read_copy(copy: Path) -> Header | None:
    try:
        return Header.parse(copy.read_bytes(), str(copy))
    except (OSError, VaultFormatError):
        return None
