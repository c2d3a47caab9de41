"""A stored voice note or audio file in a form a media player can play.

WeChat keeps voice notes as Tencent SILK v3, which no player reads: they are decoded to a 16-bit WAV
(`importers.wechat.dat.silk_to_wav`); the vault keeps the original bytes. Everything else (Opus in
Ogg from Telegram and WhatsApp, AAC/M4A, MP3, AMR) is played as stored, under a file name whose
extension tells the player what it is.
"""

from __future__ import annotations

from chatvault.importers.wechat.dat import is_silk, silk_to_wav
from chatvault.media.attach import sniff_mime

_EXT = {"audio/ogg": ".ogg", "audio/opus": ".opus", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/x-m4a": ".m4a",
        "audio/aac": ".aac", "audio/amr": ".amr", "audio/x-wav": ".wav", "audio/wav": ".wav", "audio/webm": ".webm",
        "video/mp4": ".mp4"}


def playable(data: bytes, mime: str | None = None, name: str | None = None) -> tuple[bytes, str]:
    """(bytes a player can read, the file extension to give them). SILK is decoded to WAV; a SILK note
    that does not decode is returned as is (the player then says it cannot play it)."""
    if is_silk(data):
        wav = silk_to_wav(data)
        if wav is not None:
            return wav, ".wav"
        return data, ".silk"
    if data.startswith(b"#!AMR"):
        return data, ".amr"
    kind = sniff_mime(data[:8192]) or mime or ""
    ext = _EXT.get(kind) or _EXT.get(mime or "")
    if ext is None and name and "." in name:
        ext = "." + name.rsplit(".", 1)[-1].lower()[:8]
    return data, ext or ".bin"
