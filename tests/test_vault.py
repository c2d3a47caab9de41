"""The vault format: create, unlock, passphrase change, recovery, damage and crashes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatvault.errors import RecoveryKeyTypo, VaultFormatError, WrongPassphrase, WrongRecoveryKey
from chatvault.vault import recovery
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME
from chatvault.vault.vault import create_vault, open_vault
from tests.conftest import PASSPHRASE
from tests.header_fixtures import edit_header


def tree_hashes(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_create_then_unlock(vault_path: Path) -> None:
    v, rk = create_vault(vault_path, PASSPHRASE)
    v.lock()
    assert (vault_path / HEADER_NAME).exists()
    assert (vault_path / "vault.db").exists()
    assert (vault_path / "media").is_dir()
    again = open_vault(vault_path, PASSPHRASE)
    assert again.vault_id == v.vault_id
    again.lock()
    assert again.is_locked


def test_vault_db_is_not_plain_sqlite(vault) -> None:
    head = (vault.path / "vault.db").read_bytes()[:16]
    assert head != b"SQLite format 3\x00"


def test_folder_permissions_are_private(vault) -> None:
    assert (vault.path.stat().st_mode & 0o077) == 0
    assert ((vault.path / HEADER_NAME).stat().st_mode & 0o077) == 0


def test_no_text_in_clear(vault) -> None:
    canary = "CANARY-7f3a1c-消息-secret"
    conn = vault.connect()
    conn.execute("INSERT INTO sources(app, account, created_at) VALUES ('test', '', 0)")
    conn.execute("INSERT INTO conversations(source_id, source_key, title, created_at) VALUES (1, 'c', ?, 0)", (canary,))
    conn.execute("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (1, 'k', 0, ?)", (canary,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for p in vault.path.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert canary.encode() not in data, p
            assert canary.encode("utf-16-le") not in data, p


def test_wrong_passphrase_changes_nothing(vault_path: Path) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    before = tree_hashes(vault_path)
    for wrong in ["", "   ", "x", PASSPHRASE.upper(), PASSPHRASE + " x", "ä" * 5000]:
        with pytest.raises(WrongPassphrase):
            open_vault(vault_path, wrong)
    assert tree_hashes(vault_path) == before


def test_change_passphrase_only_rewrites_header(vault_path: Path) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    v = open_vault(vault_path, PASSPHRASE)
    v.lock()
    before = tree_hashes(vault_path)
    v = open_vault(vault_path, PASSPHRASE)
    v.change_passphrase("new passphrase")
    v.lock()
    after = tree_hashes(vault_path)
    changed = {k for k in before if before[k] != after.get(k)} | (set(after) - set(before))
    assert changed <= {HEADER_NAME, BACKUP_NAME, "vault.db-wal", "vault.db-shm", "vault.lock"}
    assert HEADER_NAME in changed
    with pytest.raises(WrongPassphrase):
        open_vault(vault_path, PASSPHRASE)
    open_vault(vault_path, "new passphrase").lock()


def test_recovery_key_sets_new_passphrase(vault_path: Path) -> None:
    v, rk = create_vault(vault_path, PASSPHRASE)
    v.lock()
    from chatvault.vault.vault import recover_vault

    recover_vault(vault_path, rk.lower().replace("-", " "), "brand new").lock()
    open_vault(vault_path, "brand new").lock()
    with pytest.raises(WrongPassphrase):
        open_vault(vault_path, PASSPHRASE)


def test_recovery_key_typo_names_the_group(vault_path: Path) -> None:
    v, rk = create_vault(vault_path, PASSPHRASE)
    v.lock()
    groups = rk.split("-")
    c = groups[2][1]
    groups[2] = groups[2][0] + ("A" if c != "A" else "B") + groups[2][2:]
    with pytest.raises(RecoveryKeyTypo, match="Group 3"):
        open_vault(vault_path, recovery_key="-".join(groups))


def test_every_single_character_typo_is_caught() -> None:
    text, raw = recovery.new_recovery_key()
    assert recovery.decode(text) == raw
    flat = text.replace("-", "")
    for i in range(len(flat)):
        for sub in recovery.ALPHABET:
            if sub == flat[i]:
                continue
            typo = flat[:i] + sub + flat[i + 1 :]
            with pytest.raises(RecoveryKeyTypo):
                recovery.decode(typo)


def test_well_formed_but_wrong_recovery_key(vault_path: Path) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    other, _ = recovery.new_recovery_key()
    with pytest.raises(WrongRecoveryKey):
        open_vault(vault_path, recovery_key=other)


def test_header_from_newer_version_is_refused(vault_path: Path) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    edit_header(vault_path, lambda d: d.update(version=99))
    before = tree_hashes(vault_path)
    with pytest.raises(VaultFormatError, match="newer ChatVault"):
        open_vault(vault_path, PASSPHRASE)
    assert tree_hashes(vault_path) == before


@pytest.mark.parametrize("field,value", [("m_kib", 64 * 1024 * 1024), ("t", 10**6), ("alg", "scrypt"), ("p", 999)])
def test_crafted_kdf_parameters_are_refused_fast(vault_path: Path, field: str, value) -> None:
    import time

    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    edit_header(vault_path, lambda d: d["kdf"].update({field: value}))   # crafted: checksum made to match
    start = time.monotonic()
    with pytest.raises(VaultFormatError):
        open_vault(vault_path, PASSPHRASE)
    assert time.monotonic() - start < 1.0


def test_altered_kdf_params_fail_unwrap(vault_path: Path) -> None:
    """The KDF parameters are bound into the AAD: lowering them cannot unlock the vault."""
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    edit_header(vault_path, lambda d: d["kdf"].update(m_kib=d["kdf"]["m_kib"] * 2))
    with pytest.raises(WrongPassphrase):
        open_vault(vault_path, PASSPHRASE)


def test_damaged_header_is_a_clear_error(vault_path: Path) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    (vault_path / HEADER_NAME).write_bytes(b"{not json")
    (vault_path / BACKUP_NAME).write_bytes(b"{not json either")
    with pytest.raises(VaultFormatError, match="damaged") as err:
        open_vault(vault_path, PASSPHRASE)
    assert err.value.code == "header_damaged" and "vault.json.bak is damaged too" in (err.value.hint or "")


CRASH_SCRIPT = """
import sys
from chatvault.vault.vault import open_vault
v = open_vault(sys.argv[1], sys.argv[2])
v.change_passphrase(sys.argv[3])
print("done")
"""


@pytest.mark.parametrize("point", ["header.before_fsync", "header.before_rename", "header.before_dir_fsync",
                                   "header_copy.before_fsync", "header_copy.before_rename",
                                   "header_copy.before_dir_fsync"])
def test_kill_during_header_write_leaves_one_passphrase_working(vault_path: Path, point: str) -> None:
    v, _ = create_vault(vault_path, PASSPHRASE)
    v.lock()
    env = dict(os.environ, CHATVAULT_FAULT=f"{point}:1:kill")
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(vault_path), PASSPHRASE, "the new one"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    works = []
    for pw in (PASSPHRASE, "the new one"):
        try:
            open_vault(vault_path, pw).lock()
            works.append(pw)
        except WrongPassphrase:
            pass
    assert len(works) == 1
    if point == "header.before_dir_fsync" or point.startswith("header_copy."):
        assert works == ["the new one"]              # vault.json was replaced before the copy is written
    else:
        assert works == [PASSPHRASE]


def test_io_error_during_header_write_keeps_old_header(vault_path: Path, monkeypatch) -> None:
    from chatvault import faults
    from chatvault.errors import StorageError

    v, _ = create_vault(vault_path, PASSPHRASE)
    monkeypatch.setenv("CHATVAULT_FAULT", "header.before_rename:1:enospc")
    faults.reset()
    with pytest.raises(StorageError, match="disk is full"):
        v.change_passphrase("never")
    faults.reset()
    v.lock()
    open_vault(vault_path, PASSPHRASE).lock()
    assert not (vault_path / (HEADER_NAME + ".tmp")).exists()


def test_lock_closes_connections(vault) -> None:
    vault.connect()
    vault.connect(readonly=True)
    assert vault.open_connections() == 2
    vault.lock()
    assert vault.open_connections() == 0
    from chatvault.errors import VaultLocked

    with pytest.raises(VaultLocked):
        vault.connect()


def test_second_writer_is_refused(vault) -> None:
    from chatvault.errors import VaultInUse
    from chatvault.vault.lock import WriterLock

    vault.writer_lock.acquire("import")
    with pytest.raises(VaultInUse, match=f"PID {os.getpid()}"):
        WriterLock(vault.path).acquire()
    vault.writer_lock.release()
    WriterLock(vault.path).acquire()


def test_creating_over_existing_vault_is_refused(vault) -> None:
    from chatvault.errors import VaultExists

    with pytest.raises(VaultExists):
        create_vault(vault.path, "x")


def test_both_argon2id_implementations_give_the_same_key() -> None:
    """argon2-cffi (parallel lanes) and cryptography's Argon2id must derive identical keys, so a vault
    made with either opens with the other (a machine without argon2-cffi falls back)."""
    import os

    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    from chatvault.vault.kdf import argon2id

    for m_kib, t, p in ((8, 1, 1), (1024, 2, 4), (4096, 3, 2), (65536, 3, 4)):
        salt, secret = os.urandom(16), "Café Straße 42 Ωmega 🔑".encode()
        expected = Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m_kib).derive(secret)
        assert argon2id(secret, salt, m_kib, t, p) == expected


def test_new_vaults_use_16k_pages_and_older_4k_vaults_still_open(tmp_path: Path, monkeypatch) -> None:
    """vault.db is made with 16 KiB pages and HMAC-SHA256 now; a vault made before with SQLCipher's
    defaults (4 KiB, HMAC-SHA512) opens, reads and writes as before, also when its size happens to
    be a multiple of 16 KiB (then both settings are tried)."""
    from chatvault.store import db

    def settings(v) -> tuple[int, str]:
        conn = v.connect()
        try:
            return (int(conn.execute("PRAGMA page_size").fetchone()[0]),
                    str(conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0]))
        finally:
            conn.close()

    new, _ = create_vault(tmp_path / "new", PASSPHRASE)
    assert settings(new) == (16384, "HMAC_SHA256")
    new.lock()
    with monkeypatch.context() as m:
        m.setattr(db, "NEW_PROFILE", "4k-sha512")
        old, _ = create_vault(tmp_path / "old", PASSPHRASE)
    conn = old.connect()
    conn.execute("INSERT INTO settings(key, value) VALUES ('probe', 'kept')")
    n = 0
    while True:                          # grow until the file is a whole number of 16 KiB
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if old.db_path.stat().st_size % 16384 == 0:
            break
        n += 1
        conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (f"pad{n}", "x" * 3000))
    conn.close()
    old.lock()
    again = open_vault(tmp_path / "old", PASSPHRASE)
    assert settings(again) == (4096, "HMAC_SHA512")
    conn = again.connect()
    try:
        assert conn.execute("SELECT value FROM settings WHERE key = 'probe'").fetchone()[0] == "kept"
        conn.execute("INSERT INTO settings(key, value) VALUES ('later', 'written')")
    finally:
        conn.close()
    again.lock()
    assert open_vault(tmp_path / "new", PASSPHRASE).db_path.exists()
