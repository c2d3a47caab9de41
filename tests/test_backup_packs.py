"""Snapshot format 2 (extents and patches in packs) next to format 1 (one object per extent):
pack tables, a format-1 destination read, verified and continued by this version, prune of packs."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from chatvault.backup import engine, extents, layout, packs
from chatvault.backup import run as backup_run
from chatvault.backup.crypto import _aad
from chatvault.backup.folder import FolderTarget
from chatvault.backup.snapshot import DbSnapshot
from tests.backup_fixtures import (
    EXTENT,
    db_image_hash,
    file_hash,
    fill,
    touch_messages,
    tree_hashes,
)
from tests.conftest import PASSPHRASE


def test_pack_table_roundtrip_and_tamper(tmp_path):
    ident = os.urandom(32)
    b = packs.PackBuilder(ident, limit=100)
    items = [os.urandom(n) for n in (40, 1, 70)]
    macs = [hashlib.sha256(x).hexdigest() for x in items]
    for mac, x in zip(macs, items, strict=True):
        b.add(mac, x)
    assert b.full
    key, data, entries = b.seal()
    assert len(b) == 0 and key.startswith("packs/" + key.split("/")[-1][:2] + "/")
    assert entries == [(macs[0], 0, 40), (macs[1], 40, 1), (macs[2], 41, 70)]
    assert packs.parse_table(ident, key, len(data), data) == entries
    (tmp_path / "p").write_bytes(data)
    t = FolderTarget(tmp_path)
    assert packs.read_table(t, ident, "p", len(data)) is None  # the name does not match the table
    (tmp_path / "packs").mkdir()
    (tmp_path / key).parent.mkdir()
    (tmp_path / key).write_bytes(data)
    assert packs.read_table(t, ident, key, len(data)) == entries
    assert packs.parse_table(os.urandom(32), key, len(data), data) is None  # another vault's key
    bad = bytearray(data)
    bad[-20] ^= 1  # a length in the table
    assert packs.parse_table(ident, key, len(data), bytes(bad)) is None
    got = list(packs.scan_entries([data[i:i + 7] for i in range(0, len(data), 7)], [(41, 70), (0, 40)]))
    assert got == [(0, 40, items[0]), (41, 70, items[2])]


def test_format2_layout_few_objects_and_exact_restore(vault, dest, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_run, "PACK_BYTES", 4 * EXTENT)
    fill(vault, messages=4000, blobs=2)
    image = db_image_hash(vault)
    r = engine.run_backup(vault, dest)
    root = Path(dest.config["path"])
    listing = FolderTarget(root).list()
    assert not any(key.startswith("data/") for key in listing)
    n_packs = sum(key.startswith("packs/") for key in listing)
    assert r.packs_sent == n_packs == -(-r.extents_total // 4)  # four extents a pack
    k = engine.vault_keys(vault)
    body = engine.load_manifest(FolderTarget(root), k, r.snapshot_id)
    assert body["format"] == 2 and len(body["db"]["packs"]) == n_packs
    # every slot's base names its pack, offset and length; the bytes there carry that MAC
    for slot in body["db"]["slots"]:
        i, off, n = body["db"]["objects"][slot[1]]
        key = body["db"]["packs"][i][0]
        assert k.mac(FolderTarget(root).read_range(key, off, n)) == slot[1]
    out = engine.restore_snapshot(FolderTarget(root), "latest", tmp_path / "r", passphrase=PASSPHRASE, check=True)
    assert out.ok and out.checked and file_hash(tmp_path / "r/vault.db") == image


def write_format1_snapshot(vault, root: Path) -> tuple[str, str]:
    """A destination as ChatVault wrote it before packs (snapshot format 1, see vault-format.md):
    one `data/<ab>/<mac>` object per extent and a manifest whose slots name those objects."""
    k = engine.vault_keys(vault)
    t = FolderTarget(root)
    t.prepare()
    t.put_bytes(layout.CONFIG_KEY, json.dumps({"format": "chatvault-backup", "version": 1,
                                               "vault_id": k.vault_id}).encode(), durable_now=True)
    header_raw = (vault.path / "vault.json").read_bytes()
    header_key = f"headers/{hashlib.sha256(header_raw).hexdigest()}.json"
    t.put_bytes(header_key, header_raw)
    slots = []
    with DbSnapshot(vault) as snap:
        for data in snap.extents():
            mac = k.mac(data)
            t.put_bytes(layout.extent_key(mac), data)
            slots.append([mac, mac, "", 0, base64.b64encode(extents.page_hashes(k, data, snap.page_size)).decode()])
        db = {"page_size": snap.page_size, "pages": snap.pages, "size": snap.size, "extent_pages": snap.extent_pages,
              "slots": slots, "root": k.mac(b"".join(bytes.fromhex(s[0]) for s in slots))}
    blobs = []
    for rel, path, size, _ctime in backup_run.media_files(vault.media_path):
        h = k.hasher()
        t.put_file("media/" + rel, Path(path), size, h)
        blobs.append([rel, size, h.hexdigest()])
    t.commit()
    sid = "20250101T000000.000Z-0000abcd"
    body = {"id": sid, "format": 1, "vault_id": k.vault_id, "time": 1735689600.0, "time_iso": "2025-01-01T00:00:00Z",
            "header": header_key, "host": "old", "db": db, "blobs": blobs, "counts": {}}
    import zstandard
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    ct = AESGCM(k.seal).encrypt(nonce, zstandard.ZstdCompressor().compress(json.dumps(body).encode()),
                                _aad(k.vault_id, sid))
    env = {"format": "chatvault-snapshot", "version": 1, "vault_id": k.vault_id, "id": sid, "header": header_key,
           "nonce": base64.b64encode(nonce).decode(), "ct": base64.b64encode(ct).decode()}
    t.put_bytes(layout.snapshot_key(sid), json.dumps(env).encode(), durable_now=True)
    return sid, db_image_hash(vault)


def test_format1_destination_restores_verifies_and_is_continued(vault, dest, tmp_path):
    fill(vault, messages=3000, blobs=2)
    root = Path(dest.config["path"])
    old_sid, old_image = write_format1_snapshot(vault, root)
    media = tree_hashes(vault.media_path)
    target = FolderTarget(root)
    k = engine.vault_keys(vault)
    # the old snapshot restores byte for byte and verifies
    out = engine.restore_snapshot(target, old_sid, tmp_path / "old", passphrase=PASSPHRASE, check=True)
    assert out.ok and file_hash(tmp_path / "old/vault.db") == old_image
    assert tree_hashes(tmp_path / "old/media") == media
    assert engine.verify_target(target, k, read_data=True).ok
    # a run of this version reuses the old extent objects: it sends only what changed, in a pack
    touch_messages(vault, [7])
    image = db_image_hash(vault)
    r = engine.run_backup(vault, dest)
    assert r.verified and r.full_listing and r.packs_sent == 1 and r.blobs_sent == 0
    assert r.extents_sent <= 6 < r.extents_total
    body = engine.load_manifest(target, k, r.snapshot_id)
    assert body["format"] == 2 and any(key.startswith("data/") for key, _ in body["db"]["packs"])
    out = engine.restore_snapshot(target, r.snapshot_id, tmp_path / "new", keys=k, check=True)
    assert out.ok and file_hash(tmp_path / "new/vault.db") == image
    # damage in an old extent object is named with both snapshots that use it
    shared = next(key for key, _ in body["db"]["packs"] if key.startswith("data/"))
    raw = bytearray((root / shared).read_bytes())
    raw[5] ^= 1
    (root / shared).write_bytes(bytes(raw))
    rep = engine.verify_target(target, k, read_data=True)
    assert [(d["key"], d["snapshots"]) for d in rep.damaged] == [(shared, sorted([old_sid, r.snapshot_id]))]
    (root / shared).write_bytes(bytes(raw[:5]) + bytes([raw[5] ^ 1]) + bytes(raw[6:]))
    # prune: forgetting the old snapshot keeps the old objects the new one still uses
    rep = engine.run_prune(vault, dest, retention={"keep_last": 1})
    assert rep.forget == [old_sid]
    assert engine.verify_target(target, k, read_data=True).ok
    assert engine.restore_snapshot(target, "latest", tmp_path / "after-prune", keys=k, check=True).ok


def test_prune_deletes_unused_packs_keeps_partly_used_ones(vault, dest, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_run, "PACK_BYTES", 2 * EXTENT)
    fill(vault, messages=3000, blobs=1)
    first = engine.run_backup(vault, dest)
    target = FolderTarget(Path(dest.config["path"]))
    k = engine.vault_keys(vault)
    n = len(engine.load_manifest(target, k, first.snapshot_id)["db"]["slots"])
    # rewrite most messages: most extents change by more than half their pages and are stored anew
    touch_messages(vault, list(range(1, 3001)), text="rewritten " * 20)
    image = db_image_hash(vault)
    second = engine.run_backup(vault, dest)
    assert second.extents_sent > n // 2
    before = target.list()
    rep = engine.run_prune(vault, dest, retention={"keep_last": 1})
    assert rep.forget == [first.snapshot_id] and rep.objects_deleted > 0
    after = target.list()
    body = engine.load_manifest(target, k, second.snapshot_id)
    used = {key for key, _ in layout.references(body)}
    gone = set(before) - set(after)
    assert gone and not (gone & used) and all(key.startswith(("packs/", "snapshots/")) for key in gone)
    assert used <= set(after)
    # a pack the kept snapshot uses only in part is kept whole (not repacked), and counted
    locs = layout.locations(body)
    partly = 0
    for key in used:
        if key.startswith("packs/"):
            table = packs.read_table(target, k.ident, key, after[key])
            assert table is not None
            partly += len(table) > sum(1 for loc in locs.values() if loc[0] == key)
    assert partly >= 1 and rep.partly_used_packs == partly and rep.unused_bytes_kept > 0
    out = engine.restore_snapshot(target, "latest", tmp_path / "r", keys=k, check=True)
    assert out.ok and file_hash(tmp_path / "r/vault.db") == image
    assert engine.verify_target(target, k, read_data=True).ok
