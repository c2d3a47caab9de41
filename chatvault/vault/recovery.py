"""Human-typable recovery keys with a per-group checksum.

A recovery key is 160 random bits written as 8 groups of 4 Crockford base32 characters, each group
followed by one check character: `7K3Q9-ZX2M4-...` (8 groups of 5). The check character of group g
is `(g*7 + sum(w_i * v_i)) mod 32` with odd weights, so every single mistyped character and every
swapped pair of groups is caught *before* any key derivation runs, with the group named.
Crockford's alphabet has no I, L, O or U; typing those is forgiven (I/L -> 1, O -> 0).
"""

from __future__ import annotations

import os

from chatvault.errors import RecoveryKeyTypo

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"I": 1, "L": 1, "O": 0})
GROUPS = 8
GROUP_LEN = 4
WEIGHTS = (1, 3, 5, 7)
RAW_BYTES = 20  # 160 bits = 32 base32 characters


def _check_char(group_index: int, values: list[int]) -> int:
    return (group_index * 7 + sum(w * v for w, v in zip(WEIGHTS, values, strict=True))) % 32


def encode(raw: bytes) -> str:
    if len(raw) != RAW_BYTES:
        raise ValueError("recovery key must be 20 bytes")
    bits = int.from_bytes(raw, "big")
    values = [(bits >> (5 * (31 - i))) & 31 for i in range(32)]
    groups = []
    for g in range(GROUPS):
        vals = values[g * GROUP_LEN : (g + 1) * GROUP_LEN]
        groups.append("".join(ALPHABET[v] for v in vals) + ALPHABET[_check_char(g, vals)])
    return "-".join(groups)


def new_recovery_key() -> tuple[str, bytes]:
    raw = os.urandom(RAW_BYTES)
    return encode(raw), raw


def decode(text: str) -> bytes:
    """Parse a typed recovery key; raise `RecoveryKeyTypo` naming the first bad group."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_.")
    if len(cleaned) != GROUPS * (GROUP_LEN + 1):
        raise RecoveryKeyTypo(
            f"A recovery key has {GROUPS} groups of {GROUP_LEN + 1} characters; this one has "
            f"{len(cleaned)} characters.",
            hint="Type it exactly as it was shown when the vault was created.",
        )
    values: list[int] = []
    for g in range(GROUPS):
        chunk = cleaned[g * 5 : (g + 1) * 5]
        try:
            vals = [_VALUE[c] for c in chunk]
        except KeyError:
            bad = next(c for c in chunk if c not in _VALUE)
            raise RecoveryKeyTypo(
                f"Group {g + 1} of the recovery key contains '{bad}', which never appears in a recovery key.",
                hint=f"Check group {g + 1} and type it again.",
            ) from None
        if _check_char(g, vals[:4]) != vals[4]:
            raise RecoveryKeyTypo(
                f"Group {g + 1} of the recovery key has a typo (its check character does not match).",
                hint=f"Check group {g + 1} ('{chunk}') and type it again.",
            )
        values.extend(vals[:4])
    bits = 0
    for v in values:
        bits = (bits << 5) | v
    return bits.to_bytes(RAW_BYTES, "big")
