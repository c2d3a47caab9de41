"""The fonts a PDF export draws with, found on the system through fontconfig.

A chat mixes scripts, so one font is never enough: Noto Sans (Latin, Greek, Cyrillic) is the main
face and fpdf2 falls back, character by character, to Noto Sans CJK (Chinese, Japanese, Korean —
one face covers all three), Noto Sans Arabic, a few optional Noto faces (Hebrew, Thai, Devanagari,
symbols) and Noto Color Emoji. All come from Debian packages (`packaging/sysdeps.sh` installs them);
nothing is downloaded. A required font that is absent is a clear error naming the package to
install, never a PDF full of empty boxes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chatvault.errors import ChatVaultError


class MissingFont(ChatVaultError):
    """A font the PDF needs is not installed (an environment problem, not a bug)."""

    code = "missing_font"


@dataclass(frozen=True)
class FontFace:
    family: str           # the fontconfig family asked for
    style: str            # "" regular, "B" bold
    path: Path
    index: int            # face number inside a .ttc collection


@dataclass(frozen=True)
class FontSpec:
    key: str              # the name fpdf2 knows the family by
    family: str
    package: str          # the Debian package that ships it
    required: bool
    bold: bool = True     # look for a bold face too
    known: tuple[str, ...] = ()   # paths tried when fontconfig is absent (Debian's layout)


_NOTO = "/usr/share/fonts/truetype/noto/"
_CJK = "/usr/share/fonts/opentype/noto/"
SPECS: tuple[FontSpec, ...] = (
    FontSpec("sans", "Noto Sans", "fonts-noto-core", True,
             known=(_NOTO + "NotoSans-Regular.ttf", _NOTO + "NotoSans-Bold.ttf")),
    # Regular only: a bold CJK face costs ~1 s and tens of MiB per volume; bold CJK (sender names)
    # prints in the regular face (fpdf2 fallback without exact match).
    FontSpec("cjk", "Noto Sans CJK SC", "fonts-noto-cjk", True, bold=False,
             known=(_CJK + "NotoSansCJK-Regular.ttc",)),
    FontSpec("arabic", "Noto Sans Arabic", "fonts-noto-core", True,
             known=(_NOTO + "NotoSansArabic-Regular.ttf", _NOTO + "NotoSansArabic-Bold.ttf")),
    FontSpec("hebrew", "Noto Sans Hebrew", "fonts-noto-core", False, bold=False,
             known=(_NOTO + "NotoSansHebrew-Regular.ttf",)),
    FontSpec("thai", "Noto Sans Thai", "fonts-noto-core", False, bold=False,
             known=(_NOTO + "NotoSansThai-Regular.ttf",)),
    FontSpec("devanagari", "Noto Sans Devanagari", "fonts-noto-core", False, bold=False,
             known=(_NOTO + "NotoSansDevanagari-Regular.ttf",)),
    FontSpec("emoji", "Noto Color Emoji", "fonts-noto-color-emoji", True, bold=False,
             known=("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",)),
    FontSpec("symbols", "Noto Sans Symbols2", "fonts-noto-core", False, bold=False,
             known=(_NOTO + "NotoSansSymbols2-Regular.ttf",)),
)
# The face of the CJK collection fontconfig names "Noto Sans CJK SC" when it is not asked.
_CJK_SC_INDEX = 2


@dataclass
class FontSet:
    faces: dict[str, list[FontFace]] = field(default_factory=dict)   # key -> regular [, bold]

    @property
    def fallbacks(self) -> list[str]:
        """fpdf2 fallback family keys, in the order characters look for a glyph."""
        return [k for k in self.faces if k != "sans"]


def _squash(name: str) -> str:
    return "".join(name.lower().split())


def _fc_match(family: str, style: str) -> FontFace | None:
    """The file fontconfig picks for family+style, or None when it substitutes another family."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}|%{index}|%{family}", f"{family}:style={style}"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.strip().split("|")
    if len(parts) != 3 or not parts[0]:
        return None
    families = [_squash(f) for f in parts[2].split(",")]
    if _squash(family) not in families or not Path(parts[0]).is_file():
        return None
    return FontFace(family, "B" if style == "Bold" else "", Path(parts[0]), int(parts[1] or 0))


def _known(spec: FontSpec, i: int) -> FontFace | None:
    if i >= len(spec.known) or not Path(spec.known[i]).is_file():
        return None
    index = _CJK_SC_INDEX if spec.known[i].endswith(".ttc") else 0
    return FontFace(spec.family, "B" if i else "", Path(spec.known[i]), index)


def _find(spec: FontSpec) -> list[FontFace]:
    regular = _fc_match(spec.family, "Regular") or _known(spec, 0)
    if regular is None:
        return []
    faces = [regular]
    if spec.bold:
        bold = _fc_match(spec.family, "Bold") or _known(spec, 1)
        if bold is not None and (bold.path, bold.index) != (regular.path, regular.index):
            faces.append(bold)
    return faces


# The characters each fallback font is loaded for (a font costs ~0.1–1 s and up to tens of MiB per
# volume, so an English-only export loads Noto Sans alone). Emoji and symbols share their ranges:
# the emoji font comes first, the symbols font catches what it lacks.
_PICTO = "\u2190-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
NEEDED_FOR: dict[str, re.Pattern[str]] = {
    "cjk": re.compile("[\u1100-\u11ff\u2e80-\u303f\u3040-\u9fff\ua960-\ua97f\uac00-\ud7af"
                      "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"),
    "arabic": re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "hebrew": re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]"),
    "thai": re.compile("[\u0e00-\u0e7f]"),
    "devanagari": re.compile("[\u0900-\u097f\ua8e0-\ua8ff]"),
    "emoji": re.compile(f"[{_PICTO}]"),
    "symbols": re.compile(f"[{_PICTO}]"),
}


@lru_cache(maxsize=1)
def _located() -> dict[str, list[FontFace]]:
    return {spec.key: faces for spec in SPECS if (faces := _find(spec))}


def find_fonts(text: str | None = None) -> FontSet:
    """The fonts a PDF of `text` (all its characters, in any order) needs — every font when None.
    Raises MissingFont naming the packages of absent required fonts the text needs."""
    located = _located()
    found = FontSet()
    missing: list[FontSpec] = []
    for spec in SPECS:
        pattern = NEEDED_FOR.get(spec.key)
        if text is not None and pattern is not None and not pattern.search(text):
            continue
        if spec.key in located:
            found.faces[spec.key] = located[spec.key]
        elif spec.required:
            missing.append(spec)
    if missing:
        names = ", ".join(s.family for s in missing)
        packages = " ".join(sorted({s.package for s in missing}))
        raise MissingFont(
            f"The PDF export needs the font(s) {names}, which are not installed, so Chinese, Japanese, "
            "Korean, Arabic or emoji text would print as empty boxes.",
            hint=f"Install them with: sudo apt-get install {packages} (or run packaging/sysdeps.sh).")
    return found


find_fonts.cache_clear = _located.cache_clear  # type: ignore[attr-defined]
