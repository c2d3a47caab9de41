"""Master key, purpose keys (HKDF with one label per purpose) and AEAD key wrapping."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# One label per purpose: a key derived for one use can never be confused with another's.
LABEL_DB = b"chatvault/db/v1"
LABEL_MEDIA = b"chatvault/media/v1"
LABEL_MEDIA_ID = b"chatvault/media-id/v1"
LABEL_BACKUP = b"chatvault/backup/v1"
LABEL_BACKUP_ID = b"chatvault/backup-id/v1"
LABEL_RECOVERY_KEK = b"chatvault/recovery-kek/v1"
LABEL_SEARCH = b"chatvault/search/v1"
LABEL_HEADER_MAC = b"chatvault/header-mac/v1"


def new_master_key() -> bytearray:
    return bytearray(os.urandom(32))


def derive(master: bytes | bytearray, label: bytes, salt: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=label).derive(bytes(master))


def wrap(kek: bytes, secret: bytes | bytearray, aad: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(12)
    return nonce, AESGCM(kek).encrypt(nonce, bytes(secret), aad)


def unwrap(kek: bytes, nonce: bytes, ct: bytes, aad: bytes) -> bytearray | None:
    """Return the wrapped secret, or None if the key is wrong or anything was altered."""
    try:
        return bytearray(AESGCM(kek).decrypt(nonce, ct, aad))
    except InvalidTag:
        return None


def wipe(buf: bytearray | None) -> None:
    """Overwrite a key held in a bytearray. Python cannot promise no other copy exists."""
    if buf is not None:
        for i in range(len(buf)):
            buf[i] = 0
