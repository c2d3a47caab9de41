"""Captured files that match no attachment are listable (folder, original path, time, type), exportable
and thumbnailed: after a real watch-folder capture, as a user runs `chatvault media`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatvault.media.captured import CaptureFilter, find_captured, list_captured
from chatvault.watch import WatchService
from chatvault.watch.folders import add_folder
from tests.conftest import PASSPHRASE
from tests.test_media_support import make_jpeg
from tests.test_watch import DEBOUNCE, wait_until

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def capture_folder(vault, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A watch folder that captured a photo, a video in a sub-folder and a PDF (none matches an attachment)."""
    folder = tmp_path / "Camera"
    (folder / "sub").mkdir(parents=True)
    conn = vault.connect()
    add_folder(conn, folder, "capture")
    conn.close()
    files = {"IMG_0001.jpg": make_jpeg(640, 480, seed=3), "sub/clip.mp4": MP4, "notes.pdf": b"%PDF-1.4\n" + b"x" * 500}
    service = WatchService(vault, debounce=DEBOUNCE, tick=0.05)
    service.start()
    try:
        assert service.wait_idle()
        for rel, data in files.items():
            (folder / rel).write_bytes(data)
        wait_until(lambda: service.status().folders[0].captured == 3, timeout=20)
        # The photo gets its thumbnail in the background, as an attached one would.
        conn = vault.connect(readonly=True)
        try:
            wait_until(lambda: any(f.thumb_blob_id for f in list_captured(conn)), timeout=20)
        finally:
            conn.close()
    finally:
        service.stop()
    return Path(os.path.realpath(folder)), files


def test_captured_files_are_listed_filtered_and_found(vault, tmp_path: Path) -> None:
    folder, files = capture_folder(vault, tmp_path)
    conn = vault.connect(readonly=True)
    try:
        every = list_captured(conn)
        assert sorted(f.path for f in every) == sorted(str(folder / r) for r in files)
        assert {f.name: f.kind for f in every} == {"IMG_0001.jpg": "image", "clip.mp4": "video", "notes.pdf": "file"}
        photo = next(f for f in every if f.kind == "image")
        assert (photo.width, photo.height, photo.folder) == (640, 480, str(folder)) and photo.thumb_blob_id
        assert not photo.attachment_ids
        assert [f.name for f in list_captured(conn, CaptureFilter(kind="video"))] == ["clip.mp4"]
        assert [f.name for f in list_captured(conn, CaptureFilter(path="SUB/"))] == ["clip.mp4"]
        assert [f.name for f in list_captured(conn, CaptureFilter(path="*.pdf"))] == ["notes.pdf"]
        assert len(list_captured(conn, CaptureFilter(folder=str(folder)))) == 3
        assert len(list_captured(conn, CaptureFilter(folder=str(photo.watch_id)))) == 3
        assert list_captured(conn, CaptureFilter(folder=str(tmp_path / "elsewhere"))) == []
        assert list_captured(conn, CaptureFilter(after=photo.captured_at + 60_000)) == []
        assert len(list_captured(conn, CaptureFilter(before=photo.captured_at + 60_000))) == 3
        assert find_captured(conn, photo.ref).blob_id == photo.blob_id
        assert find_captured(conn, str(folder / "IMG_0001.jpg")).blob_id == photo.blob_id
    finally:
        conn.close()


def test_media_ls_and_export_reach_captured_files(cli, vault, tmp_path: Path) -> None:
    folder, files = capture_folder(vault, tmp_path)
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    plain = cli("media", "ls", "--json", env=env)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == {"media": [], "captured_count": 3}
    assert "media ls --captured" in cli("media", "ls", env=env).stdout
    listed = json.loads(cli("media", "ls", "--captured", "--json", env=env).stdout)["captured"]
    assert {i["name"] for i in listed} == {"IMG_0001.jpg", "clip.mp4", "notes.pdf"}
    photo = next(i for i in listed if i["kind"] == "image")
    for key in ("capture_id", "ref", "blob_id", "path", "folder", "watch_id", "captured_at", "mtime_ms", "size",
                "mime", "width", "height", "duration_ms", "has_thumbnail", "attachment_ids"):
        assert key in photo
    assert photo["has_thumbnail"] and photo["mime"] == "image/jpeg" and photo["path"] == str(folder / "IMG_0001.jpg")
    only = json.loads(cli("media", "ls", "--captured", "--kind", "video", "--folder", str(folder), "--after",
                          "2000-01-01", "--json", env=env).stdout)["captured"]
    assert [i["name"] for i in only] == ["clip.mp4"]
    out = tmp_path / "out"
    r = cli("media", "export", photo["ref"], str(folder / "notes.pdf"), "--to", str(out), "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert (out / "IMG_0001.jpg").read_bytes() == files["IMG_0001.jpg"]
    assert (out / "notes.pdf").read_bytes() == files["notes.pdf"]
    r = cli("media", "export", "--captured", "--path", "sub", "--to", str(out / "v"), "--json", env=env)
    assert r.returncode == 0 and (out / "v" / "clip.mp4").read_bytes() == MP4
    cat = subprocess.run([sys.executable, "-m", "chatvault", "media", "cat", photo["ref"]], capture_output=True,
                         env=dict(os.environ) | env, timeout=120)
    assert cat.returncode == 0 and cat.stdout == files["IMG_0001.jpg"]
    bad = cli("media", "ls", "--folder", str(folder), "--json", env=env)
    assert bad.returncode == 2 and "--captured" in json.loads(bad.stdout)["hint"]
    gone = cli("media", "export", "c9999", "--to", str(out), "--json", env=env)
    assert gone.returncode == 2 and json.loads(gone.stdout)["error"] == "usage"


@pytest.mark.parametrize("ref", ["c0", "C1x"])
def test_not_a_capture_reference(vault, ref: str) -> None:
    from chatvault.errors import UsageError

    conn = vault.connect(readonly=True)
    try:
        if ref == "c0":
            with pytest.raises(UsageError):
                find_captured(conn, ref)
        else:
            assert find_captured(conn, ref) is None
    finally:
        conn.close()
