"""Media quality: each picture's level, upgrades in place from a later import, never a downgrade,
and a kill between the verified write and the commit (docs/media.md)."""

from __future__ import annotations

import hashlib
import json

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.importers.wechat.levels import file_level, image_level, media_key, reader_ref
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from chatvault.model import AttachmentRef, MediaQuality
from tests import wechat_fixtures as F
from tests.conftest import PASSPHRASE

Q = MediaQuality


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def test_wechat_names_and_sizes_tell_the_level() -> None:
    assert image_level("FileStorage/MsgAttach/x/Thumb/2026-01/ab_t.dat", 300) == Q.THUMBNAIL
    assert image_level("image2/ab/cd/th_abcd", 300) == Q.THUMBNAIL
    assert image_level("msg/attach/x/2026-01/Img/ab_h.dat", None, hd_size=9000, mid_size=2000) == Q.ORIGINAL
    # The message says a larger original exists: a file of the mid size is HD, one of hdlength is it.
    assert image_level("Image/2026-01/ab.dat", 2000, hd_size=9000, mid_size=2000) == Q.HD
    assert image_level("Image/2026-01/ab.dat", 9000, hd_size=9000, mid_size=2000) == Q.ORIGINAL
    assert image_level("msg/attach/x/Img/ab.dat", None, hd_size=9000, mid_size=2000) == Q.HD
    # No separate original was sent: the picture WeChat shows is all there is.
    assert image_level("Image/2026-01/ab.dat", 2000, hd_size=None, mid_size=2000) == Q.ORIGINAL
    assert file_level("msg/video/2026-01/cc_thumb.jpg", 10, {}, video=True) == Q.THUMBNAIL
    assert file_level("video/cc.mp4", 10, {}, video=True) == Q.ORIGINAL
    assert media_key("FileStorage/MsgAttach/x/Thumb/2026-01/ABCD_t.dat") == "abcd"
    assert media_key("image2/ab/cd/th_abcd") == media_key("abcd.jpg") == media_key("x/abcd_h.dat") == "abcd"


def test_reader_ref_keeps_the_best_present_level_for_other_readers() -> None:
    """The helper the Moments/Favorites readers call with the full picture and the cache's thumbnail."""
    full = AttachmentRef(name="p.jpg", open=None)
    thumb = AttachmentRef(name="p_t.jpg", open=lambda: None)  # type: ignore[arg-type,return-value]
    got = reader_ref([(full, Q.ORIGINAL), (thumb, Q.THUMBNAIL)], expected="sns/p.jpg")
    assert got is thumb and got.extra["quality"] == "thumbnail" and got.expected_path == "sns/p.jpg"
    gone = reader_ref([(full, Q.ORIGINAL)], expected="sns/p.jpg")
    assert gone.open is None and gone.extra["quality"] == "missing" and gone.expected_path == "sns/p.jpg"


def _by_svrid(vault, svrid: int) -> dict:
    conn = vault.connect(readonly=True)
    try:
        row = conn.execute(
            "SELECT a.id, a.status, a.quality, a.quality_basis, a.blob_id, a.thumb_blob_id, a.media_key "
            "FROM attachments a JOIN messages m ON m.id = a.message_id "
            "WHERE m.source_key = ?", (str(svrid),)).fetchone()
        return dict(row)
    finally:
        conn.close()


def _import(vault, root):
    return run_import(vault, root, format="wechat-pc",
                      options=ImportOptions(options={"key": F.KEY_HEX, "reread": True}))


def _original_path(pc) -> object:
    alice_dir = hashlib.md5(b"wxid_alice").hexdigest()
    return pc.root / "FileStorage" / "MsgAttach" / alice_dir / "Image" / "2026-01" / "img3.dat"


def test_a_later_import_upgrades_the_thumbnail_to_the_original_and_never_downgrades(vault, tmp_path) -> None:
    pc = F.build_pc_folder(tmp_path / "pc")
    first = _import(vault, pc.root)
    assert first.outcome == "ok"
    thumb_row = _by_svrid(vault, 1026)
    assert (thumb_row["status"], thumb_row["quality"], thumb_row["quality_basis"]) == ("stored", "thumbnail", "reader")
    assert thumb_row["media_key"] == "img3"
    assert _by_svrid(vault, 1003)["quality"] == "original"       # no hdlength: the picture is the original
    assert _by_svrid(vault, 1004)["quality"] == "missing"
    assert _by_svrid(vault, 1006)["quality"] == "original"       # the video
    store = BlobStore(vault)
    thumb_bytes = store.read_all(thumb_row["blob_id"])

    original = F.jpeg_bytes((10, 120, 220), (64, 48))
    _original_path(pc).write_bytes(F.xor(original))             # the chat was opened on the PC
    second = _import(vault, pc.root)
    assert second.attachments_upgraded == 1 and second.counts()["attachments_upgraded"] == 1
    up = _by_svrid(vault, 1026)
    assert up["id"] == thumb_row["id"] and (up["status"], up["quality"]) == ("stored", "original")
    assert store.read_all(up["blob_id"]) == original
    assert up["thumb_blob_id"] == thumb_row["blob_id"]            # WeChat's thumbnail stays the thumbnail
    assert store.read_all(up["thumb_blob_id"]) == thumb_bytes

    _original_path(pc).unlink()                                   # WeChat cleaned its cache again
    third = _import(vault, pc.root)
    assert third.attachments_upgraded == 0
    again = _by_svrid(vault, 1026)
    assert (again["quality"], again["blob_id"]) == ("original", up["blob_id"])


def test_kill_after_the_verified_write_leaves_the_thumbnail_and_the_rerun_upgrades(vault, vault_path, tmp_path,
                                                                                   cli) -> None:
    pc = F.build_pc_folder(tmp_path / "pc")
    _import(vault, pc.root)
    before = _by_svrid(vault, 1026)
    original = F.jpeg_bytes((10, 120, 220), (64, 48))
    _original_path(pc).write_bytes(F.xor(original))
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    args = ("--vault", str(vault_path), "--json", "import", str(pc.root), "--format", "wechat-pc", "--key", F.KEY_HEX,
            "--reread")
    r = cli(*args, env=env | {"CHATVAULT_FAULT": "media.upgrade.verified:1:kill"})
    assert r.returncode == -9, r.stderr
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        after_kill = _by_svrid(v, 1026)
        assert (after_kill["quality"], after_kill["blob_id"]) == ("thumbnail", before["blob_id"])
        assert BlobStore(v).read_all(after_kill["blob_id"])          # the lower level is readable
    finally:
        v.lock()
    r = cli(*args, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["attachments_upgraded"] == 1
    v = open_vault(vault_path, PASSPHRASE)
    try:
        done = _by_svrid(v, 1026)
        assert done["quality"] == "original" and BlobStore(v).read_all(done["blob_id"]) == original
        assert done["thumb_blob_id"] == before["blob_id"]
    finally:
        v.lock()


def test_captures_upgrade_hd_to_original_and_never_downgrade(vault, tmp_path) -> None:
    """A Weixin 4 picture stored as HD: a captured `_t` file changes nothing; the `_h` original
    replaces it, the HD file kept as the row's superseded copy."""
    from chatvault.media.attach import record_blob, store_path
    from chatvault.watch.capture import capture_file, record_capture
    from tests.test_media_support import add_attachment, add_chat, add_message

    md5 = "9f" * 16
    store = BlobStore(vault)
    hd = F.jpeg_bytes((200, 200, 0), (48, 36))
    (tmp_path / "hd.jpg").write_bytes(hd)
    stored, info = store_path(store, tmp_path / "hd.jpg")
    conn = vault.connect()
    conn.execute("BEGIN IMMEDIATE")
    cid, pid = add_chat(conn, "Friend", app="wechat")
    mid = add_message(conn, cid, pid, "5100")
    conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (json.dumps({"size": len(hd), "hd_size": 99999}), mid))
    record_blob(conn, stored, info)
    att = add_attachment(conn, mid, blob_id=stored.id, status="stored", mime="image/jpeg",
                         expected_path=f"msg/attach/x/2026-01/Img/{md5}.dat")
    conn.execute("UPDATE attachments SET quality = 'hd', media_key = ? WHERE id = ?", (md5, att))
    conn.execute("COMMIT")

    def capture(name: str, data: bytes) -> list[int]:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(F.v4_dat(data, 1, xor_len=0))
        result = capture_file(store, path.parent, path)
        conn.execute("BEGIN IMMEDIATE")
        changed = record_capture(conn, result, watch_id=None, rel_path=str(path), store=store)
        conn.execute("COMMIT")
        return changed

    assert capture(f"{md5}_t.dat", F.jpeg_bytes((1, 2, 3), (8, 6))) == []
    row = conn.execute("SELECT quality, blob_id FROM attachments WHERE id = ?", (att,)).fetchone()
    assert tuple(row) == ("hd", stored.id)
    from tests.wxgf_fixtures import wxgf

    broken = wxgf([b"\x00\x00\x00\x01\x26\x01" + bytes(200)], (64, 48))   # a wxgf that does not convert
    assert capture(f"{md5}_h.dat", broken) == []                     # shows nothing: replaces nothing
    assert conn.execute("SELECT quality, blob_id FROM attachments WHERE id = ?", (att,)).fetchone()[0] == "hd"
    original = F.jpeg_bytes((250, 250, 10), (96, 72))
    assert capture(f"{md5}_h.dat", original) == [att]
    row = conn.execute("SELECT quality, blob_id, superseded_blob_id FROM attachments WHERE id = ?", (att,)).fetchone()
    assert row[0] == "original" and store.read_all(row[1]) == original and row[2] == stored.id
    conn.close()
