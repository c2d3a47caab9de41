"""12-hour clock markers: "PM", "p. m.", "午後", "م", "in the morning", "下午", ... in every language.

Each word stands for a range of hours (`ampm_words.RANGES`, from CLDR's day periods): AM is 0-12, PM
12-24, "in the evening" 18-21 and so on. A time "9:15" with a word is the one of 9:15 and 21:15 that
lies in the word's range.
"""

from __future__ import annotations

import re

from chatvault.importers.whatsapp.ampm_words import RANGES

STRIP = re.compile(r"[\s.,\u00a0\u202f\u200e\u200f\u061c\u200b\u202a-\u202e\u2066-\u2069]+")


def _load() -> dict[str, tuple[tuple[int, int], ...]]:
    out: dict[str, tuple[tuple[int, int], ...]] = {}
    for spec, words in RANGES.items():
        ranges = tuple((int(a), int(b)) for a, b in (part.split("-") for part in spec.split()))
        for w in words.split():
            out[w] = ranges
    return out


WORDS = _load()


def normalise(token: str) -> str:
    return STRIP.sub("", token).lower()


def _inside(hour: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    for a, b in ranges:
        if (a <= hour < b) if a < b else (hour >= a or hour < b):
            return True
    return False


def hour24(hour: int, token: str | None) -> int | None:
    """The 24-hour hour of `hour` written with `token` (None: a word we do not know).

    No token, or an hour over 12: the hour as written.
    """
    if not token:
        return hour
    t = normalise(token)
    if not t or hour > 12:
        return hour
    ranges = WORDS.get(t)
    if ranges is None:
        return None
    low, high = hour % 12, hour % 12 + 12
    in_low, in_high = _inside(low, ranges), _inside(high, ranges)
    if in_high and not in_low:
        return high
    if in_low:
        return low
    return hour                        # the word's range holds neither reading: as written
