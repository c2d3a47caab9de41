"""Pieces of the WhatsApp timestamp grammar: calendars, AM/PM words, digit normalisation."""

from __future__ import annotations

from datetime import date, timedelta

from chatvault.importers.whatsapp import calendars as cal
from chatvault.importers.whatsapp.ampm import hour24
from chatvault.importers.whatsapp.normalize import normalise
from chatvault.importers.whatsapp.stamps import DateReader, general


def test_calendars_round_trip_every_day_of_whatsapps_lifetime() -> None:
    d = date(2009, 1, 1)
    while d < date(2031, 1, 1):
        for c in (cal.ISLAMIC, cal.PERSIAN, cal.HEBREW, cal.BUDDHIST, cal.ROC, cal.JAPANESE):
            y, m, dd, era = cal.from_gregorian(c, d)
            assert cal.to_gregorian(c, y, m, dd, era) == d, (c, d)
        d += timedelta(days=1)


def test_calendar_fixed_points() -> None:
    # Published equivalences: Nowruz 1401 = 21 March 2022; Rosh Hashanah 5783 = 26 September 2022;
    # 1 Ramadan 1444 (civil) = 23 March 2023; Reiwa began 1 May 2019 (Heisei 31 ended 30 April).
    assert cal.persian_to_gregorian(1401, 1, 1) == date(2022, 3, 21)
    assert cal.hebrew_to_gregorian(5783, 1, 1) == date(2022, 9, 26)
    assert cal.islamic_to_gregorian(1444, 9, 1) == date(2023, 3, 23)
    assert cal.from_gregorian(cal.JAPANESE, date(2019, 5, 1))[3] == "R"
    assert cal.from_gregorian(cal.JAPANESE, date(2019, 4, 30))[:4] == (31, 4, 30, "H")
    assert cal.to_gregorian(cal.BUDDHIST, 2565, 3, 18) == date(2022, 3, 18)
    assert cal.to_gregorian(cal.ROC, 111, 3, 18) == date(2022, 3, 18)


def test_ampm_words_and_day_periods() -> None:
    cases = [(12, "AM", 0), (12, "PM", 12), (2, "p. m.", 14), (2, "a.\u202fm.", 2), (2, "午後", 14), (9, "م", 21),
             (9, "ص", 9), (9, "in the morning", 9), (9, "at night", 21), (3, "in the afternoon", 15),
             (7, "in the evening", 19), (2, "ب.ظ.", 14), (11, "ق.ظ.", 11), (1, "凌晨", 1), (12, "中午", 12),
             (9, "晚上", 21), (2, "오후", 14), (2, "μ.μ.", 14), (2, "PTG", 14), (2, "अपराह्न", 14), (14, "PM", 14)]
    for hour, word, want in cases:
        assert hour24(hour, word) == want, (hour, word)
    assert hour24(9, "gibberish") is None and hour24(9, None) == 9


def test_marks_and_digits_anywhere() -> None:
    line = "\u200f[\u0661\u0668\u200f/\u0663\u200f/\u0662\u0660\u0662\u0662\u060c \u0662:\u0665\u0666:\u0660\u0661 \u0645] Ali: \u0661\u0662\u0663"
    s = general(line)
    assert s is not None and line[s.end:] == "Ali: \u0661\u0662\u0663"          # the text keeps its digits
    assert DateReader("DMY").read(s.date) == date(2022, 3, 18) and hour24(2, s.ampm) == 14
    assert normalise("\u06f1\u06f4\u06f0\u06f0\u200f/\u06f1\u06f2") == "1400/12"
    assert normalise("\u0e51\u0e58/\u0e53/\u0e52\u0e55\u0e56\u0e55") == "18/3/2565"
