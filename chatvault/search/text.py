"""Text preprocessing shared by the indexer and the query parser.

FTS5's `unicode61` tokenizer splits on anything that is not a letter, digit or (as configured in
m003) an "other symbol" such as an emoji. It keeps a run of Chinese characters as one token, so a
two-character query could never be found inside a longer run. We therefore put a space on each side
of every CJK character and every symbol before the text reaches FTS5: each becomes its own token,
and a CJK query becomes a phrase of single-character tokens, which matches exactly where the query
is a substring. Latin-script words stay whole words (case and accents folded by `unicode61
remove_diacritics 2`), which is what prefix search (`contr*`) needs.

The same function runs on the indexed text and on every query term, so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bump when `spaced()`, the FTS5 tokenizer options or what `fields.index_text` collects change:
# `chatvault reindex` is then needed (2: details, file names, call/payment words and quotes, m009).
TOKENIZER_VERSION = 2

# FTS5 tokenizer options; m003 creates the table with them.
FTS_TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co So'"

# Scripts written without spaces between words: one token per character.
_CJK_RANGES = [
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x2E80, 0x2FDF),    # CJK radicals, Kangxi radicals
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3100, 0x312F),    # Bopomofo
    (0x3130, 0x318F),    # Hangul compatibility Jamo
    (0x31A0, 0x31FF),    # Bopomofo ext, CJK strokes, Katakana ext
    (0x3400, 0x4DBF),    # CJK ext A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xA960, 0xA97F),    # Hangul Jamo ext A
    (0xAC00, 0xD7FF),    # Hangul syllables, Jamo ext B
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK ext B.. and the tertiary plane
]

# Emoji blocks, whatever their category: SQLite's Unicode tables predate some of them (skin tones
# U+1F3FB.. would otherwise glue an emoji to the next word: "👍🏽Café" as one token).
_EMOJI_RANGES = [(0x1F000, 0x1FAFF)]


def _symbol_ranges() -> list[tuple[int, int]]:
    """Ranges of Unicode 'So' (other symbol: emoji, ©, ☎ ...) characters outside ASCII (a scan of
    130k code points, ~40 ms: `_patterns` calls it once per process)."""
    ranges: list[tuple[int, int]] = []
    start = prev = -2
    for cp in range(0xA0, 0x20000):
        if unicodedata.category(chr(cp)) == "So":
            if cp != prev + 1:
                if start >= 0:
                    ranges.append((start, prev))
                start = cp
            prev = cp
    if start >= 0:
        ranges.append((start, prev))
    return ranges


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def _char_class(ranges: list[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "[" + "".join(parts) + "]"


# A private-use character indexed where spaces or punctuation follow a CJK character, so that the
# phrase 合同 does not match "合，同" or "合 同": CJK matching stays an exact substring match.
GAP = "\ue000"


class _SpacingTable(dict):
    """`str.translate` table mapping each CJK character or symbol to itself with a space on each
    side; filled lazily per character seen (6x faster than a regex substitution)."""

    def __init__(self, single: re.Pattern[str]) -> None:
        super().__init__()
        self._single = single

    def __missing__(self, cp: int) -> str | int:
        ch = chr(cp)
        value: str | int = f" {ch} " if self._single.fullmatch(ch) else cp
        self[cp] = value
        return value


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], _SpacingTable]:
    cjk = _char_class(_CJK_RANGES)
    symbol_ranges = _symbol_ranges()
    single = re.compile(_char_class(_merge(_CJK_RANGES + _EMOJI_RANGES + symbol_ranges)))
    # A run of separators (not a letter/digit, not a symbol) right after a CJK character.
    symbols = _char_class(_merge(_EMOJI_RANGES + symbol_ranges))
    # NUL is never a separator here: `spaced_many` joins texts with it and splits them again.
    gap = re.compile(f"(?<={cjk})(?:[^\\x00\\w{symbols[1:-1]}]|_)+")
    return single, gap, _SpacingTable(single)


def _single_re() -> re.Pattern[str]:
    return _patterns()[0]


@lru_cache(maxsize=1)
def token_re() -> re.Pattern[str]:
    """One match per token of the original text: a CJK character or symbol, or a run of other
    letters and digits (used to highlight matches; FTS5 itself never sees this)."""
    single = _single_re().pattern
    return re.compile(f"{single}|[^\\W_{single[1:-1]}]+")


def spaced(text: str) -> str:
    """The text as FTS5 should see it: a space on each side of every CJK character and symbol,
    and a GAP token where separators follow a CJK character.

    ASCII text (most non-Chinese messages) is returned unchanged without any work.
    """
    if text.isascii():
        return text
    _single, gap, table = _patterns()
    if "\x00" in text:
        return "\x00".join(gap.sub(" " + GAP + " ", part).translate(table) for part in text.split("\x00"))
    return gap.sub(" " + GAP + " ", text).translate(table)


def spaced_many(texts: list[str]) -> list[str]:
    """`spaced()` of each text, in one regex pass and one `translate` over them all joined by NUL
    (measured ~30 % less CPU than one call per text for a chunk of short Chinese messages)."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.isascii():
        return list(texts)
    if joined.count("\x00") != len(texts) - 1:     # a text holds NUL itself
        return [spaced(t) for t in texts]
    _single, gap, table = _patterns()
    return gap.sub(" " + GAP + " ", joined).translate(table).split("\x00")


# --- a Python model of the unicode61 tokenizer, for the parser and the snippet highlighter ------

_TOKEN_CATS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Co", "So"})


def is_token_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    return unicodedata.category(ch) in _TOKEN_CATS


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Case and accent folding as `unicode61 remove_diacritics 2` does (close enough for highlighting)."""
    if s.isascii():
        return s.lower()
    decomposed = unicodedata.normalize("NFD", s.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The tokens FTS5 makes of `spaced(text)` (unfolded): used to decide if a term is searchable."""
    out: list[str] = []
    cur: list[str] = []
    for ch in spaced(text):
        if is_token_char(ch):
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def is_single(ch: str) -> bool:
    return _single_re().fullmatch(ch) is not None
