"""Limits for streamed JSON: a filter between the export file and ijson that keeps memory bounded.

ijson's C backend (yajl) has no nesting limit, and its prefix strings make memory grow with the
square of the depth: 200,000 nested `[` in a 400 KB file drove it past 20 GB. A string or number
token is buffered whole before ijson sees it, and one message object is built whole in memory.
`BoundedJson` reads the bytes ijson reads, chunk by chunk, and stops the stream with an `InputError`
naming the limit and the byte before ijson holds more than the limits allow:

- nesting deeper than `MAX_DEPTH` levels (a real Telegram export nests about 12);
- a string longer than `MAX_STRING` bytes, a number or literal longer than `MAX_NUMBER` bytes;
- one item (a message object, at `item_depth`) longer than `MAX_ITEM` bytes.

With `repair=True` (the reader's second pass, only for a file where ijson met bad text) it also
mends what ijson's C backend cannot decode: bytes that are not UTF-8 and `\uD83D`-style escapes of a
lone surrogate (half an emoji) become U+FFFD, counted in `replaced` for the fidelity report.

The scan runs at C speed on the usual chunk (about 0.4 µs per Telegram message): escaped characters
are removed, the rest is reduced to its quotes and brackets, and only when a chunk could come near a
limit is it walked byte by byte in Python to find the exact byte and say which limit broke.
"""

from __future__ import annotations

import re
from array import array
from itertools import accumulate
from typing import BinaryIO

from chatvault.errors import InputError

MAX_DEPTH = 128                 # nesting levels; Telegram writes ~12, json.dumps recurses safely to ~900
MAX_STRING = 16 << 20           # bytes in one JSON string (Telegram caps a message at 4,096 characters)
MAX_NUMBER = 4300               # bytes of a number running across chunks (Python reads no longer integer)
MAX_ITEM = 4 << 20              # bytes in one message object (the largest real one is a few KB)
_MEASURE = 64 << 20             # how far past a broken depth limit the reader looks to say how deep it goes

_ESCAPED = re.compile(rb"\\.", re.DOTALL)
_NOT_SYNTAX = bytes(c for c in range(256) if c not in b'[]{}"')
_SIGN = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")      # as signed bytes: +1 open, -1 close
_TOKEN_CHARS = b"0123456789+-.eEtrufalsn"                  # numbers, true, false, null
# An escaped backslash, a surrogate pair (kept), or a lone surrogate escape (mended).
_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_SURROGATES = re.compile(rb"\\\\|(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _fmt(n: int) -> str:
    return f"{n:,}"


class BoundedJson:
    """A read-only stream over `raw` that raises `InputError` when the JSON passing through breaks a
    limit. `what` names the file in messages; `offset` is where `raw` starts in the file (after a BOM).
    `item_depth`: the depth at which one item (a message) opens; None checks no item size."""

    def __init__(self, raw: BinaryIO, what: str, *, offset: int = 0, item_depth: int | None = None,
                 max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING, max_number: int = MAX_NUMBER,
                 max_item: int = MAX_ITEM, repair: bool = False) -> None:
        self.raw = raw
        self.repair = repair
        self.replaced = 0               # characters mended (repair mode)
        self._held = b""                # repair mode: an escape or UTF-8 sequence cut by the chunk's end
        self.what = what
        self.item_depth = item_depth
        self.max_depth, self.max_string, self.max_number, self.max_item = max_depth, max_string, max_number, max_item
        self.pos = offset               # file offset of the next byte to read
        self.depth = 0
        self.in_string = False
        self.escape = False             # the last chunk ended in a backslash (inside a string)
        self.string_len = 0             # bytes of the string still open at the end of the last chunk
        self.token_len = 0              # bytes of the number/literal still open at the end of the last chunk
        self.item_start: int | None = None   # file offset where the open item began (approximate to a chunk)
        self.pending: JsonLimitError | None = None
        self.deepest = 0                # the deepest nesting seen (reported when the limit breaks)

    # --- the stream ijson reads --------------------------------------------------------------------
    def read(self, n: int = -1) -> bytes:
        """The next bytes; the bytes before a broken limit first, then the `JsonLimitError` (so what
        precedes the bad part in the same chunk is still parsed)."""
        if self.pending is not None:
            raise self.pending
        data = self.raw.read(n if n is not None and n >= 0 else 1 << 16)
        if self.repair and n != 0:
            data = self._mend(data, n if n is not None and n > 0 else 1 << 16)
        if data:
            cut = self._scan(data)
            if cut is not None:
                data = data[:cut]
                if not data:
                    raise self.pending  # type: ignore[misc]
            self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.raw.close()

    def _mend(self, data: bytes, n: int) -> bytes:
        """Repair mode: the chunk with bad UTF-8 and lone surrogate escapes replaced by U+FFFD; an escape
        or a UTF-8 sequence the chunk's end cuts in two is held back for the next read."""
        at_end = not data
        while True:
            data = self._held + data
            self._held = b""
            if not data or at_end:
                break
            cut = _tail_cut(data)
            data, self._held = data[:cut], data[cut:]
            if data:
                break
            data = self.raw.read(n)             # all held back: read on (an empty read would mean EOF)
            at_end = not data
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            self.replaced += text.count("\ufffd") - data.count("\ufffd".encode())
            data = text.encode("utf-8")
        if b"\\u" in data:
            data = _SURROGATES.sub(self._surrogate, data)
        return data

    def _surrogate(self, m: re.Match[bytes]) -> bytes:
        text = m.group(0)
        if text == b"\\\\" or m.group(1):
            return text
        self.replaced += 1
        return b"\\ufffd"

    # --- the scan ----------------------------------------------------------------------------------
    def _scan(self, data: bytes) -> int | None:
        """Scan one chunk; None, or the index in it where a limit broke (then `pending` holds the error)."""
        start = (self.depth, self.in_string, self.escape, self.string_len, self.token_len, self.item_start)
        try:
            self._scan_fast(data)
            return None
        except _Near:
            self.depth, self.in_string, self.escape, self.string_len, self.token_len, self.item_start = start
        try:
            self._scan_exact(data)
            return None
        except JsonLimitError as exc:
            self.pending = exc
            return exc.offset - self.pos

    def _scan_fast(self, data: bytes) -> None:
        """The whole chunk at C speed; raises `_Near` if it may break a limit (then `_scan_exact`).

        Only quotes and brackets matter for the depth: the chunk is reduced to them, and pairs of adjacent
        quotes are dropped (that never changes how many quotes stand before a bracket, so a bracket
        inside a string stays inside one). What is left is mostly brackets."""
        n = len(data)
        if self.escape:
            data = data[1:]
        if b"\\" in data:
            data = _ESCAPED.sub(b"", data)
        self.escape = data.endswith(b"\\")
        last_quote = data.rfind(b'"')
        syntax = data.translate(None, _NOT_SYNTAX)
        quotes = syntax.count(b'"')
        ends_in_string = self.in_string ^ (quotes & 1 == 1)
        if ends_in_string:
            self.string_len = (self.string_len if last_quote < 0 else 0) + len(data) - last_quote - 1
            self.token_len = 0
        else:
            tail = len(data) - len(data.rstrip(_TOKEN_CHARS))
            self.token_len = tail + (self.token_len if tail == len(data) and not self.in_string else 0)
        if self.string_len > self.max_string or self.token_len > self.max_number:
            raise _Near
        if not quotes and self.in_string:
            self._item_span(n)
            return
        reduced = syntax.replace(b'""', b"")
        if self.in_string or b'"' in reduced:          # a string holding a bracket, or one open at an end
            parts = reduced.split(b'"')
            reduced = b"".join(parts[1::2] if self.in_string else parts[0::2])
        self.in_string = ends_in_string
        if not reduced:
            self._item_span(n)
            return
        levels = list(accumulate(array("b", reduced.translate(_SIGN)), initial=self.depth))
        top = max(levels)
        if top > self.max_depth:
            raise _Near
        if top > self.deepest:
            self.deepest = top
        low = min(levels)
        if low < 0:
            raise _Near
        self.depth = levels[-1]
        if self.item_depth is not None and low < self.item_depth:
            # an item ended (or none was open) in this chunk: the open one, if any, began in it
            self.item_start = self.pos if self.depth >= self.item_depth else None
        else:
            self._item_span(n)

    def _item_span(self, n: int) -> None:
        """An item open through this whole chunk: check how long it has been open."""
        if self.item_depth is None or self.depth < self.item_depth:
            return
        if self.item_start is None:
            self.item_start = self.pos
        if self.pos + n - self.item_start > self.max_item:
            raise _Near

    def _scan_exact(self, data: bytes) -> None:
        """Byte by byte: the same state, and the exact offset of a broken limit."""
        depth, in_string, escape = self.depth, self.in_string, self.escape
        string_len, token_len, item_start = self.string_len, self.token_len, self.item_start
        item_depth = self.item_depth if self.item_depth is not None else 1 << 30
        for i, c in enumerate(data):
            at = self.pos + i
            if in_string:
                if escape:
                    escape = False
                elif c == 0x5C:
                    escape = True
                elif c == 0x22:
                    in_string = False
                    continue
                string_len += 1
                if string_len > self.max_string:
                    self._fail(f"holds a string longer than {_fmt(self.max_string >> 20)} MiB at byte {_fmt(at)}",
                               f"ChatVault reads strings of at most {_fmt(self.max_string >> 20)} MiB", at)
            elif c == 0x22:
                in_string, string_len, token_len = True, 0, 0
            elif c in b"[{":
                depth += 1
                token_len = 0
                if depth > self.deepest:
                    self.deepest = depth
                if depth > self.max_depth:
                    self._fail_depth(data, i, depth, at)
                if depth == item_depth:
                    item_start = at
            elif c in b"]}":
                if depth == item_depth:
                    item_start = None
                depth -= 1
                token_len = 0
            elif c in _TOKEN_CHARS:
                token_len += 1
                if token_len > self.max_number:
                    self._fail(f"holds a number or word longer than {_fmt(self.max_number)} bytes at byte {_fmt(at)}",
                               f"ChatVault reads numbers of at most {_fmt(self.max_number)} bytes", at)
            else:
                token_len = 0
            if item_start is not None and at - item_start >= self.max_item:
                self._fail(f"holds one message of more than {_fmt(self.max_item >> 20)} MiB (at byte {_fmt(at)})",
                           f"ChatVault reads messages of at most {_fmt(self.max_item >> 20)} MiB", at)
        self.depth, self.in_string, self.escape = max(depth, 0), in_string, escape
        self.string_len, self.token_len, self.item_start = string_len, token_len, item_start

    def _fail_depth(self, data: bytes, i: int, depth: int, at: int) -> None:
        """Measure how deep the nesting goes (reading at most 64 MiB further, at C speed), then refuse."""
        kind = "arrays" if data[i] == 0x5B else "objects"
        unbounded = 1 << 62
        probe = BoundedJson(self.raw, self.what, max_depth=unbounded, max_string=unbounded, max_number=unbounded)
        probe.depth = probe.deepest = depth
        looked, more = 0, data[i + 1:]
        try:
            while more and looked < _MEASURE:
                probe._scan(more)
                looked += len(more)
                more = self.raw.read(1 << 16)
        except (OSError, ValueError):        # the file ends badly: what was measured stands
            pass
        more_than = "more than " if looked >= _MEASURE else ""
        self._fail(f"nests {kind} {more_than}{_fmt(probe.deepest)} deep at byte {_fmt(at)}",
                   f"ChatVault reads at most {_fmt(self.max_depth)} levels", at)

    def _fail(self, what: str, limit: str, at: int) -> None:
        raise JsonLimitError(f"{self.what} {what}; {limit}.",
                             hint="No real export is shaped like this: the file is damaged or crafted. "
                                  "Everything before this point was read; export the chat again.",
                             offset=at)


def _tail_cut(data: bytes) -> int:
    """Where to cut `data` so that no escape, no surrogate pair (12 bytes) and no UTF-8 sequence is split."""
    cut = len(data)
    back = data.rfind(b"\\", max(0, cut - 12))
    if back >= 0:
        cut = back
        while cut > 0 and data[cut - 1] == 0x5C:       # a run of backslashes: keep the run together
            cut -= 1
        high = cut - 6                                 # a high surrogate escape just before: keep the pair
        if high >= 0 and _HIGH.fullmatch(data, high, cut) and _starts_escape(data, high):
            cut = high
    i = cut - 1
    while i >= 0 and cut - i <= 4 and data[i] & 0xC0 == 0x80:
        i -= 1
    if i >= 0 and data[i] >= 0xC0:
        need = 2 if data[i] < 0xE0 else 3 if data[i] < 0xF0 else 4
        if cut - i < need:
            cut = i
    return cut


def _starts_escape(data: bytes, i: int) -> bool:
    """Whether the backslash at `i` begins an escape (an even run of backslashes stands before it)."""
    run = 0
    while i - run - 1 >= 0 and data[i - run - 1] == 0x5C:
        run += 1
    return run % 2 == 0


class _Near(Exception):
    """The fast scan cannot rule out a broken limit in this chunk."""


class JsonLimitError(InputError):
    """A JSON file broke one of the limits above at byte `offset`."""

    def __init__(self, message: str, *, hint: str | None = None, location: str | None = None,
                 offset: int = 0) -> None:
        super().__init__(message, hint=hint, location=location)
        self.offset = offset
