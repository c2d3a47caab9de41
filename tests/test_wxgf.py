"""Weixin 4 wxgf pictures converted (still, transparent, animated), the wxgf kept, and one that
does not convert stored as it is and reported."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.media import wxgf
from chatvault.media.blobstore import BlobStore
from tests import wechat_fixtures as F
from tests import wxgf_fixtures as W


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def _close(a: tuple, b: tuple, tol: int = 24) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


def test_a_still_wxgf_becomes_a_jpeg_of_the_same_picture() -> None:
    out = wxgf.convert(W.still((200, 40, 30)))
    assert (out.ext, out.mime, out.width, out.height, out.frames, out.alpha) == ("jpg", "image/jpeg", 64, 48, 1, False)
    im = Image.open(io.BytesIO(out.data))
    assert im.format == "JPEG" and _close(im.getpixel((10, 10)), (200, 40, 30))


def test_a_wxgf_with_a_mask_becomes_a_transparent_png() -> None:
    out = wxgf.convert(W.with_alpha((30, 60, 200)))
    assert (out.ext, out.alpha) == ("png", True)
    im = Image.open(io.BytesIO(out.data))
    assert im.mode == "RGBA"
    left, right = im.getpixel((5, 20)), im.getpixel((60, 20))
    assert _close(left[:3], (30, 60, 200)) and left[3] > 240 and right[3] < 15


def test_an_animated_wxgf_becomes_an_animated_gif() -> None:
    out = wxgf.convert(W.animated())
    assert (out.ext, out.mime, out.frames) == ("gif", "image/gif", 3)
    im = Image.open(io.BytesIO(out.data))
    assert getattr(im, "n_frames", 1) == 3
    colors = []
    for i in range(3):
        im.seek(i)
        colors.append(im.convert("RGBA").getpixel((5, 20)))
    assert _close(colors[0][:3], (220, 20, 20), 40) and _close(colors[2][:3], (20, 20, 220), 40)
    assert im.convert("RGBA").getpixel((60, 20))[3] == 0          # the masked half is transparent


@pytest.mark.parametrize("data, reason", [
    (b"wxgf\x10" + b"\x00" * 11 + b"no stream here", "no HEVC stream"),
    (W.wxgf([b"\x00\x00\x00\x01" + b"\x26\x01" + bytes(range(200))], (64, 48)), "no picture"),
    (b"wxgf\xff", "damaged"),
])
def test_a_wxgf_that_does_not_convert_says_why(data, reason) -> None:
    with pytest.raises(wxgf.WxgfError) as exc:
        wxgf.convert(data)
    assert reason in exc.value.reason


def test_weixin4_import_converts_wxgf_keeps_it_and_reports_one_that_fails(vault, tmp_path) -> None:
    root = F.build_v4_folder(tmp_path / "v4")
    att = next((root / "msg" / "attach").rglob("Img"))
    good, broken = W.still((200, 40, 30)), W.wxgf([b"\x00\x00\x00\x01\x26\x01" + bytes(300)], (64, 48))
    (att / f"{'ab' * 16}_h.dat").write_bytes(F.v4_dat(good, 1))      # the original, as WeChat 4 stores it
    (att / f"{'cd' * 16}_h.dat").write_bytes(F.v4_dat(broken, 2))
    report = run_import(vault, root, format="weixin4", options=ImportOptions(
        options={"key": F.KEY_HEX, "image_key": F.IMAGE_KEY.decode()}))
    assert report.wxgf_converted == 1 and report.wxgf_unconverted == 1
    assert any("wxgf picture kept unconverted" in w for w in report.warnings)
    conn = vault.connect(readonly=True)
    rows = {r[0]: r for r in conn.execute(
        "SELECT m.source_key, a.mime, a.blob_id, a.source_blob_id, a.quality FROM attachments a "
        "JOIN messages m ON m.id = a.message_id WHERE m.source_key IN ('5003', '5004')")}
    conn.close()
    store = BlobStore(vault)
    mime, blob, source, quality = rows["5003"][1:]
    assert (mime, quality) == ("image/jpeg", "original")
    assert Image.open(io.BytesIO(store.read_all(blob))).format == "JPEG"
    assert store.read_all(source) == good                            # the wxgf itself is kept
    mime, blob_b, source_b, _q = rows["5004"][1:]
    assert store.read_all(blob_b) == broken and source_b is None      # stored as it is, never lost
    # An erasure of what Alice sent removes the converted picture and the wxgf it came from.
    from chatvault.compliance.erasure import erase, find_person

    conn = vault.connect(readonly=True)
    ids = [p["id"] for p in find_person(conn, "wxid_alice")]
    conn.close()
    erase(vault, "Alice", ids, reason="test")
    assert not store.path_for(blob).exists() and not store.path_for(source).exists()


def test_media_add_converts_a_wxgf_dat(vault, vault_path, tmp_path, cli) -> None:
    path = tmp_path / "in" / f"{'ef' * 16}_h.dat"
    path.parent.mkdir()
    path.write_bytes(F.v4_dat(W.animated(), 1, xor_len=0))
    vault.lock()
    r = cli("--vault", str(vault_path), "--json", "media", "add", str(path),
            env={"CHATVAULT_PASSPHRASE": "correct horse battery staple"})
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)["added"][0]
    assert added["mime"] == "image/gif"


def test_a_grey_picture_with_its_mask_keeps_the_mask_as_alpha() -> None:
    """Both streams are grey: they are told apart by their order (picture, then mask)."""
    out = wxgf.convert(W.wxgf([W.hevc([W.solid((90, 90, 90))]), W.hevc([W.half_mask()])], (64, 48)))
    im = Image.open(io.BytesIO(out.data))
    assert (out.ext, out.alpha) == ("png", True) and im.getpixel((5, 20))[3] > 240 and im.getpixel((60, 20))[3] < 15
