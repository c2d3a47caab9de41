"""Backups to a real S3 server (SeaweedFS): Object Lock with a skewed client clock, the server
going away mid-upload, multipart blobs, and damage found by verify."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatvault import clock
from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.backup.health import health
from chatvault.errors import StorageError
from tests.backup_fixtures import db_image_hash, file_hash, fill, touch_messages, tree_hashes
from tests.conftest import PASSPHRASE
from tests.s3_server import S3Server, free_ports, s3_server  # noqa: F401 - the session fixture

pytestmark = pytest.mark.s3


@pytest.fixture
def s3env(s3_server: S3Server, monkeypatch):  # noqa: F811
    for k, v in s3_server.env().items():
        monkeypatch.setenv(k, v)
    return s3_server


def _add(vault, name: str, config: dict) -> dests.Destination:
    conn = vault.connect()
    try:
        return dests.add_destination(conn, name, "s3", config)
    finally:
        conn.close()


def test_object_lock_survives_clock_skew_delete_and_prune(vault, s3env, monkeypatch, tmp_path):
    bucket = s3env.make_bucket("locked-skew", object_lock=True)
    fill(vault, messages=300, blobs=2)
    d = _add(vault, "s3lock", {"bucket": bucket, "endpoint": s3env.endpoint, "prefix": "v1",
                               "lock_mode": "COMPLIANCE", "lock_days": 1})
    skewed = clock.FixedClock(time.time() - 365 * 86400)  # the client's clock is a year behind
    monkeypatch.setattr(clock, "clock", skewed)
    first = engine.run_backup(vault, d)
    touch_messages(vault, [3])
    expected = db_image_hash(vault)
    second = engine.run_backup(vault, d)
    assert first.full_listing and not second.full_listing  # after a verified run S3 is not listed again
    c = s3env.client()
    resp = c.list_object_versions(Bucket=bucket, Prefix="v1/")
    server_now = datetime.now(UTC).timestamp()  # the server shares this machine's real clock
    versions = resp["Versions"]
    assert len(versions) >= first.objects_sent + second.objects_sent
    for v in versions:
        ret = c.get_object_retention(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])["Retention"]
        assert ret["Mode"] == "COMPLIANCE"
        assert ret["RetainUntilDate"].timestamp() >= server_now + 86400 - 30, v["Key"]
    # a locked version cannot be deleted; a plain DELETE only adds a marker that hides it
    target = dests.open_target(d)
    victim = next(v for v in versions if "/packs/" in v["Key"])
    with pytest.raises(Exception, match="AccessDenied|Access Denied"):
        c.delete_object(Bucket=bucket, Key=victim["Key"], VersionId=victim["VersionId"])
    c.delete_object(Bucket=bucket, Key=victim["Key"])
    assert c.get_object(Bucket=bucket, Key=victim["Key"], VersionId=victim["VersionId"])["Body"].read()
    k = engine.vault_keys(vault)
    assert engine.verify_target(target, k, read_data=True).ok  # the hidden version is still used
    # prune: the forgotten snapshot and its objects are locked, so nothing is deleted
    rep = engine.run_prune(vault, d, retention={"keep_last": 1})
    assert rep.forget == [first.snapshot_id] and rep.locked_snapshots == [first.snapshot_id]
    assert rep.objects_deleted == 0
    after = c.list_object_versions(Bucket=bucket, Prefix="v1/")["Versions"]
    assert {v["VersionId"] for v in versions} <= {v["VersionId"] for v in after}
    out = engine.restore_snapshot(dests.open_target(d), second.snapshot_id, tmp_path / "r", passphrase=PASSPHRASE)
    assert out.ok and file_hash(tmp_path / "r/vault.db") == expected


class CuttableProxy:
    """A TCP proxy in front of the S3 server that can drop every connection and refuse new ones
    (the server 'stops' mid-upload), then come back."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.port = free_ports(1)[0]
        self.cut_after: int | None = None
        self.sent = 0
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self._listen()

    def _listen(self) -> None:
        self.srv = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.srv,), daemon=True).start()

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                client, _ = srv.accept()
            except OSError:
                return
            up = socket.create_connection(("127.0.0.1", self.upstream))
            with self.lock:
                self.conns += [client, up]
            threading.Thread(target=self._pump, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, client, False), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket, counting: bool) -> None:
        try:
            while data := a.recv(65536):
                if counting:
                    with self.lock:
                        self.sent += len(data)
                        if self.cut_after is not None and self.sent > self.cut_after:
                            threading.Thread(target=self.stop, daemon=True).start()
                            return
                b.sendall(data)
        except OSError:
            pass

    def stop(self) -> None:
        with self.lock:
            conns, self.conns = self.conns, []
            self.cut_after = None
        try:
            self.srv.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread; close alone would not
        except OSError:
            pass
        self.srv.close()
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def start(self) -> None:
        self._listen()


def test_server_stops_mid_upload_then_next_run_resumes(vault, s3env, tmp_path):
    bucket = s3env.make_bucket("stop-mid")
    fill(vault, messages=2000, blobs=2)
    fill(vault, messages=0, blobs=1, blob_size=20 * 1024 * 1024, seed=9)  # multipart
    proxy = CuttableProxy(int(s3env.endpoint.rsplit(":", 1)[1]))
    d = _add(vault, "s3", {"bucket": bucket, "endpoint": f"http://127.0.0.1:{proxy.port}", "prefix": "p",
                           "timeout": 3, "retries": 1})
    proxy.cut_after = 12 * 1024 * 1024
    with pytest.raises(StorageError) as exc:
        engine.run_backup(vault, d)
    assert "not reachable" in str(exc.value) or "S3 error" in str(exc.value)
    conn = vault.connect(readonly=True)
    run = dests.runs(conn, limit=1)[0]
    assert run["status"] == "failure" and run["verified"] == 0
    assert health(conn)[0].state == "red"
    conn.close()
    listed = s3env.client().list_objects_v2(Bucket=bucket, Prefix="p/snapshots/").get("KeyCount", 0)
    assert listed == 0  # no snapshot from the interrupted run
    proxy.start()
    arrived = {k for k in dests.open_target(d).list() if k.startswith(("packs/", "media/"))}
    assert arrived  # some objects made it before the server went away
    expected, media = db_image_hash(vault), tree_hashes(vault.media_path)
    r = engine.run_backup(vault, d)
    assert r.verified and r.full_listing and r.blobs_sent >= 1 and not (set(r.sent_keys) & arrived)  # nothing re-sent
    target = dests.open_target(d)
    k = engine.vault_keys(vault)
    assert engine.verify_target(target, k, read_data=True).ok
    out = engine.restore_snapshot(target, "latest", tmp_path / "r", passphrase=PASSPHRASE, check=True)
    assert out.ok and file_hash(tmp_path / "r/vault.db") == expected
    assert tree_hashes(Path(tmp_path / "r/media")) == media
    proxy.stop()


def test_s3_verify_names_corrupted_and_truncated_objects(vault, s3env):
    bucket = s3env.make_bucket("damage")
    ids = fill(vault, messages=200, blobs=2)
    d = _add(vault, "s3d", {"bucket": bucket, "endpoint": s3env.endpoint, "prefix": "x"})
    r = engine.run_backup(vault, d)
    c = s3env.client()
    ext = next(k for k in r.sent_keys if k.startswith("packs/"))
    body = bytearray(c.get_object(Bucket=bucket, Key="x/" + ext)["Body"].read())
    body[7] ^= 0x40
    c.put_object(Bucket=bucket, Key="x/" + ext, Body=bytes(body))
    blob = f"media/{ids[1][:2]}/{ids[1][2:4]}/{ids[1]}"
    c.put_object(Bucket=bucket, Key="x/" + blob, Body=c.get_object(Bucket=bucket, Key="x/" + blob)["Body"].read()[:-1])
    rep = engine.verify_target(dests.open_target(d), engine.vault_keys(vault), read_data=True)
    damaged = {x["key"]: x for x in rep.damaged}
    assert set(damaged) == {ext, blob} and damaged[ext]["snapshots"] == [r.snapshot_id]
    assert "authenticate" in damaged[ext]["problem"] and "wrong size" in damaged[blob]["problem"]


def test_kill_during_pack_upload_and_prune_on_s3(vault, s3env, tmp_path):
    """kill -9 of `backup run` while packs go up to SeaweedFS and of `backup prune` while it deletes:
    every listed snapshot stays whole, the next run completes, nothing a kept snapshot needs is gone."""
    import os
    import subprocess
    import sys

    bucket = s3env.make_bucket("kill-packs")
    fill(vault, messages=2500, blobs=2, blob_size=100_000)
    conn = vault.connect()
    d = dests.add_destination(conn, "s3k", "s3", {"bucket": bucket, "endpoint": s3env.endpoint, "prefix": "k"},
                              retention={"keep_last": 1})
    conn.close()
    env = dict(os.environ, CHATVAULT_PASSPHRASE=PASSPHRASE, CHATVAULT_VAULT=str(vault.path),
               CHATVAULT_BACKUP_PACK_BYTES=str(128 * 1024), **s3env.env())
    env.pop("CHATVAULT_FAULT", None)

    def cli(*args: str, fault: str | None = None) -> subprocess.CompletedProcess:
        e = dict(env, CHATVAULT_FAULT=f"{fault}:kill") if fault else env
        return subprocess.run([sys.executable, "-m", "chatvault", *args], env=e, capture_output=True, text=True,
                              timeout=120)

    k = engine.vault_keys(vault)
    kills = 0
    for i, point in enumerate(["backup.pack:2", "backup.put:4", "backup.pack:1", "backup.before_manifest:1",
                               "backup.delete:1", "backup.delete:2"]):
        touch_messages(vault, [1 + 100 * i, 2000 - 50 * i])
        if point.startswith("backup.delete"):
            assert cli("backup", "run").returncode == 0
            touch_messages(vault, [3 + i])
            assert cli("backup", "run").returncode == 0
            r = cli("backup", "prune", fault=point)
        else:
            r = cli("backup", "run", fault=point)
        assert r.returncode == -9, (point, r.returncode, r.stderr[-500:])
        kills += 1
        rep = engine.verify_target(dests.open_target(d), k, read_data=True)
        assert rep.ok, (point, rep.to_json())
    assert kills == 6
    expected = db_image_hash(vault)
    r = cli("backup", "run", "--json")
    assert r.returncode == 0, r.stderr
    assert cli("backup", "prune").returncode == 0
    target = dests.open_target(d)
    assert engine.verify_target(target, k, read_data=True).ok
    out = engine.restore_snapshot(target, "latest", tmp_path / "r", passphrase=PASSPHRASE, check=True)
    assert out.ok and file_hash(tmp_path / "r/vault.db") == expected


def test_damaged_source_is_refused_and_the_clean_locked_snapshot_survives(vault, s3env, tmp_path):
    """Row 31 against S3, where a run after a verified one trusts the previous snapshot instead of
    listing, large blobs go up in multipart parts, and refused uploads stay under Object Lock."""
    import random

    from chatvault.backup.source import SourceDamaged
    from tests.test_backup_source import damage_blob, damage_pages

    bucket = s3env.make_bucket("damaged-source", object_lock=True)
    big = fill(vault, messages=1500, blobs=1, blob_size=17 * 1024 * 1024)  # multipart
    small = fill(vault, messages=10, blobs=3, seed=2)
    d = _add(vault, "s3", {"bucket": bucket, "endpoint": s3env.endpoint, "prefix": "p",
                           "lock_mode": "GOVERNANCE", "lock_days": 1})
    clean = engine.run_backup(vault, d)
    assert clean.verified and clean.blobs_checked == 4
    target = dests.open_target(d)
    k = engine.vault_keys(vault)
    before = tmp_path / "before"
    engine.restore_snapshot(target, clean.snapshot_id, before, keys=k)
    rng = random.Random(12)
    pages = damage_pages(vault, 3, rng)
    damage_blob(vault, big[0], rng)
    damage_blob(vault, small[1], rng)
    with pytest.raises(SourceDamaged):
        engine.run_backup(vault, d)
    conn = vault.connect()
    try:
        h = health(conn)[0]
        assert h.state == "red" and h.damaged
        assert h.damage["pages"]["pages"] == pages
        assert sorted(b["blob"][-64:] for b in h.damage["blobs"]) == sorted([big[0], small[1]])
    finally:
        conn.close()
    assert [s.id for s in engine.list_snapshots(target, k)] == [clean.snapshot_id]
    rep = engine.run_prune(vault, d, retention={"keep_last": 1})
    assert rep.keep == [clean.snapshot_id]
    out = tmp_path / "after"
    r = engine.restore_snapshot(target, clean.snapshot_id, out, keys=k, check=True)
    assert r.ok and r.checked and not r.lost_blobs
    assert tree_hashes(out / "media") == tree_hashes(before / "media")
    assert file_hash(out / "vault.db") == file_hash(before / "vault.db")
