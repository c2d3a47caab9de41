"""WeChat's `.dat` image files, decoded back to the picture they hold.

WeChat for Windows 3.x (and Android backups made by PC tools) store received images as `.dat`
files in which every byte is XOR-ed with one key byte per account. The key is recovered from the
first bytes: whichever known image signature XORs to the same byte at every position of its magic
gives it.

Weixin 4.x writes "V1"/"V2" `.dat` files instead (header `07 08 56 31 08 07` or `07 08 56 32 08 07`).
After the 6-byte signature come the little-endian 32-bit length of the AES-encrypted head, the
little-endian 32-bit length of the XOR-ed tail and one more byte (15 bytes in all); then the head,
AES-128-ECB encrypted with PKCS#7 padding (so its stored size is the length rounded up to the next
whole 16-byte block, a full block more when it is already whole), then the middle of the picture as
is, then the tail XOR-ed with one byte. V1 files use a fixed AES key known publicly (the ASCII
string "cfcd208495d565ef"); V2 files use the account's 16-byte image key, which only WeChat's
memory holds: the user supplies it (ChatVault never reads another program's memory). The XOR byte
is found from the picture's known trailer (JPEG `FF D9`, PNG's `IEND` chunk, GIF's `00 3B`) or
supplied. A decoded V1/V2 file is accepted only when the PKCS#7 padding is valid, the head starts
with a known image magic and the trailer (where the format has one) is right; otherwise the file is
kept as stored and the caller says why (`undecodable_reason`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable

# (magic, extension). Longer/more specific magics first; WEBP is checked separately (RIFF....WEBP).
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF89a", "gif"),
    (b"GIF87a", "gif"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"BM", "bmp"),
    (b"wxgf", "wxgf"),    # Weixin 4's HEVC picture container: converted on store (chatvault.media.wxgf)
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


def decode_dat(data: bytes, image_key: bytes | None = None,
               xor_key: int | None = None) -> tuple[bytes, str] | None:
    """Decode a WeChat `.dat` image: (image bytes, extension such as "jpg"), or None.

    One-byte-XOR files (WeChat 3.x) need nothing; Weixin 4 V1 files need nothing either; V2 files
    need `image_key` (16 bytes). None means the bytes are not a decodable image (unknown magic, a V2
    file without the right key, a truncated or damaged file, empty): keep the original bytes and
    say so (`undecodable_reason`) rather than storing garbage.
    """
    if data[:6] in V4_HEADERS:
        try:
            return decode_v4(data, image_key, xor_key)
        except DatUndecodable:
            return None
    found = detect_key(data)
    if found is None:
        return None
    key, ext = found
    return xor_bytes(data, key), ext


# --- Weixin 4 V1/V2 -------------------------------------------------------------------------

V1_AES_KEY = b"cfcd208495d565ef"     # the fixed, publicly known key of V1 files
V4_HEADER_LEN = 15
_BLOCK = 16
# What a picture ends with: the XOR byte is found from it, and the decoded tail is checked against it.
_TRAILERS = {"jpg": b"\xff\xd9", "png": b"\x00\x00\x00\x00IEND\xaeB`\x82", "gif": b"\x00;"}
_TAIL_PROBE = 12                     # the longest trailer

NEEDS_IMAGE_KEY = "needs the image key"
WRONG_IMAGE_KEY = "the image key does not decode it"
DAMAGED = "truncated or damaged"
UNKNOWN_XOR = "the XOR byte of its tail is unknown"
NOT_AN_IMAGE = "not a known image format"
WXGF = "WeChat's own wxgf picture format, not converted"   # kept for earlier runs' rows
TOO_BIG = "too big to decode in memory"


class DatUndecodable(ValueError):
    """A `.dat` file that cannot be decoded; `reason` is one of the short phrases above."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_image_key(value: str | bytes | None) -> bytes | None:
    """The Weixin 4 image key: 16 ASCII characters as shown by key tools, or 32 hex digits.

    Raises ValueError (with a message meant for the user, never containing the key) otherwise.
    """
    if value is None or value == "" or value == b"":
        return None
    if isinstance(value, bytes):
        if len(value) == _BLOCK:
            return value
        value = value.decode("ascii", "replace")
    s = value.strip()
    if s.lower().startswith("0x"):
        s = s[2:]
    if len(s) == 2 * _BLOCK:
        try:
            return bytes.fromhex(s)
        except ValueError:
            pass
    elif len(s) == _BLOCK and s.isascii() and s.isprintable():
        return s.encode("ascii")
    raise ValueError(f"The Weixin image key must be 16 characters or 32 hexadecimal digits; got {len(s)} characters.")


def v4_version(head: bytes) -> int | None:
    """1 or 2 for a Weixin 4 V1/V2 `.dat` file (from its first 6 bytes), else None."""
    if head[:6] == V4_HEADERS[0]:
        return 1
    if head[:6] == V4_HEADERS[1]:
        return 2
    return None


def _aes_key(version: int, image_key: bytes | None) -> bytes:
    if version == 1:
        return V1_AES_KEY
    if image_key is None:
        raise DatUndecodable(NEEDS_IMAGE_KEY)
    if len(image_key) != _BLOCK:
        raise DatUndecodable(WRONG_IMAGE_KEY)
    return image_key


def _layout(header: bytes, size: int) -> tuple[int, int, int]:
    """(plain length of the AES head, its stored length, XOR tail length) from the 15-byte header."""
    if len(header) < V4_HEADER_LEN:
        raise DatUndecodable(DAMAGED)
    aes_len = int.from_bytes(header[6:10], "little")
    xor_len = int.from_bytes(header[10:14], "little")
    stored = (aes_len // _BLOCK + 1) * _BLOCK          # PKCS#7 always adds 1..16 bytes
    if V4_HEADER_LEN + stored + xor_len > size:
        raise DatUndecodable(DAMAGED)
    return aes_len, stored, xor_len


def _ecb(key: bytes) -> Callable[[bytes], bytes]:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    def run(data: bytes) -> bytes:
        dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
        return dec.update(data) + dec.finalize()
    return run


def _unpad(last_block: bytes, wrong: str) -> int:
    """How many padding bytes a decrypted last block carries; a bad pad means a wrong key."""
    n = last_block[-1]
    if not 1 <= n <= _BLOCK or last_block[-n:] != bytes([n]) * n:
        raise DatUndecodable(wrong)
    return n


def _identify(head: bytes, total: int) -> str:
    """The image extension from the decoded picture's first bytes (and its length, for BMP/WEBP)."""
    if head[:4] == b"wxgf":
        return "wxgf"        # decrypted here, converted to JPEG/PNG/GIF on store (chatvault.media.wxgf)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        if int.from_bytes(head[4:8], "little") + 8 != total:
            raise DatUndecodable(DAMAGED)
        return "webp"
    for magic, ext in _MAGICS:
        if head.startswith(magic):
            if ext == "bmp" and (len(head) < 6 or int.from_bytes(head[2:6], "little") != total):
                continue
            return ext
    raise DatUndecodable(NOT_AN_IMAGE)


def _xor_byte(ext: str, tail: bytes, xor_len: int, xor_key: int | None) -> int:
    """The tail's XOR byte: the one that turns the tail into the format's trailer, else `xor_key`.

    `xor_key` (one per account: learned from another picture, see `learn_xor_byte`) is the fallback
    for formats without a trailer (WEBP, BMP, TIFF) and tails too short to tell.
    """
    if xor_len == 0:
        return 0
    trailer = _TRAILERS.get(ext)
    n = min(len(trailer or b""), xor_len, len(tail))
    if trailer is not None and n >= 2:
        key = tail[-1] ^ trailer[-1]
        if all(tail[-i] ^ trailer[-i] == key for i in range(2, n + 1)):
            return key
    if xor_key is not None:
        return xor_key & 0xFF
    raise DatUndecodable(UNKNOWN_XOR)


def learn_xor_byte(paths: Iterable[str | os.PathLike[str]], image_key: bytes | None = None,
                   tries: int = 20) -> int | None:
    """The account's XOR byte, from the first V1/V2 picture (of at most `tries`) whose trailer gives it."""
    for path in itertools.islice(paths, tries):
        try:
            with open(path, "rb") as fh:
                head = fh.read(V4_HEADER_LEN)
                if v4_version(head) is None:
                    continue
                fh.seek(0)
                data = fh.read(64 << 20)
            if _layout(data[:V4_HEADER_LEN], len(data))[2] < 2:
                continue
            ext, xor = _decode_v4(data, image_key, None)[1:]
        except (OSError, DatUndecodable):
            continue
        if ext in _TRAILERS:
            return xor
    return None


def _check_trailer(ext: str, decoded_tail: bytes) -> None:
    trailer = _TRAILERS.get(ext)
    if trailer is not None and not decoded_tail.endswith(trailer[-min(len(trailer), len(decoded_tail)):]):
        raise DatUndecodable(DAMAGED)


def decode_v4(data: bytes, image_key: bytes | None = None, xor_key: int | None = None) -> tuple[bytes, str]:
    """Decode a whole Weixin 4 V1/V2 file: (picture bytes, extension). Raises DatUndecodable."""
    out, ext, _xor = _decode_v4(data, image_key, xor_key)
    return out, ext


def _decode_v4(data: bytes, image_key: bytes | None, xor_key: int | None) -> tuple[bytes, str, int]:
    version = v4_version(data)
    if version is None:
        raise DatUndecodable(NOT_AN_IMAGE)
    aes_len, stored, xor_len = _layout(data[:V4_HEADER_LEN], len(data))
    key = _aes_key(version, image_key)
    body = memoryview(data)[V4_HEADER_LEN:]
    plain = _ecb(key)(bytes(body[:stored]))
    wrong = WRONG_IMAGE_KEY if version == 2 else DAMAGED
    pad = _unpad(plain[-_BLOCK:], wrong)
    if len(plain) - pad != aes_len:
        raise DatUndecodable(wrong)
    middle = bytes(body[stored:len(body) - xor_len])
    tail = bytes(body[len(body) - xor_len:])
    total = aes_len + len(middle) + xor_len
    head = (plain[:aes_len] + middle[:_TAIL_PROBE] + tail[:_TAIL_PROBE])[:_TAIL_PROBE]
    try:
        ext = _identify(head, total)
    except DatUndecodable as exc:
        raise DatUndecodable(wrong if exc.reason == NOT_AN_IMAGE else exc.reason) from None
    xor = _xor_byte(ext, tail, xor_len, xor_key)
    out = plain[:aes_len] + middle + xor_bytes(tail, xor)
    _check_trailer(ext, out[-_TAIL_PROBE:])
    return out, ext, xor


def probe_v4(path: str | os.PathLike[str], image_key: bytes | None = None,
             xor_key: int | None = None) -> str:
    """Whether the V1/V2 file at `path` will decode, reading only its header, two blocks and its tail.

    Returns the image extension; raises DatUndecodable with the reason otherwise. Small files, and
    files whose AES head is shorter than one block, are decoded whole instead.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        header = fh.read(V4_HEADER_LEN)
        version = v4_version(header)
        if version is None:
            raise DatUndecodable(NOT_AN_IMAGE)
        aes_len, stored, xor_len = _layout(header, size)
        key = _aes_key(version, image_key)
        mid_len = size - V4_HEADER_LEN - stored - xor_len
        if size <= 64 << 10 or aes_len < _BLOCK or (xor_len < _TAIL_PROBE and mid_len + xor_len < _TAIL_PROBE):
            if size > 64 << 20:
                raise DatUndecodable(TOO_BIG)
            fh.seek(0)
            return decode_v4(fh.read(), image_key, xor_key)[1]
        first = fh.read(_BLOCK)
        fh.seek(V4_HEADER_LEN + stored - _BLOCK)
        last = fh.read(_BLOCK)
        fh.seek(size - _TAIL_PROBE)
        tail = fh.read(_TAIL_PROBE)
    ecb = _ecb(key)
    wrong = WRONG_IMAGE_KEY if version == 2 else DAMAGED
    first_plain, last_plain = ecb(first), ecb(last)
    # The pad sits in the last block; with a whole-block head that block is pad only.
    if stored - _unpad(last_plain, wrong) != aes_len:
        raise DatUndecodable(wrong)
    try:
        ext = _identify(first_plain, aes_len + mid_len + xor_len)
    except DatUndecodable as exc:
        raise DatUndecodable(wrong if exc.reason == NOT_AN_IMAGE else exc.reason) from None
    xored = tail[-xor_len:] if xor_len else b""
    decoded = tail[:len(tail) - len(xored)] + xor_bytes(xored, _xor_byte(ext, xored, xor_len, xor_key))
    _check_trailer(ext, decoded)
    return ext


def undecodable_reason(data: bytes, image_key: bytes | None = None) -> str | None:
    """Why `decode_dat` gives None for these bytes (None if it decodes them)."""
    if data[:6] in V4_HEADERS:
        try:
            decode_v4(data, image_key)
        except DatUndecodable as exc:
            return exc.reason
        return None
    return None if detect_key(data) is not None else NOT_AN_IMAGE


MIME_BY_EXT = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp",
               "webp": "image/webp", "tif": "image/tiff", "wxgf": "image/x-wxgf"}


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
