"""Day-first, month-first or year-first: decided from every date line of the export itself.

Never from the computer's locale: the same file must read the same on every machine. In turn:

1. `--date-order` (`options["date_order"]`) when given;
2. a date that only one order can read (a day over 12 in the first field decides DMY, in the second
   MDY; a date that is valid only year-first decides YMD);
3. the order that keeps the messages in time order when the others do not (clearly fewer steps back);
4. every ambiguous date reads the same both ways (day equals month): any order;
5. otherwise the import stops with `DateOrderNeeded`, naming the choices, so the user (CLI flag, GUI
   question) decides instead of a guess.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from chatvault.errors import InputError
from chatvault.importers.whatsapp import stamps
from chatvault.importers.whatsapp.normalize import normalise

ORDERS = ("DMY", "MDY", "YMD")
WORDS = {"DMY": "day first", "MDY": "month first", "YMD": "year first"}
CHUNK = 1 << 20                      # characters read at a time
LONG = 1 << 16                       # a line longer than this is cut to its head
HEAD = 160                           # characters of a line that can hold its timestamp
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class DateOrderNeeded(InputError):
    """The export's dates read correctly both day-first and month-first: the user must say which."""

    code = "date_order_needed"

    def __init__(self, name: str, example: str, choices: tuple[str, ...] = ("DMY", "MDY")) -> None:
        self.example = example
        self.choices = choices
        self.conversation_key: str | None = None   # the chat it is about, when the reader knows it
        self.kept_order: str | None = None         # the order the vault stored that chat with (the app)
        a, b, _c = stamps.split(example) or (1, 2, 0)
        dmy = f"{a} {MONTHS[b - 1]}" if 1 <= b <= 12 else "?"
        mdy = f"{MONTHS[a - 1]} {b}" if 1 <= a <= 12 else "?"
        self.readings = {"DMY": dmy, "MDY": mdy}
        super().__init__(
            f"{name}: every date in this export can be read day-first or month-first (\"{example}\" is "
            f"{dmy} or {mdy}), and nothing in the file tells which.",
            hint="Import again with " + " or ".join(f"--date-order {c} ({WORDS[c]})" for c in choices) + ".",
            field="date_order")


@dataclass
class Decision:
    order: str
    how: str                                  # "given", "dates", "time order", "same", "year first"
    notes: list[str] = field(default_factory=list)


def scan(chunks: Iterable[str], general: bool) -> list[tuple[str, str | None]]:
    """The date texts (with their leading era word) of every message line, in file order, runs of
    the same date kept once."""
    seq: list[tuple[str, str | None]] = []
    skipping = False                  # inside a line too long to keep: only its head counts
    prev: tuple[str, str | None] | None = None
    tail = "\n"                      # the first line, too, follows a newline
    for chunk in chunks:
        if skipping:
            nl = chunk.find("\n")
            if nl < 0:
                continue
            chunk = chunk[nl:]
            skipping = False
        text = tail + chunk
        cut = max(text.rfind("\n"), 0)     # the tail keeps the newline its line follows
        tail, text = text[cut:], text[:cut]
        if len(tail) > LONG:
            tail, skipping = tail[:HEAD], True
        for item in _dates(text, general):
            if item != prev:
                seq.append(item)
                prev = item
    for item in _dates(tail, general):
        if item != prev:
            seq.append(item)
    return seq


# The date of every fast-layout line, found from the newline before it: a pattern that starts with
# a literal is searched for with the regex engine's fast scan (half the time of `^` under re.M).
_FAST_DATE = (r"\n[\u200e\u200f\u202a-\u202e\ufeff\u2066-\u2069]*\[?[\u200e\u200f]*"
              r"(\d{1,4}(?:[./-]|\. ?)\d{1,2}(?:[./-]|\. ?)\d{1,4})\.?(?:,|\s)[\s\u00a0\u202f]*"
              r"(?:上午|下午|凌晨|中午|晚上|早上|午前|午後|오전|오후)?[\s\u00a0\u202f]*\d{1,2}[:.]\d{2}")
_FAST_M = re.compile(_FAST_DATE)
_GENERAL_M = re.compile(stamps.GENERAL.pattern, re.M | re.I)


def _dates(text: str, general: bool) -> list[tuple[str, str | None]]:
    if not text:
        return []
    if not general:
        return [(d, None) for d in _FAST_M.findall(text)]
    out = []
    for m in _GENERAL_M.finditer(text):
        if m["ad"] is not None:
            out.append((m["ad"], m["ae1"]))
        else:
            out.append((m["bd"], m["be1"]))
    return out


# `_FAST_DATE` for UTF-8 bytes, looser where that is cheaper (marks as any 3-byte sequence, anything
# but digits between the date and the time): 0.25 µs a line instead of 0.45.
_FAST_B = re.compile(rb"\n[\xe2\xef]?[\x80-\xbf]{0,6}\[?[\xe2\x80-\x8f]{0,6}"
                     rb"(\d{1,4}(?:[./-]|\. ?)\d{1,2}(?:[./-]|\. ?)\d{1,4})\.?[,\s][^\n\d]{0,24}\d{1,2}[:.]\d\d")


def scan_utf8(raw: io.BufferedIOBase) -> list[tuple[str, str | None]]:
    """`scan` for UTF-8 files in the fast layouts, on the bytes (no decoding: the dates are ASCII)."""
    seq: list[tuple[str, str | None]] = []
    prev = None
    tail = b"\n"
    skipping = False
    while True:
        chunk = raw.read(CHUNK)
        if not chunk:
            break
        if skipping:
            nl = chunk.find(b"\n")
            if nl < 0:
                continue
            chunk, skipping = chunk[nl:], False
        data = tail + chunk
        cut = max(data.rfind(b"\n"), 0)
        tail, data = data[cut:], data[:cut]
        if len(tail) > LONG:
            tail, skipping = tail[:HEAD * 4], True
        for d in _FAST_B.findall(data):
            if d != prev:
                seq.append((d.decode("ascii"), None))
                prev = d
    for d in _FAST_B.findall(tail):
        if d != prev:
            seq.append((d.decode("ascii"), None))
    return seq


def chunks_of(raw: io.BufferedIOBase, encoding: str, errors: str) -> Iterable[str]:
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=None)  # type: ignore[arg-type]
    while True:
        chunk = text.read(CHUNK)
        if not chunk:
            return
        yield chunk


def _valid(order: str, a: int, b: int) -> bool:
    if order == "DMY":
        return 1 <= b <= 12 and 1 <= a <= 31
    if order == "MDY":
        return 1 <= a <= 12 and 1 <= b <= 31
    return 1 <= b <= 12


def _key(order: str, a: int, b: int, c: int) -> tuple[int, int, int]:
    if order == "DMY":
        return c, b, a
    if order == "MDY":
        return c, a, b
    return a, b, c


def decide(seq: list[tuple[str, str | None]], name: str, forced: str | None = None,
           known: str | None = None) -> Decision:
    """The export's day/month order: `forced` (the user's word now), else the dates, else `known`
    (the order the vault stored this chat with), else `DateOrderNeeded`."""
    if forced:
        forced = str(forced).upper()
        if forced not in ORDERS:
            raise InputError(f"Unknown date order {forced!r}.", hint="Use DMY, MDY or YMD.")
        return _given(forced, seq)
    dates = []
    example = None
    for text, era1 in seq:
        if stamps.year_first(text, era1):
            continue                          # read year-first whatever the order
        parts = stamps.split(text)
        if parts is not None:
            dates.append(parts)
    if not dates:
        return Decision("DMY", "year first")
    # Two-digit years first ("22. 3. 18.", Korean) are a candidate only in that dotted shape.
    shaped = all(_DOTTED.match(normalise(t)) for t, e in seq if not stamps.year_first(t, e))
    candidates = ORDERS if shaped else ("DMY", "MDY")
    valid = [o for o in candidates if all(_valid(o, a, b) for a, b, _c in dates)]
    if len(valid) == 1:
        return Decision(valid[0], "dates")
    if not valid:
        counts = {o: sum(_valid(o, a, b) for a, b, _c in dates) for o in ("DMY", "MDY")}
        order = max(counts, key=lambda o: counts[o])
        bad = len(dates) - counts[order]
        return Decision(order, "dates", [f"{bad} date(s) in this export cannot be read {order} like the others; "
                                         "those were read the other way round. Check their dates."])
    steps = {o: _backwards([_key(o, a, b, c) for a, b, c in dates]) for o in valid}
    best = min(steps.values())
    winners = [o for o in valid if steps[o] == best]
    def clearly_worse(o: str) -> bool:
        return steps[o] > best and (best == 0 or steps[o] >= 2 * best + 2)

    if len(winners) == 1 and all(clearly_worse(o) for o in valid if o != winners[0]):
        return Decision(winners[0], "time order")
    close = [o for o in valid if not clearly_worse(o)]
    if len({tuple(_key(o, a, b, c) for a, b, c in dates) for o in close}) == 1:
        return Decision(close[0], "same")
    if known in close:
        return Decision(known, "kept", [f"Every date in {name} reads both day-first and month-first; it was read "
                                        f"{WORDS[known]}, as this chat was at its earlier import."])
    example = next((t for t, e in seq if (p := stamps.split(t)) and p[0] != p[1] and not stamps.year_first(t, e)),
                   seq[0][0])
    raise DateOrderNeeded(name, example, tuple(close))


_DOTTED = re.compile(r"^\d{2}\. \d{1,2}\. \d{1,2}$")


def _given(order: str, seq: list[tuple[str, str | None]]) -> Decision:
    """The user's order; a warning when some dates cannot be read that way (they are read the other)."""
    if order == "YMD":
        return Decision(order, "given")
    bad = [t for t, e in seq if not stamps.year_first(t, e) and (p := stamps.split(t)) and not _valid(order, p[0], p[1])]
    if not bad:
        return Decision(order, "given")
    return Decision(order, "given", [f"The date order {WORDS[order]} was given, but {len(bad)} date(s) such as \"{bad[0]}\" "
                                     f"cannot be read {WORDS[order]}; those were read the other way round."])


def _backwards(keys: list[tuple[int, int, int]]) -> int:
    n = 0
    prev = None
    for k in keys:
        if prev is not None and k < prev:
            n += 1
        prev = k
    return n
