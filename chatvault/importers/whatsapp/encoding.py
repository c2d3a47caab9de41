"""Which text encoding an export is in, said out loud (never a silent guess).

- A byte-order mark decides: UTF-32 LE/BE, UTF-16 LE/BE, UTF-8 (checked in that order: the UTF-32 LE
  mark starts with the UTF-16 LE one).
- UTF-16/32 without a mark: the zero bytes of ASCII text tell the width and byte order.
- Text that is valid UTF-8 is UTF-8; bytes that are not are counted while reading (`Counter`) and
  reported, each shown as U+FFFD.
- Text with no valid multi-byte UTF-8 sequence but bytes over 0x7F is an 8-bit code page: Windows-1252
  (a superset of Latin-1's printable characters) when it decodes, else what charset-normalizer finds;
  the import warns which one was used.
"""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
)
_UTF8_MULTI = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_names = itertools.count()


@dataclass
class Encoding:
    codec: str                # Python codec name to decode with
    label: str                # what to tell the user ("UTF-8", "Windows-1252 (cp1252)")
    bom: int = 0              # bytes of byte-order mark to skip
    guessed: bool = False     # not UTF-8/UTF-16/UTF-32: decided from the bytes, worth a warning


def detect(head: bytes) -> Encoding:
    """The encoding of a file that starts with `head` (up to 64 KiB)."""
    for bom, codec, label in BOMS:
        if head.startswith(bom):
            return Encoding(codec, label + " (with byte-order mark)", len(bom))
    sample = head[:4096]
    if len(sample) >= 8 and sample.count(0) * 3 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if sample[1::4].count(0) == sample[2::4].count(0) == sample[3::4].count(0) == len(sample[1::4]):
            return Encoding("utf-32-le", "UTF-32 LE (no byte-order mark)")
        if odd > even * 4:
            return Encoding("utf-16-le", "UTF-16 LE (no byte-order mark)")
        if even > odd * 4:
            return Encoding("utf-16-be", "UTF-16 BE (no byte-order mark)")
    try:
        head.decode("utf-8")
        return Encoding("utf-8", "UTF-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:          # a character cut by the window
            return Encoding("utf-8", "UTF-8")
    if _UTF8_MULTI.search(head):
        return Encoding("utf-8", "UTF-8")      # UTF-8 with some damaged bytes: counted while reading
    try:
        head.decode("cp1252")
        return Encoding("cp1252", "Windows-1252 (cp1252, Western European)", guessed=True)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        return Encoding("latin-1", "Latin-1 (ISO-8859-1)", guessed=True)
    return Encoding(best.encoding, best.encoding, guessed=True)


class Counter:
    """A codec error handler that counts the bytes it replaces (registered under a name of its own)."""

    def __init__(self) -> None:
        self.bad = 0
        self.name = f"chatvault-wa-count-{next(_names)}"
        codecs.register_error(self.name, self._handle)

    def _handle(self, exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        self.bad += exc.end - exc.start
        return "\ufffd", exc.end
