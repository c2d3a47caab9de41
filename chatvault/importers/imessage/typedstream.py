"""A small reader of NeXT/Apple "typedstream" archives (`NSArchiver`), the format of
`message.attributedBody` in Messages' `chat.db` / `sms.db` and of the versions in an edit history.

The stream is a header (streamer version, the signature `streamtyped` for little-endian or
`typedstream` for big-endian, the system version), then groups: a type-encoding string (`@`, `iI`,
`[582c]`, ...) followed by one value per type. Numbers use a one-byte head: a signed byte is the value
itself, except the tags -127 (a 2-byte integer follows), -126 (4 bytes), -125 (a float follows),
-124 ("new": a new string/object/class follows), -123 (nil), -122 (end of an object); heads from -110
up are references into the table of strings or of objects seen so far (-110 is the first).

Objects (`@`) are a class chain (name, version, superclass ... nil) followed by the object's own
groups up to the end tag, so the reader needs no knowledge of any class to walk the stream. Read
from the format's description in public projects (dgelessus' python-typedstream, imessage-exporter).

`attributed_text(blob)` gives the string and its attribute runs; anything malformed raises
`TypedStreamError`, and `salvage_text` recovers the text of a damaged blob where it can.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Any

TAG_INT2 = -127
TAG_INT4 = -126
TAG_FLOAT = -125
TAG_NEW = -124
TAG_NIL = -123
TAG_END = -122
FIRST_REF = -110
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000


class TypedStreamError(ValueError):
    """The bytes are not a typedstream this reader understands (truncated, damaged, not one)."""


@dataclass
class TSClass:
    name: str
    version: int
    superclass: TSClass | None = None

    def names(self) -> list[str]:
        out: list[str] = []
        c: TSClass | None = self
        while c is not None and len(out) < MAX_DEPTH:
            out.append(c.name)
            c = c.superclass
        return out


@dataclass
class TSObject:
    cls: TSClass | None
    groups: list[list[Any]] = field(default_factory=list)   # each group: the values of one type string

    @property
    def class_name(self) -> str:
        return self.cls.name if self.cls else ""

    def values(self) -> list[Any]:
        return [v for g in self.groups for v in g]


def _split_types(enc: str) -> list[str]:
    """`iI` → ['i', 'I']; `[582c]` and `{name=ii}` stay whole; size/qualifier digits are skipped."""
    out: list[str] = []
    i = 0
    while i < len(enc):
        ch = enc[i]
        if ch in "[{(":
            close = {"[": "]", "{": "}", "(": ")"}[ch]
            depth, j = 0, i
            while j < len(enc):
                if enc[j] == ch:
                    depth += 1
                elif enc[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(enc):
                raise TypedStreamError(f"unbalanced type encoding {enc!r}")
            out.append(enc[i:j + 1])
            i = j + 1
        elif ch.isdigit() or ch in "rnNoORV":
            i += 1
        else:
            out.append(ch)
            i += 1
    return out


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.little = True
        self.strings: list[bytes] = []
        self.objects: list[Any] = []
        self.depth = 0

    # --- primitives ------------------------------------------------------------------------------
    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise TypedStreamError(f"truncated: {n} bytes wanted at offset {self.pos} of {len(self.data)}")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def head(self) -> int:
        return struct.unpack("b", self.take(1))[0]

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise TypedStreamError(f"truncated at offset {self.pos}")
        return struct.unpack("b", self.data[self.pos:self.pos + 1])[0]

    def integer(self, head: int | None = None, unsigned: bool = False) -> int:
        h = self.head() if head is None else head
        e = "<" if self.little else ">"
        if h == TAG_INT2:
            return struct.unpack(e + ("H" if unsigned else "h"), self.take(2))[0]
        if h == TAG_INT4:
            return struct.unpack(e + ("I" if unsigned else "i"), self.take(4))[0]
        if h in (TAG_FLOAT, TAG_NEW, TAG_NIL, TAG_END):
            raise TypedStreamError(f"integer expected, tag {h} at offset {self.pos - 1}")
        return h & 0xFF if unsigned else h

    def long_integer(self, unsigned: bool) -> int:
        """q/Q may also come as an 8-byte value after the 4-byte tag on 64-bit streams."""
        return self.integer(unsigned=unsigned)

    def floating(self, double: bool) -> float:
        h = self.head()
        if h == TAG_FLOAT:
            e = "<" if self.little else ">"
            return struct.unpack(e + ("d" if double else "f"), self.take(8 if double else 4))[0]
        return float(self.integer(h))

    def unshared(self, head: int | None = None) -> bytes | None:
        h = self.head() if head is None else head
        if h == TAG_NIL:
            return None
        n = self.integer(h, unsigned=True)
        return self.take(n)

    def ref(self, h: int, table: list, what: str) -> Any:
        if h >= FIRST_REF:
            i = h - FIRST_REF
        elif h in (TAG_INT2, TAG_INT4):
            i = self.integer(h) - FIRST_REF
        else:
            raise TypedStreamError(f"bad {what} reference tag {h} at offset {self.pos - 1}")
        if not 0 <= i < len(table):
            raise TypedStreamError(f"{what} reference {i} out of range ({len(table)} known)")
        return table[i]

    def shared(self, head: int | None = None) -> bytes | None:
        h = self.head() if head is None else head
        if h == TAG_NIL:
            return None
        if h == TAG_NEW:
            s = self.unshared()
            if s is None:
                raise TypedStreamError("nil new string")
            self.strings.append(s)
            return s
        return self.ref(h, self.strings, "string")

    # --- structure -------------------------------------------------------------------------------
    def header(self) -> None:
        self.integer()                                   # streamer version (4)
        sig = self.unshared()
        if sig == b"typedstream":
            self.little = False
        elif sig != b"streamtyped":
            raise TypedStreamError("not a typedstream (no streamtyped/typedstream signature)")
        self.integer()                                   # system version (1000)

    def group(self, head: int | None = None) -> list[Any]:
        enc = self.shared(head)
        if enc is None:
            raise TypedStreamError(f"nil type encoding at offset {self.pos}")
        return [self.value(t) for t in _split_types(enc.decode("ascii", "replace"))]

    def value(self, t: str) -> Any:
        if t == "@":
            return self.obj()
        if t == "#":
            return self.klass()
        if t in "cslq":
            return self.integer()
        if t in "CSLQ":
            return self.integer(unsigned=True)
        if t in "iI":
            return self.integer(unsigned=t == "I")
        if t in "fd":
            return self.floating(t == "d")
        if t == "B":
            return bool(self.integer())
        if t == "+":
            return self.unshared()
        if t in ":%":
            return self.shared()
        if t == "*":                    # a C string: new ones join the object table, like objects
            h = self.head()
            if h == TAG_NIL:
                return None
            if h != TAG_NEW:
                return self.ref(h, self.objects, "C string")
            s = self.shared()
            self.objects.append(s)
            return s
        if t.startswith("["):
            m = re.fullmatch(r"\[(\d+)(.+)\]", t)
            if not m:
                raise TypedStreamError(f"bad array type {t!r}")
            n, inner = int(m.group(1)), m.group(2)
            if n > MAX_ITEMS:
                raise TypedStreamError(f"array of {n} items")
            if inner in ("c", "C"):
                return self.take(n)
            return [self.value(inner) for _ in range(n)]
        if t.startswith("{"):
            inner = t[1:-1].split("=", 1)[-1]
            return [self.value(x) for x in _split_types(inner)]
        raise TypedStreamError(f"unsupported type {t!r} at offset {self.pos}")

    def klass(self) -> TSClass | None:
        h = self.head()
        if h == TAG_NIL:
            return None
        if h != TAG_NEW:
            c = self.ref(h, self.objects, "class")
            if c is not None and not isinstance(c, TSClass):
                raise TypedStreamError("reference to an object where a class was expected")
            return c
        name = self.shared()
        if name is None:
            raise TypedStreamError("class without a name")
        cls = TSClass(name.decode("utf-8", "replace"), self.integer())
        self.objects.append(cls)
        self._enter()
        cls.superclass = self.klass()
        self.depth -= 1
        return cls

    def obj(self) -> Any:
        h = self.head()
        if h == TAG_NIL:
            return None
        if h != TAG_NEW:
            return self.ref(h, self.objects, "object")
        o = TSObject(None)
        self.objects.append(o)
        self._enter()
        o.cls = self.klass()
        while self.peek() != TAG_END:
            o.groups.append(self.group())
            if len(o.groups) > MAX_ITEMS:
                raise TypedStreamError("object with too many values")
        self.pos += 1
        self.depth -= 1
        return o

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TypedStreamError("objects nested too deep")


def decode(blob: bytes) -> list[list[Any]]:
    """Every top-level group of a typedstream (the first is usually one root object)."""
    r = _Reader(bytes(blob))
    r.header()
    out: list[list[Any]] = []
    while r.pos < len(r.data):
        if r.peek() == TAG_END:        # trailing end tags after the root are harmless
            r.pos += 1
            continue
        out.append(r.group())
    return out


# --- NSAttributedString ---------------------------------------------------------------------------

@dataclass
class Run:
    start: int          # in UTF-16 code units, as NSString counts
    length: int
    attrs: dict[str, Any]


@dataclass
class AttributedText:
    text: str
    runs: list[Run]

    def run_text(self, run: Run) -> str:
        u = self.text.encode("utf-16-le")
        return u[run.start * 2:(run.start + run.length) * 2].decode("utf-16-le", "replace")

    def parts(self) -> dict[int, str]:
        """The message's parts (`__kIMMessagePartAttributeName` → its text), in order."""
        out: dict[int, str] = {}
        for run in self.runs:
            p = run.attrs.get("__kIMMessagePartAttributeName")
            if isinstance(p, int):
                out[p] = out.get(p, "") + self.run_text(run)
        return out

    def attr_values(self, name: str) -> list[Any]:
        return [r.attrs[name] for r in self.runs if name in r.attrs]


def plain(value: Any) -> Any:
    """Foundation objects as Python values: NSString → str, NSNumber → number, NSURL → str, NSData →
    bytes, NSDictionary → dict, NSArray → list; anything else stays a `TSObject`."""
    if not isinstance(value, TSObject):
        return value
    names = value.cls.names() if value.cls else []
    vals = value.values()
    if "NSString" in names:
        for v in vals:
            if isinstance(v, bytes):
                return v.decode("utf-8", "replace")
        return ""
    if "NSNumber" in names or "NSValue" in names:
        nums = [v for v in vals if isinstance(v, int | float) and not isinstance(v, bool)]
        return nums[-1] if nums else None
    if "NSURL" in names:
        for v in vals:
            if isinstance(v, TSObject):
                return plain(v)
        return None
    if "NSData" in names:
        for v in vals:
            if isinstance(v, bytes):
                return v
        return b""
    if "NSDictionary" in names:
        items = vals[1:] if vals and isinstance(vals[0], int) else vals
        return {str(plain(k)): plain(v) for k, v in zip(items[0::2], items[1::2], strict=False)}
    if "NSArray" in names:
        items = vals[1:] if vals and isinstance(vals[0], int) else vals
        return [plain(v) for v in items]
    return value


def attributed_text(blob: bytes) -> AttributedText:
    """The string and attribute runs of an archived NS(Mutable)AttributedString (or a bare NSString)."""
    try:
        return _attributed(blob)
    except TypedStreamError:
        raise
    except (IndexError, KeyError, TypeError, ValueError, RecursionError, struct.error) as exc:
        raise TypedStreamError(f"malformed attributed string ({type(exc).__name__}: {exc})") from exc


def _attributed(blob: bytes) -> AttributedText:
    groups = decode(blob)
    root = groups[0][0] if groups and groups[0] else None
    if not isinstance(root, TSObject) or root.cls is None:
        raise TypedStreamError("no archived object")
    names = root.cls.names()
    if "NSString" in names:
        return AttributedText(plain(root), [])
    if "NSAttributedString" not in names:
        raise TypedStreamError(f"an archived {root.class_name}, not an attributed string")
    vals = root.values()
    if not vals or not isinstance(vals[0], TSObject):
        raise TypedStreamError("attributed string without its string")
    text = plain(vals[0])
    if not isinstance(text, str):
        raise TypedStreamError("attributed string without its string")
    runs: list[Run] = []
    dicts: dict[int, dict[str, Any]] = {}
    pos = 0
    group_list = root.groups[1:]
    i = 0
    while i < len(group_list):
        g = group_list[i]
        i += 1
        if len(g) == 2 and all(isinstance(x, int) for x in g):
            idx, length = g
            if idx not in dicts and i < len(group_list) and group_list[i] \
                    and isinstance(group_list[i][0], TSObject | type(None)):
                d = plain(group_list[i][0])
                dicts[idx] = d if isinstance(d, dict) else {}
                i += 1
            runs.append(Run(pos, length, dicts.get(idx, {})))
            pos += length
    return AttributedText(text, runs)


_SALVAGE = re.compile(rb"NSString\x01.{1,2}\x84\x01\+", re.S)


def salvage_text(blob: bytes) -> str | None:
    """The text of a blob the structured reader refused (cut short, or lengths that overrun it): the
    bytes after the NSString's `+` type, up to the declared length or the end-of-object tag."""
    m = _SALVAGE.search(bytes(blob))
    if not m:
        return None
    r = _Reader(bytes(blob))
    r.pos = m.end()
    try:
        n = r.integer(unsigned=True)
    except TypedStreamError:
        return None
    raw = r.data[r.pos:r.pos + n]
    end = raw.find(b"\x86\x84")
    if end >= 0:
        raw = raw[:end]
    return raw.decode("utf-8", "replace")


def quick_text(blob: bytes) -> str | None:
    """The string of an archived attributed string without walking its attributes (the common case
    of a message body: ~20x faster), or None when the blob does not have the usual shape (then the
    full reader decides). Exact: the declared length must end right at the string object's end tag."""
    data = bytes(blob)
    if not data.startswith(b"\x04\x0bstreamtyped"):
        return None
    m = _SALVAGE.search(data, 0, 400)
    if not m:
        return None
    r = _Reader(data)
    r.pos = m.end()
    try:
        n = r.integer(unsigned=True)
    except TypedStreamError:
        return None
    end = r.pos + n
    if end >= len(data) or data[end] != 0x86:
        return None
    return data[r.pos:end].decode("utf-8", "replace")


def text_of(blob: bytes | None) -> str | None:
    """The plain text of an `attributedBody`, salvaged from a damaged one; None when there is none."""
    if not blob:
        return None
    quick = quick_text(blob)
    if quick is not None:
        return quick
    try:
        return attributed_text(blob).text
    except TypedStreamError:
        return salvage_text(blob)
