"""Keys, keyed object names and the sealed snapshot manifest.

    K_backup = HKDF(MK, "chatvault/backup/v1")     AES-256-GCM key of every manifest
    K_id     = HKDF(MK, "chatvault/backup-id/v1")  HMAC-SHA256 key of extent names and blob MACs

An extent is stored under `HMAC-SHA256(K_id, bytes)`: the same bytes always get the same name (so
they are stored once), someone who can list the destination cannot test for known content, and
reading an object back and recomputing the MAC authenticates every byte of it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

import zstandard
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chatvault.errors import IntegrityError, WrongPassphrase, WrongRecoveryKey
from chatvault.vault import keys
from chatvault.vault.header import Header

MANIFEST_FORMAT = "chatvault-snapshot"
MANIFEST_VERSION = 2  # 2: extents and patches in packs (layout.SNAPSHOT_FORMAT); 1 still read
MAX_MANIFEST_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class BackupKeys:
    vault_id: str
    seal: bytes  # K_backup
    ident: bytes  # K_id
    db: bytes  # K_db, to check a restored database
    media: bytes  # K_media, to authenticate blobs (source check, `restore --check`)

    @classmethod
    def from_master(cls, master: bytes | bytearray, vault_id: str) -> BackupKeys:
        salt = bytes.fromhex(vault_id)
        return cls(vault_id, keys.derive(master, keys.LABEL_BACKUP, salt), keys.derive(master, keys.LABEL_BACKUP_ID, salt),
                   keys.derive(master, keys.LABEL_DB, salt), keys.derive(master, keys.LABEL_MEDIA, salt))

    def mac(self, data: bytes | memoryview) -> str:
        return hmac.new(self.ident, data, hashlib.sha256).hexdigest()

    def hasher(self) -> hmac.HMAC:
        return hmac.new(self.ident, digestmod=hashlib.sha256)


def keys_from_header(header: Header, *, passphrase: str | None = None, recovery_key: str | None = None) -> BackupKeys:
    """Unwrap the master key from a header copy kept in the backup (restore without the vault)."""
    from chatvault.vault.unlock import unwrap_passphrase, unwrap_recovery

    if recovery_key is not None:
        opened = unwrap_recovery(header, recovery_key)  # normalised and checked before any derivation
        if opened is None:
            raise WrongRecoveryKey("That recovery key does not open this backup's vault.",
                                   hint="Nothing was restored. Use the recovery key of the vault that was backed up.")
    else:
        if passphrase is None:
            raise WrongPassphrase("A passphrase is needed to restore.")
        opened = unwrap_passphrase(header, passphrase)  # every form the header's rule allows
        if opened is None:
            raise WrongPassphrase(
                "Wrong passphrase for this backup: nothing was restored.",
                hint="Use the passphrase the vault had when this snapshot was taken, or the recovery key "
                     "(--recovery-key-file).")
    master = opened.master
    try:
        return BackupKeys.from_master(master, header.vault_id)
    finally:
        keys.wipe(master)


def _aad(vault_id: str, snapshot_id: str) -> bytes:
    return f"chatvault-backup-manifest/v1\0{vault_id}\0{snapshot_id}".encode()


def seal_manifest(k: BackupKeys, snapshot_id: str, header_key: str, body: dict[str, Any]) -> bytes:
    plain = zstandard.ZstdCompressor(level=1).compress(json.dumps(body, separators=(",", ":")).encode())
    nonce = os.urandom(12)
    ct = AESGCM(k.seal).encrypt(nonce, plain, _aad(k.vault_id, snapshot_id))
    envelope = {
        "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "vault_id": k.vault_id, "id": snapshot_id,
        "header": header_key, "nonce": base64.b64encode(nonce).decode(), "ct": base64.b64encode(ct).decode(),
    }
    return json.dumps(envelope).encode()


def parse_envelope(raw: bytes, where: str) -> dict[str, Any]:
    try:
        env = json.loads(raw)
        if env.get("format") != MANIFEST_FORMAT or not isinstance(env.get("id"), str):
            raise ValueError("not a snapshot manifest")
        if int(env.get("version", 0)) > MANIFEST_VERSION:
            raise IntegrityError(f"{where} was written by a newer ChatVault.", hint="Update ChatVault to read it.")
        return env
    except (ValueError, TypeError, AttributeError) as exc:
        raise IntegrityError(f"The snapshot manifest {where} is damaged ({exc}).", location=where) from exc


def open_manifest(k: BackupKeys, env: dict[str, Any], where: str) -> dict[str, Any]:
    """Decrypt and authenticate a manifest; any change to it raises IntegrityError naming it."""
    if env.get("vault_id") != k.vault_id:
        raise IntegrityError(f"The snapshot {where} belongs to another vault.", location=where)
    try:
        nonce = base64.b64decode(env["nonce"])
        ct = base64.b64decode(env["ct"])
        plain = AESGCM(k.seal).decrypt(nonce, ct, _aad(k.vault_id, env["id"]))
        body = json.loads(zstandard.ZstdDecompressor().decompress(plain, max_output_size=MAX_MANIFEST_BYTES))
    except Exception as exc:  # noqa: BLE001 - every failure here means "not authentic"
        raise IntegrityError(f"The snapshot manifest {where} failed authentication (damaged or altered).",
                             location=where) from exc
    if body.get("id") != env["id"]:
        raise IntegrityError(f"The snapshot manifest {where} does not match its name.", location=where)
    return body
