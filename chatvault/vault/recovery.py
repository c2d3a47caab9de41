"""Human-typable recovery keys with one check character per group.

A recovery key is 160 random bits written as 8 groups of 4 Crockford base32 characters, each group
followed by one check character: `7K3Q9-ZX2M4-...` (8 groups of 5). A mistake is caught *before*
any key derivation runs, with the group named.

Format 2 (vaults made since the check was strengthened): the check character of group g makes
`a^5*(g+1) + a^4*v0 + a^3*v1 + a^2*v2 + a*v3 + c = 0` in GF(32) (a = the field's generator). That
is Damm's check over the quasigroup x*y = a*x + y: every weight is non-zero, so every single wrong
character is caught, and neighbouring weights differ, so every swap of two neighbouring characters is
caught too, the check character included; a swap across a dash changes two groups, each caught. The
group number in the sum catches swapped groups. A new key is drawn until at least 3 of its groups
fail the format-1 check, so no single slip can ever make it read as a format-1 key.

Format 1 (older vaults; their keys stay valid): `c = (7g + v0 + 3v1 + 5v2 + 7v3) mod 32`. It catches
every wrong character but misses swaps of two characters 16 apart and 1 in 4 swaps with the check
character (about 8 % of all neighbour swaps) -- such a key then fails its unwrap instead.

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
FORMATS = (1, 2)
CURRENT_FORMAT = 2
_POLY = 0b100101  # x^5 + x^2 + 1, primitive: GF(32)
_MIN_V1_FAILURES = 3


def _gf_mul2(x: int) -> int:
    x <<= 1
    return x ^ _POLY if x & 32 else x


def _check_v1(group_index: int, values: list[int]) -> int:
    return (group_index * 7 + sum(w * v for w, v in zip(WEIGHTS, values, strict=True))) % 32


def _check_v2(group_index: int, values: list[int]) -> int:
    state = group_index + 1
    for v in values:
        state = _gf_mul2(state) ^ v  # Damm step: state * v = a*state + v
    return _gf_mul2(state)           # the check c makes a*state + c = 0


_CHECKS = {1: _check_v1, 2: _check_v2}


def _values(raw: bytes) -> list[int]:
    bits = int.from_bytes(raw, "big")
    return [(bits >> (5 * (31 - i))) & 31 for i in range(GROUPS * GROUP_LEN)]


def encode(raw: bytes, fmt: int = CURRENT_FORMAT) -> str:
    if len(raw) != RAW_BYTES:
        raise ValueError("recovery key must be 20 bytes")
    check = _CHECKS[fmt]
    values = _values(raw)
    groups = []
    for g in range(GROUPS):
        vals = values[g * GROUP_LEN : (g + 1) * GROUP_LEN]
        groups.append("".join(ALPHABET[v] for v in vals) + ALPHABET[check(g, vals)])
    return "-".join(groups)


def _v1_failures(raw: bytes) -> int:
    values = _values(raw)
    return sum(_check_v2(g, values[g * 4 : g * 4 + 4]) != _check_v1(g, values[g * 4 : g * 4 + 4])
               for g in range(GROUPS))


def new_recovery_key() -> tuple[str, bytes]:
    """A format-2 key. Keys whose groups would mostly also pass the format-1 check are redrawn
    (about 1 in 5,000), so that no single slip turns one into a valid-looking format-1 key."""
    while True:
        raw = os.urandom(RAW_BYTES)
        if _v1_failures(raw) >= _MIN_V1_FAILURES:
            return encode(raw), raw


def _typo(groups: list[int], chunks: list[str]) -> RecoveryKeyTypo:
    names = " and ".join(str(g + 1) for g in groups)
    shown = ", ".join(f"'{chunks[g]}'" for g in groups)
    plural = "s" if len(groups) > 1 else ""
    return RecoveryKeyTypo(
        f"Group{plural} {names} of the recovery key ha{'ve' if plural else 's'} a typo "
        "(the check character does not match).",
        hint=f"Check group{plural} {names} ({shown}) against the key you saved, and type it again.",
        location=f"group {groups[0] + 1}",
    )


def _clean(text: str) -> tuple[str, list[str]]:
    """The key's characters without separators, and the groups as typed (for length messages)."""
    import unicodedata

    from chatvault.vault.passphrase import normalize

    # NFKC on top: full-width letters and dashes from an IME in full-width mode are the same key.
    text = unicodedata.normalize("NFKC", normalize(text)).upper()
    cleaned = "".join(ch for ch in text if not ch.isspace() and ch not in "-_.")
    typed = [g for g in text.replace("_", "-").replace(".", "-").replace(" ", "-").split("-") if g]
    return cleaned, typed


def decode(text: str, fmt: int | None = None) -> bytes:
    """Parse a typed recovery key; raise `RecoveryKeyTypo` naming the group(s) with the mistake.

    `fmt` is the key format the vault header records; None accepts a key that is whole in either."""
    cleaned, typed = _clean(text)
    want = GROUPS * (GROUP_LEN + 1)
    if len(cleaned) != want:
        odd = [i for i, g in enumerate(typed) if len(g) != GROUP_LEN + 1] if len(typed) == GROUPS else []
        where = (f" Group {odd[0] + 1} has {len(typed[odd[0]])} characters." if len(odd) == 1 else "")
        raise RecoveryKeyTypo(
            f"A recovery key has {GROUPS} groups of {GROUP_LEN + 1} characters; this one has "
            f"{len(cleaned)} characters.{where}",
            hint="Type it exactly as it was shown when the vault was created.",
            location=f"group {odd[0] + 1}" if len(odd) == 1 else None,
        )
    chunks = [cleaned[g * 5 : (g + 1) * 5] for g in range(GROUPS)]
    values: list[list[int]] = []
    for g, chunk in enumerate(chunks):
        bad = next((c for c in chunk if c not in _VALUE), None)
        if bad is not None:
            raise RecoveryKeyTypo(
                f"Group {g + 1} of the recovery key contains '{bad}', which never appears in a recovery key.",
                hint=f"Check group {g + 1} and type it again.",
                location=f"group {g + 1}",
            )
        values.append([_VALUE[c] for c in chunk])
    failing = {f: [g for g, v in enumerate(values) if _CHECKS[f](g, v[:4]) != v[4]] for f in FORMATS}
    if fmt is not None:
        if failing[fmt]:
            raise _typo(failing[fmt], chunks)
    elif all(failing[f] for f in FORMATS):
        best = min(FORMATS, key=lambda f: (len(failing[f]), -f))
        raise _typo(failing[best], chunks)
    bits = 0
    for vals in values:
        for v in vals[:4]:
            bits = (bits << 5) | v
    return bits.to_bytes(RAW_BYTES, "big")


def key_format(text: str) -> int | None:
    """Which format's check a well-typed key passes (2 first), or None."""
    for f in (2, 1):
        try:
            decode(text, f)
            return f
        except RecoveryKeyTypo:
            continue
    return None
