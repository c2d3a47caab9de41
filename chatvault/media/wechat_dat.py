"""WeChat's `.dat` image files: the picture XOR-ed with one byte, found from the format's magic.

WeChat for Windows 3.x (and Android backups made by PC tools) store received images as `.dat`
files in which every byte is XOR-ed with one key byte per account. The key is recovered from the
first bytes: whichever known image signature XORs to the same byte at every position of its magic
gives it. Weixin 4.x "V1/V2" `.dat` files (AES + XOR, header `07 08 56 3x 08 07`) are not plain XOR
and need a per-account image key; `decode_dat` returns None for them, and callers keep the bytes.
"""

from __future__ import annotations

# (magic, extension). Longer/more specific magics first; WEBP is checked separately (RIFF....WEBP).
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF89a", "gif"),
    (b"GIF87a", "gif"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"BM", "bmp"),
)

V4_HEADERS = (b"\x07\x08V1\x08\x07", b"\x07\x08V2\x08\x07")


def _key_for(data: bytes, magic: bytes) -> int | None:
    if len(data) < len(magic):
        return None
    key = data[0] ^ magic[0]
    for i in range(1, len(magic)):
        if data[i] ^ magic[i] != key:
            return None
    return key


def detect_key(data: bytes) -> tuple[int, str] | None:
    """The XOR key byte and the image extension, or None if no known image magic fits."""
    if data[:6] in V4_HEADERS:
        return None
    if len(data) >= 12:
        key = _key_for(data, b"RIFF")
        if key is not None and bytes(b ^ key for b in data[8:12]) == b"WEBP":
            return key, "webp"
    for magic, ext in _MAGICS:
        key = _key_for(data, magic)
        if key is None:
            continue
        if ext == "bmp":
            # Two bytes are weak evidence: the BMP header's declared file size must match.
            if len(data) < 14 or int.from_bytes(bytes(b ^ key for b in data[2:6]), "little") != len(data):
                continue
        return key, ext
    return None


def xor_bytes(data: bytes, key: int) -> bytes:
    """XOR every byte with `key` (a 256-entry translation table: C speed, no Python loop)."""
    return bytes(data).translate(bytes(i ^ key for i in range(256)))


def decode_dat(data: bytes) -> tuple[bytes, str] | None:
    """Decode a WeChat XOR `.dat` image: (image bytes, extension such as "jpg"), or None.

    None means the bytes are not a one-byte-XOR image (unknown magic, a Weixin 4 V1/V2 file, or
    empty): keep the original bytes and say so rather than storing garbage.
    """
    found = detect_key(data)
    if found is None:
        return None
    key, ext = found
    return xor_bytes(data, key), ext


MIME_BY_EXT = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp",
               "webp": "image/webp", "tif": "image/tiff"}


# --- voice notes ----------------------------------------------------------------------------

SILK_MAGICS = (b"\x02#!SILK_V3", b"#!SILK_V3")
MAX_SILK = 16 * 1024 * 1024        # a 60-second voice note is ~100 KB; anything near this is not one


def is_silk(data: bytes) -> bool:
    return data.startswith(SILK_MAGICS)


def silk_to_wav(data: bytes, sample_rate: int = 24000) -> bytes | None:
    """A WeChat voice note (Tencent SILK v3, stored as is in the vault) as a playable 16-bit mono WAV.

    Uses silk-python (`pysilk`); None if the bytes are not SILK or do not decode. For playback and
    export only: the vault keeps the original SILK bytes.
    """
    if not is_silk(data) or len(data) > MAX_SILK:
        return None
    import io
    import wave

    import pysilk

    pcm = io.BytesIO()
    try:
        pysilk.decode(io.BytesIO(data), pcm, sample_rate)
    except (pysilk.SilkError, ValueError, OSError, MemoryError):
        return None
    raw = pcm.getvalue()
    if not raw:
        return None
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(raw)
    return out.getvalue()
