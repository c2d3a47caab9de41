"""The timestamp at the start of a WhatsApp message line, in every layout phones write.

Two matchers:

- `FAST`: the common layouts in ASCII digits ("12/24/19, 11:23 - ", "[24.12.19, 11:23:45] ",
  "2019/12/24 下午11:23 - "). The reader's hot loop tries it first.
- `GENERAL`: everything else, on the line as written (`\\d` matches every script's digits and `int`
  reads them; direction marks may stand between any two parts; the Arabic comma, fullwidth colon
  and brackets count as their ASCII twins): calendar and era words before or after the date
  ("R4/03/18", "18/3/2565 BE", "民國111/3/18", "1443/8/15 هـ"), the time before the date (Vietnamese
  "[14:56:01, 18/3/22]"), any AM/PM or day-period word before or after the time ("9:15 in the
  morning", "오후 2:56:01", "2:56:01 م").

A date's text is turned into a Gregorian date by `DateReader` (calendar from the era word, else from
the year's range: 2400-2699 Buddhist, 1420-1499 Islamic, 1300-1419 Persian, 5000-5999 Hebrew, three
digits Minguo), the clock time by `clock` (`ampm.hour24`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from chatvault.importers.whatsapp import calendars as cal
from chatvault.importers.whatsapp.ampm import hour24
from chatvault.importers.whatsapp.normalize import MARKS

FAST = re.compile(
    r"^[\u200e\u200f\u202a-\u202e\ufeff\u2066-\u2069]*\[?[\u200e\u200f]*"
    r"(?P<date>\d{1,4}(?:[./-]|\. ?)\d{1,2}(?:[./-]|\. ?)\d{1,4})\.?"
    r"(?:,|\s)[\s\u00a0\u202f]*"
    r"(?P<pre>上午|下午|凌晨|中午|晚上|早上|午前|午後|오전|오후)?[\s\u00a0\u202f]*"
    r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"(?P<ampm>[^\]\-–\d\n]{0,14}?)"
    r"[\s\u00a0\u202f\u200e\u200f]*(?:\]|[-–](?=\s))[\s\u00a0\u202f\u200e\u200f]?"
)
FAST_START = frozenset("[0123456789" + MARKS)

_M = "[" + MARKS + "]*"                # direction marks, anywhere between the parts
_S = r"[\s" + MARKS + "]*"             # spaces (NBSP, NNBSP, ideographic too) and marks
_ERA = (r"B\.?\s?E\.?|พ\.?\s?ศ\.?|A\.?\s?H\.?|هـ|ه\u200d?\.?\s?ش\.?|ه|A\.?\s?P\.?|A\.?\s?M\.?|Minguo|"
        r"R\.?O\.?C\.?|民國|民国|明治|大正|昭和|平成|令和|Meiji|Taish[oō]|Sh[oō]wa|Heisei|Reiwa|[MTSHR]")
_DSEP = _S + r"(?:[./\-\u060d\uff0f]|年|년|月|월)" + _S
_DATE = (r"(?:(?P<{p}e1>" + _ERA + r")" + _S + r")?"
         r"(?P<{p}d>\d{{1,4}}" + _DSEP + r"\d{{1,2}}" + _DSEP + r"\d{{1,4}})"
         r"(?:" + _S + r"(?:[.\u06d4]|日|일|г\.?|y\.))?(?:" + _S + r"(?P<{p}e2>" + _ERA + r")(?![^\W\d_]))?")
_TSEP = _M + r"[:.\uff1a\u2236]" + _M
_TIME = r"(?P<{p}t>\d{{1,2}}" + _TSEP + r"\d{{2}}(?:" + _TSEP + r"\d{{2}})?)"
_PRE = r"(?:(?P<{p}p>[^\W\d_][^\d\[\]]{{0,15}}?)" + _S + ")?"
_POST = r"(?:" + _S + r"(?P<{p}a>[^\W\d_][^\d\[\]\-–,،]{{0,23}}?))?"
_JOIN = _S + r"[,،\uff0c]?" + _S
GENERAL = re.compile(
    r"^" + _S + r"[\[\uff3b]?" + _S + "(?:"
    + (_DATE + _JOIN + _PRE + _TIME + _POST).format(p="a")
    + "|" + (_PRE + _TIME + _POST + _JOIN + _DATE).format(p="b")
    + r")" + _S + r"(?:[\]\uff3d]|[-–](?=\s))\s?",
    re.I,
)
GENERAL_FIRST = frozenset("[\uff3b \t" + MARKS + "MTSHRmtshr民明大昭平令")


class Stamp(NamedTuple):
    """A timestamp's parts as written, and where the message text starts in the line."""

    date: str
    era1: str | None
    era2: str | None
    pre: str | None
    time: str
    ampm: str | None
    end: int


def general(line: str) -> Stamp | None:
    """`GENERAL` on the line as written: `\\d` matches every script's digits and `int` reads them,
    marks are allowed between the parts, so nothing is normalised and the end is the line's own."""
    c = line[:1]
    if not c or (c not in GENERAL_FIRST and not c.isdigit()):
        return None
    m = GENERAL.match(line)
    if m is None:
        return None
    g = m.groupdict()
    p = "a" if g["ad"] is not None else "b"
    return Stamp(g[p + "d"], g[p + "e1"], g[p + "e2"], g[p + "p"], g[p + "t"], g[p + "a"], m.end())


def fast(line: str) -> Stamp | None:
    m = FAST.match(line) if line[:1] in FAST_START else None
    if m is None:
        return None
    return Stamp(m["date"], None, None, m["pre"], m["time"], m["ampm"], m.end())


def find(line: str) -> Stamp | None:
    return fast(line) or general(line)


# --- dates ---------------------------------------------------------------------------------------------
NUMBERS = re.compile(r"\d+")
_ERA_CALENDAR = {
    "be": cal.BUDDHIST, "พศ": cal.BUDDHIST, "ah": cal.ISLAMIC, "هـ": cal.ISLAMIC, "ه": cal.ISLAMIC,
    "ap": cal.PERSIAN, "هش": cal.PERSIAN, "ه\u200dش": cal.PERSIAN, "am": cal.HEBREW,
    "minguo": cal.ROC, "roc": cal.ROC, "民國": cal.ROC, "民国": cal.ROC,
}


def era_of(token: str | None) -> tuple[str, str | None] | None:
    """(calendar, Japanese era letter) that an era word names."""
    if not token:
        return None
    t = re.sub(r"[\s." + MARKS + "]", "", token)
    era = cal.ERA_BY_NAME.get(t) or cal.ERA_BY_NAME.get(t.lower()) if len(t) > 1 else cal.ERA_BY_NAME.get(t.upper())
    if era:
        return cal.JAPANESE, era
    c = _ERA_CALENDAR.get(t.lower())
    return (c, None) if c else None


def year_first(text: str, era1: str | None) -> bool:
    if era1:
        return True
    first = NUMBERS.match(text) or NUMBERS.search(text)
    return first is not None and (len(first.group()) >= 3 or int(first.group()) > 31)


def split(text: str) -> tuple[int, int, int] | None:
    parts = NUMBERS.findall(text)
    if len(parts) != 3:
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _calendar_of_year(y: int, digits: int, this_year: int) -> tuple[str, int]:
    """(calendar, full year) for a year written without an era word."""
    if digits <= 2:
        if 2000 + y <= this_year + 1:
            return cal.GREGORIAN, 2000 + y
        if 2009 <= 1911 + y <= this_year + 1:
            return cal.ROC, y
        return cal.BUDDHIST, 2500 + y           # Thai short dates: "18/3/65" is 2565 BE
    if digits == 3:
        return cal.ROC, y
    if 2400 <= y < 2700:
        return cal.BUDDHIST, y
    if 1420 <= y < 1500:
        return cal.ISLAMIC, y
    if 1300 <= y < 1420:
        return cal.PERSIAN, y
    if 5000 <= y < 6000:
        return cal.HEBREW, y
    return cal.GREGORIAN, y


def _full_year(calendar: str, y: int, digits: int) -> int:
    if digits > 2 or calendar == cal.JAPANESE:
        return y
    return {cal.GREGORIAN: 2000, cal.BUDDHIST: 2500, cal.ISLAMIC: 1400, cal.HEBREW: 5700}.get(
        calendar, 1400 if y < 50 else 1300) + y if calendar != cal.ROC else y


class DateReader:
    """Turns a date's text into a Gregorian `date`, caching by text (a chat has few distinct days)."""

    def __init__(self, order: str, this_year: int | None = None) -> None:
        self.order = order
        self.this_year = this_year or datetime.now().year
        self.cache: dict[tuple[str, str | None, str | None], date | None] = {}
        self.calendars: set[str] = set()

    def read(self, text: str, era1: str | None = None, era2: str | None = None) -> date | None:
        key = (text, era1, era2)
        got = self.cache.get(key, False)
        if got is False:
            got = self.cache[key] = self._read(text, era1, era2)
        return got

    def _read(self, text: str, era1: str | None, era2: str | None) -> date | None:
        parts = split(text)
        if parts is None:
            return None
        a, b, c = parts
        raw = NUMBERS.findall(text)
        named = era_of(era1) or era_of(era2)
        if year_first(text, era1) or self.order == "YMD":
            orders = [("y", "m", "d")]
            ydigits = len(raw[0])
        else:
            first = ("d", "m", "y") if self.order != "MDY" else ("m", "d", "y")
            orders = [first, ("m", "d", "y") if first[0] == "d" else ("d", "m", "y")]
            ydigits = len(raw[2])
        for fields in orders:
            v = dict(zip(fields, (a, b, c), strict=True))
            y = v["y"]
            if named:
                calendar, era = named
                y = _full_year(calendar, y, ydigits)
            else:
                calendar, y = _calendar_of_year(y, ydigits, self.this_year)
                era = None
            try:
                out = cal.to_gregorian(calendar, y, v["m"], v["d"], era)
            except (ValueError, OverflowError):
                continue
            self.calendars.add(calendar)
            return out
        return None


def clock(ttext: str, marker: str | None) -> tuple[timedelta | None, bool]:
    """(time of day, whether the marker was understood) of "14:56", "2:56:01" + "PM", ..."""
    nums = [int(x) for x in NUMBERS.findall(ttext)]
    h, mi = nums[0], nums[1]
    s = nums[2] if len(nums) > 2 else 0
    known = True
    h24 = hour24(h, marker)
    if h24 is None:
        known = False
        h24 = h
    if h24 < 24 and mi < 60 and s < 60:
        return timedelta(hours=h24, minutes=mi, seconds=s), known
    return None, known


def at(day: date, zone: tzinfo) -> datetime:
    """Midnight of `day` in `zone` (aware: adding the time of day keeps the zone)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone)
