"""Every phone locale and calendar in `tests/whatsapp_locales.py` reads to the English original."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.importers.whatsapp import WhatsAppImporter
from chatvault.jobs.context import JobContext
from chatvault.model import MessageRec, Unparsed
from tests.whatsapp_locales import MESSAGES, T0, VARIANTS

UTC = ImportOptions(options={"tz": "UTC"})


def read(path: Path) -> list:
    return list(WhatsAppImporter().read(path, UTC, JobContext()))


def test_enough_variants() -> None:
    assert len(VARIANTS) >= 40
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)
    assert {v.calendar for v in VARIANTS} >= {"gregorian", "buddhist", "japanese", "roc", "islamic", "persian",
                                                "hebrew"}
    assert any(v.ios for v in VARIANTS) and any(not v.ios for v in VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_locale_reads_like_the_original(tmp_path: Path, variant) -> None:
    from datetime import UTC as utc
    from datetime import timedelta

    path = variant.write(tmp_path)
    assert WhatsAppImporter().detect(path).confidence >= 0.6, "\n".join(variant.lines()[:2])
    recs = read(path)
    assert not [r for r in recs if isinstance(r, Unparsed)], "\n".join(variant.lines())
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    want = [((T0 + timedelta(minutes=mins)).replace(tzinfo=utc), sender, text) for mins, sender, text in MESSAGES]
    got = [(m.ts.astimezone(utc), m.sender_key, m.text) for m in msgs]
    if variant.ios:
        assert got == want
    else:                       # Android writes no seconds
        assert got == [(ts.replace(second=0), s, t) for ts, s, t in want]


# --- encodings -----------------------------------------------------------------------------------------
LINES = ["[18/03/2022, 09:05:07] Alice: crème brûlée", "[19/03/2022, 10:00:00] Bob: ça va €5"]


def _warnings(recs: list) -> list[str]:
    from chatvault.model import ImportWarning

    return [r.message for r in recs if isinstance(r, ImportWarning)]


def test_cp1252_export_is_read_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "_chat.txt"
    path.write_bytes("\r\n".join(LINES).encode("cp1252"))
    recs = read(path)
    assert [m.text for m in recs if isinstance(m, MessageRec)] == ["crème brûlée", "ça va €5"]
    assert any("Windows-1252" in w for w in _warnings(recs))
    conv = [r for r in recs if type(r).__name__ == "ConversationRec"][-1]
    assert conv.extra["encoding"].startswith("Windows-1252")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_detected(tmp_path: Path, codec: str) -> None:
    from chatvault.ingest.engine import choose

    path = tmp_path / "WhatsApp Chat with Bob.txt"
    data = "\n".join(LINES).encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    importer, detection = choose(path, None)           # no --format
    assert importer.name == "whatsapp" and detection.confidence >= 0.6
    recs = read(path)
    assert [m.text for m in recs if isinstance(m, MessageRec)] == ["crème brûlée", "ça va €5"]
    conv = [r for r in recs if type(r).__name__ == "ConversationRec"][-1]
    assert "byte-order mark" in conv.extra["encoding"]


def test_invalid_utf8_bytes_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "_chat.txt"
    good = "\n".join(LINES).encode()
    path.write_bytes(good + b"\n[20/03/2022, 10:00:00] Bob: broken \xff\xfe here\n" + ("x" * 70000).encode() + b"\xc3\n")
    recs = read(path)
    assert any("3 byte(s)" in w and "UTF-8" in w for w in _warnings(recs)), _warnings(recs)
    assert "broken \ufffd\ufffd here" in [m.text for m in recs if isinstance(m, MessageRec)][2]


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "_chat.txt"
    path.write_bytes("\n".join(LINES).encode("utf-16-le"))
    recs = read(path)
    assert [m.text for m in recs if isinstance(m, MessageRec)] == ["crème brûlée", "ça va €5"]
