"""Unwrapping the master key from a header: the passphrase in each form the header allows, or the
recovery key after its check characters. Used by `open_vault` and by restore (a header copy)."""

from __future__ import annotations

from dataclasses import dataclass

from chatvault.errors import RecoveryKeyTypo, WrongRecoveryKey
from chatvault.vault import keys, recovery
from chatvault.vault.header import Header
from chatvault.vault.passphrase import legacy_forms, normalize

OFFICER_SLOT = "officer"


@dataclass
class Unwrapped:
    master: bytearray
    form: str | None     # the passphrase form that opened it (None: the recovery key or the officer's)
    role: str = "owner"  # which slot opened it: the owner's passphrase/recovery key, or the officer's

    @property
    def normalised(self) -> bool:
        return self.form is None or self.form == normalize(self.form)


def passphrase_forms(header: Header, passphrase: str) -> list[str]:
    """A version-2 header wraps under the normalised form only (one Argon2id run); a version-1
    header may hold the passphrase as it was typed, so its other spellings are tried after it
    (at most 5 runs, and 2 for a plain ASCII passphrase without surrounding spaces)."""
    return [normalize(passphrase)] if not header.legacy else legacy_forms(passphrase)


def unwrap_passphrase(header: Header, passphrase: str) -> Unwrapped | None:
    slot = header.slots["passphrase"]
    aad = header.aad("passphrase")
    for form in passphrase_forms(header, passphrase):
        if not form:
            continue
        master = keys.unwrap(header.kdf.derive(form), slot.nonce, slot.ct, aad)
        if master is not None:
            return Unwrapped(master, form)
    return None


def unwrap_officer(header: Header, passphrase: str) -> Unwrapped | None:
    """The compliance officer's slot (docs/compliance.md: roles), with its own key derivation."""
    slot = header.slots.get(OFFICER_SLOT)
    if slot is None or slot.kdf is None:
        return None
    form = normalize(passphrase)
    if not form:
        return None
    master = keys.unwrap(slot.kdf.derive(form), slot.nonce, slot.ct, header.aad(OFFICER_SLOT, slot.kdf))
    return None if master is None else Unwrapped(master, None, role="officer")


def recovery_raw(header: Header, recovery_key: str) -> bytes:
    """The key's 160 bits after its check characters (no key derivation yet). A key that is whole in
    the other format belongs to another vault: said so instead of "typo"."""
    try:
        return recovery.decode(recovery_key, header.recovery_format)
    except RecoveryKeyTypo:
        other = recovery.key_format(recovery_key)
        if other is not None and other != header.recovery_format:
            raise WrongRecoveryKey(
                "That recovery key does not open this vault: it is whole, but of a kind this vault's "
                "key is not, so it belongs to another vault.",
                hint="Use the recovery key shown when this vault was created.",
            ) from None
        raise


def unwrap_recovery(header: Header, recovery_key: str) -> Unwrapped | None:
    raw = recovery_raw(header, recovery_key)  # typo check before any key derivation
    slot = header.slots.get("recovery")
    if slot is None:
        return None
    rkek = keys.derive(raw, keys.LABEL_RECOVERY_KEK, bytes.fromhex(header.vault_id))
    master = keys.unwrap(rkek, slot.nonce, slot.ct, header.aad("recovery"))
    return Unwrapped(master, None) if master is not None else None


def header_mac_key(master: bytes | bytearray, vault_id: str) -> bytes:
    return keys.derive(master, keys.LABEL_HEADER_MAC, bytes.fromhex(vault_id))
