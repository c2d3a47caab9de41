"""Writers of the blobs a Messages database holds, for fixtures: typedstream `attributedBody`
(NSMutableAttributedString archived by NSArchiver), NSKeyedArchiver `payload_data` of URL and app
balloons, and the `message_summary_info` plist of edits and unsent parts. Written from the format's
description (see `chatvault/importers/imessage/typedstream.py`), never copied from a real database."""

from __future__ import annotations

import plistlib
import struct
from dataclasses import dataclass, field
from typing import Any

NEW, NIL, END = 0x84, 0x85, 0x86


class TypedStreamWriter:
    def __init__(self) -> None:
        self.out = bytearray(b"\x04\x0bstreamtyped\x81\xe8\x03")
        self.strings: dict[bytes, int] = {}
        self.nobj = 0
        self.classes: dict[str, int] = {}
        self.cstrings: dict[bytes, int] = {}
        self.str_objs: dict[str, int] = {}

    def int(self, v: int) -> None:
        if -110 <= v <= 127:
            self.out += struct.pack("b", v)
        elif -32768 <= v <= 32767:
            self.out += b"\x81" + struct.pack("<h", v)
        else:
            self.out += b"\x82" + struct.pack("<i", v)

    def uint(self, v: int) -> None:
        if v <= 127:
            self.out.append(v)
        elif v <= 0xFFFF:
            self.out += b"\x81" + struct.pack("<H", v)
        else:
            self.out += b"\x82" + struct.pack("<I", v)

    def ref(self, idx: int) -> None:
        self.int(idx - 110)

    def shared(self, s: bytes) -> None:
        if s in self.strings:
            self.ref(self.strings[s])
            return
        self.out.append(NEW)
        self.uint(len(s))
        self.out += s
        self.strings[s] = len(self.strings)

    def klass(self, chain: list[tuple[str, int]]) -> None:
        if not chain:
            self.out.append(NIL)
            return
        name, version = chain[0]
        if name in self.classes:
            self.ref(self.classes[name])
            return
        self.out.append(NEW)
        self.shared(name.encode())
        self.int(version)
        self.classes[name] = self.nobj
        self.nobj += 1
        self.klass(chain[1:])

    def begin(self, chain: list[tuple[str, int]]) -> None:
        self.out.append(NEW)
        self.nobj += 1
        self.klass(chain)

    def string_obj(self, s: str, mutable: bool = False, reuse: bool = True) -> None:
        if reuse and not mutable and s in self.str_objs:
            self.ref(self.str_objs[s])
            return
        idx = self.nobj
        chain = ([("NSMutableString", 1)] if mutable else []) + [("NSString", 1), ("NSObject", 0)]
        self.begin(chain)
        self.shared(b"+")
        raw = s.encode()
        self.uint(len(raw))
        self.out += raw
        self.out.append(END)
        if not mutable:
            self.str_objs[s] = idx

    def number_obj(self, v: int) -> None:
        self.begin([("NSNumber", 0), ("NSValue", 0), ("NSObject", 0)])
        t = b"q" if v < 0 else b"i"
        self.shared(b"*")
        if t in self.cstrings:
            self.ref(self.cstrings[t])
        else:
            self.out.append(NEW)
            self.shared(t)
            self.cstrings[t] = self.nobj
            self.nobj += 1
        self.shared(t)
        self.int(v)
        self.out.append(END)

    def url_obj(self, url: str) -> None:
        self.begin([("NSURL", 0), ("NSObject", 0)])
        self.shared(b"c")
        self.int(0)
        self.shared(b"@")
        self.string_obj(url)
        self.out.append(END)

    def data_obj(self, data: bytes) -> None:
        """NSData: its length as an `i`, then the bytes as a char array (`[582c]`)."""
        self.begin([("NSData", 0), ("NSObject", 0)])
        self.shared(b"i")
        self.int(len(data))
        self.shared(f"[{len(data)}c]".encode())
        self.out += data
        self.out.append(END)

    def value(self, v: Any) -> None:
        self.shared(b"@")
        if isinstance(v, bool | int):
            self.number_obj(int(v))
        elif isinstance(v, Link):
            self.url_obj(v.url)
        elif isinstance(v, bytes):
            self.data_obj(v)
        else:
            self.string_obj(str(v))

    def dict_obj(self, d: dict[str, Any]) -> None:
        self.begin([("NSDictionary", 0), ("NSObject", 0)])
        self.shared(b"i")
        self.int(len(d))
        for k, v in d.items():
            self.shared(b"@")
            self.string_obj(k)
            self.value(v)
        self.out.append(END)


@dataclass(frozen=True)
class Link:
    url: str


def attributed_body(runs: list[tuple[str, dict[str, Any]]], mutable: bool = True) -> bytes:
    """An archived NS(Mutable)AttributedString: `runs` are (text, attributes) in order; attribute
    dictionaries that repeat are referenced by number, as Foundation writes them."""
    w = TypedStreamWriter()
    text = "".join(t for t, _ in runs)
    w.shared(b"@")
    chain = ([("NSMutableAttributedString", 0)] if mutable else []) + [("NSAttributedString", 0), ("NSObject", 0)]
    w.begin(chain)
    w.shared(b"@")
    w.string_obj(text, mutable=mutable, reuse=False)
    seen: list[dict[str, Any]] = []
    for t, attrs in runs:
        length = len(t.encode("utf-16-le")) // 2
        if attrs in seen:
            w.shared(b"iI")
            w.int(seen.index(attrs) + 1)
            w.uint(length)
            continue
        seen.append(attrs)
        w.shared(b"iI")
        w.int(len(seen))
        w.uint(length)
        w.shared(b"@")
        w.dict_obj(attrs)
    w.out.append(END)
    return bytes(w.out)


def body(text: str) -> bytes:
    """The attributedBody of a plain one-part message."""
    return attributed_body([(text, {"__kIMMessagePartAttributeName": 0})])


def body_with_attachments(parts: list[str | tuple[str]]) -> bytes:
    """Parts: a str is text, a 1-tuple (attachment guid,) is an attachment's U+FFFC placeholder."""
    runs = []
    for i, p in enumerate(parts):
        if isinstance(p, tuple):
            runs.append(("\ufffc", {"__kIMFileTransferGUIDAttributeName": p[0], "__kIMMessagePartAttributeName": i}))
        else:
            runs.append((p, {"__kIMMessagePartAttributeName": i}))
    return attributed_body(runs)


def link_body(url: str) -> bytes:
    """A link Messages detected: an NSURL attribute and the data detector's result (an archived plist
    in NSData), as recent macOS writes them."""
    detected = keyed_archive({"version": 1, "dd-result": url})
    return attributed_body([(url, {"__kIMLinkAttributeName": Link(url), "__kIMMessagePartAttributeName": 0,
                                   "__kIMBaseWritingDirectionAttributeName": -1,
                                   "__kIMDataDetectedAttributeName": detected})])


# --- NSKeyedArchiver ---------------------------------------------------------------------------------

@dataclass
class Obj:
    classname: str
    fields: dict[str, Any] = field(default_factory=dict)
    supers: tuple[str, ...] = ("NSObject",)


@dataclass(frozen=True)
class URL:
    url: str


def keyed_archive(root: Any) -> bytes:
    objects: list[Any] = ["$null"]
    classes: dict[str, plistlib.UID] = {}

    def cls(name: str, supers: tuple[str, ...]) -> plistlib.UID:
        if name not in classes:
            objects.append({"$classname": name, "$classes": [name, *supers]})
            classes[name] = plistlib.UID(len(objects) - 1)
        return classes[name]

    def enc(v: Any) -> plistlib.UID:
        if v is None:
            return plistlib.UID(0)
        idx = len(objects)
        objects.append(None)
        if isinstance(v, dict):
            keys = [enc(k) for k in v]
            vals = [enc(x) for x in v.values()]
            objects[idx] = {"NS.keys": keys, "NS.objects": vals, "$class": cls("NSDictionary", ("NSObject",))}
        elif isinstance(v, list):
            objects[idx] = {"NS.objects": [enc(x) for x in v], "$class": cls("NSArray", ("NSObject",))}
        elif isinstance(v, URL):
            objects[idx] = {"NS.base": plistlib.UID(0), "NS.relative": enc(v.url), "$class": cls("NSURL", ("NSObject",))}
        elif isinstance(v, Obj):
            fields = {k: (x if isinstance(x, bool | int | float) else enc(x)) for k, x in v.fields.items()}
            objects[idx] = {**fields, "$class": cls(v.classname, v.supers)}
        else:
            objects[idx] = v
        return plistlib.UID(idx)

    top = enc(root)
    return plistlib.dumps({"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": top},
                           "$objects": objects}, fmt=plistlib.FMT_BINARY)


def url_payload(url: str, title: str | None = None, summary: str | None = None, site: str | None = None) -> bytes:
    meta = {"originalURL": URL(url), "URL": URL(url), "version": 1}
    if title:
        meta["title"] = title
    if summary:
        meta["summary"] = summary
    if site:
        meta["siteName"] = site
    return keyed_archive(Obj("RichLink", {"richLinkIsPlaceholder": False,
                                          "richLinkMetadata": Obj("LPLinkMetadata", meta)}))


def app_payload(app: str, ldtext: str | None, caption: str | None = None, url: str | None = None) -> bytes:
    info = {"caption": caption or "", "subcaption": "", "image-title": "", "image-subtitle": "",
            "secondary-subcaption": "", "tertiary-subcaption": ""}
    root: dict[str, Any] = {"an": app, "layoutClass": "MSMessageTemplateLayout", "userInfo": info}
    if ldtext:
        root["ldtext"] = ldtext
    if url:
        root["URL"] = URL(url)
    return keyed_archive(root)


def summary_info(edits: dict[int, list[tuple[float, str]]] | None = None, unsent: list[int] | None = None,
                 ranges: dict[int, tuple[int, int]] | None = None) -> bytes:
    """`message_summary_info`: edits part → [(seconds since 2001, text)], unsent parts, part ranges."""
    d: dict[str, Any] = {"amc": 0, "ust": True}
    if edits:
        d["ec"] = {str(p): [{"d": at, "t": body(t)} for at, t in vs] for p, vs in edits.items()}
        d["ep"] = sorted(edits)
    if unsent:
        d["rp"] = unsent
    d["otr"] = {str(p): {"lo": lo, "le": le} for p, (lo, le) in (ranges or {0: (0, 1)}).items()}
    return plistlib.dumps(d, fmt=plistlib.FMT_BINARY)
