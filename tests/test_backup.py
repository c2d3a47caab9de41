"""Backups to a folder: page-extent increments, restore of every snapshot, verify, prune, health, faults."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from chatvault import clock, faults
from chatvault.backup import destinations as dests
from chatvault.backup import engine, extents, layout
from chatvault.backup import run as backup_run
from chatvault.backup.folder import FolderTarget
from chatvault.backup.health import health, overall
from chatvault.backup.retention import apply_retention
from chatvault.backup.scheduler import Scheduler
from chatvault.errors import DiskFull, InputError, IntegrityError, StorageError, UsageError
from chatvault.store.db import NEW_PAGE_SIZE
from tests.backup_fixtures import (
    EXTENT,
    EXTENT_PAGES,
    db_image_hash,
    file_hash,
    fill,
    touch_messages,
    tree_hashes,
)
from tests.conftest import PASSPHRASE


def data_tables_hash(vault) -> str:
    """Everything but the backup history: what a failed backup must never change."""
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT id, conversation_id, source_key, ts, text FROM messages ORDER BY id").fetchall()
        return json.dumps([list(r) for r in rows])
    finally:
        conn.close()


def snapshot_ids(dest) -> list[str]:
    return sorted(k[len("snapshots/"):] for k in FolderTarget(Path(dest.config["path"])).list("snapshots/"))


def last_run(vault) -> dict:
    conn = vault.connect(readonly=True)
    try:
        return dests.runs(conn, limit=1)[0]
    finally:
        conn.close()


def test_changed_pages_upload_only_their_extents(vault, dest, tmp_path):
    fill(vault, messages=6000, blobs=2)
    first = engine.run_backup(vault, dest)
    assert first.verified and first.extents_sent == first.extents_total > 30
    target = FolderTarget(Path(dest.config["path"]))
    k = engine.vault_keys(vault)
    before = engine.load_manifest(target, k, first.snapshot_id)["db"]["slots"]

    touch_messages(vault, [5, 3000, 5900])
    second = engine.run_backup(vault, dest)
    after = engine.load_manifest(target, k, second.snapshot_id)["db"]["slots"]
    changed = [i for i, sl in enumerate(after) if i >= len(before) or before[i][0] != sl[0]]
    assert 1 <= len(changed) <= 12 < len(after)
    # only the extents holding changed pages were sent: each as a patch of just those pages, in one pack
    uploaded = set(second.sent_entries)
    expected = {after[i][2] or after[i][1] for i in changed}
    assert uploaded == expected and second.blobs_sent == 0
    assert second.packs_sent == 1 and [key for key in second.sent_keys if key.startswith("packs/")]
    # the pages that differ between the two restored images are exactly the patched pages
    engine.restore_snapshot(target, first.snapshot_id, tmp_path / "r1", keys=k)
    engine.restore_snapshot(target, second.snapshot_id, tmp_path / "r2", keys=k)
    a, b = (tmp_path / "r1/vault.db").read_bytes(), (tmp_path / "r2/vault.db").read_bytes()
    ps = NEW_PAGE_SIZE
    diff = {p for p in range(max(len(a), len(b)) // ps) if a[p * ps:(p + 1) * ps] != b[p * ps:(p + 1) * ps]}
    patched = {i * EXTENT_PAGES + p for i in changed for p in extents.mask_pages(after[i][3])} if all(
        after[i][2] for i in changed) else None
    if patched is not None:
        assert patched == diff
    assert {p // EXTENT_PAGES for p in diff} == set(changed)
    assert second.bytes_sent <= len(diff) * (ps + 4) + 64 * 1024  # pages, not whole extents

    # further changes to the same extents accumulate in one patch against the same base
    touch_messages(vault, [5, 5900])
    image = db_image_hash(vault)
    third = engine.run_backup(vault, dest)
    slots3 = engine.load_manifest(target, k, third.snapshot_id)["db"]["slots"]
    assert all(slots3[i][1] == after[i][1] for i in changed if after[i][2])
    engine.restore_snapshot(target, third.snapshot_id, tmp_path / "r3", keys=k)
    assert file_hash(tmp_path / "r3/vault.db") == image


def test_ten_successive_snapshots_each_restore_to_that_moment(vault, dest, tmp_path):
    fill(vault, messages=300, blobs=1)
    moments = []
    for i in range(10):
        fill(vault, messages=40, blobs=1 if i % 3 == 0 else 0, seed=100 + i)
        touch_messages(vault, [1 + 7 * i])
        expected = db_image_hash(vault)
        media = tree_hashes(vault.media_path)
        r = engine.run_backup(vault, dest)
        moments.append((r.snapshot_id, expected, media))
    target = FolderTarget(Path(dest.config["path"]))
    assert snapshot_ids(dest) == [m[0] for m in moments]
    for i, (sid, expected, media) in enumerate(moments):
        out = tmp_path / f"restore{i}"
        rep = engine.restore_snapshot(target, sid, out, passphrase=PASSPHRASE)
        assert rep.ok and file_hash(out / "vault.db") == expected
        assert tree_hashes(out / "media") == media
        assert (out / "vault.json").read_bytes() == (vault.path / "vault.json").read_bytes()


def test_cli_backup_restore_check_roundtrip(vault, tmp_path, cli):
    ids = fill(vault, messages=200, blobs=2)
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_VAULT": str(vault.path)}
    folder = tmp_path / "bk"
    folder.mkdir()
    r = cli("backup", "add", "usb", "--folder", str(folder), "--keep-last", "2", env=env)
    assert r.returncode == 0, r.stderr
    r = cli("backup", "status", env=env)
    assert r.returncode == 1 and "no verified backup" in r.stdout
    r = cli("backup", "run", "--json", env=env)
    assert r.returncode == 0, r.stderr
    run = json.loads(r.stdout)["runs"][0]
    assert run["ok"] and run["verified"] and run["blobs_sent"] == 2
    r = cli("backup", "status", "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["state"] == "green"
    r = cli("backup", "snapshots", "--json", env=env)
    snaps = json.loads(r.stdout)["destinations"][0]["snapshots"]
    assert len(snaps) == 1 and snaps[0]["counts"]["messages"] == 200
    r = cli("backup", "verify", "--read-data", env=env)
    assert r.returncode == 0 and "read and authenticated" in r.stdout
    out = tmp_path / "restored"
    r = cli("restore", "latest", "--from-folder", str(folder), "--to", str(out), "--check", env=env)
    assert r.returncode == 0, r.stderr
    r = cli("check", "--read-data", "--json", "--vault", str(out), env=env)
    assert r.returncode == 0, r.stdout
    r = cli("info", "--json", "--vault", str(out), env=env)
    assert json.loads(r.stdout)["messages"] == 200
    assert sorted(p.name for p in (out / "media").rglob("*") if p.is_file()) == sorted(ids)
    r = cli("backup", "ls", "--json", env=env)
    assert json.loads(r.stdout)["destinations"][0]["retention"] == {"keep_last": 2}


def test_wrong_passphrase_at_restore_changes_nothing(vault_and_key, tmp_path, cli):
    vault, recovery_key = vault_and_key
    fill(vault, messages=50, blobs=1)
    folder = tmp_path / "bk"
    folder.mkdir()
    conn = vault.connect()
    d = dests.add_destination(conn, "usb", "folder", {"path": str(folder)})
    conn.close()
    engine.run_backup(vault, d)
    before = tree_hashes(folder)
    out = tmp_path / "restored"
    r = cli("restore", "latest", "--from-folder", str(folder), "--to", str(out), "--json",
            env={"CHATVAULT_PASSPHRASE": "not the passphrase"})
    assert r.returncode == 3 and json.loads(r.stdout)["error"] == "wrong_passphrase"
    assert not out.exists() and tree_hashes(folder) == before
    keyfile = tmp_path / "rk.txt"
    keyfile.write_text(recovery_key + "\n")
    r = cli("restore", "latest", "--from-folder", str(folder), "--to", str(out), "--recovery-key-file", str(keyfile))
    assert r.returncode == 0, r.stderr
    r = cli("info", "--vault", str(out), env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 0


def test_verify_names_damage_and_restore_says_what_is_lost(vault, dest, tmp_path, cli):
    ids = fill(vault, messages=300, blobs=3)
    conn = vault.connect()
    conn.execute("INSERT INTO attachments(message_id, blob_id, status) VALUES (1, ?, 'stored')", (ids[0],))
    conn.close()
    first = engine.run_backup(vault, dest)
    touch_messages(vault, [2])
    second = engine.run_backup(vault, dest)
    target = FolderTarget(Path(dest.config["path"]))
    k = engine.vault_keys(vault)
    refs_first = {key for key, _ in layout.references(engine.load_manifest(target, k, first.snapshot_id))}
    refs_second = layout.references(engine.load_manifest(target, k, second.snapshot_id))
    only_second = next(key for key, _ in refs_second if key.startswith("packs/") and key not in refs_first)
    blob_key = f"media/{ids[0][:2]}/{ids[0][2:4]}/{ids[0]}"
    root = Path(dest.config["path"])
    raw = bytearray((root / only_second).read_bytes())
    raw[100] ^= 1
    (root / only_second).write_bytes(bytes(raw))  # flipped byte: same size
    blob = root / blob_key
    blob.write_bytes(blob.read_bytes()[:-10])  # truncated
    plain = engine.verify_target(target, k, read_data=False)
    assert [d["key"] for d in plain.damaged] == [blob_key]  # only what sizes can show; nothing claimed as read
    rep = engine.verify_target(target, k, read_data=True)
    damaged = {d["key"]: d for d in rep.damaged}
    assert set(damaged) == {only_second, blob_key}
    assert damaged[only_second]["snapshots"] == [second.snapshot_id]
    assert damaged[blob_key]["snapshots"] == [first.snapshot_id, second.snapshot_id]
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_VAULT": str(vault.path)}
    r = cli("backup", "verify", "--read-data", env=env)
    assert r.returncode == 1 and only_second in r.stdout and second.snapshot_id in r.stdout
    assert "1 messages refer to it" in r.stdout  # the truncated blob is attached to message 1
    # the database of the second snapshot cannot be rebuilt: refused, nothing left behind
    with pytest.raises(IntegrityError) as exc:
        engine.restore_snapshot(target, second.snapshot_id, tmp_path / "r2", keys=k)
    assert only_second in str(exc.value) and not (tmp_path / "r2").exists()
    # the first restores everything but the truncated blob, and says so
    r = cli("restore", first.snapshot_id, "--from-folder", str(root), "--to", str(tmp_path / "r1"), "--json",
            env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["lost_blobs"] == [blob_key[len("media/"):]] and out["affected_messages"] == 1
    assert (tmp_path / "r1/vault.db").exists() and not (tmp_path / "r1" / blob_key).exists()
    assert len([p for p in (tmp_path / "r1/media").rglob("*") if p.is_file()]) == 2


def test_unplugged_mid_run_records_failure_and_next_run_resumes(vault, dest, monkeypatch):
    fill(vault, messages=2000, blobs=3)
    before = data_tables_hash(vault)
    root = Path(dest.config["path"])
    unplugged = root.with_name("unplugged")
    calls = {"n": 0}
    real_put = FolderTarget.put_bytes

    def put_then_unplug(self, key, data, *, durable_now=False):
        calls["n"] += 1
        if calls["n"] == 6:
            self.commit()  # what arrived so far is durable
            root.rename(unplugged)
        return real_put(self, key, data, durable_now=durable_now)

    monkeypatch.setattr(FolderTarget, "workers", 1)
    monkeypatch.setattr(backup_run, "COMMIT_BYTES", 1)
    monkeypatch.setattr(backup_run, "PACK_BYTES", 3 * EXTENT)  # packs of 3 extents: several packs arrive
    monkeypatch.setattr(FolderTarget, "put_bytes", put_then_unplug)
    with pytest.raises(StorageError) as exc:
        engine.run_backup(vault, dest)
    assert "not reachable" in str(exc.value)
    monkeypatch.setattr(FolderTarget, "put_bytes", real_put)
    run = last_run(vault)
    assert run["status"] == "failure" and run["verified"] == 0 and "not reachable" in run["error"]
    conn = vault.connect(readonly=True)
    assert health(conn)[0].state == "red"
    conn.close()
    unplugged.rename(root)  # plugged back in
    assert snapshot_ids(dest) == []
    arrived = {k for k in FolderTarget(root).list() if k.startswith("packs/")}
    assert len(arrived) >= 3  # the marker and header came first, then these packs
    r = engine.run_backup(vault, dest)
    assert r.verified and r.full_listing and not ({k for k in r.sent_keys} & arrived)
    # the packs that arrived are used as they are (read from their authenticated tables)
    assert r.extents_sent <= r.extents_total - 3 * len(arrived) + 2
    assert data_tables_hash(vault) == before


def test_disk_full_injected_enospc(vault, dest, monkeypatch):
    fill(vault, messages=500, blobs=2)
    before = data_tables_hash(vault)
    monkeypatch.setenv("CHATVAULT_FAULT", "backup.put:3:enospc")
    faults.reset()
    try:
        with pytest.raises(DiskFull):
            engine.run_backup(vault, dest)
    finally:
        monkeypatch.delenv("CHATVAULT_FAULT")
        faults.reset()
    assert last_run(vault)["status"] == "failure" and last_run(vault)["error_code"] == "disk_full"
    assert snapshot_ids(dest) == [] and data_tables_hash(vault) == before
    assert engine.run_backup(vault, dest).verified


def test_disk_full_rlimit_fsize_in_subprocess(vault, dest, tmp_path):
    fill(vault, messages=100, blobs=1, blob_size=3 * 1024 * 1024)
    limit = (vault.db_path.stat().st_size + 4 * 1024 * 1024) // 2  # above vault.db, below the blob

    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, CHATVAULT_PASSPHRASE=PASSPHRASE, CHATVAULT_VAULT=str(vault.path))
    r = subprocess.run([sys.executable, "-m", "chatvault", "backup", "run", "--json"], env=env, capture_output=True,
                       text=True, preexec_fn=limit_files, timeout=120)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["runs"][0]["error"] == "disk_full" and "disk is full" in out["runs"][0]["message"]
    assert snapshot_ids(dest) == []
    r = subprocess.run([sys.executable, "-m", "chatvault", "check"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert engine.run_backup(vault, dest).verified


def test_foreign_or_non_empty_destination_is_refused(vault, dest, tmp_path):
    fill(vault, messages=10, blobs=0)
    other = tmp_path / "other"
    other.mkdir()
    (other / "photo.jpg").write_bytes(b"x")
    conn = vault.connect()
    d2 = dests.add_destination(conn, "other", "folder", {"path": str(other)})
    with pytest.raises(UsageError):
        dests.add_destination(conn, "usb", "folder", {"path": str(other)})
    conn.close()
    with pytest.raises(InputError, match="not empty"):
        engine.run_backup(vault, d2)
    root = Path(dest.config["path"])
    (root / layout.CONFIG_KEY).write_text(json.dumps({"format": "chatvault-backup", "vault_id": "00" * 16}))
    with pytest.raises(InputError, match="another vault"):
        engine.run_backup(vault, dest)


def test_retention_rules():
    day = 86400.0
    base = 1_700_000_000.0  # 2023-11-14
    snaps = [(f"s{i:03d}", base + i * day / 2) for i in range(120)]  # two a day for 60 days
    assert apply_retention(snaps, {}) == {s for s, _ in snaps}
    assert apply_retention(snaps, {"keep_last": 3}) == {"s119", "s118", "s117"}
    daily = apply_retention(snaps, {"keep_daily": 7})
    assert daily == {"s119", "s118", "s116", "s114", "s112", "s110", "s108"}  # newest of each UTC day
    weekly = apply_retention(snaps, {"keep_weekly": 4})
    assert len(weekly) == 4
    monthly = apply_retention(snaps, {"keep_monthly": 12, "keep_yearly": 5})
    assert {"s119"} <= monthly and len(monthly) == 3  # Nov, Dec, Jan newest of each (yearly adds 2023's newest)


def test_prune_keeps_what_kept_snapshots_use(vault, dest, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_run, "PACK_BYTES", 2 * EXTENT)  # small packs, so that some become unused
    fill(vault, messages=1500, blobs=2)
    ids = []
    for i in range(4):
        touch_messages(vault, [10 + 300 * i])
        if i == 1:
            fill(vault, messages=0, blobs=1, seed=77)
        ids.append(engine.run_backup(vault, dest).snapshot_id)
    root = Path(dest.config["path"])
    listing = FolderTarget(root).list()
    dry = engine.run_prune(vault, dest, dry_run=True, retention={"keep_last": 2})
    assert dry.forget == ids[:2] and dry.objects_deleted > 0
    assert FolderTarget(root).list() == listing  # a dry run deletes nothing
    rep = engine.run_prune(vault, dest, retention={"keep_last": 2})
    assert rep.forget == ids[:2] and rep.objects_deleted == dry.objects_deleted
    assert snapshot_ids(dest) == ids[2:]
    target = FolderTarget(root)
    k = engine.vault_keys(vault)
    assert engine.verify_target(target, k, read_data=True).ok
    for sid in ids[2:]:
        assert engine.restore_snapshot(target, sid, tmp_path / sid, keys=k, check=True).ok


def test_restore_test_after_each_backup(vault, tmp_path):
    fill(vault, messages=100, blobs=1)
    folder = tmp_path / "rt"
    folder.mkdir()
    conn = vault.connect()
    d = dests.add_destination(conn, "rt", "folder", {"path": str(folder)}, restore_test=True)
    conn.close()
    r = engine.run_backup(vault, d)
    assert r.verified and r.restore_tested
    assert last_run(vault)["detail"]["restore_tested"] is True


def test_health_status_and_scheduler(vault, dest, monkeypatch):
    fill(vault, messages=20, blobs=0)
    fixed = clock.FixedClock(1_800_000_000.0)
    monkeypatch.setattr(clock, "clock", fixed)
    sched = Scheduler(vault)
    assert sched.next_due() == 0.0 and sched.due() == ["usb"]
    conn = vault.connect()
    h = health(conn)[0]
    assert h.state == "red" and "no verified backup yet" in h.message
    results = sched.run_due()
    assert results[0].ok and results[0].snapshot_id
    h = health(conn)[0]
    assert h.state == "green" and h.last_success_at == pytest.approx(fixed.now(), abs=1)
    assert h.last_bytes_sent > 0 and h.last_duration_s is not None
    assert sched.next_due() == pytest.approx(fixed.now() + 86400, abs=1) and sched.due() == []
    fixed.advance(2 * 86400)
    assert health(conn)[0].state == "amber"  # older than half the max age
    root = Path(dest.config["path"])
    root.rename(root.with_name("gone"))
    results = sched.run_due()
    assert not results[0].ok and "not reachable" in results[0].error
    h = health(conn)[0]
    assert h.state == "amber" and "not reachable" in h.last_failure_reason
    assert sched.next_due() == pytest.approx(fixed.now() + 3600, abs=1)  # retried hourly, not in a loop
    fixed.advance(1.5 * 86400)
    h = health(conn)[0]
    assert h.state == "red" and overall([h]) == "red" and "older than 3 days" in h.message
    root.with_name("gone").rename(root)
    assert sched.run_due()[0].ok and health(conn)[0].state == "green"
    conn.close()
