"""kill -9 of `chatvault backup run` and `backup prune` at many points, then the invariants of
RELIABILITY.md row 5: no listed snapshot fails `verify --read-data`, no false success is recorded,
the next run succeeds and sends only what is missing, and the newest snapshot restores and checks."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from chatvault.backup import destinations as dests
from chatvault.backup import engine, layout
from chatvault.backup.folder import FolderTarget
from tests.backup_fixtures import db_image_hash, file_hash, fill, touch_messages
from tests.conftest import PASSPHRASE

POINTS = [
    "backup.put:1", "backup.put:2", "backup.put:5", "backup.put:9", "backup.put:14", "backup.put_chunk:1",
    "backup.pack:1", "backup.pack:3", "backup.pack:6",  # a pack sealed, others uploading or stored
    "backup.commit:1", "backup.before_manifest:1", "backup.manifest.before_fsync:1",
    "backup.manifest.before_rename:1", "backup.manifest.before_dir_fsync:1", "backup.after_manifest:1",
]


def _cli(vault_path: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, CHATVAULT_PASSPHRASE=PASSPHRASE, CHATVAULT_VAULT=str(vault_path))
    env.pop("CHATVAULT_FAULT", None)
    env["CHATVAULT_BACKUP_PACK_BYTES"] = str(128 * 1024)  # several packs per run, as a large vault has
    if fault:
        env["CHATVAULT_FAULT"] = fault + ":kill"
    return subprocess.run([sys.executable, "-m", "chatvault", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_kill_loop_backup_and_prune(vault, tmp_path):
    rng = random.Random(20261123)
    fill(vault, messages=2500, blobs=3, blob_size=200_000)
    folder = tmp_path / "bk"
    folder.mkdir()
    conn = vault.connect()
    dests.add_destination(conn, "usb", "folder", {"path": str(folder)}, retention={"keep_last": 2})
    conn.close()
    target = FolderTarget(folder)
    k = engine.vault_keys(vault)
    kills = 0
    survived = []
    schedule = POINTS + [f"backup.put:{rng.randint(1, 3)}" for _ in range(6)]  # every run puts >= 3 objects
    schedule += ["backup.delete:1", "backup.delete:3", "backup.prune_after_forget:1"]
    for i, point in enumerate(schedule):
        if i % 3 == 0:
            fill(vault, messages=60, blobs=rng.choice([0, 1]), seed=1000 + i)
            touch_messages(vault, [rng.randint(1, 2500) for _ in range(3)])
        if point.startswith(("backup.delete", "backup.prune")):
            _cli(vault.path, "backup", "run")  # something to prune
            _cli(vault.path, "backup", "run")
            r = _cli(vault.path, "backup", "prune", fault=point)
        else:
            r = _cli(vault.path, "backup", "run", fault=point)
        if r.returncode == -9:
            kills += 1
            conn = vault.connect(readonly=True)
            last = dests.runs(conn, limit=1)[0]
            conn.close()
            assert last["status"] == "running"  # a killed run is never recorded as a success
        else:
            assert r.returncode == 0, (point, r.stderr)
            survived.append(point)
        # invariant after every kill: every listed snapshot reads back whole
        rep = engine.verify_target(target, k, read_data=True)
        assert rep.ok, (point, rep.to_json())
    assert kills >= 20, survived

    # the next run succeeds and sends only what is missing (within 5 %)
    listed_before = target.list()
    expected = db_image_hash(vault)
    r = _cli(vault.path, "backup", "run", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["runs"][0]
    body = engine.load_manifest(target, k, out["snapshot_id"])
    missing = sum(size for key, size in layout.references(body) if listed_before.get(key) != size)
    assert out["verified"] and out["bytes_sent"] <= missing * 1.05 + 16_384
    conn = vault.connect(readonly=True)
    assert dests.runs(conn, limit=2)[1]["status"] == "failure"  # the killed run was marked interrupted
    conn.close()
    restored = tmp_path / "restored"
    rep = engine.restore_snapshot(target, "latest", restored, passphrase=PASSPHRASE, check=True)
    assert rep.ok and file_hash(restored / "vault.db") == expected
    r = _cli(restored, "check", "--read-data")
    assert r.returncode == 0, r.stdout
