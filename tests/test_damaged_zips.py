"""RELIABILITY rows 19 and 22 for zips: cut off, flipped CRC, damaged central directory, duplicate names,
claimed entry counts. A damaged zip is called a damaged zip (never "not an export ChatVault recognises"),
what is readable is imported, and the damaged members are listed in the fidelity report."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from chatvault.errors import InputError, UnknownFormat
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.filetree import FileTree
from chatvault.importers.telegram import TelegramImporter
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, MessageRec, Unparsed

N = 300


def _messages(n: int = N, tag: str = "m") -> list[dict]:
    return [{"id": i, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": str(1704103200 + i),
             "from": "Ann", "from_id": "user1", "text": f"{tag}{i} " + "words " * 10} for i in range(n)]


def _export(path: Path, *, method: int = zipfile.ZIP_DEFLATED, descriptor: bool = False) -> Path:
    """A Telegram one-chat zip: result.json first, then two photos."""
    chat = {"name": "A", "type": "personal_chat", "id": 7, "messages": _messages()}
    with zipfile.ZipFile(path, "w", method) as zf:
        if descriptor:            # sizes after the data, as phones write them (an unseekable stream)
            with zf.open("result.json", "w", force_zip64=False) as fh:
                fh.write(json.dumps(chat).encode())
        else:
            zf.writestr("result.json", json.dumps(chat))
        zf.writestr("photos/a.jpg", b"\xff\xd8" + bytes(range(256)) * 40)
        zf.writestr("photos/b.jpg", b"\xff\xd8" + bytes(range(255, -1, -1)) * 40)
    return path


def _read(path: Path) -> tuple[list, InputError | None]:
    recs: list = []
    try:
        recs.extend(TelegramImporter().read(path, ImportOptions(), JobContext()))
    except InputError as exc:
        return recs, exc
    return recs, None


def _texts(recs: list) -> list[str]:
    return [r.text for r in recs if isinstance(r, MessageRec)]


@pytest.mark.parametrize("fraction", [0.15, 0.4, 0.7, 0.93, 0.99])
def test_cut_off_zip_imports_what_is_there(tmp_path: Path, fraction: float) -> None:
    whole = _export(tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "Telegram export.zip"
    cut.write_bytes(whole[: int(len(whole) * fraction)])
    found = registry.detect(cut)                              # recognised, not "unknown format"
    assert found[0][0].name == "telegram"
    recs, error = _read(cut)
    assert error is None
    texts = _texts(recs)
    assert texts == [f"m{i} " + "words " * 10 for i in range(len(texts))]   # a prefix, in order, none invented
    damage = [r for r in recs if isinstance(r, Unparsed)]
    assert any("is a damaged zip" in r.reason and ("stops at byte" in r.reason or "table of contents (from byte"
                                                    in r.reason) for r in damage), damage
    if len(texts) < N:                                        # the cut is inside result.json: named
        assert any("cut off" in r.reason for r in damage)


def test_zip_cut_inside_its_first_header_is_called_damaged(tmp_path: Path) -> None:
    whole = _export(tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "export.zip"
    cut.write_bytes(whole[:20])
    with pytest.raises(InputError) as caught:
        registry.detect(cut)
    assert not isinstance(caught.value, UnknownFormat)
    assert "damaged zip" in caught.value.message and "Download or copy" in (caught.value.hint or "")


def test_data_descriptor_members_are_salvaged(tmp_path: Path) -> None:
    whole = _export(tmp_path / "whole.zip", descriptor=True).read_bytes()
    cut = tmp_path / "export.zip"
    cut.write_bytes(whole[: whole.index(b"PK\x01\x02")])      # the central directory is gone
    with FileTree(cut) as tree:
        assert sorted(tree.names()) == ["photos/a.jpg", "photos/b.jpg", "result.json"]
        with tree.open("photos/b.jpg") as fh:
            assert fh.read() == b"\xff\xd8" + bytes(range(255, -1, -1)) * 40
    assert len(_texts(_read(cut)[0])) == N


def test_damaged_central_directory(tmp_path: Path) -> None:
    data = bytearray(_export(tmp_path / "whole.zip").read_bytes())
    cd = data.index(b"PK\x01\x02")
    data[cd: cd + 4] = b"XXXX"
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(data))
    recs, error = _read(path)
    assert error is None and len(_texts(recs)) == N
    assert any("damaged zip" in r.reason for r in recs if isinstance(r, Unparsed))


def _flip_in(path: Path, member: str, at: int) -> None:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + at] ^= 0x01
    path.write_bytes(bytes(data))


def test_crc_damage_in_result_json_is_named_and_the_rest_kept(tmp_path: Path) -> None:
    path = _export(tmp_path / "export.zip", method=zipfile.ZIP_STORED)
    raw = path.read_bytes()
    text_at = raw.index(b"m250 ") - raw.index(b'{"name"')
    _flip_in(path, "result.json", text_at)                   # "m250" -> "l250": valid JSON, bad CRC
    assert registry.detect(path)[0][0].name == "telegram"
    recs, error = _read(path)
    assert error is None and len(_texts(recs)) == N
    assert any("CRC" in r.reason and "result.json" in r.location for r in recs if isinstance(r, Unparsed))
    assert any("damaged" in r.message for r in recs if isinstance(r, ImportWarning))


def test_small_crc_damaged_zip_is_not_unknown_format(tmp_path: Path) -> None:
    """A zip nothing recognises because it is damaged says so, naming the member."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes/readme.bin", b"\x00\x01" * 500)
    _flip_in(path, "notes/readme.bin", 10)
    with pytest.raises(InputError) as caught:
        registry.detect(path)
    assert not isinstance(caught.value, UnknownFormat)
    assert "'notes/readme.bin' (at byte 0)" in caught.value.message and "CRC" in caught.value.message


def test_duplicate_names_keep_both(tmp_path: Path) -> None:
    """Two result.json in one zip: both are read (the messages of both kept); a duplicate photo is kept
    under an "earlier copy" name and the choice is reported."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf, pytest.warns(UserWarning, match="Duplicate name"):
        zf.writestr("result.json", json.dumps({"name": "A", "id": 7, "messages": _messages(3, "old")}))
        zf.writestr("photos/a.jpg", b"first")
        zf.writestr("result.json", json.dumps({"name": "A", "id": 7, "messages": _messages(2, "new")}))
        zf.writestr("photos/a.jpg", b"second")
    with FileTree(path) as tree:
        assert tree.copies("photos/a.jpg") == ["photos/a.jpg (earlier copy 1)"]
        with tree.open("photos/a.jpg") as fh:
            assert fh.read() == b"second"
        with tree.open("photos/a.jpg (earlier copy 1)") as fh:
            assert fh.read() == b"first"
    recs, error = _read(path)
    assert error is None
    assert sorted(t.split()[0] for t in _texts(recs)) == ["new0", "new1", "old0", "old1", "old2"]
    notes = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert any("more than one file of this name" in n and "photos/a.jpg (earlier copy 1)" in n for n in notes)


def test_claimed_ten_million_entries_refused_before_reading_them(tmp_path: Path) -> None:
    """10^7 tiny members, simulated: the end record claims them; refused before zipfile builds 10^7
    objects (zip64 end record, as a real 10^7-entry zip needs)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("result.json", b"{}")
    data = path.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, eocd + 16)[0]
    z64 = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 10**7, 10**7, eocd - cd_offset, cd_offset)
    loc = struct.pack("<4sIQI", b"PK\x06\x07", 0, eocd, 1)
    end = bytearray(data[eocd:])
    end[8:12] = b"\xff\xff\xff\xff"
    path.write_bytes(data[:eocd] + z64 + loc + bytes(end))
    with pytest.raises(InputError, match="lists 10,000,000 files"):
        FileTree(path)


def test_import_of_a_cut_off_zip_into_a_vault(vault, tmp_path: Path) -> None:
    """End to end: the messages before the cut and the whole photos are in the vault; the run is
    `partial` and its unparsed entries name the damage."""
    from chatvault.ingest.engine import run_import

    whole = _export(tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "export.zip"
    cut.write_bytes(whole[: whole.index(b"PK\x01\x02") - 100])        # inside the last photo
    report = run_import(vault, cut, options=ImportOptions(options={"tz": "UTC"}))
    assert report.outcome == "partial" and report.added == N
    assert any("export.zip" in line for line in report.unparsed_lines)
    conn = vault.connect(readonly=True)
    reasons = [row[0] for row in conn.execute("SELECT reason FROM unparsed")]
    conn.close()
    assert any("damaged zip" in r for r in reasons) and any("cut off" in r for r in reasons)


def test_truncation_corpus_row_22(vault, tmp_path: Path) -> None:
    """RELIABILITY row 22: each sample export (Telegram zip, WhatsApp zip, Telegram result.json) cut at
    10 random offsets: never an uncaught exception; either a clear refusal or a partial import whose
    report names the cut; the vault passes `check --read-data` and holds no duplicate message."""
    import random

    from chatvault.check import run_checks
    from chatvault.ingest.engine import run_import
    from tests.import_fixtures import telegram_chat, whatsapp_locale, write_telegram_folder, write_zip

    chat, media = telegram_chat()
    folder = tmp_path / "tg"
    result = write_telegram_folder(folder, chat, media)
    tg_zip = tmp_path / "tg.zip"
    with zipfile.ZipFile(tg_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    ex = whatsapp_locale("en")
    wa_zip = write_zip(tmp_path / "WhatsApp Chat with T.zip", "WhatsApp Chat with T.txt", ex.lines, ex.media)
    rng = random.Random(22)
    outcomes = []
    for sample in (tg_zip, wa_zip, result):
        data = sample.read_bytes()
        for offset in sorted(rng.sample(range(1, len(data)), 10)):
            cut = tmp_path / "cut" / f"{offset}" / sample.name
            cut.parent.mkdir(parents=True)
            cut.write_bytes(data[:offset])
            try:
                report = run_import(vault, cut, options=ImportOptions(options={"tz": "UTC"}))
            except InputError as exc:                        # a clear refusal, never anything else
                assert exc.message and exc.code != "internal"
                outcomes.append("refused")
                continue
            assert report.outcome == "partial", (sample.name, offset, report.error)   # never "ok": bytes are missing
            assert report.unparsed_lines, (sample.name, offset)                      # the cut is named
            outcomes.append(report.outcome)
    assert outcomes.count("partial") >= 20
    assert run_checks(vault, read_data=True).ok
    conn = vault.connect(readonly=True)
    total, distinct = conn.execute("SELECT count(*), count(DISTINCT conversation_id || '/' || source_key) "
                                   "FROM messages").fetchone()
    conn.close()
    assert total == distinct


def test_cut_off_bomb_is_held_to_the_ratio_limit(tmp_path: Path) -> None:
    """Row 19 on the salvage path: a deflated run of zeros whose size is unknown (cut before its data
    descriptor) is stopped by the ratio counted on the bytes actually inflated."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("result.json", "w") as fh:
        for _ in range(64):
            fh.write(bytes(1 << 20))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with FileTree(path) as tree, tree.open("result.json") as fh, pytest.raises(InputError, match="zip bomb"):
        while fh.read(1 << 20):
            pass
