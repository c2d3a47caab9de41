"""Writes one WhatsApp chat as phones in many locales and calendars export it (fixture generator).

Each `Variant` formats the same message list (`MESSAGES`) with one date layout, digit set, calendar,
clock and AM/PM words, direction marks and separators, in the iOS ("[date, time] Name: text") or
Android ("date, time - Name: text") shape. `tests/test_whatsapp_locales.py` imports every variant
and checks it reads to the English original's messages, senders and UTC times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from chatvault.importers.whatsapp import calendars as cal

LRM, RLM, ALM, NNBSP = "\u200e", "\u200f", "\u061c", "\u202f"
DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९",
          "beng": "০১২৩৪৫৬৭৮৯", "thai": "๐๑๒๓๔๕๖๗๘๙", "mymr": "၀၁၂၃၄၅၆၇၈၉", "khmr": "០១២៣៤៥៦៧៨៩",
          "tamldec": "௦௧௨௩௪௫௬௭௮௯", "fullwide": "０１２３４５６７８９"}

T0 = datetime(2022, 3, 18, 9, 5, 7)
# (minutes after T0, sender, text): days over 12 and under, midnight and noon hours, a multi-line message.
MESSAGES = [
    (0, "Alice", "Good morning"),
    (7 * 60 + 1, "Bob", "crème brûlée at noon?"),
    (14 * 60 + 55, "Alice", "midnight already"),
    (3 * 24 * 60 + 5 * 60, "Bob", "line one\nline two"),
    (27 * 24 * 60 + 11 * 60, "Alice", "after a month"),
    (300 * 24 * 60 + 2 * 60, "Bob", "next year"),
]


@dataclass(frozen=True)
class Variant:
    name: str
    date: str                          # "{d}", "{m}", "{y}" (as written), "{era}"; padded as 'dd', 'mm'
    clock: str = "24"                  # "24" or "12"
    am: str = "AM"
    pm: str = "PM"
    ampm_before: bool = False          # "오후 2:56" rather than "2:56 PM"
    digits: str = "latn"
    calendar: str = cal.GREGORIAN
    year_digits: int = 4
    time_first: bool = False           # Vietnamese iOS: "[14:56:01, 18/3/22]"
    joiner: str = ", "                 # between date and time
    space: str = " "                   # before the AM/PM word
    ios: bool = True
    seconds: bool | None = None        # default: iOS yes, Android no
    marks: Callable[[str], str] | None = None   # adds direction marks to the whole stamp
    hour_pad: bool = False
    periods: tuple[tuple[int, str], ...] = ()   # day-period words by first hour, instead of am/pm


    def stamp(self, t: datetime) -> str:
        y, m, d, era = cal.from_gregorian(self.calendar, t.date())
        if self.year_digits == 2:
            y %= 100
        date = self.date.format(d=d, m=m, y=y, dd=f"{d:02d}", mm=f"{m:02d}", era=era or "")
        h = t.hour
        word = ""
        if self.clock == "12":
            word = self.am if h < 12 else self.pm
            for first, name in self.periods:
                if h >= first:
                    word = name
            h = h % 12 or 12
        secs = self.ios if self.seconds is None else self.seconds
        hh = f"{h:02d}" if self.hour_pad else str(h)
        time = f"{hh}:{t.minute:02d}" + (f":{t.second:02d}" if secs else "")
        if word:
            time = f"{word} {time}" if self.ampm_before else f"{time}{self.space}{word}"
        text = f"{time}{self.joiner}{date}" if self.time_first else f"{date}{self.joiner}{time}"
        text = text.translate(str.maketrans("0123456789", DIGITS[self.digits]))
        if self.marks:
            text = self.marks(text)
        return f"[{text}]" if self.ios else text

    def lines(self) -> list[str]:
        out = []
        for minutes, sender, text in MESSAGES:
            t = T0 + timedelta(minutes=minutes)
            stamp = self.stamp(t)
            sep = " " if self.ios else " - "
            out.append(f"{stamp}{sep}{sender}: {text}")
        return out

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.txt"
        path.write_text("\n".join(self.lines()) + "\n", encoding="utf-8")
        return path


def _rlm_slashes(text: str) -> str:          # Arabic iOS: RLM after each date separator
    return text.replace("/", RLM + "/")


def _lrm_around(text: str) -> str:
    return LRM + text + LRM


def _alm(text: str) -> str:
    return ALM + text.replace("/", ALM + "/")


def _both(o: str, a: str = "AM", p: str = "PM", **kw) -> dict:
    return {"am": a, "pm": p, **kw}


VARIANTS: list[Variant] = [
    Variant("en_US-ios", "{m}/{d}/{yy}".replace("{yy}", "{y}"), "12", year_digits=2, space=NNBSP),
    Variant("en_US-android", "{m}/{d}/{y}", "12", year_digits=2, ios=False),
    Variant("en_GB-ios", "{dd}/{mm}/{y}"),
    Variant("en_GB-android", "{dd}/{mm}/{y}", ios=False),
    Variant("en-android-words", "{dd}/{mm}/{y}", "12", ios=False, periods=(
        (0, "in the morning"), (12, "in the afternoon"), (18, "in the evening"), (21, "at night"))),
    Variant("de_DE-ios", "{dd}.{mm}.{y}", year_digits=2),
    Variant("de_DE-android", "{dd}.{mm}.{y}", year_digits=2, ios=False),
    Variant("fr_FR-ios", "{dd}/{mm}/{y}", joiner=" "),
    Variant("es_ES-ios", "{d}/{m}/{y}", "12", am="a. m.", pm="p. m.", year_digits=2),
    Variant("es_MX-android", "{dd}/{mm}/{y}", "12", am="a.m.", pm="p.m.", year_digits=2, ios=False),
    Variant("pt_BR-android", "{dd}/{mm}/{y}", joiner=" ", ios=False),
    Variant("it_IT-ios", "{dd}/{mm}/{y}", year_digits=2),
    Variant("ru_RU-ios", "{dd}.{mm}.{y}"),
    Variant("nl_NL-android", "{dd}-{mm}-{y}", ios=False),
    Variant("pl_PL-ios", "{d}.{mm}.{y}"),
    Variant("tr_TR-ios", "{d}.{mm}.{y}", joiner=" "),
    Variant("sv_SE-ios", "{y}-{mm}-{dd}", joiner=" "),
    Variant("fi_FI-ios", "{d}.{m}.{y}", joiner=" ", hour_pad=False),
    Variant("cs_CZ-ios", "{dd}.{mm}.{y}", year_digits=2, joiner=" "),
    Variant("hu_HU-ios", "{y}. {mm}. {dd}.", joiner=" "),
    Variant("el_GR-ios", "{d}/{m}/{y}", "12", am="π.μ.", pm="μ.μ.", year_digits=2),
    Variant("uk_UA-ios", "{dd}.{mm}.{y}", year_digits=2),
    Variant("bg_BG-ios", "{d}.{mm}.{y} г.", year_digits=2),
    Variant("hr_HR-ios", "{dd}. {mm}. {y}.", joiner=" "),
    Variant("ko_KR-ios", "{y}. {m}. {d}.", "12", am="오전", pm="오후", ampm_before=True, joiner=" "),
    Variant("ko_KR-short-year", "{y}. {m}. {d}.", "12", am="오전", pm="오후", ampm_before=True, joiner=" ",
            year_digits=2),
    Variant("zh_CN-android", "{y}/{m}/{d}", "12", am="上午", pm="下午", ampm_before=True, joiner=" ", ios=False),
    Variant("zh_CN-ios", "{y}/{m}/{d}", joiner=" "),
    Variant("ja_JP-ios", "{y}/{mm}/{dd}", joiner=" "),
    Variant("ja_JP-12h", "{y}/{mm}/{dd}", "12", am="午前", pm="午後", ampm_before=True, joiner=" "),
    Variant("vi_VN-ios", "{d}/{m}/{y}", year_digits=2, time_first=True),
    Variant("id_ID-ios", "{d}/{m}/{y}", year_digits=2, joiner=" "),
    Variant("ms_MY-ios", "{d}/{mm}/{y}", "12", am="PG", pm="PTG", year_digits=2),
    Variant("hi_IN-ios", "{d}/{m}/{y}", "12", am="am", pm="pm", year_digits=2),
    Variant("hi_IN-deva", "{d}/{m}/{y}", "12", am="पूर्वाह्न", pm="अपराह्न", year_digits=2, digits="deva"),
    Variant("mr_IN-deva", "{d}/{m}/{y}", "12", year_digits=2, digits="deva"),
    Variant("bn_BD-beng", "{d}/{m}/{y}", "12", year_digits=2, digits="beng", joiner=" "),
    Variant("ar_SA-ios", "{d}/{m}/{y}", "12", am="ص", pm="م", digits="arab", joiner="، ", marks=_rlm_slashes),
    Variant("ar_EG-android", "{d}/{m}/{y}", "12", am="ص", pm="م", digits="arab", joiner="، ", ios=False,
            marks=_rlm_slashes),
    Variant("ar-alm-latn", "{dd}/{mm}/{y}", "12", am="ص", pm="م", joiner="، ", marks=_alm),
    Variant("fa_IR-ios", "{y}/{m}/{d}", digits="arabext", joiner="،\u200f ", calendar=cal.PERSIAN),
    Variant("fa_IR-gregorian", "{y}/{m}/{d}", digits="arabext", joiner="، "),
    Variant("ur_PK-ios", "{d}/{m}/{y}", "12", year_digits=2, joiner=" ", marks=_lrm_around),
    Variant("he_IL-ios", "{d}.{m}.{y}", marks=_lrm_around),
    Variant("he_IL-hebrew-calendar", "{d}.{m}.{y} AM", calendar=cal.HEBREW),
    Variant("th_TH-buddhist", "{d}/{m}/{y} BE", joiner=" ", calendar=cal.BUDDHIST),
    Variant("th_TH-buddhist-short", "{d}/{m}/{y}", joiner=" ", calendar=cal.BUDDHIST, year_digits=2),
    Variant("th_TH-thai-digits", "{d}/{m}/{y}", joiner=" ", calendar=cal.BUDDHIST, digits="thai"),
    Variant("ja_JP-japanese-calendar", "{era}{y}/{mm}/{dd}", joiner=" ", calendar=cal.JAPANESE),
    Variant("ja_JP-japanese-kanji", "令和{y}/{mm}/{dd}", joiner=" ", calendar=cal.JAPANESE),
    Variant("en_US-japanese-calendar", "{m}/{d}/{y} {era}", "12", calendar=cal.JAPANESE),
    Variant("zh_TW-roc", "民國{y}/{m}/{d}", "12", am="上午", pm="下午", ampm_before=True, joiner=" ",
            calendar=cal.ROC),
    Variant("zh_TW-roc-plain", "{y}/{m}/{d}", joiner=" ", calendar=cal.ROC),
    Variant("ar_SA-islamic", "{d}/{m}/{y} هـ", "12", am="ص", pm="م", digits="arab", joiner="، ",
            calendar=cal.ISLAMIC, marks=_rlm_slashes),
    Variant("en-islamic", "{m}/{d}/{y} AH", "12", calendar=cal.ISLAMIC),
    Variant("en-persian", "{m}/{d}/{y} AP", "12", calendar=cal.PERSIAN),
    Variant("my_MM-mymr", "{d}/{m}/{y}", joiner=" ", digits="mymr", year_digits=2),
    Variant("km_KH-khmr", "{d}/{m}/{y}", "12", year_digits=2, digits="khmr"),
    Variant("fullwidth", "{y}/{m}/{d}", joiner=" ", digits="fullwide"),
]
