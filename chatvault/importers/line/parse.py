"""LINE's chat-history text, line by line: the header, day lines, message lines (tab-separated on the
phones, space-separated in the desktop app), quoted multi-line messages, system notices.

Two passes over the file: the first reads only the day lines to decide the date order when no day
says it (a day over 12, a four-digit year first), the second yields the messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from chatvault.importers.line import lexicon as L

BUDDHIST_OFFSET = 543         # Thai dates may be written in the Buddhist era (2564 = 2021)


@dataclass
class Day:
    text: str
    nums: tuple[int, int, int]


@dataclass
class Line:
    """A message as read: its day, clock time, sender (None for a notice), text, and where it began."""

    day: date
    clock: time
    sender: str | None
    text: str
    lineno: int
    system: bool = False
    extra: dict = field(default_factory=dict)


def header_title(line: str) -> str | None:
    for rx in L.HEADERS:
        m = rx.match(line.strip().lstrip("\ufeff"))
        if m:
            return m.group("t").strip()
    return None


def day_line(line: str) -> Day | None:
    """The day a line announces, or None: a date with only weekday words and punctuation around it."""
    s = line.strip()
    if not s or "\t" in s or L.TIME.match(s + " "):
        return None
    m = L.DATE_NUMS.search(s)
    if not m:
        return None
    rest = L.WEEKDAY_WORDS.sub("", s[:m.start()] + " " + s[m.end():])
    if re.search(r"[^\s,.()（）\-・、]", rest):
        return None
    return Day(s, (int(m.group(1)), int(m.group(2)), int(m.group(3))))


def decide_order(days: Iterable[Day]) -> str:
    """"YMD", "DMY" or "MDY" for the file: a four-digit first number is a year; a first number over 12
    is a day; a second over 12 is a day (month first); else month first (LINE's English default)."""
    order = None
    for d in days:
        a, b, _c = d.nums
        if a > 31:
            return "YMD"
        if a > 12:
            order = "DMY"
        elif b > 12 and order is None:
            order = "MDY"
        if "." in d.text and order is None:
            order = "DMY"             # 01.02.2021: German and Indonesian write the day first
    return order or "MDY"


def to_date(d: Day, order: str) -> date | None:
    a, b, c = d.nums
    y, mo, dd = (a, b, c) if order == "YMD" or a > 31 else (c, b, a) if order == "DMY" else (c, a, b)
    if y < 100:
        y += 2000
    if y > 2400:
        y -= BUDDHIST_OFFSET
    try:
        return date(y, mo, dd)
    except ValueError:
        return None


def clock_of(m: re.Match[str], previous: time | None) -> time | None:
    """The time of a message line. LINE writes noon as 午前12:xx in Japanese: an ambiguous 12 o'clock
    is read as the earliest reading not before the previous message of the day."""
    h, mi = int(m.group("h")), int(m.group("m"))
    part = m.group("p1") or m.group("p2")
    if h > 23 or mi > 59:
        return None
    if part in L.PM and h < 12:
        h += 12
    elif part in L.AM and h == 12:
        h = 0 if previous is None or time(0, mi) >= previous else 12
    return time(h, mi)


def lines_of(text_lines: Iterable[str], order: str, tabbed: bool) -> Iterator[Line | tuple[int, str]]:
    """Messages (`Line`) and, for text that belongs to nothing, (line number, text)."""
    day: date | None = None
    cur: Line | None = None
    open_quote = False
    previous: time | None = None
    for n, raw in enumerate(text_lines, 1):
        line = raw.rstrip("\r\n")
        if open_quote and cur is not None:
            cur.text += "\n" + line
            if line.count('"') % 2 == 1:
                open_quote = False
                cur.text = _unquote(cur.text)
            continue
        d = day_line(line)
        if d is not None:
            day = to_date(d, order)
            previous = None
            if cur is not None:
                yield _done(cur)
                cur = None
            continue
        m = L.TIME.match(line)
        clock = clock_of(m, previous) if m else None
        if m and clock is not None and day is not None:
            if cur is not None:
                yield _done(cur)
            previous = clock
            rest = line[m.end():].lstrip("\t ") if not tabbed else line[m.end():].lstrip(" ")
            cur = _message(day, clock, rest.lstrip("\t") if tabbed else rest, n, tabbed)
            if tabbed and cur.text.startswith('"') and cur.text.count('"') % 2 == 1:
                open_quote = True
            continue
        if cur is not None:
            cur.text += "\n" + line
        elif line.strip() and header_title(line) is None and not L.SAVED.match(line.strip()):
            yield (n, line)
    if cur is not None:
        yield _done(cur)


def _message(day: date, clock: time, rest: str, n: int, tabbed: bool) -> Line:
    for rx in L.UNSENT:
        m = rx.match(rest.strip())
        if m and (not tabbed or "\t" not in rest):
            return Line(day, clock, m.group("n").strip(), rest.strip(), n, system=True, extra={"unsent": True})
    sep = "\t" if tabbed else " "
    if sep in rest:
        who, text = rest.split(sep, 1)
        if who.strip():
            return Line(day, clock, who.strip(), text, n)
    return Line(day, clock, None, rest.strip(), n, system=True)


def _done(cur: Line) -> Line:
    cur.text = cur.text.rstrip("\n ")
    t = cur.text
    if len(t) >= 2 and t.startswith('"') and t.endswith('"') and '"' not in t[1:-1].replace('""', ""):
        cur.text = _unquote(t)       # quoted as in CSV: a message with line breaks or quotes
    return cur


def _unquote(text: str) -> str:
    body = text.rstrip()
    if body.startswith('"') and body.endswith('"') and len(body) >= 2:
        body = body[1:-1]
    return body.replace('""', '"')


def aware(day: date, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, clock).replace(tzinfo=zone)
