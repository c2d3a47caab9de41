"""Direction marks and the digits of every script, for timestamps written on RTL or non-Latin phones.

The matcher (`stamps.GENERAL`) reads lines as written; `normalise` gives the ASCII form of a date's
text where one is shown or compared (direction marks out, every script's digits to ASCII, the
separators some scripts use to their ASCII twins).
"""

from __future__ import annotations

import unicodedata

# U+200E/U+200F (LRM/RLM), U+061C (ALM), U+202A-U+202E (embeddings/overrides), U+2066-U+2069 (isolates),
# U+FEFF (BOM / zero-width no-break space): they sit anywhere in a timestamp on RTL phones.
MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"

# First code points of the decimal digit blocks a phone may write dates in (each block is 0-9 in order).
DIGIT_BLOCKS = (
    0x0660,  # Arabic-Indic
    0x06F0,  # Extended Arabic-Indic (Persian, Urdu)
    0x07C0,  # N'Ko
    0x0966,  # Devanagari
    0x09E6,  # Bengali
    0x0A66,  # Gurmukhi
    0x0AE6,  # Gujarati
    0x0B66,  # Oriya
    0x0BE6,  # Tamil
    0x0C66,  # Telugu
    0x0CE6,  # Kannada
    0x0D66,  # Malayalam
    0x0DE6,  # Sinhala Lith
    0x0E50,  # Thai
    0x0ED0,  # Lao
    0x0F20,  # Tibetan
    0x1040,  # Myanmar
    0x1090,  # Myanmar Shan
    0x17E0,  # Khmer
    0x1810,  # Mongolian
    0x19D0,  # New Tai Lue
    0x1A80,  # Tai Tham Hora
    0x1B50,  # Balinese
    0x1C40,  # Lepcha
    0x1C50,  # Ol Chiki
    0xA8D0,  # Saurashtra
    0xA900,  # Kayah Li
    0xA9D0,  # Javanese
    0xAA50,  # Cham
    0xABF0,  # Meetei Mayek
    0xFF10,  # fullwidth
)
SEPARATORS = {
    "\u060c": ",",   # Arabic comma
    "\u066b": ".",   # Arabic decimal separator
    "\u066c": ",",   # Arabic thousands separator
    "\u060d": "/",   # Arabic date separator
    "\u06d4": ".",   # Arabic full stop (Urdu)
    "\u00a0": " ",   # no-break space
    "\u202f": " ",   # narrow no-break space (before AM/PM on newer phones)
    "\u2009": " ",   # thin space
    "\u2007": " ",   # figure space
    "\u3000": " ",   # ideographic space
    "\uff1a": ":",   # fullwidth colon
    "\uff0f": "/",   # fullwidth solidus
    "\uff0c": ",",   # fullwidth comma
    "\uff3b": "[",
    "\uff3d": "]",
    "\u2236": ":",   # ratio (some fonts' time separator)
}


def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in MARKS}
    for start in DIGIT_BLOCKS:
        for i in range(10):
            assert unicodedata.decimal(chr(start + i)) == i, hex(start + i)
            table[start + i] = str(i)
    for k, v in SEPARATORS.items():
        table[ord(k)] = v
    return table


TABLE = _table()


def normalise(text: str) -> str:
    return text.translate(TABLE)
