"""Media: sniffing, attachment linking, missing media, thumbnails, check/repair and the media CLI."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from pathlib import Path

import pytest

from chatvault.check import run_checks
from chatvault.jobs.context import JobContext
from chatvault.media.attach import (
    MediaInfo,
    describe,
    fill_missing,
    find_missing,
    link_capture,
    record_blob,
    store_and_describe,
)
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import ThumbnailError, generate_thumbnails, make_thumbnail, thumbnail_for
from tests.conftest import PASSPHRASE
from tests.test_media_support import (
    add_attachment,
    add_chat,
    add_message,
    all_vault_bytes,
    make_jpeg,
    make_png,
    stored_attachment,
)


def env_for(vault: Path, **extra: str) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": PASSPHRASE} | extra


# --- describe -----------------------------------------------------------------------------------

def _mp4(duration_s: int = 7, w: int = 640, h: int = 360) -> bytes:
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    mvhd = box(b"mvhd", b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, duration_s * 1000) + b"\x00" * 80)
    tkhd = box(b"tkhd", b"\x00\x00\x00\x07" + b"\x00" * 72 + struct.pack(">II", w << 16, h << 16))
    moov = box(b"moov", mvhd + box(b"trak", tkhd))
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    return ftyp + box(b"mdat", b"\x00" * 100) + moov


def test_describe_sniffs_content_not_names(tmp_path) -> None:
    info = describe(make_jpeg(120, 80))
    assert info == MediaInfo("image/jpeg", 120, 80, None) and info.kind == "image"
    assert describe(make_png(33, 17)) == MediaInfo("image/png", 33, 17, None)
    v = describe(_mp4(7, 640, 360))
    assert (v.mime, v.width, v.height, v.duration_ms) == ("video/mp4", 640, 360, 7000)
    fake = tmp_path / "evil.jpg"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    assert describe(fake).mime != "image/jpeg"
    assert describe(b"").mime is None
    wav = b"RIFF" + struct.pack("<I", 36 + 16000) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) \
        + b"data" + struct.pack("<I", 16000) + b"\x00" * 16000
    assert describe(wav).duration_ms == 1000


def test_describe_from_a_blob_reader_decrypts_only_the_head(vault) -> None:
    store = BlobStore(vault)
    data = make_jpeg(200, 100) + os.urandom(3 << 20)  # trailing junk after the JPEG
    stored, info = store_and_describe(store, io.BytesIO(data))
    assert (info.mime, info.width, info.height) == ("image/jpeg", 200, 100)
    assert stored.size == len(data)


# --- linking and missing media ------------------------------------------------------------------

def test_capture_fills_the_missing_row_instead_of_adding_one(vault) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    mid = add_message(conn, cid, pid, "m1")
    att = add_attachment(conn, mid, name="IMG-20240101-WA0001.jpg")
    other = add_attachment(conn, add_message(conn, cid, pid, "m2"), name="IMG-20240101-WA0002.jpg", size=5)
    data = make_jpeg()
    stored, info = store_and_describe(store, io.BytesIO(data))
    assert find_missing(conn, "some/dir/IMG-20240101-WA0001.jpg", size=stored.size) == [att]
    assert find_missing(conn, "IMG-20240101-WA0002.jpg", size=stored.size) == []  # size disagrees
    assert link_capture(conn, stored, info, "IMG-20240101-WA0001.jpg") == [att]
    row = conn.execute("SELECT status, blob_id, mime, width FROM attachments WHERE id = ?", (att,)).fetchone()
    assert tuple(row) == ("stored", stored.id, "image/jpeg", 64)
    assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2
    assert fill_missing(conn, att, stored, info) is False  # already stored: untouched
    assert conn.execute("SELECT status FROM attachments WHERE id = ?", (other,)).fetchone()[0] == "missing"


def test_expected_path_and_nearest_time(vault) -> None:
    conn = vault.connect()
    cid, pid = add_chat(conn, "Bob", sender="Bob")
    early = add_attachment(conn, add_message(conn, cid, pid, "a", ts=1_000_000), status="expired",
                           expected_path="FileStorage\\Image\\2024-01\\abc.dat")
    late = add_attachment(conn, add_message(conn, cid, pid, "b", ts=9_000_000), status="expired",
                          expected_path="FileStorage/Image/2024-01/abc.dat")
    assert find_missing(conn, "abc.dat", ts_ms=8_000_000) == [late]
    assert find_missing(conn, "abc.dat", ts_ms=2_000_000) == [early]
    assert find_missing(conn, "abc_dat") == []  # LIKE wildcards are escaped


def test_finding_a_capture_by_path_uses_the_index(vault) -> None:
    """attach.py writes its own copy of m004's index expression: if the two drift apart, a capture
    on a vault with a million attachments scans them all instead of looking one name up."""
    from chatvault.media.attach import _EXPECTED_NAME

    conn = vault.connect()
    plan = " ".join(str(r[-1]) for r in conn.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM attachments a WHERE status != 'stored' AND {_EXPECTED_NAME} = ?",
        ("abc.dat",)))
    assert "SEARCH a USING INDEX attachments_missing_by_path_name" in plan     # a lookup, not a scan


def test_same_photo_in_two_chats_is_one_blob(vault) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    c1, p1 = add_chat(conn, "Family")
    c2, p2 = add_chat(conn, "Friends", sender="Bob")
    photo = make_jpeg(90, 60, seed=5)
    b1, m1, a1 = stored_attachment(conn, store, photo, c1, p1, "x")
    b2, m2, a2 = stored_attachment(conn, store, photo, c2, p2, "y")
    assert b1 == b2 and len(list(store.iter_ids())) == 1
    assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    # Two missing rows with the same name and size in two chats: one capture fills both.
    m3 = add_message(conn, c1, p1, "z")
    m4 = add_message(conn, c2, p2, "w")
    a3 = add_attachment(conn, m3, name="fwd.jpg", size=len(photo))
    a4 = add_attachment(conn, m4, name="fwd.jpg", size=len(photo))
    stored = store.put_bytes(photo)
    assert not stored.created
    assert link_capture(conn, stored, describe(photo), "fwd.jpg") == [a3, a4]
    # Thumbnailed once for all four attachments.
    conn.close()
    report = generate_thumbnails(vault, JobContext())
    assert report.made == 1
    conn = vault.connect()
    thumbs = {r[0] for r in conn.execute("SELECT thumb_blob_id FROM attachments")}
    assert len(thumbs) == 1 and None not in thumbs
    for a in (a1, a2, a3, a4):
        t = thumbnail_for(conn, store, a)
        assert t is not None and t[:3] == b"\xff\xd8\xff"


def test_media_missing_cli(vault, vault_path, cli) -> None:
    conn = vault.connect()
    cid, pid = add_chat(conn, "Family", sender="Mum")
    add_attachment(conn, add_message(conn, cid, pid, "a", ts=1_704_067_200_000), name="IMG-1.jpg",
                   expected_path="WhatsApp/Media/IMG-1.jpg")
    c2, p2 = add_chat(conn, "Work", sender="Boss")
    add_attachment(conn, add_message(conn, c2, p2, "b"), status="expired", name="report.pdf")
    add_attachment(conn, add_message(conn, c2, p2, "c"), status="stored", name="fine.pdf")
    conn.close()
    vault.lock()
    r = cli("media", "missing", "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)["missing"]
    assert [(i["name"], i["status"], i["conversation"], i["sender"]) for i in items] == [
        ("IMG-1.jpg", "missing", "Family", "Mum"), ("report.pdf", "expired", "Work", "Boss")]
    assert items[0]["date"] == "2024-01-01T00:00:00Z" and items[0]["expected_path"] == "WhatsApp/Media/IMG-1.jpg"
    assert "WhatsApp/Media" in items[0]["where_to_look"]
    r = cli("media", "missing", "--chat", "Work", env=env_for(vault_path))
    assert r.returncode == 0 and "report.pdf" in r.stdout and "IMG-1" not in r.stdout
    r = cli("media", "missing", "--chat", "Nobody", env=env_for(vault_path))
    assert r.returncode == 2 and "No conversation" in r.stderr


def test_media_add_ls_cat_export_cli(vault, vault_path, cli, tmp_path) -> None:
    conn = vault.connect()
    cid, pid = add_chat(conn)
    att = add_attachment(conn, add_message(conn, cid, pid, "a"), name="holiday.jpg")
    conn.close()
    vault.lock()
    photo = make_jpeg(100, 70, seed=9)
    src = tmp_path / "holiday.jpg"
    src.write_bytes(photo)
    r = cli("media", "add", str(src), "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)["added"][0]
    assert added["filled_attachments"] == [att] and added["mime"] == "image/jpeg"
    r = cli("media", "ls", "--json", "--kind", "image", env=env_for(vault_path))
    media = json.loads(r.stdout)["media"]
    assert [(m["attachment_id"], m["width"], m["height"]) for m in media] == [(att, 100, 70)]
    assert _cat(vault_path, str(att)).stdout == photo
    out = tmp_path / "out"
    r = cli("media", "export", str(att), "--to", str(out), "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    assert (out / "holiday.jpg").read_bytes() == photo
    r = cli("media", "export", str(att), "--to", str(out), env=env_for(vault_path))
    assert (out / "holiday (1).jpg").read_bytes() == photo
    r = cli("media", "cat", "999", env=env_for(vault_path))
    assert r.returncode == 2 and "no attachment 999" in r.stderr


def _cat(vault_path: Path, ref: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "chatvault", "media", "cat", ref], capture_output=True,
                          env=dict(os.environ) | env_for(vault_path), timeout=60)


def test_cat_binary_is_exact(vault, vault_path, tmp_path) -> None:
    conn = vault.connect()
    cid, pid = add_chat(conn)
    data = os.urandom(150_000)
    blob, _, att = stored_attachment(conn, BlobStore(vault), data, cid, pid, "k", name="x.bin")
    conn.close()
    vault.lock()
    r = _cat(vault_path, blob)
    assert r.returncode == 0 and r.stdout == data


# --- check --------------------------------------------------------------------------------------

def test_flipped_byte_names_exactly_that_blob_and_its_messages(vault, vault_path, cli, tmp_path) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    c1, p1 = add_chat(conn, "Family")
    c2, p2 = add_chat(conn, "Friends", sender="Bob")
    photo = make_jpeg(80, 80, seed=3)
    bad, m1, _ = stored_attachment(conn, store, photo, c1, p1, "a")
    _, m2, _ = stored_attachment(conn, store, photo, c2, p2, "b")
    good, _, good_att = stored_attachment(conn, store, os.urandom(200_000), c1, p1, "c", name="doc.bin")
    conn.close()
    vault.lock()
    path = store.path_for(bad)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x80
    path.write_bytes(bytes(raw))
    r = cli("check", "--read-data", "--json", env=env_for(vault_path))
    assert r.returncode == 1, r.stdout + r.stderr
    problems = [p for p in json.loads(r.stdout)["problems"] if p["severity"] == "error"]
    assert len(problems) == 1
    assert problems[0]["detail"]["blob_id"] == bad and problems[0]["detail"]["message_ids"] == [m1, m2]
    # The rest of the vault stays readable; exporting the damaged blob writes nothing.
    out = tmp_path / "out"
    assert _cat(vault_path, str(good_att)).returncode == 0
    r = cli("media", "export", bad, "--to", str(out), "--json", env=env_for(vault_path))
    assert r.returncode == 1 and json.loads(r.stdout)["failed"][0]["blob_id"] == bad
    assert list(out.iterdir()) == []
    r = cli("check", "--json", env=env_for(vault_path))
    assert r.returncode == 1  # one chunk only: its final chunk is authenticated even without --read-data
    r = _cat(vault_path, bad)
    assert r.returncode == 1 and r.stdout == b"" and bad.encode() in r.stderr and b"Traceback" not in r.stderr


@pytest.mark.parametrize("point", ["blob.write", "blob.before_fsync", "blob.before_rename",
                                   "blob.before_dir_fsync", "blob.after_dir_fsync", "capture.after_put"])
def test_kill_during_media_add_then_repair(vault, vault_path, cli, tmp_path, point) -> None:
    conn = vault.connect()
    cid, pid = add_chat(conn)
    att = add_attachment(conn, add_message(conn, cid, pid, "a"), name="big.bin")
    conn.close()
    vault.lock()
    data = os.urandom(3 << 20)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    r = cli("media", "add", str(src), env=env_for(vault_path, CHATVAULT_FAULT=f"{point}:1:kill"))
    assert r.returncode == -9, (point, r.returncode, r.stderr)
    r = cli("check", "--repair", "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stdout
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        rep = run_checks(v)
        assert rep.ok and [p for p in rep.problems if p.area == "media"] == []
        assert rep.checked["blob_orphans"] == 0
        assert not any((vault_path / "media" / ".partial").glob("*"))
        conn = v.connect()
        assert conn.execute("SELECT status FROM attachments WHERE id = ?", (att,)).fetchone()[0] == "missing"
        conn.close()
    finally:
        v.lock()
    r = cli("media", "add", str(src), "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"][0]["filled_attachments"] == [att]
    v = open_vault(vault_path, PASSPHRASE)
    try:
        assert run_checks(v, read_data=True).ok
        assert BlobStore(v).read_all(BlobStore(v).id_of(data)) == data
    finally:
        v.lock()


def test_repair_removes_orphans_and_partials_only(vault) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    kept, _, _ = stored_attachment(conn, store, b"kept" * 100, cid, pid, "a")
    conn.close()
    orphan = store.put_bytes(b"orphan" * 100).id
    store.partial_dir().mkdir(exist_ok=True)
    (store.partial_dir() / "dead.tmp").write_bytes(b"junk")
    report = run_checks(vault)
    assert report.ok and report.checked["blob_orphans"] == 1
    assert {p.detail.get("blob_id") or p.detail.get("partial") for p in report.problems
            if p.area == "media"} == {orphan, "dead.tmp"}
    report = run_checks(vault, repair=True)
    assert all(p.repaired for p in report.problems if p.area == "media")
    assert list(store.iter_ids()) == [kept] and list(store.iter_partials()) == []


def test_missing_blob_file_is_reported(vault) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    blob, mid, _ = stored_attachment(conn, store, b"abc" * 50, cid, pid, "a")
    conn.close()
    store.path_for(blob).unlink()
    report = run_checks(vault)
    errs = [p for p in report.problems if p.severity == "error"]
    assert len(errs) == 1 and errs[0].detail["blob_id"] == blob and errs[0].detail["message_ids"] == [mid]
    assert "missing" in errs[0].message


# --- thumbnails ---------------------------------------------------------------------------------

def _png_header_only(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (w * 3 + 1) * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_thumbnail_guards_against_bombs_and_odd_formats() -> None:
    with pytest.raises(ThumbnailError, match="pixel"):
        make_thumbnail(_png_header_only(30000, 30000))
    with pytest.raises(ThumbnailError):
        make_thumbnail(b"SIMPLE  =                    T" + b" " * 2850)  # FITS is never opened
    with pytest.raises(ThumbnailError):
        make_thumbnail(make_jpeg()[:200])
    data, mime, w, h = make_thumbnail(make_jpeg(1000, 500))
    assert mime == "image/jpeg" and (w, h) == (320, 160)
    data, mime, w, h = make_thumbnail(make_png(40, 20))
    assert mime == "image/png" and (w, h) == (40, 20)


def test_thumbnail_job_records_failures_once(vault) -> None:
    store = BlobStore(vault)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    good, _, good_att = stored_attachment(conn, store, make_jpeg(640, 480), cid, pid, "a")
    bomb = store.put_bytes(_png_header_only(30000, 30000))
    record_blob(conn, bomb, MediaInfo("image/png"))
    bomb_att = add_attachment(conn, add_message(conn, cid, pid, "b"), blob_id=bomb.id, status="stored",
                              mime="image/png")
    conn.close()
    ctx = JobContext()
    report = generate_thumbnails(vault, ctx)
    assert (report.made, report.failed) == (1, 1) and ctx.snapshot().items_done == 2
    assert report.failures[0]["blob_id"] == bomb.id
    again = generate_thumbnails(vault, JobContext())
    assert (again.made, again.failed) == (0, 0)
    conn = vault.connect()
    assert thumbnail_for(conn, store, bomb_att) is None
    t = thumbnail_for(conn, store, good_att)
    from PIL import Image

    assert Image.open(io.BytesIO(t)).size == (320, 240)
    assert run_checks(vault, read_data=True).ok


def test_thumbnail_worker_crash_is_contained(monkeypatch) -> None:
    from chatvault.media import thumbnails

    monkeypatch.setattr(thumbnails, "WORKER_MEMORY", 16 << 20)  # too little to even start Python
    with thumbnails.ThumbWorker(timeout=20) as w:
        with pytest.raises(ThumbnailError, match="crash"):
            w.make(make_jpeg())
    monkeypatch.undo()
    with thumbnails.ThumbWorker() as w:
        assert w.make(make_jpeg(400, 400))[1:] == ("image/jpeg", 320, 320)
        with pytest.raises(ThumbnailError, match="pixel"):
            w.make(_png_header_only(30000, 30000))
        assert w.make(make_png())[1] == "image/png"  # the same worker carries on


def test_thumbnail_job_is_cancellable(vault) -> None:
    from chatvault.errors import Cancelled

    store = BlobStore(vault)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    for i in range(3):
        stored_attachment(conn, store, make_jpeg(50, 50, seed=i + 20), cid, pid, f"k{i}")
    conn.close()
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        generate_thumbnails(vault, ctx)


# --- confidentiality ----------------------------------------------------------------------------

def test_no_plaintext_byte_run_of_an_image_in_the_vault(vault, vault_path, cli, tmp_path) -> None:
    photo = make_jpeg(300, 200, seed=None)  # random noise: every 32-byte run is unique
    src = tmp_path / "secret.jpg"
    src.write_bytes(photo)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    add_attachment(conn, add_message(conn, cid, pid, "m"), name="secret.jpg")
    conn.close()
    vault.lock()
    assert cli("media", "add", str(src), env=env_for(vault_path)).returncode == 0
    r = cli("media", "thumbs", "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    runs = [photo[i:i + 32] for i in range(len(photo) // 3, len(photo) - 32, 997)]
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        conn = v.connect(readonly=True)
        att = conn.execute("SELECT id FROM attachments").fetchone()
        thumbs = [r[0] for r in conn.execute("SELECT thumb_id FROM thumbs")]
        thumb = BlobStore(v).read_all(thumbs[0]) if thumbs else None
        conn.close()
    finally:
        v.lock()
    assert att is not None and thumb is not None and thumb[:3] == b"\xff\xd8\xff"
    runs += [thumb[i:i + 32] for i in range(len(thumb) // 3, len(thumb) - 32, 211)]
    files = all_vault_bytes(vault_path)
    assert any("/media/" in p for p, _ in files)
    for path, content in files:
        for run in runs:
            assert run not in content, f"plaintext of the image found in {path}"
        assert b"secret.jpg" not in content, f"the file name is in clear in {path}"
