"""Reading Chromium's "simple" disk cache: the browser cache of WeChat's built-in web views.

WeChat opens articles in a Chromium web view (XWeb on Android, the `radium` WeChatAppEx profiles of
PC 3.9 and Weixin 4, whose cache is `radium/web/profiles/<profile>/Cache/Cache_Data`). Where that
cache uses Chromium's simple backend, each response is one file named `<16 hex digits>_0`:

    SimpleFileHeader (magic 0xfcfb6d1ba7725c30, version, key length, key hash; 24 bytes)
    the key (the URL; newer Chromium prefixes it with "1/0/_dk_<site> <site> ")
    stream 1: the body as the server sent it (still gzip/br encoded)
    SimpleFileEOF (magic 0xf4fa6f45970d41d8, flags, crc, 24 bytes)
    stream 0: the response info (a pickle holding times and the raw headers, NUL-separated)
    [32-byte SHA-256 of the key when the EOF's flag 2 is set]
    SimpleFileEOF of stream 0 (its size in `stream_size`)

Layout learnt from Chromium's `net/disk_cache/simple/simple_entry_format.h` (read, not copied).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SIMPLE_MAGIC = 0xFCFB6D1BA7725C30
EOF_MAGIC = 0xF4FA6F45970D41D8
HEADER = struct.Struct("<QIII4x")
EOF = struct.Struct("<QIII4x")
FLAG_KEY_SHA256 = 2
ENTRY_NAME = re.compile(r"(?:^|/)[0-9a-f]{16}_0$")
MAX_KEY = 64 * 1024
_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class NotCacheEntry(ValueError):
    pass


@dataclass
class CacheEntry:
    url: str
    status: int | None
    headers: dict[str, str]
    body: bytes                  # still content-encoded
    response_time: datetime | None

    @property
    def encoding(self) -> str:
        return self.headers.get("content-encoding", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def key_url(key: str) -> str:
    """The URL inside a cache key ("1/0/_dk_https://a.com https://a.com https://a.com/x" → the last part)."""
    return key.rsplit(" ", 1)[-1] if " " in key else key


def read_key(head: bytes) -> str:
    if len(head) < HEADER.size:
        raise NotCacheEntry("too short")
    magic, _version, key_len, _hash = HEADER.unpack_from(head)
    if magic != SIMPLE_MAGIC or not 0 < key_len <= MAX_KEY:
        raise NotCacheEntry("not a simple-cache entry")
    key = head[HEADER.size:HEADER.size + key_len]
    if len(key) < key_len:
        raise NotCacheEntry("key cut short")
    return key.decode("utf-8", "replace")


def _time(value: int) -> datetime | None:
    if not 0 < value < 1 << 62:
        return None
    t = _EPOCH + timedelta(microseconds=value)
    return t if datetime(2005, 1, 1, tzinfo=UTC) < t < datetime(2200, 1, 1, tzinfo=UTC) else None


def _response_info(stream0: bytes) -> tuple[int | None, dict[str, str], datetime | None]:
    """(status, headers, response time) from the pickled response info."""
    when = None
    if len(stream0) >= 24:
        _size, _flags, _req, resp = struct.unpack_from("<IiqQ", stream0)
        when = _time(resp)
    at = stream0.find(b"HTTP/")
    if at == -1:
        return None, {}, when
    end = stream0.find(b"\x00\x00", at)
    lines = stream0[at:end if end != -1 else len(stream0)].decode("latin-1").split("\x00")
    status = None
    parts = lines[0].split(" ")
    if len(parts) >= 2 and parts[1].isdigit():
        status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        k, sep, v = line.partition(":")
        if sep:
            headers.setdefault(k.strip().lower(), v.strip())
    return status, headers, when


def parse_entry(data: bytes) -> CacheEntry:
    """One `_0` file's URL, response status, headers, body and response time."""
    url = key_url(read_key(data))
    _m, _v, key_len, _h = HEADER.unpack_from(data)
    if len(data) < HEADER.size + key_len + 2 * EOF.size:
        raise NotCacheEntry("cut short")
    magic0, flags0, _crc0, size0 = EOF.unpack_from(data, len(data) - EOF.size)
    if magic0 != EOF_MAGIC:
        raise NotCacheEntry("no end record (the entry was being written)")
    sha = 32 if flags0 & FLAG_KEY_SHA256 else 0
    start0 = len(data) - EOF.size - sha - size0
    eof1 = start0 - EOF.size
    body_start = HEADER.size + key_len
    if eof1 < body_start:
        raise NotCacheEntry("damaged sizes")
    magic1, _f1, _c1, _s1 = EOF.unpack_from(data, eof1)
    if magic1 != EOF_MAGIC:
        raise NotCacheEntry("damaged body record")
    status, headers, when = _response_info(data[start0:start0 + size0])
    return CacheEntry(url, status, headers, data[body_start:eof1], when)


def write_entry(url: str, body: bytes, headers: dict[str, str], status: int = 200,
                response_time: datetime | None = None, key_prefix: str = "") -> bytes:
    """The bytes of one entry file (used to build test fixtures in Chromium's layout)."""
    key = (key_prefix + url).encode()
    stream0 = response_info(headers, status, response_time)
    return (HEADER.pack(SIMPLE_MAGIC, 5, len(key), 0) + key + body + EOF.pack(EOF_MAGIC, 0, 0, 0)
            + stream0 + EOF.pack(EOF_MAGIC, 0, 0, len(stream0)))


def response_info(headers: dict[str, str], status: int = 200, response_time: datetime | None = None) -> bytes:
    """A response-info pickle as Chromium stores it (flags, request and response times, raw headers)."""
    t = response_time or datetime.now(UTC)
    micros = int((t - _EPOCH).total_seconds() * 1_000_000)
    raw = f"HTTP/1.1 {status} OK\x00" + "".join(f"{k}: {v}\x00" for k, v in headers.items()) + "\x00"
    raw_b = raw.encode("latin-1")
    payload = struct.pack("<iqq", 0, micros - 1000, micros) + struct.pack("<I", len(raw_b)) + raw_b
    payload += b"\x00" * (-len(payload) % 4)
    return struct.pack("<I", len(payload)) + payload
