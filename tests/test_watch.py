"""Watch folders: debounce, duplicates, renames, deletions, unplugged folders, hostile entries, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chatvault.media.blobstore import BlobStore
from chatvault.watch import WatchService
from chatvault.watch.folders import add_folder, list_folders, remove_folder
from tests.conftest import PASSPHRASE
from tests.test_media_support import add_attachment, add_chat, add_message, make_jpeg

DEBOUNCE = 0.4


def env_for(vault: Path, **extra: str) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": PASSPHRASE} | extra


def wait_until(cond, timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {cond}")


def log(vault) -> list[tuple]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute("SELECT path, event, blob_id, detail FROM capture_log ORDER BY id")]
    finally:
        conn.close()


def events(vault, event: str) -> list[str]:
    return [r[0] for r in log(vault) if r[1] == event]


@pytest.fixture
def watched(vault, tmp_path):
    folder = tmp_path / "watched"
    folder.mkdir()
    conn = vault.connect()
    add_folder(conn, folder, "capture")
    conn.close()
    services = []

    def start(**kw) -> WatchService:
        s = WatchService(vault, debounce=DEBOUNCE, tick=0.05, reach_every=0.2, **kw)
        s.start()
        services.append(s)
        return s

    yield folder, start
    for s in services:
        s.stop()


def test_folders_table(vault, tmp_path) -> None:
    from chatvault.errors import InputError, UsageError

    conn = vault.connect()
    f = add_folder(conn, tmp_path, "auto-import")
    assert [x.path for x in list_folders(conn)] == [os.path.realpath(tmp_path)]
    with pytest.raises(UsageError):
        add_folder(conn, tmp_path)
    with pytest.raises(InputError):
        add_folder(conn, tmp_path / "nope")
    with pytest.raises(UsageError):
        add_folder(conn, tmp_path / "..", "delete-everything")
    assert remove_folder(conn, str(f.id)).id == f.id and list_folders(conn) == []


def test_new_file_is_durable_within_two_seconds(vault, watched) -> None:
    folder, start = watched
    s = start()
    assert s.wait_idle()
    data = make_jpeg(120, 90, seed=2)
    (folder / "a.jpg").write_bytes(data)
    stopped = time.monotonic()
    wait_until(lambda: events(vault, "captured"), timeout=5)
    latency = time.monotonic() - stopped
    assert latency <= 2.0, latency
    blob = log(vault)[0][2]
    assert BlobStore(vault).read_all(blob) == data
    # The status counters are bumped just after the capture is logged: wait for them, not a race.
    wait_until(lambda: s.status().folders[0].captured == 1, timeout=5)
    st = s.status()
    assert st.running and st.folders[0].state == "watching" and st.folders[0].captured == 1


def test_duplicates_renames_and_deletions(vault, watched) -> None:
    folder, start = watched
    s = start()
    data = os.urandom(100_000)
    (folder / "one.bin").write_bytes(data)
    wait_until(lambda: events(vault, "captured"))
    (folder / "copy.bin").write_bytes(data)
    wait_until(lambda: events(vault, "duplicate"))
    os.rename(folder / "one.bin", folder / "renamed.bin")
    wait_until(lambda: "renamed.bin" in events(vault, "duplicate"))
    (folder / "copy.bin").unlink()
    wait_until(lambda: "copy.bin" in events(vault, "vanished"))
    (folder / "album").mkdir()
    (folder / "album" / "in_dir.bin").write_bytes(data)
    wait_until(lambda: "album/in_dir.bin" in events(vault, "duplicate"))
    os.rename(folder / "album", folder / "album2019")
    wait_until(lambda: "album/in_dir.bin" in events(vault, "vanished"))
    s.stop()
    store = BlobStore(vault)
    assert len(list(store.iter_ids())) == 1  # one blob for three names
    entries = log(vault)
    renamed = [json.loads(e[3]) for e in entries if e[0] == "one.bin" and e[1] == "vanished"]
    assert renamed == [{"renamed_to": "renamed.bin"}]
    moved = [json.loads(e[3]) for e in entries if e[0] == "album/in_dir.bin" and e[1] == "vanished"]
    assert moved == [{"renamed_to": "album2019/in_dir.bin"}]
    blob = entries[0][2]
    assert store.read_all(blob) == data  # deleting in the folder never deletes from the vault
    conn = vault.connect(readonly=True)
    assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    conn.close()


def test_growing_file_is_never_captured_half_written(vault, watched) -> None:
    folder, start = watched
    s = start()
    parts = [os.urandom(50_000) for _ in range(8)]

    def writer() -> None:
        with open(folder / "video.mp4", "wb") as fh:
            for p in parts:
                fh.write(p)
                fh.flush()
                time.sleep(DEBOUNCE / 2)

    t = threading.Thread(target=writer)
    t.start()
    t.join()
    wait_until(lambda: events(vault, "captured"))
    assert s.wait_idle()
    time.sleep(DEBOUNCE * 2)
    store = BlobStore(vault)
    assert [store.read_all(b) for b in store.iter_ids()] == [b"".join(parts)]


def test_startup_scan_catches_what_changed_while_closed(vault, watched) -> None:
    folder, start = watched
    (folder / "sub").mkdir()
    (folder / "sub" / "old.txt").write_bytes(b"before start")
    s = start()
    wait_until(lambda: events(vault, "captured"))
    s.stop()
    (folder / "sub" / "old.txt").unlink()
    (folder / "new.txt").write_bytes(b"added while closed")
    s2 = start()
    wait_until(lambda: "new.txt" in events(vault, "captured"))
    wait_until(lambda: "sub/old.txt" in events(vault, "vanished"))
    assert s2.wait_idle()
    assert len(events(vault, "captured")) == 2  # nothing captured twice


def test_unplugged_folder_turns_unreachable_and_resumes(vault, watched, tmp_path) -> None:
    folder, start = watched
    (folder / "kept.bin").write_bytes(os.urandom(5000))
    s = start()
    wait_until(lambda: events(vault, "captured"))
    away = tmp_path / "unplugged"
    os.rename(folder, away)  # the mount point disappears
    wait_until(lambda: s.status().folders[0].state == "unreachable")
    assert "not reachable" in s.status().folders[0].last_error
    assert events(vault, "vanished") == []  # an unplugged drive is not a deletion
    (away / "while_away.bin").write_bytes(os.urandom(3000))
    os.rename(away, folder)  # plugged back in
    wait_until(lambda: s.status().folders[0].state == "watching")
    wait_until(lambda: "while_away.bin" in events(vault, "captured"))
    (folder / "after.bin").write_bytes(os.urandom(3000))
    wait_until(lambda: "after.bin" in events(vault, "captured"))
    assert events(vault, "vanished") == [] and len(events(vault, "captured")) == 3


def test_hostile_entries_are_skipped_without_hanging(vault, watched, tmp_path) -> None:
    folder, start = watched
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_bytes(b"root:x:0:0")
    os.symlink(outside / "passwd", folder / "link_to_file")
    os.symlink(outside, folder / "link_to_dir")
    os.mkfifo(folder / "fifo")
    (folder / "real.bin").write_bytes(b"real content")
    s = start()
    wait_until(lambda: events(vault, "captured"))
    assert s.wait_idle(5)
    time.sleep(DEBOUNCE * 2)
    assert events(vault, "captured") == ["real.bin"]
    store = BlobStore(vault)
    assert [store.read_all(b) for b in store.iter_ids()] == [b"real content"]


def test_capture_refuses_fifo_and_symlink_directly(vault, tmp_path) -> None:
    from chatvault.watch.capture import capture_file

    store = BlobStore(vault)
    os.mkfifo(tmp_path / "fifo")
    t0 = time.monotonic()
    assert capture_file(store, tmp_path, tmp_path / "fifo").outcome == "skipped"
    assert time.monotonic() - t0 < 2
    (tmp_path / "f").write_bytes(b"x")
    os.symlink(tmp_path / "f", tmp_path / "l")
    assert capture_file(store, tmp_path, tmp_path / "l").outcome == "skipped"
    assert capture_file(store, tmp_path, tmp_path / "f", expect=(2, 0)).outcome == "changed"
    assert capture_file(store, tmp_path, tmp_path / "gone").outcome == "vanished"


def test_watcher_fills_missing_attachment_and_decodes_wechat_dat(vault, watched) -> None:
    folder, start = watched
    conn = vault.connect()
    cid, pid = add_chat(conn, "WeChat friend", app="wechat")
    att = add_attachment(conn, add_message(conn, cid, pid, "m"), status="expired",
                         expected_path="FileStorage/Image/2024-05/3f2a.dat")
    conn.close()
    jpeg = make_jpeg(64, 64, seed=4)
    (folder / "3f2a.dat").write_bytes(bytes(b ^ 0x5A for b in jpeg))
    start()
    wait_until(lambda: events(vault, "captured"))
    conn = vault.connect(readonly=True)
    row = conn.execute("SELECT status, blob_id, mime, width FROM attachments WHERE id = ?", (att,)).fetchone()
    conn.close()
    assert (row[0], row[2], row[3]) == ("stored", "image/jpeg", 64)
    assert BlobStore(vault).read_all(row[1]) == jpeg
    assert json.loads(log(vault)[0][3])["wechat_dat"] == "decoded"
    from chatvault.media.thumbnails import thumbnail_for

    def thumb():
        c = vault.connect(readonly=True)
        try:
            return thumbnail_for(c, BlobStore(vault), att)
        finally:
            c.close()

    assert wait_until(thumb)[:3] == b"\xff\xd8\xff"  # thumbnailed in the background


def test_watcher_decodes_weixin4_v1_and_keeps_v2(vault, watched) -> None:
    from tests import wechat_fixtures as F

    folder, start = watched
    conn = vault.connect()
    cid, pid = add_chat(conn, "Weixin friend", app="wechat")
    atts = {name: add_attachment(conn, add_message(conn, cid, pid, name), status="missing",
                                 expected_path=f"msg/attach/0a1b/2026-01/Img/{name}.dat") for name in ("v1", "v2")}
    conn.close()
    pics = F.v4_pictures()
    (folder / "v1.dat").write_bytes(F.v4_dat(pics["v1"], 1))
    v2 = F.v4_dat(pics["v2"], 2)
    (folder / "v2.dat").write_bytes(v2)
    start()
    wait_until(lambda: len(events(vault, "captured")) == 2)
    conn = vault.connect(readonly=True)
    got = {n: tuple(conn.execute("SELECT status, blob_id, mime FROM attachments WHERE id = ?", (a,)).fetchone())
           for n, a in atts.items()}
    conn.close()
    store = BlobStore(vault)
    assert got["v1"][2] == "image/jpeg" and store.read_all(got["v1"][1]) == pics["v1"]     # no key needed
    assert store.read_all(got["v2"][1]) == v2                    # no image key in the vault: kept as it is
    details = {r[0]: json.loads(r[3]) for r in log(vault) if r[1] == "captured"}
    assert details["v1.dat"]["wechat_dat"] == "decoded"
    assert details["v2.dat"]["wechat_dat"] == "kept: needs the image key"


def test_auto_import_rule_reports_unknown_exports(vault, tmp_path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    conn = vault.connect()
    add_folder(conn, folder, "auto-import")
    conn.close()
    s = WatchService(vault, debounce=DEBOUNCE, tick=0.05)
    s.start()
    try:
        (folder / "photo.jpg").write_bytes(make_jpeg())  # not an export: ignored by this rule
        (folder / "not-an-export.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
        wait_until(lambda: log(vault))
        assert s.wait_idle()
    finally:
        s.stop()
    entries = log(vault)
    assert [(e[0], e[1]) for e in entries] == [("not-an-export.zip", "failed")]
    assert json.loads(entries[0][3])["reason"]
    assert list(BlobStore(vault).iter_ids()) == []


def _watch_run(vault_path: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chatvault", "watch", "run", "--debounce", "0.2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ) | env_for(vault_path, **env))


def test_watch_cli_and_kill_during_capture(vault, vault_path, tmp_path, cli) -> None:
    """Kill -9 in the middle of capturing; restart; every file ends captured whole, no orphans."""
    vault.lock()
    folder = tmp_path / "phone"
    folder.mkdir()
    files = {f"f{i:02d}.bin": os.urandom(20_000 + i * 9_000) for i in range(24)}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    r = cli("watch", "add", str(folder), "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    r = cli("watch", "ls", "--json", env=env_for(vault_path))
    assert json.loads(r.stdout)["folders"][0]["path"] == os.path.realpath(folder)
    for point, n in (("blob.before_rename", 5), ("blob.write", 7), ("blob.after_dir_fsync", 1),
                     ("capture.after_put", 3)):
        p = _watch_run(vault_path, CHATVAULT_FAULT=f"{point}:{n}:kill")
        assert p.wait(60) == -9, p.stderr.read()
    p = _watch_run(vault_path)
    from chatvault.vault.vault import open_vault

    reader = open_vault(vault_path, PASSPHRASE)
    conn = reader.connect(readonly=True)

    def all_captured() -> bool:
        return conn.execute("SELECT count(*) FROM watch_files WHERE blob_id IS NOT NULL").fetchone()[0] == len(files)

    try:
        wait_until(all_captured, timeout=60, step=0.2)
    finally:
        conn.close()
        reader.lock()
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err
    r = cli("check", "--repair", "--json", env=env_for(vault_path))
    rep = json.loads(r.stdout)
    assert rep["ok"], rep
    r = cli("check", "--read-data", "--json", env=env_for(vault_path))
    rep = json.loads(r.stdout)
    assert rep["ok"] and rep["checked"]["blob_orphans"] == 0
    assert not [p for p in rep["problems"] if p["area"] == "media"]
    v = open_vault(vault_path, PASSPHRASE)
    try:
        store = BlobStore(v)
        stored = {store.read_all(b) for b in store.iter_ids()}
        assert stored == set(files.values())
    finally:
        v.lock()


def test_disk_full_keeps_files_pending_and_retries(vault, watched, monkeypatch) -> None:
    from chatvault import faults

    folder, start = watched
    (folder / "a.bin").write_bytes(os.urandom(30_000))
    monkeypatch.setenv("CHATVAULT_FAULT", "blob.write:1:enospc")
    faults.reset()
    try:
        s = start(retry_after=0.5)
        wait_until(lambda: (s.status().folders[0].last_error or "").startswith("The disk is full"))
        assert events(vault, "failed") == []
        wait_until(lambda: events(vault, "captured") == ["a.bin"])  # retried once space "came back"
    finally:
        monkeypatch.delenv("CHATVAULT_FAULT")
        faults.reset()
    assert list(BlobStore(vault).iter_partials()) == []


def test_file_replaced_by_symlink_mid_capture_is_not_stored(vault, tmp_path, monkeypatch) -> None:
    from chatvault.watch import capture

    secret = tmp_path / "outside_secret"
    secret.write_bytes(b"not yours")
    root = tmp_path / "w"
    root.mkdir()
    target = root / "photo.jpg"
    target.write_bytes(b"photo bytes" * 100)
    store = BlobStore(vault)
    real_put = store.put

    def swapping_put(stream, **kw):
        got = real_put(stream, **kw)
        target.unlink()
        os.symlink(secret, target)  # the attacker swaps the path while we read
        return got

    monkeypatch.setattr(store, "put", swapping_put)
    r = capture.capture_file(store, root, target)
    assert r.outcome == "changed"  # retried later, and then refused as a symlink
    monkeypatch.undo()
    assert capture.capture_file(store, root, target).outcome == "skipped"


def test_folders_added_or_removed_while_running(vault, watched, tmp_path) -> None:
    folder, start = watched
    s = start()
    second = tmp_path / "second"
    second.mkdir()
    (second / "x.bin").write_bytes(b"in the second folder")
    conn = vault.connect()
    f2 = add_folder(conn, second)
    wait_until(lambda: "x.bin" in events(vault, "captured"))
    remove_folder(conn, str(f2.id))
    conn.close()
    wait_until(lambda: len(s.status().folders) == 1)
    (second / "y.bin").write_bytes(b"no longer watched")
    (folder / "z.bin").write_bytes(b"still watched")
    wait_until(lambda: "z.bin" in events(vault, "captured"))
    assert "y.bin" not in events(vault, "captured") and s.error is None


def test_an_auto_import_folder_imports_as_its_custodian(vault, tmp_path) -> None:
    from chatvault.compliance import custodians
    from tests.compliance_fixtures import chat_lines
    from tests.import_fixtures import write_zip

    folder = tmp_path / "zhang-exports"
    folder.mkdir()
    conn = vault.connect()
    cid = custodians.add(conn, "Zhang Wei")
    add_folder(conn, folder, "auto-import", custodian_id=cid)
    conn.close()
    s = WatchService(vault, debounce=DEBOUNCE, tick=0.05)
    s.start()
    try:
        lines, media = chat_lines(20, ("Zhang", "Client"), photo_every=0)   # day 13+: day-first is clear
        write_zip(folder / "WhatsApp Chat with Client.zip", "WhatsApp Chat with Client.txt", lines, media)
        wait_until(lambda: log(vault))
        assert s.wait_idle()
    finally:
        s.stop()
    conn = vault.connect(readonly=True)
    rows = {c["name"]: c["messages"] for c in custodians.list_custodians(conn)}
    conn.close()
    assert rows == {"Vault owner": 0, "Zhang Wei": 20}
