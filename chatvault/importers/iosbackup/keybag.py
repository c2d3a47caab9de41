"""The backup keybag of an encrypted Finder/iTunes backup (`BackupKeyBag` in Manifest.plist).

Format (iOS 10.2 and later; read from Apple's public security guide and the projects that read
backups, e.g. iphone-dataprotection): a run of TLV blocks, each a 4-byte tag, a 4-byte big-endian
length and the value. The first `UUID` names the keybag; every later `UUID` starts a class key
(`CLAS` protection class, `WRAP` how it is wrapped, `KTYP`, `WPKY` the wrapped key). The password
becomes the key-encryption key in two PBKDF2 rounds: SHA-256 with `DPSL`/`DPIC` (10,000,000
iterations on real backups; absent before iOS 10.2), then SHA-1 with `SALT`/`ITER`. Class keys are
AES-key-wrapped (RFC 3394) with it; an unwrap that fails its integrity check means a wrong password.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

WRAP_DEVICE = 1          # wrapped with the device's UID key: never readable off the phone
WRAP_PASSPHRASE = 2      # wrapped with the key derived from the backup password
MAX_ITERATIONS = 100_000_000   # a hostile keybag must not make us spin for hours


class KeybagError(ValueError):
    """The keybag is malformed (not a wrong password)."""


class BadPassword(ValueError):
    """The password does not unwrap the class keys."""


@dataclass
class ClassKey:
    clas: int
    wrap: int = 0
    ktyp: int = 0
    wpky: bytes = b""
    key: bytes | None = None


@dataclass
class Keybag:
    uuid: bytes = b""
    type: int | None = None
    attrs: dict[bytes, bytes | int] = field(default_factory=dict)
    classes: dict[int, ClassKey] = field(default_factory=dict)

    # -- reading -----------------------------------------------------------------------
    @classmethod
    def parse(cls, blob: bytes) -> Keybag:
        bag = cls()
        current: dict[bytes, bytes | int] | None = None
        for tag, value in _tlv(blob):
            val: bytes | int = struct.unpack(">I", value)[0] if len(value) == 4 else value
            if tag == b"UUID":
                if not bag.uuid:
                    bag.uuid = value
                    continue
                bag._add(current)
                current = {b"UUID": value}
            elif current is not None and tag in (b"CLAS", b"WRAP", b"KTYP", b"WPKY", b"PBKY"):
                current[tag] = val
            elif tag == b"TYPE":
                bag.type = int(val) if isinstance(val, int) else None
            else:
                bag.attrs[tag] = val
        bag._add(current)
        if not bag.classes:
            raise KeybagError("the backup keybag holds no class keys")
        for need in (b"SALT", b"ITER"):
            if need not in bag.attrs:
                raise KeybagError(f"the backup keybag has no {need.decode()}")
        return bag

    def _add(self, current: dict[bytes, bytes | int] | None) -> None:
        if not current or not isinstance(current.get(b"CLAS"), int):
            return
        wpky = current.get(b"WPKY", b"")
        self.classes[int(current[b"CLAS"])] = ClassKey(
            clas=int(current[b"CLAS"]), wrap=int(current.get(b"WRAP", 0) or 0),
            ktyp=int(current.get(b"KTYP", 0) or 0), wpky=wpky if isinstance(wpky, bytes) else b"")

    def _int(self, tag: bytes) -> int:
        v = self.attrs.get(tag)
        if not isinstance(v, int) or not 1 <= v <= MAX_ITERATIONS:
            raise KeybagError(f"the backup keybag's {tag.decode()} is not a usable iteration count: {v!r}")
        return v

    def _bytes(self, tag: bytes) -> bytes:
        v = self.attrs.get(tag)
        if not isinstance(v, bytes) or not v:
            raise KeybagError(f"the backup keybag's {tag.decode()} is missing")
        return v

    # -- unlocking -----------------------------------------------------------------------
    def derive(self, password: bytes) -> bytes:
        """The key-encryption key from the backup password (the slow part: seconds on real backups)."""
        secret = password
        if b"DPSL" in self.attrs:
            secret = hashlib.pbkdf2_hmac("sha256", password, self._bytes(b"DPSL"), self._int(b"DPIC"), 32)
        return hashlib.pbkdf2_hmac("sha1", secret, self._bytes(b"SALT"), self._int(b"ITER"), 32)

    def unlock(self, password: bytes) -> None:
        """Unwrap every password-wrapped class key; `BadPassword` when the password is wrong."""
        kek = self.derive(password)
        unwrapped = 0
        for ck in self.classes.values():
            if not ck.wpky or not ck.wrap & WRAP_PASSPHRASE or ck.wrap & WRAP_DEVICE:
                continue
            try:
                ck.key = aes_key_unwrap(kek, ck.wpky)
            except InvalidUnwrap as exc:
                raise BadPassword("the password does not unwrap the backup's class keys") from exc
            except ValueError as exc:
                raise KeybagError(f"class key {ck.clas} is malformed: {exc}") from exc
            unwrapped += 1
        if not unwrapped:
            raise KeybagError("no class key of this keybag is wrapped with the backup password")

    def file_key(self, protection_class: int, wrapped: bytes) -> bytes:
        """A file's (or Manifest.db's) own AES key, unwrapped with its protection class key."""
        ck = self.classes.get(protection_class)
        if ck is None or ck.key is None:
            raise KeybagError(f"the keybag has no usable key for protection class {protection_class}")
        try:
            return aes_key_unwrap(ck.key, wrapped)
        except (InvalidUnwrap, ValueError) as exc:
            raise KeybagError(f"a file key of protection class {protection_class} does not unwrap") from exc


def _tlv(blob: bytes) -> Iterator[tuple[bytes, bytes]]:
    i = 0
    n = len(blob)
    while i + 8 <= n:
        tag = blob[i:i + 4]
        length = struct.unpack(">I", blob[i + 4:i + 8])[0]
        if i + 8 + length > n:
            raise KeybagError(f"the backup keybag is cut short in its {tag!r} block")
        yield tag, blob[i + 8:i + 8 + length]
        i += 8 + length
    if i != n:
        raise KeybagError("the backup keybag ends in the middle of a block")
