"""One PDF volume: fonts with fallback, running header, "Page N of M" footer, shaped text.

HarfBuzz shaping (fpdf2 `set_text_shaping`) is what makes Arabic join and flow right to left,
emoji sequences (skin tones, ZWJ families, flags, keycaps) become one glyph and Indic scripts
combine; it is also what fpdf2's line breaking spends most of its time on (it re-measures the
line for every character). So a paragraph is shaped only when it holds a character that needs it
(`needs_shaping`); Latin and CJK text — nearly all of a chat — is laid out without it, which keeps
10,000 messages well inside the time budget and prints the same glyphs.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from fpdf import FPDF

from chatvault.export.pdf.fonts import FontSet

MARGIN = 15.0
# Characters whose rendering depends on shaping: RTL and complex scripts, joiners, variation
# selectors, combining marks, emoji modifiers, regional indicators, tags and keycaps.
_SHAPE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1100-\u11ff"
    "\u1780-\u17ff\u1a00-\u1aff\u1b00-\u1bff\u200c\u200d\u20d0-\u20ff\ufb1d-\ufdff\ufe00-\ufe0f"
    "\ufe20-\ufe2f\ufe70-\ufeff\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef]")
# C0/C1 controls (except newline and tab) and bidi overrides/isolates print as a visible mark:
# they are content, but must not reorder or hide the text around them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Parts of an emoji sequence (ZWJ, VS16, keycap, skin tones, tags): drawn by the font of the emoji
# they follow, so HarfBuzz sees the whole sequence in one font and draws one glyph.
_EMOJI_JOINERS = frozenset([0x200D, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)])


# Line-breaking tokens: runs of spaces, single CJK characters (a line may break between any two),
# and runs of anything else (a word, an emoji sequence, an Arabic word).
_CJK = ("\u1100-\u11ff\u2e80-\u303f\u3040-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff"
        "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff")
_TOKEN = re.compile(f"[ \u3000]+|[{_CJK}]|[^ \u3000{_CJK}]+")


def needs_shaping(text: str) -> bool:
    return _SHAPE.search(text) is not None


def clean(text: str) -> str:
    """Text as printed: tabs as spaces, control and bidi-override characters as U+FFFD."""
    return _CONTROL.sub("\ufffd", text.replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n"))


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew...)."""
    for ch in text:
        d = unicodedata.bidirectional(ch)
        if d in ("R", "AL"):
            return True
        if d == "L":
            return False
    return False


class EvidencePDF(FPDF):
    """A4 portrait, Noto fonts with fallback, header on every page after the cover."""

    def __init__(self, fonts: FontSet, header_text: str, page_label: str, created: datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=16)
        for key, faces in fonts.faces.items():
            for face in faces:
                self.add_font(key, face.style, str(face.path), collection_font_number=face.index)
        self.set_fallback_fonts(fonts.fallbacks, exact_match=False)
        # Noto Sans maps U+200D (ZWJ) itself; fpdf2 only falls back for characters the main font
        # lacks, so without this a ZWJ family emoji would be cut into three separate emoji.
        for key in ("sans", "sansB"):
            if key in self.fonts:
                self.fonts[key].cmap.pop(0x200D, None)
        self._last_fallback: str | None = None
        self._widths: dict[tuple[str, str, float, bool], float] = {}
        main = [set(self.fonts[k].cmap) for k in ("sans", "sansB")]
        self._main_chars = frozenset(chr(c) for c in set.intersection(*main))
        self._covered = frozenset(chr(c) for key in fonts.faces for c in self.fonts[key].cmap)
        self.uncovered: set[str] = set()    # characters no font draws (printed as boxes, reported)
        # fpdf2 replaces the page-count alias wherever it appears in the text it prints: a message
        # that says "{nb}" would print a number instead. The alias is therefore one no message holds.
        self._total_alias = "{" + secrets.token_hex(6) + "}"
        self.alias_nb_pages(self._total_alias)
        self.header_text = clean(header_text).replace("\n", " ")
        self.page_label = page_label          # "Page {p} of {n}" in the export's language
        self.set_creation_date(created)
        self.set_creator("ChatVault")
        self.set_producer("ChatVault (fpdf2)")
        self.set_lang("und")
        self._shaping = False

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """fpdf2's choice, except that an emoji sequence's joiners stay in the emoji font."""
        if ord(char) in _EMOJI_JOINERS and self._last_fallback == "emoji":
            return "emoji"
        self._last_fallback = super().get_fallback_font(char, style)
        return self._last_fallback

    def shaping(self, on: bool) -> None:
        if on != self._shaping:
            self.set_text_shaping(on)
            self._shaping = on

    def header(self) -> None:
        if self.page == 1:
            return
        self.set_font("sans", "", 7.5)
        self.set_text_color(110)
        self.shaping(needs_shaping(self.header_text))
        self.set_xy(MARGIN, 8)
        self.cell(self.epw, 5, self.header_text, align="L")
        self.set_draw_color(190)
        self.line(MARGIN, 14, self.w - MARGIN, 14)
        self.set_text_color(0)
        self.set_xy(MARGIN, 20)

    def footer(self) -> None:
        self.shaping(False)               # the page-count alias is replaced in unshaped text only
        self.set_y(-11)
        self.set_font("sans", "", 7.5)
        self.set_text_color(110)
        # Left-aligned: fpdf2 sizes the alias as if it were as wide as its own text, which would
        # push a centred or right-aligned line off its place.
        self.cell(self.epw, 5, self.page_label.format(p=self.page_no(), n=self._total_alias), align="L")
        self.set_text_color(0)

    def paragraph(self, text: str, size: float = 10.0, style: str = "", indent: float = 0.0,
                  color: int = 0, line: float | None = None) -> None:
        """A wrapped paragraph in the text's own direction, shaped only when it needs it."""
        text = clean(text)
        if not text:
            return
        self.set_font("sans", style, size)
        self.set_text_color(color)
        height = line or size * 0.5
        width = self.epw - indent
        lost = set(text) - self._covered
        if lost:
            self.uncovered |= {c for c in lost if not (c.isspace() or ord(c) in _EMOJI_JOINERS
                                                        or unicodedata.category(c) in ("Mn", "Cf"))}
        for para in text.split("\n"):
            shaped = needs_shaping(para)
            self.shaping(shaped)
            align = "R" if is_rtl(para) else "L"
            for row in self.wrap(para, width - 2 * self.c_margin, shaped) or [""]:
                self.set_x(MARGIN + indent)
                self._row(width, height, row, align)
        self.set_text_color(0)

    def _row(self, width: float, height: float, row: str, align: str) -> None:
        """One line. A line that needs no shaping and no fallback font — most of a chat, and every
        time/sender line — takes fpdf2's single-fragment path (its per-character font and script
        scan is the main cost of printing a line), by hiding the fallback list for that one cell."""
        shaped = needs_shaping(row)
        self.shaping(shaped)
        plain = not shaped and set(row) <= self._main_chars
        saved = self._fallback_font_ids
        if plain:
            self._fallback_font_ids = []
        try:
            self.cell(width, height, row, align=align, new_x="LMARGIN", new_y="NEXT")
        finally:
            self._fallback_font_ids = saved

    def wrap(self, text: str, width: float, shaped: bool) -> list[str]:
        """Greedy line breaking over cached token widths.

        fpdf2's multi_cell re-measures the growing line for every character (quadratic, and with
        shaping each measure is a HarfBuzz call): 10,000 messages took minutes. Tokens are
        measured once per font size and style and reused across the whole export."""
        rows: list[str] = []
        current: list[str] = []
        used = 0.0
        for tok in _TOKEN.findall(text):
            w = self._width(tok, shaped)
            if used + w <= width:
                current.append(tok)
                used += w
                continue
            if current:
                rows.append("".join(current).rstrip())
                current, used = [], 0.0
            if tok.isspace():
                continue
            if w > width:                       # a URL or hash longer than the line: cut it
                for ch in tok:
                    cw = self._width(ch, shaped)
                    if used + cw > width and current:
                        rows.append("".join(current))
                        current, used = [], 0.0
                    current.append(ch)
                    used += cw
                continue
            current, used = [tok], w
        if current:
            rows.append("".join(current).rstrip())
        return rows

    def _width(self, tok: str, shaped: bool) -> float:
        key = (tok, self.font_style, self.font_size_pt, shaped)
        w = self._widths.get(key)
        if w is None:
            if len(self._widths) > 50_000:        # ~8 MiB: bounded whatever the vocabulary
                self._widths.clear()
            w = self._widths[key] = self.get_string_width(tok)
        return w
