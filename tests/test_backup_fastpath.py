"""The no-change fast path: extents SQLCipher did not rewrite are neither MACed nor uploaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatvault.backup import engine
from chatvault.backup.cache import cache_path
from chatvault.backup.crypto import BackupKeys
from chatvault.backup.folder import FolderTarget
from chatvault.backup.run import BackupRun
from chatvault.backup.snapshot import DbSnapshot
from chatvault.jobs.context import JobContext
from tests.backup_fixtures import EXTENT, db_image_hash, file_hash, fill, touch_messages


@pytest.fixture
def extent_macs(monkeypatch):
    """Counts keyed hashes of whole database extents."""
    calls = {"n": 0}
    real = BackupKeys.mac

    def counting(self, data):
        if len(data) == EXTENT:
            calls["n"] += 1
        return real(self, data)

    monkeypatch.setattr(BackupKeys, "mac", counting)
    return calls


def _backup_without_history(vault, dest) -> engine.RunResult:
    """One backup that records no run, so nothing at all is written to vault.db between two of them."""
    target = FolderTarget(Path(dest.config["path"]))
    result = engine.RunResult(dest.name)
    with DbSnapshot(vault) as snap:
        BackupRun(vault, target, engine.vault_keys(vault), snap, JobContext(), result,
                  cache_path=cache_path(vault, dest)).run()
    return result


def test_unchanged_vault_second_backup_hashes_and_uploads_no_extent(vault, dest, tmp_path, extent_macs):
    fill(vault, messages=3000, blobs=2)
    image = db_image_hash(vault)
    first = _backup_without_history(vault, dest)
    assert first.verified and first.extents_hashed == first.extents_total > 20
    assert extent_macs["n"] >= first.extents_total - 1  # (the last extent may be shorter)
    extent_macs["n"] = 0

    second = _backup_without_history(vault, dest)
    assert second.verified and second.extents_total == first.extents_total
    assert second.extents_hashed == 0 and extent_macs["n"] == 0  # not one extent MACed
    assert second.extents_sent == 0 and not [k for k in second.sent_keys if k.startswith(("data/", "media/"))]
    target = FolderTarget(Path(dest.config["path"]))
    k = engine.vault_keys(vault)
    assert (engine.load_manifest(target, k, second.snapshot_id)["db"]["slots"]
            == engine.load_manifest(target, k, first.snapshot_id)["db"]["slots"])
    rep = engine.restore_snapshot(target, second.snapshot_id, tmp_path / "r", keys=k)
    assert rep.ok and file_hash(tmp_path / "r/vault.db") == image


def test_unchanged_extents_are_not_even_read(vault, dest, monkeypatch):
    """With a usable cache only the page tails are read (through mappings); the pread of a whole
    extent happens only for extents whose tails changed. Without mmap the same fingerprints come
    from the extents themselves, so either way finds the same changes."""
    from chatvault.backup import snapshot

    fill(vault, messages=3000, blobs=0)
    first = _backup_without_history(vault, dest)
    reads = {"n": 0, "tails": 0}
    real_read, real_tails = DbSnapshot.read_extent, DbSnapshot.tails

    def counting_read(self, i):
        reads["n"] += 1
        return real_read(self, i)

    def counting_tails(self, n):
        out = real_tails(self, n)
        reads["tails"] += out is not None
        return out

    monkeypatch.setattr(DbSnapshot, "read_extent", counting_read)
    monkeypatch.setattr(DbSnapshot, "tails", counting_tails)
    monkeypatch.setattr(snapshot, "TAIL_WINDOW", 3 * EXTENT)  # several windows, one ending mid-file
    touch_messages(vault, [1500])
    second = _backup_without_history(vault, dest)
    assert reads["tails"] == 1 and 1 <= reads["n"] == second.extents_hashed < first.extents_total // 4
    # the same change seen without mmap (fingerprints from whole extents) finds the same extents
    monkeypatch.setattr(snapshot, "_MMAP", None)
    touch_messages(vault, [2500])
    third = _backup_without_history(vault, dest)
    assert reads["tails"] == 1 and third.extents_hashed < first.extents_total // 4
    monkeypatch.setattr(snapshot, "_MMAP", snapshot._libc_mmap())
    fourth = _backup_without_history(vault, dest)
    assert reads["tails"] == 2 and fourth.extents_hashed == 0


def test_exactly_the_rewritten_extents_are_hashed(vault, dest, tmp_path):
    fill(vault, messages=6000, blobs=1)
    first = engine.run_backup(vault, dest)
    touch_messages(vault, [7, 4000])
    second = engine.run_backup(vault, dest)
    target = FolderTarget(Path(dest.config["path"]))
    k = engine.vault_keys(vault)
    engine.restore_snapshot(target, first.snapshot_id, tmp_path / "a", keys=k)
    engine.restore_snapshot(target, second.snapshot_id, tmp_path / "b", keys=k)
    a, b = (tmp_path / "a/vault.db").read_bytes(), (tmp_path / "b/vault.db").read_bytes()
    differ = [i for i in range(-(-len(b) // EXTENT)) if a[i * EXTENT:(i + 1) * EXTENT] != b[i * EXTENT:(i + 1) * EXTENT]]
    assert 1 <= len(differ) < second.extents_total // 4
    assert second.extents_hashed == len(differ)  # every changed extent, and no other, was MACed


def test_untrusted_cache_means_a_full_pass(vault, dest):
    fill(vault, messages=2000, blobs=0)
    first = engine.run_backup(vault, dest)
    cache = cache_path(vault, dest)
    saved = json.loads(cache.read_text())
    assert saved["snapshot"] == first.snapshot_id
    # a cache that names another snapshot than the destination's latest is ignored
    cache.write_text(json.dumps(saved | {"snapshot": "20200101T000000.000Z-00000000"}))
    second = engine.run_backup(vault, dest)
    assert second.verified and second.extents_hashed == second.extents_total
    # so is a damaged one, or one written for another vault.db file
    cache.write_bytes(b"\x00garbage")
    third = engine.run_backup(vault, dest)
    assert third.verified and third.extents_hashed == third.extents_total
    saved = json.loads(cache.read_text())
    cache.write_text(json.dumps(saved | {"file": [0, 0]}))
    fourth = engine.run_backup(vault, dest)
    assert fourth.verified and fourth.extents_hashed == fourth.extents_total
    fifth = engine.run_backup(vault, dest)
    assert fifth.extents_hashed < fifth.extents_total // 4


def test_object_lost_at_destination_is_found_and_resent_despite_the_cache(vault, dest, tmp_path):
    fill(vault, messages=3000, blobs=1)
    first = engine.run_backup(vault, dest)
    root = Path(dest.config["path"])
    target = FolderTarget(root)
    k = engine.vault_keys(vault)
    db = engine.load_manifest(target, k, first.snapshot_id)["db"]
    mac = db["slots"][len(db["slots"]) // 2][1]  # message pages: the run history is not there
    lost = db["packs"][db["objects"][mac][0]][0]  # the pack holding that extent
    (root / lost).unlink()
    quick = engine.run_backup(vault, dest)  # trusts the last verified snapshot: does not list
    assert quick.verified and not quick.full_listing
    rep = engine.run_verify(vault, dest)  # verify does not trust anything
    assert not rep.ok and lost in [d["key"] for d in rep.damaged]
    image = db_image_hash(vault)
    second = engine.run_backup(vault, dest)  # after a failed verify, the destination is listed again
    assert second.verified and second.full_listing and mac in second.sent_entries
    out = engine.restore_snapshot(target, second.snapshot_id, tmp_path / "r", keys=k)
    assert out.ok
    # the older snapshots still name the lost pack (a pack is not rebuilt); the new one does not use it
    rep = engine.verify_target(target, k, read_data=True)
    assert [d["key"] for d in rep.damaged] == [lost] and second.snapshot_id not in rep.damaged[0]["snapshots"]
    assert file_hash(tmp_path / "r/vault.db") == image
