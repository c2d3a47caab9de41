"""A voice note keeps the length its export states (Telegram `duration_seconds`, WeChat `duration_ms`),
stored or missing: the conversation showed 0″ for a 7 s note because only the file's own header was
read, and SILK/Opus notes have none. And what the player is given: SILK decoded to WAV, the rest as is."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatvault.ingest.engine import run_import
from chatvault.store import queries
from tests.import_fixtures import OPUS, telegram_chat, write_telegram_folder


@pytest.mark.parametrize("with_media", [True, False])
def test_telegram_voice_length_is_kept_stored_or_missing(vault, tmp_path: Path, with_media: bool) -> None:
    chat, media = telegram_chat(with_media=with_media)
    run_import(vault, write_telegram_folder(tmp_path / "tg", chat, media).parent)
    conn = vault.connect(readonly=True)
    try:
        conv = queries.conversations(conn)[0]["id"]
        voice = [m for m in queries.messages_page(conn, conv, after=(0, 0), limit=100) if m["kind"] == "voice"]
        [att] = queries.attachments_of(conn, [voice[0]["id"]])[voice[0]["id"]]
    finally:
        conn.close()
    assert att["duration_ms"] == 3000
    assert att["status"] == ("stored" if with_media else "missing")


def test_playable_decodes_silk_and_passes_other_audio_through() -> None:
    from chatvault.media.playable import playable
    from tests.test_gui_messages import _silk

    wav, ext = playable(_silk(0.5), "audio/silk", "1.silk")
    assert ext == ".wav" and wav[:4] == b"RIFF" and len(wav) > 20_000       # 0.5 s of 24 kHz 16-bit
    assert playable(OPUS, "audio/ogg", "a.ogg") == (OPUS, ".ogg")
    assert playable(b"#!AMR\n\x00", None, None)[1] == ".amr"
    assert playable(b"\x00" * 10, None, "note.m4a")[1] == ".m4a"


def _ogg_page(granule: int, seq: int, body: bytes, header_type: int = 0) -> bytes:
    import struct

    segs = [255] * (len(body) // 255) + [len(body) % 255]
    return (b"OggS" + struct.pack("<BBqIII", 0, header_type, granule, 0x1234, seq, 0) + bytes([len(segs)])
            + bytes(segs) + body)


def test_opus_voice_note_length_is_read_from_its_last_page() -> None:
    """WhatsApp's .opus notes carry no length in the chat text: the Ogg pages give it (7 s here)."""
    import struct

    from chatvault.media.attach import describe

    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    audio = b"".join(_ogg_page(312 + 48000 * (i + 1), 2 + i, b"\xfc" + b"\x00" * 80) for i in range(7))
    note = _ogg_page(0, 0, head, 2) + _ogg_page(0, 1, tags) + audio
    info = describe(note)
    assert info.mime in ("audio/ogg", "audio/opus") and info.duration_ms == 7000
    assert describe(b"OggS" + b"\x00" * 60).duration_ms is None          # no codec header: no guess
