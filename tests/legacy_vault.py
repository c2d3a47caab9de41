"""Vaults as versions before header format 2 wrote them: a version-1 header (no checksum, MAC or
passphrase rule, no vault.json.bak), the key wrapped under the passphrase exactly as typed, and a
format-1 recovery key. Built from a real vault by re-wrapping its master key."""

from __future__ import annotations

import json
import os
from pathlib import Path

from chatvault.vault import keys, recovery
from chatvault.vault.header import BACKUP_NAME, DB_FIELDS, HEADER_NAME, MEDIA_FIELDS, Header, Slot, b64
from chatvault.vault.kdf import KdfParams
from chatvault.vault.vault import create_vault


def v1_header_bytes(header: Header) -> bytes:
    """What `Header.to_bytes` wrote in format 1."""
    data = {
        "format": "chatvault-vault",
        "version": 1,
        "vault_id": header.vault_id,
        "created": header.created,
        "kdf": {"alg": header.kdf.alg, "m_kib": header.kdf.m_kib, "t": header.kdf.t, "p": header.kdf.p,
                "salt": b64(header.kdf.salt)},
        "slots": {name: {"alg": "aes-256-gcm", "nonce": b64(s.nonce), "ct": b64(s.ct)}
                  for name, s in sorted(header.slots.items())},
        "db": dict(DB_FIELDS),
        "media": dict(MEDIA_FIELDS),
    }
    return (json.dumps(data, indent=2) + "\n").encode()


def make_legacy_vault(path: Path, raw_passphrase: str) -> str:
    """A locked version-1 vault whose key is wrapped under `raw_passphrase` byte for byte. Returns
    its format-1 recovery key."""
    v, _ = create_vault(path, "scaffolding passphrase for a legacy vault")
    master = bytearray(v._master or b"")
    header = v.header
    v.lock()
    kdf = KdfParams.new()
    legacy = Header(header.vault_id, header.created, kdf, version=1, passphrase_norm=None)
    legacy.slots["passphrase"] = Slot(*keys.wrap(kdf.derive(raw_passphrase), master, legacy.aad("passphrase")))
    rk_raw = os.urandom(recovery.RAW_BYTES)
    rkek = keys.derive(rk_raw, keys.LABEL_RECOVERY_KEK, bytes.fromhex(header.vault_id))
    legacy.slots["recovery"] = Slot(*keys.wrap(rkek, master, legacy.aad("recovery")))
    (path / HEADER_NAME).write_bytes(v1_header_bytes(legacy))
    (path / BACKUP_NAME).unlink()
    keys.wipe(master)
    return recovery.encode(rk_raw, fmt=1)
