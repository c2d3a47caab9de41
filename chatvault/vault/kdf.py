"""Passphrase key derivation (Argon2id) with bounds that a crafted header cannot exceed."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from chatvault.errors import VaultFormatError

# RFC 9106 second recommended option is the floor; the default costs ~0.7 s on our 2-core machines.
DEFAULT_M_KIB = 256 * 1024
DEFAULT_T = 3
DEFAULT_P = 4
FLOOR_M_KIB = 64 * 1024
FLOOR_T = 3
MAX_M_KIB = 4 * 1024 * 1024
MAX_T = 20
MAX_P = 16

# Tests only: real Argon2id at a tiny cost, the way borg's conftest speeds up its KDF.
FAST_ENV = "CHATVAULT_INSECURE_FAST_KDF"


@dataclass(frozen=True)
class KdfParams:
    alg: str
    m_kib: int
    t: int
    p: int
    salt: bytes

    @classmethod
    def new(cls) -> KdfParams:
        if os.environ.get(FAST_ENV) == "1":
            return cls("argon2id", 1024, 1, 1, os.urandom(16))
        return cls("argon2id", DEFAULT_M_KIB, DEFAULT_T, DEFAULT_P, os.urandom(16))

    def validate(self) -> None:
        """Refuse unknown algorithms and costs beyond our bounds before any work is done."""
        if self.alg != "argon2id":
            raise VaultFormatError(f"The vault header names an unknown key derivation '{self.alg}'.")
        if not (8 <= self.m_kib <= MAX_M_KIB and 1 <= self.t <= MAX_T and 1 <= self.p <= MAX_P):
            raise VaultFormatError(
                "The vault header asks for key-derivation costs outside safe bounds "
                f"(memory {self.m_kib} KiB, {self.t} passes, {self.p} lanes); refusing to open it.",
                hint="The header may be damaged or crafted. Restore vault.json from a backup.",
            )
        if len(self.salt) < 16:
            raise VaultFormatError("The vault header's KDF salt is too short.")

    @property
    def below_floor(self) -> bool:
        return self.m_kib < FLOOR_M_KIB or self.t < FLOOR_T

    def derive(self, passphrase: str) -> bytes:
        self.validate()
        kdf = Argon2id(salt=self.salt, length=32, iterations=self.t, lanes=self.p, memory_cost=self.m_kib)
        return kdf.derive(passphrase.encode("utf-8"))
