"""Create, open, lock, change the passphrase of, and recover a vault folder.

Layout (see docs/vault-format.md):
    vault.json   header: format version, KDF parameters, wrapped master key (two slots)
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
from chatvault.errors import IntegrityError, VaultExists, VaultLocked, WrongPassphrase, WrongRecoveryKey
from chatvault.fsutil import atomic_write, fsync_dir
from chatvault.store.damage import is_damage
from chatvault.store.db import Connection, DatabaseError, connect
from chatvault.store.schema import migrate
from chatvault.vault import keys, recovery
from chatvault.vault.header import HEADER_NAME, Header, Slot
from chatvault.vault.kdf import KdfParams
from chatvault.vault.lock import WriterLock

DB_NAME = "vault.db"
MEDIA_DIR = "media"


class Vault:
    """An unlocked vault: holds the master key until `lock()`."""

    def __init__(self, path: Path, header: Header, master: bytearray) -> None:
        self.path = path
        self.header = header
        self._master: bytearray | None = master
        self._connections: list[Connection] = []
        self.writer_lock = WriterLock(path)

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
        """Re-wrap the master key under a new passphrase: only vault.json is rewritten."""
        if self._master is None:
            raise VaultLocked("The vault is locked.")
        _check_passphrase(new_passphrase)
        kdf = KdfParams.new()
        header = Header(self.header.vault_id, self.header.created, kdf, dict(self.header.slots), self.header.version)
        kek = kdf.derive(new_passphrase)
        header.slots["passphrase"] = Slot(*keys.wrap(kek, self._master, header.aad("passphrase")))
        master = bytes(self._master)

        def verify(tmp: Path) -> None:
            written = Header.parse(tmp.read_bytes(), str(tmp))
            slot = written.slots["passphrase"]
            got = keys.unwrap(written.kdf.derive(new_passphrase), slot.nonce, slot.ct, written.aad("passphrase"))
            if got is None or bytes(got) != master:
                raise OSError("the new vault header did not verify after writing")

        atomic_write(self.path / HEADER_NAME, header.to_bytes(), fault_prefix="header", verify=verify)
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


def _check_passphrase(passphrase: str) -> None:
    from chatvault.errors import UsageError

    if not passphrase:
        raise UsageError("The passphrase must not be empty.")


def create_vault(path: Path, passphrase: str) -> tuple[Vault, str]:
    """Create a new vault folder. Returns the unlocked vault and the recovery key (show it once)."""
    path = Path(path)
    _check_passphrase(passphrase)
    if (path / HEADER_NAME).exists():
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
        header.slots["passphrase"] = Slot(*keys.wrap(kdf.derive(passphrase), master, header.aad("passphrase")))
        rk_text, rk_raw = recovery.new_recovery_key()
        rkek = keys.derive(rk_raw, keys.LABEL_RECOVERY_KEK, bytes.fromhex(header.vault_id))
        header.slots["recovery"] = Slot(*keys.wrap(rkek, master, header.aad("recovery")))
        vault = Vault(path, header, master)
        conn = connect(vault.db_path, vault.derive_key(keys.LABEL_DB), create=True)
        try:
            migrate(conn)
            conn.execute(
                "INSERT INTO audit_log(at, actor, action, detail) VALUES (?, 'user', 'vault.create', ?)",
                (clock.now_ms(), f'{{"vault_id": "{header.vault_id}"}}'),
            )
        finally:
            conn.close()
        # The header is written last: its presence means the vault is complete.
        atomic_write(path / HEADER_NAME, header.to_bytes(), fault_prefix="header")
        fsync_dir(path)
    finally:
        os.umask(old_umask)
    return vault, rk_text


def open_vault(path: Path, passphrase: str | None = None, *, recovery_key: str | None = None) -> Vault:
    """Unlock a vault with its passphrase or recovery key. Changes no file."""
    path = Path(path)
    header = Header.load(path)
    if recovery_key is not None:
        raw = recovery.decode(recovery_key)  # typo check before any key derivation
        slot = header.slots.get("recovery")
        rkek = keys.derive(raw, keys.LABEL_RECOVERY_KEK, bytes.fromhex(header.vault_id))
        master = keys.unwrap(rkek, slot.nonce, slot.ct, header.aad("recovery")) if slot else None
        if master is None:
            raise WrongRecoveryKey(
                "That recovery key does not open this vault.",
                hint="It is well-formed but belongs to another vault, or the vault header was altered.",
            )
    else:
        if passphrase is None:
            raise WrongPassphrase("A passphrase is needed to unlock the vault.")
        slot = header.slots["passphrase"]
        master = keys.unwrap(header.kdf.derive(passphrase), slot.nonce, slot.ct, header.aad("passphrase"))
        if master is None:
            raise WrongPassphrase(
                "Wrong passphrase: the vault was not unlocked and nothing was changed.",
                hint="Check the keyboard layout and Caps Lock, or use your recovery key (`chatvault recover`).",
            )
    vault = Vault(path, header, master)
    try:
        conn = vault.connect()
    except IntegrityError:
        return vault          # page 1 is damaged: unlocked all the same, so `check` and `recover` still run
    try:
        migrate(conn)
    except DatabaseError as exc:
        if not is_damage(exc):
            raise
        # Damage in the schema pages: the commands that read say what it is (chatvault.store.damage).
    finally:
        conn.close()
    return vault


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
