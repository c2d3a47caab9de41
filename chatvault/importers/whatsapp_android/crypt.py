"""WhatsApp for Android's encrypted backups: `msgstore.db.crypt14` and `msgstore.db.crypt15`.

The layout, as the public tools that read it describe it (wa-crypt-tools, whatsapp-chat-exporter):

    [n: 1 byte] [0x01: present on msgstore backups] [prologue: n bytes of protobuf]
    [AES-256-GCM ciphertext of the zlib-compressed SQLite file] [GCM tag: 16] [MD5 of all before: 16, usually]

The prologue (`BackupPrefix`) says which kind of key opens the file: field 2 (`c14_cipher`, with
the IV in its field 5) for a crypt14 backup, opened by the 32-byte key at the end of the phone's
158-byte `key` file; field 3 (`c15_iv`, IV in field 1) for an end-to-end encrypted crypt15 backup,
opened by HKDF-SHA256(root key, salt = none, info = "backup encryption"), the root key being the 64
hex digits WhatsApp shows when end-to-end backup is turned on (or the 32 bytes of its
`encrypted_backup.key` file). Older crypt14 files have no prologue: their IV and data start sit at
a few known fixed offsets.

Decryption streams: the file is read once in 1 MiB blocks, decrypted, inflated and written to a
private file, so a 2 GB backup never sits in memory. Whether the last 16 bytes are an MD5 checksum
is learnt in the same pass (the MD5 of everything before them either matches or not).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chatvault.errors import InputError, WrongSecret
from chatvault.jobs.context import JobContext

SQLITE_MAGIC = b"SQLite format 3\x00"
JAVA_BYTES = b"\xac\xed\x00\x05ur\x00\x02[B"          # a serialized Java byte[]: how the key files are stored
KEY14_PAYLOAD = 131                                     # cipher version 2, key version 1, salts, hash, IV, key 32
BLOCK = 1 << 20
OLD_CRYPT14 = ((67, 191), (67, 190), (66, 99), (67, 193), (67, 194), (67, 158))   # (IV offset, data offset)

FIELD_KEY = "wa_key"              # the 64 hex digits of an end-to-end encrypted (crypt15) backup
FIELD_KEY_FILE = "wa_keyfile"     # the phone's `key` file (crypt14) or `encrypted_backup.key` (crypt15)


@dataclass(frozen=True)
class Keys:
    """What the user gave: the crypt14 AES key and/or the crypt15 root key, and where they came from."""

    crypt14: bytes | None = None
    crypt15_root: bytes | None = None
    source: str = ""

    def crypt15(self) -> bytes | None:
        if self.crypt15_root is None:
            return None
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"backup encryption").derive(self.crypt15_root)


HEX_LENGTH = "The end-to-end backup key has 64 hexadecimal digits."
HEX_DIGITS = "The end-to-end backup key has only the digits 0-9 and the letters a-f."


def check_hex_key(value: str) -> str | None:
    """The import dialog's check of the typed key (a fixed sentence the app translates), None when it
    can be a crypt15 key."""
    digits = "".join(value.split()).lower().removeprefix("0x")
    if len(digits) != 64:
        return HEX_LENGTH
    try:
        bytes.fromhex(digits)
    except ValueError:
        return HEX_DIGITS
    return None


def parse_hex_key(value: str, where: str) -> bytes:
    problem = check_hex_key(value)
    if problem:
        raise WrongSecret(f"This is not a WhatsApp end-to-end backup key: {problem}", location=where,
                          field=FIELD_KEY, hint=HEX_HINT)
    return bytes.fromhex("".join(value.split()).lower().removeprefix("0x"))


HEX_HINT = ("Type the 64-digit key WhatsApp showed when you turned on the end-to-end encrypted backup "
            "(WhatsApp → Settings → Chats → Chat backup → End-to-end encrypted backup).")
FILE_HINT = ("Choose the phone's key file: /data/data/com.whatsapp/files/key (crypt14, needs a rooted phone) or "
             "encrypted_backup.key (crypt15).")


def read_key_file(data: bytes, where: str) -> Keys:
    """The key in a key file: a serialized Java byte[] (158 bytes for crypt14, 59 for crypt15), 32 raw
    bytes, or the 64 hex digits saved as text."""
    payload: bytes | None = None
    if data.startswith(JAVA_BYTES):
        at = data.find(b"xp", len(JAVA_BYTES))
        if at >= 0 and len(data) >= at + 6:
            size = int.from_bytes(data[at + 2:at + 6], "big")
            payload = data[at + 6:at + 6 + size] if len(data) >= at + 6 + size else None
    elif len(data) in (32, KEY14_PAYLOAD):
        payload = data
    else:
        text = data.decode("ascii", "replace").strip()
        if check_hex_key(text) is None:
            return Keys(crypt15_root=parse_hex_key(text, where), source=where)
    if payload is not None and len(payload) == KEY14_PAYLOAD:
        return Keys(crypt14=payload[-32:], source=where)
    if payload is not None and len(payload) == 32:
        return Keys(crypt15_root=payload, source=where)
    raise WrongSecret(f"{Path(where).name} is not a WhatsApp key file ({len(data)} bytes; the crypt14 key file has "
                      "158, the crypt15 one 59).", location=where, field=FIELD_KEY_FILE, hint=FILE_HINT)


@dataclass(frozen=True)
class Layout:
    kind: str                 # "crypt14" or "crypt15"
    iv: bytes
    start: int                # first ciphertext byte
    fixed: bool = False       # an old crypt14 without prologue (offsets guessed from the known ones)


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ValueError("varint")
        b = buf[i]
        value |= (b & 0x7F) << shift
        i += 1
        if not b & 0x80:
            return value, i
        shift += 7


def _fields(buf: bytes) -> dict[int, bytes | int]:
    """The top-level fields of a protobuf message (last one wins); ValueError when it is not one."""
    out: dict[int, bytes | int] = {}
    i = 0
    while i < len(buf):
        tag, i = _varint(buf, i)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise ValueError("field 0")
        if wire == 0:
            out[number], i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise ValueError("length")
            out[number] = buf[i:i + size]
            i += size
        elif wire == 5:
            i += 4
        elif wire == 1:
            i += 8
        else:
            raise ValueError("wire type")
    if i != len(buf):
        raise ValueError("overrun")
    return out


def layouts(head: bytes) -> list[Layout]:
    """Where the IV and the ciphertext are: from the prologue, else the old crypt14 offsets."""
    if len(head) >= 2:
        n = head[0]
        off = 2 if head[1] == 1 else 1
        try:
            top = _fields(head[off:off + n]) if n and len(head) >= off + n else {}
            c15 = top.get(3)
            c14 = top.get(2)
            if isinstance(c15, bytes):
                iv = _fields(c15).get(1)
                if isinstance(iv, bytes) and len(iv) == 16:
                    return [Layout("crypt15", iv, off + n)]
            if isinstance(c14, bytes):
                iv = _fields(c14).get(5)
                if isinstance(iv, bytes) and len(iv) == 16:
                    return [Layout("crypt14", iv, off + n)]
        except ValueError:
            pass
    return [Layout("crypt14", head[iv:iv + 16], start, fixed=True) for iv, start in OLD_CRYPT14
            if len(head) >= start]


class _Wrong(Exception):
    """This key (or these offsets) does not open the file."""


def decrypt(open_src: Callable[[], BinaryIO], size: int, keys: Keys, name: str, where: str, dst: Path,
            ctx: JobContext) -> str:
    """Decrypt backup `name` (`size` bytes) into the SQLite file `dst`; returns "crypt14" or "crypt15".
    A key that does not open it is a `WrongSecret` naming the file; a cut or damaged file an `InputError`."""
    with open_src() as fh:
        head = fh.read(512)
    found = layouts(head)
    if not found or size < found[0].start + 32:
        raise InputError(f"{name} is too short to be a WhatsApp backup ({size:,} bytes).", location=where,
                         hint="Copy the backup again from the phone (the whole file).")
    kind = found[0].kind
    key = keys.crypt15() if kind == "crypt15" else keys.crypt14
    if key is None:
        raise _missing_key(kind, keys, name, where)
    for layout in found:
        try:
            with open_src() as fh, open(dst, "wb") as out:
                _stream(fh, size, key, layout, out, name, where, ctx)
            return kind
        except _Wrong:
            continue
    what = "key file" if keys.source and kind == "crypt14" else "key"
    raise WrongSecret(f"The {what} does not open {name}: it belongs to another phone or another backup.",
                      location=where, field=FIELD_KEY if kind == "crypt15" and not keys.source else FIELD_KEY_FILE,
                      hint=HEX_HINT if kind == "crypt15" else FILE_HINT)


def _missing_key(kind: str, keys: Keys, name: str, where: str) -> WrongSecret:
    if kind == "crypt15":
        given = " (the key file given is a crypt14 key file)" if keys.crypt14 else ""
        return WrongSecret(f"{name} is an end-to-end encrypted WhatsApp backup (crypt15) and needs its 64-digit "
                           f"key{given}.", location=where, field=FIELD_KEY, hint=HEX_HINT)
    given = " (the key given is a crypt15 key)" if keys.crypt15_root else ""
    return WrongSecret(f"{name} is an encrypted WhatsApp backup (crypt14) and needs the phone's key file{given}.",
                       location=where, field=FIELD_KEY_FILE, hint=FILE_HINT)


def _stream(fh: BinaryIO, size: int, key: bytes, layout: Layout, out: BinaryIO, name: str, where: str,
            ctx: JobContext) -> None:
    """One pass: MD5 of all but the last 16 bytes, GCM over the ciphertext, zlib into `out`. The 16
    bytes before the last 16 are held back: the GCM tag when the file ends with an MD5, else ciphertext."""
    md5 = hashlib.md5(usedforsecurity=False)
    md5.update(fh.read(layout.start))
    state = _Plain(Cipher(algorithms.AES(key), modes.GCM(layout.iv)).decryptor(), out, name, where)
    pos = layout.start
    held = b""
    while pos < size - 16:
        ctx.check()
        block = fh.read(min(BLOCK, size - 16 - pos))
        if not block:
            raise _truncated(name, where)
        md5.update(block)
        pos += len(block)
        data = held + block if held else block
        held = data[-16:]
        if len(data) > 16:
            state.feed(data[:-16])
        ctx.set_position(bytes_=pos)
    tail = fh.read(16)
    if len(tail) != 16 or fh.read(1):
        raise _truncated(name, where)
    if md5.digest() == tail:
        tag = held
    else:                           # no checksum: the held bytes were ciphertext, the tag is last
        state.feed(held)
        tag = tail
    state.end(tag)


class _Plain:
    """The decryptor and the inflater; checks the first plain bytes are a SQLite file (else: wrong key)."""

    def __init__(self, dec: object, out: BinaryIO, name: str, where: str) -> None:
        self.dec = dec
        self.inflate = zlib.decompressobj()
        self.out = out
        self.name, self.where = name, where
        self.checked = False
        self.pending = b""

    def feed(self, body: bytes) -> None:
        try:
            plain = self.inflate.decompress(self.dec.update(body))  # type: ignore[attr-defined]
        except zlib.error as exc:
            if not self.checked:
                raise _Wrong from exc
            raise _damaged(self.name, self.where, "the compressed data is damaged") from exc
        if not self.checked:
            self.pending += plain
            if len(self.pending) < 16 and not self.inflate.eof:
                return
            if not self.pending.startswith(SQLITE_MAGIC):
                raise _Wrong
            self.checked = True
            plain, self.pending = self.pending, b""
        self.out.write(plain)

    def end(self, tag: bytes) -> None:
        if not self.checked:
            raise _Wrong
        try:
            self.dec.finalize_with_tag(tag)  # type: ignore[attr-defined]
        except InvalidTag as exc:
            if not self.inflate.eof:
                raise _truncated(self.name, self.where) from exc
            raise _damaged(self.name, self.where, "its authentication tag does not match") from exc
        if not self.inflate.eof:
            raise _truncated(self.name, self.where)
        self.out.write(self.inflate.flush())


def _truncated(name: str, where: str) -> InputError:
    return InputError(f"{name} is cut short: the backup ends before its database does, so nothing was imported "
                      "from it.", location=where,
                      hint="Copy the backup again from the phone (WhatsApp/Databases or "
                           "Android/media/com.whatsapp/WhatsApp/Databases), letting the copy finish.")


def _damaged(name: str, where: str, detail: str) -> InputError:
    return InputError(f"{name} is damaged ({detail}); nothing was imported from it.", location=where,
                      hint="Copy the backup again from the phone, or choose an older backup from the same folder.")
