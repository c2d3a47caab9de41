"""Writing vault.json and its verified copy vault.json.bak, and keeping both current after an unlock.

Order of a header write: vault.json (temp, fsync, read back and verified, rename, fsync dir), then
the same bytes to vault.json.bak the same way. A crash between the two leaves vault.json new and the
copy old; the next unlock brings the copy up to date. The copy is used only when vault.json is
damaged (header.py), so an old passphrase in a stale copy never opens a vault whose vault.json is
whole, and passwd replaces the copy at once so it does not keep the old passphrase for long.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from chatvault.errors import ChatVaultError, VaultInUse
from chatvault.fsutil import atomic_write
from chatvault.vault import keys
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME, Header, Slot
from chatvault.vault.kdf import KdfParams
from chatvault.vault.passphrase import NORM_ID, normalize
from chatvault.vault.unlock import Unwrapped, header_mac_key

log = logging.getLogger(__name__)


def write_header(folder: Path, header: Header, master: bytes | bytearray, *, passphrase: str | None = None) -> list[str]:
    """Write `header` (version 2, with checksum and MAC) as vault.json, then as vault.json.bak.

    With `passphrase` (normalised), the written temp file must unwrap `master` with it before it may
    replace vault.json. Returns notices for the user (a copy that could not be updated)."""
    mac_key = header_mac_key(master, header.vault_id)
    data = header.to_bytes(mac_key)
    want = bytes(master)

    def verify(tmp: Path) -> None:
        written = Header.parse(tmp.read_bytes(), str(tmp))
        if not written.mac_ok(mac_key):
            raise OSError("the new vault header did not verify after writing")
        if passphrase is not None:
            slot = written.slots["passphrase"]
            got = keys.unwrap(written.kdf.derive(passphrase), slot.nonce, slot.ct, written.aad("passphrase"))
            if got is None or bytes(got) != want:
                raise OSError("the new vault header did not verify after writing")

    atomic_write(folder / HEADER_NAME, data, fault_prefix="header", verify=verify)
    header.passphrase_norm, header.version, header.damage, header.source = NORM_ID, 2, None, str(folder / HEADER_NAME)
    return write_copy(folder, data)


def write_copy(folder: Path, data: bytes) -> list[str]:
    try:
        atomic_write(folder / BACKUP_NAME, data, fault_prefix="header_copy")
        return []
    except ChatVaultError as exc:
        # vault.json is written and verified: the change stands. A stale copy must not keep an older
        # passphrase working, so it goes; the next unlock writes it again.
        try:
            (folder / BACKUP_NAME).unlink(missing_ok=True)
        except OSError:
            pass
        log.warning("could not write %s: %s", BACKUP_NAME, exc.message)
        return [f"The header copy {BACKUP_NAME} could not be written ({exc.message}); "
                "it is written again at the next unlock."]


def maintain(folder: Path, header: Header, opened: Unwrapped) -> list[str]:
    """After a successful unlock: repair vault.json from its copy, upgrade a version-1 header
    (re-wrapping under the normalised passphrase if it was opened with another spelling), and bring
    the copy up to date. Best effort: the vault is open whatever happens here. Returns notices."""
    notices: list[str] = []
    rewrap = opened.form is not None and not opened.normalised
    if rewrap and opened.form is not None and not normalize(opened.form):
        # An old vault whose passphrase is only white space: its normalised form would be empty,
        # which opens nothing. Keep the version-1 header (it still opens as before) and say why.
        return ["This vault's passphrase is only white space, which ChatVault no longer accepts for new "
                "passphrases; its header was left as it was. Choose a real passphrase with `chatvault passwd`."]
    needs = header.damage is not None or header.legacy or rewrap
    current = _read(folder / HEADER_NAME)
    if not needs and current is not None and _read(folder / BACKUP_NAME) == current:
        return notices
    from chatvault.vault.lock import WriterLock

    lock = WriterLock(folder)
    try:
        lock.acquire("updating the vault header")
    except (VaultInUse, OSError):
        return notices                          # another ChatVault writes now: next unlock does it
    try:
        if needs:
            was_damaged = header.damage
            if rewrap:
                assert opened.form is not None
                norm = normalize(opened.form)
                k = header.kdf
                header.kdf = KdfParams(k.alg, k.m_kib, k.t, k.p, os.urandom(16))
                header.slots["passphrase"] = Slot(*keys.wrap(header.kdf.derive(norm), opened.master,
                                                             header.aad("passphrase")))
                notices += write_header(folder, header, opened.master, passphrase=norm)
            else:
                notices += write_header(folder, header, opened.master)
            if was_damaged:
                notices.append(f"{was_damaged} It was repaired from the verified copy {BACKUP_NAME}.")
        elif current is not None:
            notices += write_copy(folder, current)
    except ChatVaultError as exc:
        log.warning("could not update the vault header: %s", exc.message)
        notices.append(f"The vault header could not be updated ({exc.message}); the vault is open, "
                       "and the update is tried again at the next unlock.")
    finally:
        lock.release()
    return notices


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
