"""The file-tree layer: what importers may see of a folder, zip or file, and what it refuses."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from chatvault.errors import InputError
from chatvault.importers.filetree import FileTree, normalise


def test_folder_zip_and_file_look_alike(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "photos").mkdir(parents=True)
    (folder / "result.json").write_text("{}")
    (folder / "photos" / "a.jpg").write_bytes(b"jpg")
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("result.json", "{}")
        zf.writestr("photos/a.jpg", b"jpg")
        zf.writestr("photos/", "")
    for path in (folder, z):
        with FileTree(path) as tree:
            assert sorted(tree.names()) == ["photos/a.jpg", "result.json"]
            assert tree.find("A.JPG") == "photos/a.jpg"
            assert tree.find("photos\\a.jpg") == "photos/a.jpg"
            with tree.open("photos/a.jpg") as fh:
                assert fh.read() == b"jpg"
            assert tree.size("photos/a.jpg") == 3
    single = folder / "result.json"
    with FileTree(single) as tree:
        assert tree.kind == "file" and tree.names() == ["result.json"]


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/evil", "C:\\evil.txt", "..\\..\\evil.txt",
                                  "a/\x00b", "ctl\x01name", "x" * 5000, "a/../../b"])
def test_unsafe_names_are_refused(name: str) -> None:
    assert normalise(name) is None


def test_zip_slip_never_written(tmp_path: Path) -> None:
    z = tmp_path / "in" / "slip.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok.txt", "fine")
        for evil in ("../../evil1.txt", "/tmp/evil2.txt", "C:\\evil3.txt", "..\\evil4.txt", "n" * 4096 + ".txt"):
            zf.writestr(zipfile.ZipInfo(evil), "evil")
    with FileTree(z) as tree:
        assert tree.names() == ["ok.txt"]
        assert len(tree.rejected) == 5
        assert tree.find("../../evil1.txt") is None
    assert not list(tmp_path.rglob("evil*"))


def test_zip_symlink_entry_refused(tmp_path: Path) -> None:
    z = tmp_path / "links.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("plain.txt", "x")
    with FileTree(z) as tree:
        assert tree.names() == ["plain.txt"]
        assert tree.rejected[0][0] == "link"



def test_zip_member_with_an_empty_name_is_refused(tmp_path: Path) -> None:
    """zipfile's own `is_dir()` fails on an empty name (IndexError): the tree refuses the member instead."""
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.telegram import TelegramImporter
    from chatvault.importers.whatsapp import WhatsAppImporter
    from chatvault.jobs.context import JobContext
    from chatvault.model import MessageRec

    z = tmp_path / "WhatsApp Chat.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("WhatsApp Chat with A.txt", "13/03/2024, 09:00 - Alice: hello\n")
        zf.writestr(zipfile.ZipInfo(""), b"x")
        zf.writestr(zipfile.ZipInfo("/"), b"y")
    with FileTree(z) as tree:
        assert tree.names() == ["WhatsApp Chat with A.txt"]
        reasons = dict(tree.rejected)
        assert "empty" in reasons[""] and "/" not in tree   # "/" is a folder entry, skipped as before
    assert WhatsAppImporter().detect(z).confidence > 0
    recs = list(WhatsAppImporter().read(z, ImportOptions(), JobContext()))
    assert [r.text for r in recs if isinstance(r, MessageRec)] == ["hello"]
    assert TelegramImporter().detect(z).confidence == 0

def test_folder_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "inside.txt").write_text("in")
    os.symlink(outside, folder / "out-link.txt")
    os.symlink(folder / "inside.txt", folder / "in-link.txt")
    os.symlink(tmp_path, folder / "dir-link")
    os.mkfifo(folder / "fifo")
    with FileTree(folder) as tree:
        assert sorted(tree.names()) == ["in-link.txt", "inside.txt"]
        reasons = dict(tree.rejected)
        assert "outside" in reasons["out-link.txt"] and "folder" in reasons["dir-link"]
        assert "regular" in reasons["fifo"]


def test_oversize_and_ratio_bombs_refused(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * (40 << 20))   # 40 MiB compresses ~1000:1
        zf.writestr("small.txt", b"hello")
    with FileTree(z) as tree:
        assert tree.names() == ["small.txt"]
        assert "zip bomb" in tree.rejected[0][1]
    with FileTree(z, max_member=3) as tree:
        assert tree.names() == []


def test_overlapping_entries_refused(tmp_path: Path) -> None:
    """The non-recursive zip bomb: many central entries pointing at one local file."""
    z = tmp_path / "overlap.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"A" * 100)
        zf.writestr("b.txt", b"B" * 100)
    data = bytearray(z.read_bytes())
    cd = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)    # second central entry
    struct.pack_into("<I", data, cd + 42, 0)                          # local header offset → the first file
    z.write_bytes(bytes(data))
    with pytest.raises(InputError, match="overlapping"):
        FileTree(z)


def test_lying_size_is_caught(tmp_path: Path) -> None:
    z = tmp_path / "lie.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"A" * 100)
    data = bytearray(z.read_bytes())
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 10)   # central directory: uncompressed size 10
    z.write_bytes(bytes(data))
    with FileTree(z) as tree, pytest.raises(InputError), tree.open("a.txt") as fh:
        fh.read()


def test_truncated_and_missing(tmp_path: Path) -> None:
    z = tmp_path / "t.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", b"A" * 1000)
    z.write_bytes(z.read_bytes()[:60])
    with FileTree(z) as tree:            # cut off: what is there is read, the damage listed
        with tree.open("a.txt") as fh:
            assert fh.read() == b"A" * 25
        assert any("cut off" in why for name, why in tree.damage if name == "a.txt")
    z.write_bytes(z.read_bytes()[:20])
    with pytest.raises(InputError, match="damaged zip"):
        FileTree(z)
    with pytest.raises(InputError, match="cannot be read"):
        FileTree(tmp_path / "nope")
