"""Create, open, lock, change the passphrase of, and recover a vault folder.

Layout (see docs/vault-format.md):
    vault.json   header: format version, KDF parameters, wrapped master key (two slots), checksum, MAC
    vault.json.bak  a verified copy of vault.json, used when vault.json is damaged
    vault.db     SQLCipher 4 database, raw key = HKDF(master, "chatvault/db/v1")
    media/       encrypted content-addressed blobs, key = HKDF(master, "chatvault/media/v1")
    vault.lock   single-writer lock
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

from chatvault import clock
from chatvault.errors import (
    IntegrityError,
    PermissionDenied,
    VaultExists,
    VaultLocked,
    WrongPassphrase,
    WrongRecoveryKey,
)
from chatvault.fsutil import fsync_dir
from chatvault.search.index import finish_upgrade
from chatvault.store import audit as audit_trail
from chatvault.store.damage import is_damage
from chatvault.store.db import Connection, DatabaseError, connect
from chatvault.store.schema import migrate
from chatvault.vault import headerio, keys, recovery
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME, Header, HeaderDamaged, Slot
from chatvault.vault.kdf import KdfParams
from chatvault.vault.lock import WriterLock
from chatvault.vault.passphrase import check_usable
from chatvault.vault.unlock import (
    OFFICER_SLOT,
    Unwrapped,
    header_mac_key,
    unwrap_officer,
    unwrap_passphrase,
    unwrap_recovery,
)

DB_NAME = "vault.db"
MEDIA_DIR = "media"


class Vault:
    """An unlocked vault: holds the master key until `lock()`."""

    def __init__(self, path: Path, header: Header, master: bytearray) -> None:
        self.path = path
        self.header = header
        self._master: bytearray | None = master
        self.role = "owner"            # "officer" when the compliance officer's slot opened it
        self._connections: list[Connection] = []
        self.writer_lock = WriterLock(path)
        self.notices: list[str] = []   # things the user should hear about (a header repaired, ...)

    # --- keys --------------------------------------------------------------------------
    @property
    def vault_id(self) -> str:
        return self.header.vault_id

    @property
    def is_locked(self) -> bool:
        return self._master is None

    def derive_key(self, label: bytes, length: int = 32) -> bytes:
        if self._master is None:
            raise VaultLocked("The vault is locked.", hint="Unlock it with your passphrase.")
        return keys.derive(self._master, label, bytes.fromhex(self.vault_id), length)

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def media_path(self) -> Path:
        return self.path / MEDIA_DIR

    # --- database ----------------------------------------------------------------------
    def connect(self, *, readonly: bool = False) -> Connection:
        """A new connection to vault.db; closed by `lock()` if the caller has not closed it."""
        conn = connect(self.db_path, self.derive_key(keys.LABEL_DB), readonly=readonly)
        self._connections = [c for c in self._connections if _is_open(c)]
        self._connections.append(conn)
        return conn

    def open_connections(self) -> int:
        self._connections = [c for c in self._connections if _is_open(c)]
        return len(self._connections)

    def lock(self) -> None:
        """Close every connection and overwrite the master key."""
        for conn in self._connections:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing during lock must not stop the wipe
                pass
        self._connections.clear()
        self.writer_lock.release()
        keys.wipe(self._master)
        self._master = None

    # --- passphrase --------------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-wrap the master key under a new passphrase (normalised, passphrase.py): only vault.json
        and its copy vault.json.bak are rewritten. The strength floor is the caller's (CLI, GUI):
        `passphrase.check_new`; here only an unusable passphrase (empty, spaces) is refused."""
        if self._master is None:
            raise VaultLocked("The vault is locked.")
        if self.role != "owner":
            raise PermissionDenied("The compliance officer cannot change the owner's passphrase.",
                                   hint="The owner changes it, or uses the recovery key if it is forgotten.")
        norm = check_usable(new_passphrase)
        kdf = KdfParams.new()
        header = Header(self.header.vault_id, self.header.created, kdf, dict(self.header.slots))
        header.slots["passphrase"] = Slot(*keys.wrap(kdf.derive(norm), self._master, header.aad("passphrase")))
        self.notices += headerio.write_header(self.path, header, self._master, passphrase=norm)
        self.header = header

    @property
    def has_officer(self) -> bool:
        return OFFICER_SLOT in self.header.slots

    def set_officer_passphrase(self, passphrase: str) -> None:
        """Add (or replace) the compliance officer's key slot: a second passphrase that opens the
        vault in the officer role (docs/compliance.md). Only the owner sets it the first time;
        afterwards only the officer changes it."""
        if self._master is None:
            raise VaultLocked("The vault is locked.")
        if self.has_officer and self.role != "officer":
            raise PermissionDenied("Only the compliance officer can change the officer's passphrase.",
                                   hint="Unlock with the officer's passphrase.")
        norm = check_usable(passphrase)
        kdf = KdfParams.new()
        header = Header(self.header.vault_id, self.header.created, self.header.kdf, dict(self.header.slots))
        header.slots[OFFICER_SLOT] = Slot(*keys.wrap(kdf.derive(norm), self._master, header.aad(OFFICER_SLOT, kdf)),
                                          kdf=kdf)
        self.notices += headerio.write_header(self.path, header, self._master)
        self.header = header

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()


def _is_open(conn: Connection) -> bool:
    """True while `conn` is not closed. Reads a counter only: running a query here could touch a
    connection another thread is using at this moment, which SQLite does not allow."""
    try:
        conn.total_changes  # noqa: B018 - raises ProgrammingError once closed
        return True
    except Exception:  # noqa: BLE001 - a closed connection raises ProgrammingError
        return False


def create_vault(path: Path, passphrase: str) -> tuple[Vault, str]:
    """Create a new vault folder. Returns the unlocked vault and the recovery key (show it once)."""
    path = Path(path)
    norm = check_usable(passphrase)
    if (path / HEADER_NAME).exists() or (path / BACKUP_NAME).exists():
        raise VaultExists(f"There is already a vault in {path}.", hint="Open it instead, or choose another folder.")
    if path.exists() and any(p for p in path.iterdir() if p.name not in (".DS_Store",)):
        raise VaultExists(f"{path} is not empty.", hint="Choose an empty or new folder for the vault.")
    old_umask = os.umask(0o077)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        (path / MEDIA_DIR).mkdir(exist_ok=True, mode=0o700)
        master = keys.new_master_key()
        kdf = KdfParams.new()
        header = Header(uuid.uuid4().hex, clock.iso_now(), kdf)
        header.slots["passphrase"] = Slot(*keys.wrap(kdf.derive(norm), master, header.aad("passphrase")))
        rk_text, rk_raw = recovery.new_recovery_key()
        rkek = keys.derive(rk_raw, keys.LABEL_RECOVERY_KEK, bytes.fromhex(header.vault_id))
        header.slots["recovery"] = Slot(*keys.wrap(rkek, master, header.aad("recovery")),
                                        key_format=recovery.CURRENT_FORMAT)
        vault = Vault(path, header, master)
        conn = connect(vault.db_path, vault.derive_key(keys.LABEL_DB), create=True)
        try:
            migrate(conn)
            finish_upgrade(conn)
            audit_trail.append(conn, "vault.create", {"vault_id": header.vault_id})
        finally:
            conn.close()
        # The header is written last: its presence means the vault is complete.
        vault.notices += headerio.write_header(path, header, master)
        fsync_dir(path)
    finally:
        os.umask(old_umask)
    return vault, rk_text


def open_vault(path: Path, passphrase: str | None = None, *, recovery_key: str | None = None) -> Vault:
    """Unlock a vault with its passphrase or recovery key.

    A wrong secret changes no file. After a successful unlock the header may be rewritten
    (headerio.maintain): a damaged vault.json repaired from its copy, a version-1 header upgraded."""
    path = Path(path)
    header = Header.load(path)
    opened = _unwrap(header, passphrase, recovery_key)
    if not header.mac_ok(header_mac_key(opened.master, header.vault_id)):
        keys.wipe(opened.master)
        raise HeaderDamaged(
            f"{header.source} was altered: the secret is right, but the header's fields no longer match "
            "the authentication code ChatVault wrote with them (someone or something edited the file and "
            "recomputed its checksum). The vault was not opened and nothing was changed.",
            hint=f"Restore vault.json from a backup of this vault, or copy {BACKUP_NAME} over it if that "
                 "copy is older than the edit.",
        )
    vault = Vault(path, header, opened.master)
    vault.role = opened.role
    vault.notices += headerio.maintain(path, header, opened)
    try:
        conn = vault.connect()
    except IntegrityError:
        return vault          # page 1 is damaged: unlocked all the same, so `check` and `recover` still run
    try:
        migrate(conn)
        finish_upgrade(conn)        # what the frozen steps left for live code (the search index)
    except DatabaseError as exc:
        if not is_damage(exc):
            raise
        # Damage in the schema pages: the commands that read say what it is (chatvault.store.damage).
    finally:
        conn.close()
    return vault


def _unwrap(header: Header, passphrase: str | None, recovery_key: str | None) -> Unwrapped:
    damaged = (f" Note: {header.damage} The verified copy {BACKUP_NAME} was read instead."
               if header.damage else "")
    if recovery_key is not None:
        opened = unwrap_recovery(header, recovery_key)  # typo check before any key derivation
        if opened is None:
            raise WrongRecoveryKey(
                "That recovery key does not open this vault." + damaged,
                hint="It is well-formed but belongs to another vault, or the vault header was altered.",
            )
        return opened
    if passphrase is None:
        raise WrongPassphrase("A passphrase is needed to unlock the vault.")
    opened = unwrap_passphrase(header, passphrase) or unwrap_officer(header, passphrase)
    if opened is None:
        old = (" This vault's header was written by an older ChatVault and has no checksum: if you are sure "
               "of the passphrase, vault.json may be damaged; the recovery key or a backup's vault.json opens "
               "it then." if header.legacy else "")
        raise WrongPassphrase(
            "Wrong passphrase: the vault was not unlocked and nothing was changed." + damaged,
            hint="Check the keyboard layout and Caps Lock, or use your recovery key (`chatvault recover`)." + old,
        )
    return opened


def recover_vault(path: Path, recovery_key: str, new_passphrase: str) -> Vault:
    """Unlock with the recovery key and set a new passphrase."""
    vault = open_vault(path, recovery_key=recovery_key)
    vault.change_passphrase(new_passphrase)
    return vault


def permission_warnings(path: Path) -> list[str]:
    """Group/other access bits on the vault folder or files are worth a warning."""
    warnings = []
    if os.name != "posix":
        return warnings
    for p in (path, path / HEADER_NAME, path / DB_NAME):
        try:
            mode = p.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.append(f"{p} is accessible to other users (mode {stat.filemode(mode)}).")
    return warnings
