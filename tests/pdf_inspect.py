"""A small reader for the PDFs ChatVault writes (fpdf2 output): objects, streams, fonts, ToUnicode
maps and the glyphs behind them — enough to prove every character is drawn by a real glyph."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field

from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_REF = r"/{key} (\d+) 0 R"


@dataclass
class DrawnFont:
    name: str
    kind: str                                            # Type0/CIDFontType2, Type0/CIDFontType0, Type3
    glyph_chars: dict[int, str] = field(default_factory=dict)   # code -> text, for codes with a real glyph
    notdef_codes: list[int] = field(default_factory=list)        # codes drawn with .notdef or an empty glyph
    glyph_names: dict[int, str] = field(default_factory=dict)     # code -> glyph name (TrueType)
    nominal: dict[int, str] = field(default_factory=dict)         # the subset's cmap: codepoint -> glyph name


class PdfFile:
    def __init__(self, data: bytes) -> None:
        self.objects: dict[int, bytes] = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}

    def head(self, num: int) -> str:
        return self.objects[num].split(b"stream", 1)[0].decode("latin-1")

    def stream(self, num: int) -> bytes:
        raw = self.objects[num]
        body = raw.split(b"stream", 1)[1]
        body = body[1:] if body.startswith(b"\n") else body[2:] if body.startswith(b"\r\n") else body
        body = body[: body.rindex(b"endstream")].rstrip(b"\r\n")
        return zlib.decompress(body) if "/FlateDecode" in self.head(num) else body

    def ref(self, num: int, key: str) -> int | None:
        m = re.search(_REF.format(key=key), self.head(num))
        return int(m.group(1)) if m else None

    def fonts(self) -> list[DrawnFont]:
        out = []
        for num in self.objects:
            head = self.head(num)
            if "/Type /Font" not in head:
                continue
            if "/Subtype /Type0" in head:
                out.append(self._type0(num))
            elif "/Subtype /Type3" in head:
                out.append(self._type3(num))
        return out

    def _type0(self, num: int) -> DrawnFont:
        head = self.head(num)
        name = re.search(r"/BaseFont /(\S+)", head).group(1)
        cmap = to_unicode(self.stream(self.ref(num, "ToUnicode")))
        cid = int(re.search(r"/DescendantFonts \[(\d+) 0 R\]", head).group(1))
        desc = self.ref(cid, "FontDescriptor")
        font = DrawnFont(name, "Type0/" + re.search(r"/Subtype /(\w+)", self.head(cid)).group(1))
        if "CIDFontType2" in font.kind:
            tt = TTFont(io.BytesIO(self.stream(self.ref(desc, "FontFile2"))))
            gmap_ref = self.ref(cid, "CIDToGIDMap")
            gmap = self.stream(gmap_ref) if gmap_ref else None
            order = tt.getGlyphOrder()
            glyf = tt["glyf"]
            font.nominal = dict(tt.getBestCmap() or {})
            for code, text in cmap.items():
                gid = int.from_bytes(gmap[2 * code:2 * code + 2], "big") if gmap else code
                g = glyf[order[gid]] if 0 < gid < len(order) else None
                drawn = g is not None and (text.isspace() or g.numberOfContours != 0)
                if g is not None:
                    font.glyph_names[code] = order[gid]
                (font.glyph_chars.__setitem__(code, text) if drawn else font.notdef_codes.append(code))
        else:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(self.stream(self.ref(desc, "FontFile3"))), None)
            top = cff[cff.fontNames[0]]
            strings = top.CharStrings
            by_cid = {int(n[3:]): n for n in top.charset if n.startswith("cid")}
            enc = self.ref(num, "Encoding")         # a CMap: code -> CID
            cids = {int(a, 16): int(b) for a, b in re.findall(
                r"<([0-9A-Fa-f]+)>\s+(\d+)", self.stream(enc).decode("latin-1"))} if enc else {}
            for code, text in cmap.items():
                gname = by_cid.get(cids.get(code, code))
                ok = gname not in (None, ".notdef", "cid00000") and (
                    text.isspace() or strings[gname].calcBounds(strings) is not None)
                (font.glyph_chars.__setitem__(code, text) if ok else font.notdef_codes.append(code))
        return font

    def _type3(self, num: int) -> DrawnFont:
        head = self.head(num)
        font = DrawnFont("Type3", "Type3")
        procs = dict(re.findall(r"/(\S+) (\d+) 0 R", head.split("/CharProcs", 1)[1].split(">>", 1)[0]))
        diffs = re.search(r"/Differences \[(.*?)\]", head, re.S).group(1).split()
        names: dict[int, str] = {}
        code = 0
        for tok in diffs:
            if tok.startswith("/"):
                names[code] = tok[1:]
                code += 1
            else:
                code = int(tok)
        cmap = to_unicode(self.stream(self.ref(num, "ToUnicode"))) if self.ref(num, "ToUnicode") else {}
        for code, text in cmap.items():
            gname = names.get(code)
            ok = gname not in (None, ".notdef") and gname in procs and (
                text.isspace() or len(self.stream(int(procs[gname]))) > 20)
            (font.glyph_chars.__setitem__(code, text) if ok else font.notdef_codes.append(code))
        return font


def _hex_text(h: str) -> str:
    raw = bytes.fromhex(h)
    return raw.decode("utf-16-be", errors="replace")


def to_unicode(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's code -> text (bfchar and bfrange sections)."""
    text = cmap.decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = _hex_text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo, hi = int(a, 16), int(b, 16)
            if dst.startswith("["):
                for i, item in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", dst)):
                    out[lo + i] = _hex_text(item)
            else:
                base = bytes.fromhex(dst[1:-1])
                for i in range(hi - lo + 1):
                    v = int.from_bytes(base, "big") + i
                    out[lo + i] = v.to_bytes(len(base), "big").decode("utf-16-be", errors="replace")
    return out
