"""A backup only copies what is authentic (issue #15, RELIABILITY row 31).

Real vaults, real damage: bytes flipped in vault.db pages (SQLCipher's page HMAC must catch them)
and in media blobs (their AEAD chunk tags must), then `backup run`, `status`, `prune`, `restore`.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from chatvault import clock
from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.backup.authentic import BlobTagCheck, page_checker
from chatvault.backup.cache import cache_path
from chatvault.backup.health import health
from chatvault.backup.source import SourceDamaged
from chatvault.store import db as store_db
from chatvault.vault import keys as vkeys
from tests.backup_fixtures import fill, tree_hashes
from tests.conftest import PASSPHRASE


def attach(vault, blob_ids: list[str], conversations: int = 2) -> None:
    """Give each blob a message that uses it, spread over `conversations` conversations."""
    conn = vault.connect()
    try:
        conn.execute("BEGIN")
        sid = conn.execute("SELECT id FROM sources").fetchone()[0]
        now = clock.now_ms()
        for c in range(conversations):
            conn.execute("INSERT OR IGNORE INTO conversations(source_id, source_key, title, created_at) "
                         "VALUES (?, ?, ?, ?)", (sid, f"media{c}", f"Photos {c}", now))
        for i, b in enumerate(blob_ids):
            cid = conn.execute("SELECT id FROM conversations WHERE source_key = ?",
                               (f"media{i % conversations}",)).fetchone()[0]
            mid = conn.execute("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, ?, ?, ?)",
                               (cid, f"photo{i}", now + i, "photo")).lastrowid
            conn.execute("INSERT INTO attachments(message_id, blob_id, status) VALUES (?, ?, 'stored')", (mid, b))
        conn.execute("COMMIT")
    finally:
        conn.close()


def blob_path(vault, blob_id: str) -> Path:
    return vault.media_path / blob_id[:2] / blob_id[2:4] / blob_id


def page_count(vault) -> int:
    conn = vault.connect()
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def damage_pages(vault, n: int, rng: random.Random, first: int = 2) -> list[int]:
    """Overwrite `n` random pages of the live vault.db from page `first` on (not page 1). A test that
    passes `first` = the page count before its data was written damages that data (messages, their
    index, the search index): where a bad sector most likely lands, and not the small tables (the
    schema, the settings, the backup destinations) whose loss no backup run could report."""
    conn = vault.connect()
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ps = int(conn.execute("PRAGMA page_size").fetchone()[0])
        count = int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()
    pages = rng.sample(range(max(first, 2), count + 1), n)
    with open(vault.db_path, "r+b") as fh:
        for p in pages:
            fh.seek((p - 1) * ps)
            fh.write(os.urandom(ps))  # a bad sector: the whole page is garbage
    return sorted(pages)


def damage_blob(vault, blob_id: str, rng: random.Random) -> None:
    path = blob_path(vault, blob_id)
    data = bytearray(path.read_bytes())
    data[rng.randrange(40, len(data))] ^= 0x40
    path.write_bytes(bytes(data))


def test_damaged_source_is_refused_status_red_clean_snapshot_survives(vault, tmp_path, cli):
    """The acceptance test of issue #15 part 2 (RELIABILITY row 31), through the CLI."""
    rng = random.Random(31)
    ids = fill(vault, messages=3000, blobs=14, blob_size=150_000)
    attach(vault, ids)
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_VAULT": str(vault.path)}
    folder = tmp_path / "bk"
    assert cli("backup", "add", "usb", "--folder", str(folder), env=env).returncode == 0  # created at add
    r = cli("backup", "run", "--json", env=env)
    assert r.returncode == 0, r.stderr
    clean = json.loads(r.stdout)["runs"][0]
    assert clean["verified"] and clean["pages_checked"] > 0 and clean["blobs_checked"] == 14
    clean_media = tree_hashes(vault.media_path)
    before = tmp_path / "restored-before"
    r = cli("restore", clean["snapshot_id"], "--from-folder", str(folder), "--to", str(before), env=env)
    assert r.returncode == 0, r.stdout

    pages = damage_pages(vault, 20, rng)
    bad_blobs = rng.sample(ids, 10)
    for b in bad_blobs:
        damage_blob(vault, b, rng)
    r = cli("backup", "run", "--json", env=env)
    assert r.returncode == 1, r.stdout
    run = json.loads(r.stdout)["runs"][0]
    assert not run["ok"] and run["error"] == "source_damaged"
    assert run["damage"]["pages"]["pages"] == pages
    assert sorted(b["blob"].rsplit("/", 1)[-1] for b in run["damage"]["blobs"]) == sorted(bad_blobs)
    # each damaged file's message is counted, or said to be unknown when its attachment row is
    # itself on a damaged page (the damage here lands in the messages' data)
    assert all(b["messages"] in (1, None) for b in run["damage"]["blobs"])
    # each blob's message and conversation are named, even where the message's row is on a damaged page
    assert {c["title"] for b in run["damage"]["blobs"] for c in b["conversations"]} <= {"Photos 0", "Photos 1"}
    damaged = run["damage"]["pages"]
    if damaged["messages"] is not None:         # the conversations are named where an index survived
        assert {c["title"] for c in damaged["conversations"]} >= {"Chat"}
    else:                                        # else the damaged id ranges bound the loss
        assert damaged["tables"]["messages"]
    assert "messages" in run["damage"]["pages"]["tables"] or run["damage"]["pages"]["indexes"]

    r = cli("backup", "status", "--json", env=env)
    st = json.loads(r.stdout)
    assert r.returncode == 1 and st["state"] == "red"
    assert st["destinations"][0]["damaged"] and "DAMAGE" in st["destinations"][0]["message"]
    assert not st["destinations"][0]["running"]
    r = cli("backup", "snapshots", "--json", env=env)
    snaps = json.loads(r.stdout)["destinations"][0]["snapshots"]
    assert [s["id"] for s in snaps] == [clean["snapshot_id"]]  # no snapshot of the damage
    assert snaps[0]["source_checked"]
    assert cli("backup", "verify", "--read-data", env=env).returncode == 0
    r = cli("backup", "prune", "--keep-last", "1", "--json", env=env)
    assert json.loads(r.stdout)["destinations"][0]["keep"] == [clean["snapshot_id"]]

    out = tmp_path / "restored"
    r = cli("restore", clean["snapshot_id"], "--from-folder", str(folder), "--to", str(out), "--check", "--json",
            env=env)
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout)["lost_blobs"] == [] and json.loads(r.stdout)["checked"]
    def image(root: Path) -> dict[str, str]:  # not the -wal/-shm the check's read-only connection leaves
        return {k: v for k, v in tree_hashes(root).items() if not k.endswith(("-wal", "-shm"))}

    assert image(out) == image(before)  # vault.db, vault.json and every blob, byte for byte
    assert tree_hashes(out / "media") == clean_media


def test_page_checker_matches_sqlcipher_in_both_page_profiles(tmp_path, monkeypatch):
    """Our HMAC check agrees with SQLCipher's own on 16 KiB/SHA-256 and 4 KiB/SHA-512 vaults."""
    from chatvault.vault.vault import create_vault

    for profile in ("16k-sha256", "4k-sha512"):
        monkeypatch.setattr(store_db, "NEW_PROFILE", profile)
        v, _ = create_vault(tmp_path / profile, PASSPHRASE)
        try:
            fill(v, messages=800, blobs=0)
            conn = v.connect()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            ps = int(conn.execute("PRAGMA page_size").fetchone()[0])
            conn.close()
            data = bytearray(v.db_path.read_bytes())
            chk = page_checker(v.derive_key(vkeys.LABEL_DB), data[:16], ps)
            assert chk is not None and chk.bad_pages(bytes(data), 1) == []
            hmac_at = chk.usable + 16  # page 1: its tag right after the IV
            data[hmac_at] ^= 1
            assert chk.bad_pages(bytes(data), 1) == [1]
            data[hmac_at] ^= 1
            data[ps * 2 + 7] ^= 1  # page 3's ciphertext
            data[ps * 6 + ps - chk.mac_len - 16] ^= 1  # page 7's IV
            assert chk.bad_pages(bytes(data), 1) == [3, 7]
            v.db_path.write_bytes(bytes(data))
            conn = v.connect(readonly=True)
            sqlcipher_says = " ".join(str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check"))
            conn.close()
            assert "3" in sqlcipher_says and "7" in sqlcipher_says
        finally:
            v.lock()


@pytest.mark.parametrize("cut", ["flip", "truncate_chunk", "extend", "swap"])
def test_blob_tag_check_refuses_every_kind_of_damage(vault, cut):
    ids = fill(vault, messages=1, blobs=2, blob_size=150_000)  # 3 chunks of 64 KiB
    k_media = vault.derive_key(vkeys.LABEL_MEDIA)
    data = blob_path(vault, ids[0]).read_bytes()

    def check(raw: bytes, blob_id: str = ids[0], step: int = 7777) -> str | None:
        c = BlobTagCheck(k_media, blob_id)
        for i in range(0, len(raw), step):
            c.update(raw[i:i + step])
        return c.problem()

    assert check(data) is None and check(data, step=1 << 16) is None
    bad = {"flip": data[:100] + bytes([data[100] ^ 1]) + data[101:], "truncate_chunk": data[:40 + 2 * 65552],
           "extend": data + b"\0" * 16, "swap": blob_path(vault, ids[1]).read_bytes()}[cut]
    assert check(bad) is not None


def test_blob_damaged_after_a_clean_run_is_caught_although_the_destination_holds_it(vault, dest):
    """An unchanged-size blob the destination already holds is re-read when its file changed."""
    ids = fill(vault, messages=50, blobs=3)
    first = engine.run_backup(vault, dest)
    assert first.blobs_checked == 3
    again = engine.run_backup(vault, dest)
    assert again.blobs_checked == 0  # nothing changed: the previous check holds
    damage_blob(vault, ids[1], random.Random(1))
    with pytest.raises(SourceDamaged) as err:
        engine.run_backup(vault, dest)
    assert ids[1][:12] in err.value.message and err.value.code == "source_damaged"
    conn = vault.connect()
    try:
        h = health(conn)[0]
        assert h.state == "red" and h.damaged and h.damage["blobs"][0]["blob"].endswith(ids[1])
    finally:
        conn.close()


def test_partial_page_damage_is_caught_by_the_weekly_full_check(vault, dest, monkeypatch):
    """Damage that leaves a page's tail (the fast path's fingerprint) alone is found by the full
    pass every FULL_CHECK_EVERY_S; before that the snapshot keeps the good copy of the extent."""
    fill(vault, messages=800, blobs=0)
    engine.run_backup(vault, dest)
    conn = vault.connect()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ps = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.close()
    with open(vault.db_path, "r+b") as fh:
        fh.seek(4 * ps + 100)
        fh.write(b"\xff" * 32)  # inside page 5, far from its tail
    quick = engine.run_backup(vault, dest)
    assert quick.verified and quick.damage is None  # SQLCipher did not rewrite page 5: its good copy is kept
    cache = cache_path(vault, dest)
    c = json.loads(cache.read_bytes())
    c["checked"] -= 8 * 86400
    cache.write_text(json.dumps(c))
    with pytest.raises(SourceDamaged) as err:
        engine.run_backup(vault, dest)
    assert "page 5)" in err.value.message


def test_cache_and_restored_vault_are_private(vault, dest, tmp_path):
    fill(vault, messages=20, blobs=1)
    old = os.umask(0)
    try:
        engine.run_backup(vault, dest)
        out = tmp_path / "existing"
        out.mkdir(mode=0o755)
        os.chmod(out, 0o755)
        engine.restore_snapshot(dests.open_target(dest), "latest", out, keys=engine.vault_keys(vault))
    finally:
        os.umask(old)
    cache = cache_path(vault, dest)
    assert cache.stat().st_mode & 0o777 == 0o600 and cache.parent.stat().st_mode & 0o777 == 0o700
    assert out.stat().st_mode & 0o777 == 0o700
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files)
    assert all(p.stat().st_mode & 0o077 == 0 for p in out.rglob("*") if p.is_dir())


def test_failed_restore_test_turns_red_and_prune_keeps_the_last_clean_snapshot(vault, tmp_path, monkeypatch):
    """A blob an interrupted run uploaded, damaged on the backup disk since (same size, not yet on
    record), gets into the next snapshot; the restore test catches it, and prune keeps the clean one."""
    from chatvault import faults
    from chatvault.errors import StorageError

    fill(vault, messages=100, blobs=1)
    folder = tmp_path / "rt"
    conn = vault.connect()
    d = dests.add_destination(conn, "rt", "folder", {"path": str(folder)}, restore_test=True,
                              retention={"keep_last": 1})
    conn.close()
    clean = engine.run_backup(vault, d)
    assert clean.restore_tested
    new = fill(vault, messages=0, blobs=1, seed=9)[0]
    monkeypatch.setenv("CHATVAULT_FAULT", "backup.before_manifest:1:oserror")
    faults.reset()
    with pytest.raises(StorageError):
        engine.run_backup(vault, d)  # interrupted: the new blob is stored, no snapshot names it yet
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()
    stored = folder / f"media/{new[:2]}/{new[2:4]}/{new}"
    data = bytearray(stored.read_bytes())
    data[5000] ^= 1
    stored.write_bytes(bytes(data))
    with pytest.raises(engine.src.RestoreTestFailed) as err:
        engine.run_backup(vault, d)
    bad_sid = err.value.message.split()[5]
    conn = vault.connect()
    try:
        h = health(conn)[0]
        assert h.state == "red" and h.damaged and "restore test" in h.message
    finally:
        conn.close()
    rep = engine.run_prune(vault, d)
    assert rep.known_damaged == [bad_sid] and rep.kept_clean == clean.snapshot_id
    assert rep.keep == sorted([clean.snapshot_id, bad_sid])
    k = engine.vault_keys(vault)
    assert engine.restore_snapshot(dests.open_target(d), clean.snapshot_id, tmp_path / "r", keys=k, check=True).ok


def test_verify_damage_marks_snapshots_prune_keeps_the_newest_clean(vault, dest, tmp_path):
    fill(vault, messages=100, blobs=1)
    first = engine.run_backup(vault, dest)
    new = fill(vault, messages=0, blobs=1, seed=9)[0]
    second = engine.run_backup(vault, dest)
    stored = Path(dest.config["path"]) / f"media/{new[:2]}/{new[2:4]}/{new}"
    data = bytearray(stored.read_bytes())
    data[100] ^= 1
    stored.write_bytes(bytes(data))
    rep = engine.run_verify(vault, dest, read_data=True)
    assert not rep.ok and rep.damaged[0]["snapshots"] == [second.snapshot_id]
    pr = engine.run_prune(vault, dest, retention={"keep_last": 1})
    assert pr.kept_clean == first.snapshot_id and pr.keep == [first.snapshot_id, second.snapshot_id]


def test_damaged_overflow_page_names_its_one_message_4k_profile(tmp_path, monkeypatch):
    """A long message spills into overflow pages; damage one and exactly that message is named."""
    from chatvault.backup.pagemap import map_damage
    from chatvault.vault.vault import create_vault

    monkeypatch.setattr(store_db, "NEW_PROFILE", "4k-sha512")
    v, _ = create_vault(tmp_path / "v", PASSPHRASE)
    try:
        fill(v, messages=300, blobs=0)
        conn = v.connect()
        cid = conn.execute("SELECT id FROM conversations").fetchone()[0]
        big = conn.execute("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, 'big', 1, ?)",
                           (cid, "long " * 40_000)).lastrowid
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = int(conn.execute("PRAGMA page_count").fetchone()[0])
        conn.close()
        data = bytearray(v.db_path.read_bytes())
        chk = page_checker(v.derive_key(vkeys.LABEL_DB), data[:16], 4096)
        victim = count - 3  # inside the 200 KB message's overflow chain, the file's last pages
        data[(victim - 1) * 4096 + 500] ^= 1
        v.db_path.write_bytes(bytes(data))
        conn = v.connect(readonly=True)
        try:
            dmg = map_damage(chk, chk.db_key, lambda n: bytes(data[(n - 1) * 4096:n * 4096]), [victim], conn)
        finally:
            conn.close()
        assert dmg.tables == {"messages": [(big - 1, big)]} and dmg.messages == 1
        assert dmg.conversations == [{"id": cid, "title": "Chat", "messages": 1}]
    finally:
        v.lock()
