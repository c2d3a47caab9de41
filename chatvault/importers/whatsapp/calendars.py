"""The calendars a phone may write dates in, converted to the Gregorian calendar.

iOS (and Android with some locales) format dates in the calendar the phone is set to. The year-offset
calendars need only a shift: Buddhist (Thai) +543, Republic of China (Minguo) +1911, Japanese eras.
The others are computed from their published arithmetic rules, through the Julian day number:

- Islamic: the tabular "civil" calendar (ICU `islamic-civil`, epoch 16 July 622 Julian). Phones set
  to the Umm al-Qura or the astronomical Islamic calendar may differ from it by a day or two; the
  importer says so in a warning when it reads Islamic dates.
- Persian (Solar Hijri): ICU's 33-year arithmetic cycle (the one iOS and Android use).
- Hebrew: the fixed arithmetic calendar (molad and the four postponement rules). Months are
  numbered in order from Tishri, the leap month (Adar I) included: 6 is Adar (Adar I in a leap year),
  7 is Adar II in a leap year and Nisan otherwise.
"""

from __future__ import annotations

from datetime import date

GREGORIAN = "gregorian"
BUDDHIST = "buddhist"
ROC = "roc"
JAPANESE = "japanese"
ISLAMIC = "islamic"
PERSIAN = "persian"
HEBREW = "hebrew"

# Japanese eras: letter, kanji, first day.
ERAS: dict[str, tuple[str, date]] = {
    "M": ("明治", date(1868, 10, 23)),
    "T": ("大正", date(1912, 7, 30)),
    "S": ("昭和", date(1926, 12, 25)),
    "H": ("平成", date(1989, 1, 8)),
    "R": ("令和", date(2019, 5, 1)),
}
ERA_BY_NAME = {**{k: k for k in ERAS}, **{v[0]: k for k, v in ERAS.items()},
               "meiji": "M", "taisho": "T", "taishō": "T", "showa": "S", "shōwa": "S", "heisei": "H", "reiwa": "R"}

_ORDINAL_OFFSET = 1721425          # Julian day number of date(1, 1, 1) minus its ordinal (1)


def _from_jdn(jdn: int) -> date:
    return date.fromordinal(jdn - _ORDINAL_OFFSET)


def _jdn(d: date) -> int:
    return d.toordinal() + _ORDINAL_OFFSET


# --- Islamic (tabular, civil epoch) ------------------------------------------------------------------
_ISLAMIC_EPOCH = 1948440           # JDN of 1 Muharram 1 AH (civil)


def islamic_to_gregorian(y: int, m: int, d: int) -> date:
    if not (1 <= m <= 12 and 1 <= d <= 30):
        raise ValueError("not an Islamic date")
    if d == 30 and islamic_month_length(y, m) == 29:
        raise ValueError("day out of range for month")
    return _from_jdn(d + -(-(295 * (m - 1)) // 10) + (y - 1) * 354 + (3 + 11 * y) // 30 + _ISLAMIC_EPOCH - 1)


def islamic_month_length(y: int, m: int) -> int:
    if m % 2 == 1:
        return 30
    if m == 12 and (14 + 11 * y) % 30 < 11:
        return 30
    return 29


def gregorian_to_islamic(g: date) -> tuple[int, int, int]:
    jdn = _jdn(g)
    y = (30 * (jdn - _ISLAMIC_EPOCH) + 10646) // 10631
    start = islamic_to_gregorian(y, 1, 1)
    day_of_year = (g - start).days
    m = 1
    while m < 12 and day_of_year >= islamic_month_length(y, m):
        day_of_year -= islamic_month_length(y, m)
        m += 1
    return y, m, day_of_year + 1


# --- Persian (Solar Hijri, ICU's arithmetic) -----------------------------------------------------------
_PERSIAN_EPOCH = 1948320
_PERSIAN_MONTH_START = (0, 31, 62, 93, 124, 155, 186, 216, 246, 276, 306, 336)


def persian_leap(y: int) -> bool:
    return (25 * y + 11) % 33 < 8


def persian_to_gregorian(y: int, m: int, d: int) -> date:
    length = 31 if m <= 6 else 30 if m <= 11 else (30 if persian_leap(y) else 29)
    if not (1 <= m <= 12 and 1 <= d <= length):
        raise ValueError("not a Persian date")
    jdn = _PERSIAN_EPOCH - 1 + 365 * (y - 1) + (8 * y + 21) // 33 + _PERSIAN_MONTH_START[m - 1] + d
    return _from_jdn(jdn)


def gregorian_to_persian(g: date) -> tuple[int, int, int]:
    jdn = _jdn(g)
    y = (33 * (jdn - _PERSIAN_EPOCH) + 3) // 12053 + 1
    while persian_to_gregorian(y, 1, 1) > g:
        y -= 1
    while persian_to_gregorian(y + 1, 1, 1) <= g:
        y += 1
    doy = (g - persian_to_gregorian(y, 1, 1)).days
    m = 12
    while _PERSIAN_MONTH_START[m - 1] > doy:
        m -= 1
    return y, m, doy - _PERSIAN_MONTH_START[m - 1] + 1


# --- Hebrew -------------------------------------------------------------------------------------------
_HEBREW_EPOCH = 347998             # JDN of 1 Tishri AM 1, less the elapsed days


def hebrew_leap(y: int) -> bool:
    return (7 * y + 1) % 19 < 7


def _elapsed_days(y: int) -> int:
    months = (235 * y - 234) // 19
    parts = 12084 + 13753 * months
    day = months * 29 + parts // 25920
    if (3 * (day + 1)) % 7 < 3:
        day += 1
    return day


def _year_delay(y: int) -> int:
    ny0, ny1, ny2 = _elapsed_days(y - 1), _elapsed_days(y), _elapsed_days(y + 1)
    if ny2 - ny1 == 356:
        return 2
    if ny1 - ny0 == 382:
        return 1
    return 0


def _new_year(y: int) -> int:
    return _HEBREW_EPOCH + _elapsed_days(y) + _year_delay(y)


def _hebrew_month_lengths(y: int) -> list[int]:
    """Lengths of the year's months from Tishri, in order (13 in a leap year)."""
    days = _new_year(y + 1) - _new_year(y)
    heshvan = 30 if days % 10 == 5 else 29
    kislev = 29 if days % 10 == 3 else 30
    adars = [30, 29] if hebrew_leap(y) else [29]
    return [30, heshvan, kislev, 29, 30, *adars, 30, 29, 30, 29, 30, 29]


def hebrew_to_gregorian(y: int, m: int, d: int) -> date:
    lengths = _hebrew_month_lengths(y)
    if not (1 <= m <= len(lengths) and 1 <= d <= lengths[m - 1]):
        raise ValueError("not a Hebrew date")
    return _from_jdn(_new_year(y) + sum(lengths[: m - 1]) + d - 1)


def gregorian_to_hebrew(g: date) -> tuple[int, int, int]:
    jdn = _jdn(g)
    y = g.year + 3760
    while _new_year(y) > jdn:
        y -= 1
    while _new_year(y + 1) <= jdn:
        y += 1
    doy = jdn - _new_year(y)
    m = 1
    for length in _hebrew_month_lengths(y):
        if doy < length:
            break
        doy -= length
        m += 1
    return y, m, doy + 1


# --- one entry point ----------------------------------------------------------------------------------

def to_gregorian(calendar: str, y: int, m: int, d: int, era: str | None = None) -> date:
    """The Gregorian date of year `y`, month `m`, day `d` in `calendar` (ValueError if there is none)."""
    if calendar == GREGORIAN:
        return date(y, m, d)
    if calendar == BUDDHIST:
        return date(y - 543, m, d)
    if calendar == ROC:
        return date(y + 1911, m, d)
    if calendar == JAPANESE:
        start = ERAS[era or "R"][1]
        return date(start.year + y - 1, m, d)
    if calendar == ISLAMIC:
        return islamic_to_gregorian(y, m, d)
    if calendar == PERSIAN:
        return persian_to_gregorian(y, m, d)
    if calendar == HEBREW:
        return hebrew_to_gregorian(y, m, d)
    raise ValueError(f"unknown calendar {calendar!r}")


def from_gregorian(calendar: str, g: date) -> tuple[int, int, int, str | None]:
    """(year, month, day, era) of `g` in `calendar` (for writing test exports and examples)."""
    if calendar == GREGORIAN:
        return g.year, g.month, g.day, None
    if calendar == BUDDHIST:
        return g.year + 543, g.month, g.day, None
    if calendar == ROC:
        return g.year - 1911, g.month, g.day, None
    if calendar == JAPANESE:
        era = max((k for k, (_n, start) in ERAS.items() if start <= g), key=lambda k: ERAS[k][1])
        return g.year - ERAS[era][1].year + 1, g.month, g.day, era
    if calendar == ISLAMIC:
        return (*gregorian_to_islamic(g), None)
    if calendar == PERSIAN:
        return (*gregorian_to_persian(g), None)
    if calendar == HEBREW:
        return (*gregorian_to_hebrew(g), None)
    raise ValueError(f"unknown calendar {calendar!r}")
