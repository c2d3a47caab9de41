"""export/media.py: attachments land in an export folder decrypted, verified, safely and uniquely named."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from chatvault.export.media import DAMAGED, EXPIRED, LOST, MISSING, WRITTEN, MediaWriter, safe_name
from chatvault.media.attach import MediaInfo, record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import thumbnail_blob


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "PNG")
    return out.getvalue()


def _stored(store, conn, data: bytes, mime: str) -> str:
    s = store.put_bytes(data)
    record_blob(conn, s, MediaInfo(mime, None, None))
    return s.id


def test_safe_names_never_escape_the_folder_and_keep_the_extension():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name('a"b<c>.JPG') == "a_b_c_.jpg"
    assert safe_name("\u202egpj.exe") == "_gpj.exe"
    assert safe_name("...", "image/png") == "file.png"
    assert safe_name("CON.txt") == "_CON.txt"
    assert safe_name(None, "video/mp4", "clip") == "clip.mp4"
    long = safe_name("x" * 500 + ".pdf")
    assert len(long) <= 120 and long.endswith(".pdf")


def test_writes_verified_bytes_dedupes_renames_collisions_and_reports_missing(vault, tmp_path):
    conn = vault.connect()
    store = BlobStore(vault)
    a, b = _png("red"), _png("blue")
    ida, idb = _stored(store, conn, a, "image/png"), _stored(store, conn, b, "image/png")
    thumb = thumbnail_blob(conn, store, ida)
    out = tmp_path / "export"
    w = MediaWriter(out, store, conn)
    first = w.add({"status": "stored", "blob_id": ida, "original_name": "../photo.png", "mime": "image/png"})
    again = w.add({"status": "stored", "blob_id": ida, "original_name": "copy.png", "mime": "image/png"})
    other = w.add({"status": "stored", "blob_id": idb, "original_name": "Photo.PNG", "mime": "image/png"})
    assert first.state == WRITTEN and first.path == "media/photo.png"
    assert (out / first.path).read_bytes() == a and first.sha256 == hashlib.sha256(a).hexdigest()
    assert again.path == first.path and again.name == "copy.png"          # one file for one blob
    assert other.path != first.path and other.path.lower().startswith("media/photo-")
    assert (out / other.path).read_bytes() == b
    assert first.thumb and (out / first.thumb).read_bytes() == store.read_all(thumb)
    assert w.written == 3                                                  # two originals, one thumbnail
    gone = w.add({"status": "missing", "blob_id": None, "original_name": "lost.mp4", "expected_path": "x/lost.mp4"})
    expired = w.add({"status": "expired", "original_name": None, "expected_path": "a/b/voice.opus"})
    assert (gone.state, gone.path, gone.state_text) == (MISSING, None, "missing in the vault")
    assert (expired.state, expired.name) == (EXPIRED, "voice.opus")
    assert sorted(p.name for p in (out / "media").iterdir()) == sorted(
        ["photo.png", other.path.split("/")[-1], "thumbs"])
    assert w.warnings() == ["1 attachment expired at the source", "1 attachment missing in the vault"]


def test_a_damaged_or_lost_blob_is_not_written_and_says_so(vault, tmp_path):
    conn = vault.connect()
    store = BlobStore(vault)
    bad = _stored(store, conn, b"A" * 200_000, "application/pdf")
    lost = _stored(store, conn, b"B" * 1000, "application/pdf")
    p = store.path_for(bad)
    raw = bytearray(p.read_bytes())
    raw[100] ^= 1
    p.write_bytes(bytes(raw))
    store.path_for(lost).unlink()
    out = tmp_path / "export"
    w = MediaWriter(out, store, conn)
    assert w.add({"status": "stored", "blob_id": bad, "original_name": "deal.pdf"}).state == DAMAGED
    assert w.add({"status": "stored", "blob_id": lost, "original_name": "gone.pdf"}).state == LOST
    assert not list((out / "media").iterdir())                             # no half file, no temp left
