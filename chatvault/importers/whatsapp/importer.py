"""WhatsApp "Export chat" files: the `.txt`, or the `.zip` that "Attach media" produces.

One export is one conversation. Each message starts with a timestamp line in one of many layouts:

    Android  12/24/19, 11:23 - Name: text          (also "24.12.19, 23:55 - ", "2019/12/24, 11:23 - ")
    iOS      [24/12/2019, 11:23:45] Name: text     (also without the comma, with seconds or not)

with 12 h clocks in many languages ("11:23 p. m.", "下午11:23", "11:23 م", NNBSP before AM/PM),
two- or four-digit years, and U+200E/U+200F marks. Day-first versus month-first is decided from the
whole file before any message is produced (a day over 12 decides it; otherwise the order that keeps
the messages in time order; otherwise the system locale, with a warning). The export carries no time
zone: timestamps are taken in `options["tz"]` (IANA name) or the computer's zone, and marked
`tz_known=False`.
"""

from __future__ import annotations

import codecs
import io
import locale
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.openers import TreeMember
from chatvault.importers.whatsapp import lexicon as lx
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
    MessageKind,
    MessageRec,
    ParticipantRec,
    Record,
    SourceRec,
    Unparsed,
)

MAX_LINE = 1 << 20                 # characters; a longer "line" is kept as an unparsed record
KEEP_OF_LONG_LINE = 4096
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2066\u2067\u2068\u2069"

HEADER = re.compile(
    r"^[\u200e\u200f\u202a-\u202e\ufeff\u2066-\u2069]*\[?[\u200e\u200f]*"
    r"(?P<date>\d{1,4}(?:[./-]|\. ?)\d{1,2}(?:[./-]|\. ?)\d{1,4})\.?"
    r"(?:,|\s)[\s\u00a0\u202f]*"
    r"(?P<pre>上午|下午|凌晨|中午|晚上|早上|午前|午後|오전|오후)?[\s\u00a0\u202f]*"
    r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"(?P<ampm>[^\]\-–\d\n]{0,14}?)"
    r"[\s\u00a0\u202f\u200e\u200f]*(?:\]|[-–](?=\s))[\s\u00a0\u202f\u200e\u200f]?"
    r"(?P<rest>.*)$",
    re.S,
)
# HEADER without its `(?P<rest>.*)$`: that tail matches any remainder, so the groups come out the
# same and the rest of the line is line[m.end():] (the reader's hot loop; HEADER stays for detection).
assert HEADER.pattern.endswith(r"(?P<rest>.*)$")
HEADER_HEAD = re.compile(HEADER.pattern[: -len(r"(?P<rest>.*)$")], HEADER.flags)
DATE_PARTS = re.compile(r"\d+")
YEAR_FIRST = re.compile(r"\d{4}")
STRIP = MARKS + " "
HEADER_START = frozenset("[0123456789" + MARKS)
GROUP_EVENTS = frozenset(("group_created", "added", "removed", "subject", "icon", "joined", "left"))
CONTACT_WORDS = {"contact card", "tarjeta de contacto", "cartão de contato", "kontaktkarte", "fiche contact",
                 "scheda contatto", "карточка контакта", "kartu kontak", "联系人名片"}
# DELETED, MEDIA_OMITTED and LIVE_LOCATION in one pattern (one attempt instead of three for the short
# texts they are tried on); the first alternative that matches is the one the three in turn would find.
SHORT_MARKERS = re.compile(f"(?P<deleted>{lx.DELETED.pattern})|(?P<omitted>{lx.MEDIA_OMITTED.pattern})"
                           f"|(?P<live>{lx.LIVE_LOCATION.pattern})", re.I)
_HEAD = 3


def _heads(rx: re.Pattern[str], k: int = _HEAD) -> tuple[frozenset[str], re.Pattern[str]] | None:
    """What a match of `rx` can start with: (every lower-cased ASCII string of `k` characters it can
    begin with, a pattern for every character it can begin with).

    A text whose first `k` characters are ASCII and, lower-cased, not in the set cannot match `rx`;
    nor can a text whose first character the second pattern does not match. So the (slow, many-
    branched) pattern need not be tried. Worked out from the parsed pattern: literals, alternations,
    groups and `x?` only; anything else (or a match shorter than `k`) gives None, meaning "no
    shortcut". Which characters a literal matches case-insensitively is asked of the regex engine
    itself (the literal alone, and a class of the literals, under the pattern's flags; the class
    matches at least what the literals match), so its case folding is the one that applies.
    """
    try:                                   # CPython's own pattern parser (3.11+); elsewhere: no shortcut
        from re import _constants as K  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:
        return None

    class GiveUp(Exception):
        pass

    heads: set[tuple[int, ...]] = set()

    def walk(stack: tuple, prefix: tuple[int, ...]) -> None:
        if len(prefix) == k:
            heads.add(prefix)
            return
        if not stack:
            raise GiveUp                       # a match shorter than k characters
        items, i = stack[-1]
        if i == len(items):
            walk(stack[:-1], prefix)
            return
        op, av = items[i]
        rest = stack[:-1] + ((items, i + 1),)
        if op is K.LITERAL:
            walk(rest, prefix + (av,))
        elif op is K.AT:                       # ^ and $ take no character
            walk(rest, prefix)
        elif op is K.SUBPATTERN and not av[1] and not av[2]:
            walk(rest + ((av[3], 0),), prefix)
        elif op is K.BRANCH:
            for alt in av[1]:
                walk(rest + ((alt, 0),), prefix)
        elif op in (K.MAX_REPEAT, K.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            walk(rest, prefix)
            walk(rest + ((av[2], 0),), prefix)
        else:
            raise GiveUp

    try:
        walk(((_parser.parse(rx.pattern, rx.flags), 0),), ())
    except (GiveUp, RecursionError, AttributeError, TypeError, ValueError, IndexError):
        return None                        # a parse tree of another shape: no shortcut
    ascii_of: dict[int, str] = {}
    for c in {c for h in heads for c in h}:
        one = re.compile(re.escape(chr(c)), rx.flags)
        ascii_of[c] = "".join(sorted({chr(a).lower() for a in range(128) if one.fullmatch(chr(a))}))
    out: set[str] = set()
    for h in heads:
        parts = [""]
        for c in h:
            parts = [p + a for p in parts for a in ascii_of[c]]
        out.update(parts)
    first = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted({h[0] for h in heads})) + "]", rx.flags)
    return frozenset(out), first


_SHORT_HEADS = _heads(SHORT_MARKERS)
SHORT_HEADS = _SHORT_HEADS[0] if _SHORT_HEADS else None
SHORT_FIRST = _SHORT_HEADS[1].match if _SHORT_HEADS else None


def _no_short_marker(text: str) -> bool:
    """True when `text` cannot be a deleted/omitted/live-location marker (see `_heads`)."""
    head = text[:_HEAD]
    if SHORT_HEADS is None or len(head) < _HEAD:
        return False
    if head.isascii():
        return head.lower() not in SHORT_HEADS
    return SHORT_FIRST(head) is None  # type: ignore[misc]
US_LIKE = {"US", "PH", "CA", "BZ", "FM", "GU", "MH", "PR", "AS", "UM", "VI", "PW", "KE"}


def system_zone(name: str | None = None) -> tzinfo:
    """The zone WhatsApp's wall-clock times are read in: `name`, $TZ, /etc/localtime, else UTC."""
    for candidate in (name, os.environ.get("TZ")):
        if candidate:
            try:
                return ZoneInfo(candidate.lstrip(":"))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                if candidate == name:
                    raise InputError(f"Unknown time zone {name!r}.", hint="Use an IANA name such as Europe/Berlin.") from exc
    try:
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def locale_order() -> tuple[str, str]:
    """('MDY' or 'DMY', locale name) from the system locale."""
    name = ""
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        if os.environ.get(var):
            name = os.environ[var]
            break
    if not name:
        try:
            name = locale.getlocale(locale.LC_TIME)[0] or ""
        except (ValueError, TypeError):
            name = ""
    country = name.split(".")[0].split("_")[-1].upper() if "_" in name else ""
    return ("MDY" if country in US_LIKE else "DMY"), (name or "unknown")


def _split_date(text: str) -> tuple[int, int, int] | None:
    parts = DATE_PARTS.findall(text)
    if len(parts) != 3:
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _ymd(order: str, a: int, b: int, c: int) -> tuple[int, int, int]:
    if order == "YMD":
        y, m, d = a, b, c
    elif order == "MDY":
        m, d, y = a, b, c
    else:
        d, m, y = a, b, c
    if y < 100:
        y += 2000
    return y, m, d


class _Lines:
    """Lines of a text stream with a length cap, so a 2 GB "line" never sits in memory."""

    def __init__(self, raw: io.BufferedIOBase, encoding: str, limit: int) -> None:
        self.text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None)  # type: ignore[arg-type]
        self.limit = limit
        self.number = 0

    def __iter__(self) -> Iterator[tuple[int, str, int]]:
        """(line number, text without the newline, characters skipped because of the cap)."""
        readline = self.text.readline
        limit = self.limit
        while True:
            line = readline(limit)
            if not line:
                return
            self.number += 1
            skipped = 0
            if not line.endswith("\n") and len(line) >= limit:
                while True:
                    more = readline(limit)
                    if not more:
                        break
                    if more.endswith("\n"):
                        skipped += len(more) - 1
                        break
                    skipped += len(more)
            yield self.number, line.rstrip("\n"), skipped


class WhatsAppImporter(Importer):
    name = "whatsapp"
    title = "WhatsApp chat export"
    description = ("The .txt from WhatsApp's \"Export chat\", or the .zip (or folder) made with \"Attach media\". "
                   "Android and iOS layouts, any date order, 12/24 h clocks, eleven languages.")
    patterns = ("*.txt", "WhatsApp Chat*.zip", "_chat.txt")
    parser_version = 1
    recognised_by: ClassVar[str] = ("a text file (or a .txt inside a zip/folder) whose first lines start with a "
                                    "WhatsApp timestamp such as '12/24/19, 11:23 - ' or '[24.12.19, 11:23:45] '")

    # --- detection -----------------------------------------------------------------------
    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            member = self._chat_member(tree)
            if member is None:
                return Detection(0.0, "no .txt file with WhatsApp timestamp lines")
            head = tree.read_head(member, 8192)
            hits, layout = _head_hits(head)
            if hits == 0:
                return Detection(0.0, "no WhatsApp timestamp line at the start")
            named = Path(member).name == "_chat.txt" or Path(member).name.lower().startswith("whatsapp")
            conf = min(0.95, 0.6 + 0.1 * hits + (0.1 if named else 0.0))
            return Detection(conf, f"{member}: {hits} WhatsApp timestamp lines at the start", layout)

    def _chat_member(self, tree: FileTree) -> str | None:
        txts = [n for n in tree.names() if n.lower().endswith(".txt")]
        if tree.kind == "file":
            return txts[0] if txts else (tree.names()[0] if tree.names() else None)
        for n in txts:
            base = n.rsplit("/", 1)[-1]
            if base == "_chat.txt" or lx.EXPORT_NAME.match(base[:-4]) and "/" not in n:
                return n
        for n in sorted(txts, key=lambda x: (x.count("/"), x)):
            hits, _ = _head_hits(tree.read_head(n, 4096))
            if hits:
                return n
        return None

    # --- reading -------------------------------------------------------------------------
    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path)
        try:
            yield from self._read(tree, path, options, ctx)
        finally:
            tree.close()

    def _read(self, tree: FileTree, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        member = self._chat_member(tree)
        if member is None:
            raise InputError(f"{path.name} holds no WhatsApp chat text file.",
                             hint="Choose the .txt or .zip that WhatsApp's \"Export chat\" produced.")
        size = tree.size(member)
        if size == 0:
            raise InputError(f"{path.name}: {member} is empty.",
                             hint="Export the chat again from WhatsApp; the file has no messages.")
        for name, why in tree.rejected:
            yield ImportWarning(f"{name} in the export was not read: {why}.", location=str(path))
        for name, why in tree.damage:          # a damaged zip: what was recovered is read, the damage listed
            yield Unparsed(raw="", location=f"{path.name}: {name}", reason=why)
        opts = options.options
        limit = int(opts.get("max_line", MAX_LINE))
        zone = system_zone(opts.get("tz"))
        encoding = self._encoding(tree, member)
        order, order_note = self._date_order(tree, member, encoding, limit, opts.get("date_order"))
        if order_note:
            yield ImportWarning(order_note, location=member)
        title = opts.get("conversation") or _title_of(path, member)
        conv_key = title
        yield SourceRec(app="whatsapp", account=str(opts.get("account", "")), me_name=options.me)
        yield ConversationRec(key=conv_key, title=title, kind=ConversationKind.UNKNOWN)
        me = options.me
        senders: dict[str, ParticipantRec] = {}
        group_hint = False
        date_cache: dict[str, datetime | None] = {}
        time_cache: dict[tuple[str, str, str], tuple[int, int, int] | None] = {}
        unknown_ampm: set[str] = set()
        loc_prefix = f"{member}:" if tree.kind != "file" else f"{path.name}:"
        # The message being collected: its first line's number, time, sender and text; continuation
        # lines go to `p_more` (None while the message has one line, the common case).
        p_number = 0
        p_ts: datetime | None = None
        p_sender: str | None = None
        p_text: str | None = None       # None: no message started yet
        p_more: list[str] | None = None
        raw = tree.open(member)
        readline = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None).readline  # type: ignore[arg-type]
        number = 0
        seen_header = False
        chars = 0
        check_every = 0
        last_stamp = None                # the previous header's timestamp text, and its time
        last_ts: datetime | None = None

        header_match = HEADER_HEAD.match
        marks = frozenset(MARKS)
        shortcut = SHORT_HEADS is not None       # `_no_short_marker`, inline below
        heads = SHORT_HEADS or frozenset()
        first_char = SHORT_FIRST
        text_kind = MessageKind.TEXT
        timestamp = self._timestamp
        message = self._message
        system = MessageKind.SYSTEM
        header_start = HEADER_START
        blank = " \t" + MARKS

        while True:
            line = readline(limit)
            if not line:
                break
            number += 1
            if line[-1:] == "\n":
                line = line[:-1]
            elif len(line) >= limit:     # over the cap: skip to the end of this line
                skipped = 0
                while True:
                    more = readline(limit)
                    if not more:
                        break
                    if more[-1:] == "\n":
                        skipped += len(more) - 1
                        break
                    skipped += len(more)
                if skipped:
                    check_every += 1
                    chars += len(line) + 1 + skipped
                    if check_every >= 2048:
                        check_every = 0
                        ctx.check()
                        ctx.set_position(bytes_=min(size, chars))
                    yield Unparsed(raw=line[:KEEP_OF_LONG_LINE], location=f"{loc_prefix}{number}",
                                   reason=f"line of {len(line) + skipped} characters is longer than the "
                                          f"{limit}-character limit; the first {KEEP_OF_LONG_LINE} are kept here",
                                   conversation_key=conv_key)
                    continue
            check_every += 1
            chars += len(line) + 1
            if check_every >= 2048:
                check_every = 0
                ctx.check()
                ctx.set_position(bytes_=min(size, chars))
            m = header_match(line) if line[:1] in header_start else None
            if m is not None:
                # The groups up to the end of the AM/PM word are a function of the text up to there
                # (nothing after it can change which way the pattern matched it), so a repeated
                # stamp (messages in the same minute) reuses the previous time.
                stamp = line[:m.end(4)]
                if stamp == last_stamp:
                    ts = last_ts
                else:
                    # Day and clock time seen before: add them here (what `_timestamp` would do).
                    dtext, ttext, atext, ptext = m.group(1, 3, 4, 2)
                    day = date_cache.get(dtext)
                    hms = time_cache.get((ttext, atext, ptext or "")) if day is not None else None
                    if hms is not None:
                        ts = day + hms
                    else:
                        ts = timestamp(m, order, zone, date_cache, time_cache, unknown_ampm)
                    last_stamp, last_ts = stamp, ts
                if ts is None:
                    m = None
            if m is None:
                if p_text is not None:
                    if p_more is None:
                        p_more = [p_text, line]
                    else:
                        p_more.append(line)
                elif line.strip(blank):
                    yield Unparsed(raw=line, location=f"{loc_prefix}{number}",
                                   reason="text before the first message line" if not seen_header
                                   else "not a message line", conversation_key=conv_key)
                continue
            seen_header = True
            if p_text is not None:
                t = p_text
                if p_more is None and p_sender is not None and t[:1] not in marks and t[-1:] != ">" \
                        and t[:1] != "<" and " (" not in t and "://" not in t \
                        and (len(t) > 72 or (shortcut and len(h := t[:_HEAD]) == _HEAD
                                             and (h.lower() not in heads if h.isascii() else first_char(h) is None))):
                    # Plain one-line text: every test in `_message` would come out "no" (marks, edit
                    # note, short markers by their first letters, media, files, location, poll).
                    yield MessageRec(conv_key, p_ts, text_kind, t, p_sender, p_sender, None, False, None, None,
                                     False, None, [], {}, f"{loc_prefix}{p_number}")
                else:
                    rec = message(p_number, p_ts, p_sender, t, p_more, conv_key, tree, loc_prefix)
                    if rec.kind is system and rec.extra["system"] in GROUP_EVENTS:
                        group_hint = True
                    yield rec
            rest = line[m.end():]
            sender = None
            text = rest
            colon = rest.find(":")
            if 0 < colon <= 120:
                cand = rest[:colon].strip(STRIP)
                if cand in senders:
                    sender = cand
                    text = rest[colon + 2:] if rest[colon + 1:colon + 2] == " " else rest[colon + 1:]
                elif cand and lx.system_kind(cand) is None:
                    sender = cand
                    text = rest[colon + 2:] if rest[colon + 1:colon + 2] == " " else rest[colon + 1:]
                    senders[sender] = ParticipantRec(key=sender, display_name=sender, is_me=bool(me and sender == me))
                    yield senders[sender]
            p_number, p_ts, p_sender, p_text, p_more = number, ts, sender, text, None
        raw.close()
        if p_text is not None:
            rec = message(p_number, p_ts, p_sender, p_text, p_more, conv_key, tree, loc_prefix)
            if rec.kind is system and rec.extra["system"] in GROUP_EVENTS:
                group_hint = True
            yield rec
        ctx.set_position(bytes_=size)
        if not seen_header:
            raise InputError(f"{path.name}: no WhatsApp message line was found in {member}.",
                             hint="This does not look like a WhatsApp chat export; try --format to choose another.")
        for word in sorted(unknown_ampm):
            yield ImportWarning(f"The time marker {word!r} is not a known AM/PM word; those times were read as written.",
                                location=member)
        people = len(senders) + (1 if me and me not in senders else 0)
        kind = ConversationKind.GROUP if (group_hint or people > 2) else ConversationKind.DIRECT
        yield ConversationRec(key=conv_key, title=title, kind=kind, participants=list(senders.values()),
                              extra={"export_member": member, "date_order": order})

    # --- pieces --------------------------------------------------------------------------
    def _encoding(self, tree: FileTree, member: str) -> str:
        head = tree.read_head(member, 65536)
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16"
        try:
            head.decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:      # a character cut by the 64 KiB window
                return "utf-8-sig"
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
        return best.encoding if best else "utf-8"

    def _date_order(self, tree: FileTree, member: str, encoding: str, limit: int,
                    forced: str | None) -> tuple[str, str | None]:
        if forced:
            forced = str(forced).upper()
            if forced not in ("DMY", "MDY", "YMD"):
                raise InputError(f"Unknown date order {forced!r}.", hint="Use DMY, MDY or YMD.")
            return forced, None
        dmy = mdy = 0
        ymd = 0
        seq: list[tuple[int, int, int]] = []
        with tree.open(member) as raw:
            for _n, line, skipped in _Lines(raw, encoding, limit):  # type: ignore[arg-type]
                if skipped or not line[:1] or line[:1] not in "[0123456789\u200e\u200f\ufeff\u202a\u202b\u2066\u2067":
                    continue
                m = HEADER.match(line)
                if not m:
                    continue
                parts = _split_date(m.group("date"))
                if parts is None:
                    continue
                a, b, c = parts
                if a > 31 or YEAR_FIRST.match(m.group("date")):
                    ymd += 1
                    continue
                if a > 12 and b <= 12:
                    dmy += 1
                elif b > 12 and a <= 12:
                    mdy += 1
                if dmy + mdy >= 1 and (dmy > 50 or mdy > 50 or (dmy and not mdy and len(seq) > 200)
                                       or (mdy and not dmy and len(seq) > 200)):
                    break
                if not seq or seq[-1] != parts:
                    seq.append(parts)
        if ymd and not (dmy or mdy) and not seq:
            return "YMD", None
        if dmy or mdy:
            if dmy and mdy:
                order = "DMY" if dmy >= mdy else "MDY"
                return order, (f"The dates mix day-first ({dmy} lines) and month-first ({mdy} lines); "
                               f"read as {order}. Check the dates of this chat.")
            return ("DMY" if dmy else "MDY"), None
        if not seq:
            return ("YMD" if ymd else "DMY"), None

        def backwards(order: str) -> int:
            n = 0
            prev = None
            for a, b, c in seq:
                y, mth, d = _ymd(order, a, b, c)
                if mth > 12 or d > 31:
                    return 1 << 30
                cur = (y, mth, d)
                if prev and cur < prev:
                    n += 1
                prev = cur
            return n

        bd, bm = backwards("DMY"), backwards("MDY")
        if bd != bm:
            return ("DMY" if bd < bm else "MDY"), None
        order, loc = locale_order()
        if len({(a, b) for a, b, _c in seq}) == len({(b, a) for a, b, _c in seq}) and all(a == b for a, b, _ in seq):
            return order, None            # every day equals its month: both orders read the same
        words = "day-first" if order == "DMY" else "month-first"
        return order, (f"The dates in this export could be day-first or month-first; read them as {words} "
                       f"from the system locale ({loc}). If they look wrong, import again with --date-order.")

    def _timestamp(self, m: re.Match, order: str, zone: tzinfo, date_cache: dict, time_cache: dict,
                   unknown: set[str]) -> datetime | None:
        dtext, ttext, atext, ptext = m.group("date", "time", "ampm", "pre")
        day = date_cache.get(dtext, False)
        if day is False:
            parts = _split_date(dtext)
            day = None
            if parts:
                a, b, c = parts
                o = "YMD" if YEAR_FIRST.match(dtext) else order
                for attempt in (o, "MDY" if o == "DMY" else "DMY"):
                    try:
                        day = datetime(*_ymd(attempt, a, b, c), tzinfo=zone)   # aware: + time keeps the zone
                        break
                    except ValueError:
                        continue
            date_cache[dtext] = day
        if day is None:
            return None
        key = (ttext, atext, ptext or "")
        hms = time_cache.get(key, False)
        if hms is False:
            hms = None
            nums = [int(x) for x in re.split(r"[:.]", key[0])]
            h, mi = nums[0], nums[1]
            s = nums[2] if len(nums) > 2 else 0
            marker = lx.ampm_of(key[2] or key[1])
            if marker is None:
                unknown.add((key[2] or key[1]).strip())
            elif marker and h <= 12:
                if marker == "am" and h == 12:
                    h = 0
                elif marker == "pm" and h < 12:
                    h += 12
            if h < 24 and mi < 60 and s < 60:
                hms = timedelta(hours=h, minutes=mi, seconds=s)
            time_cache[key] = hms
        if hms is None:
            return None
        return day + hms

    def _message(self, number: int, ts: datetime, sender: str | None, text: str, more: list[str] | None,
                 conv_key: str, tree: FileTree, loc_prefix: str) -> MessageRec:
        """One message from its first line's parts; `more` holds all its lines when it has several."""
        # MessageRec fields, positionally: conversation_key, ts, kind, text, sender_key, sender_name,
        # source_id, tz_known, reply_to, forwarded_from, edited, edited_ts, attachments, extra, location.
        if more is None:
            extra: dict = {}
        else:
            text = "\n".join(more)
            extra = {"lines": len(more)}
        location = f"{loc_prefix}{number}"
        if sender is None:
            extra["system"] = lx.system_kind(text) or "other"
            return MessageRec(conv_key, ts, MessageKind.SYSTEM, text, None, None, None, False, None, None, False,
                              None, [], extra, location)
        stripped = text.lstrip(MARKS)
        lrm = stripped != text
        text = stripped
        # Cheap tests first: most lines are plain text and skip every marker pattern below.
        edited = False
        short = len(text) <= 72
        if text[-1:] == ">":
            e = lx.EDITED.search(text)
            if e:
                edited = True
                text = text[: e.start()]
                short = len(text) <= 72
        if not short:
            m = None
        else:
            if _no_short_marker(text):
                m = None                   # cannot be any of them (see _heads)
            else:
                m = SHORT_MARKERS.match(text)
        if m is not None:
            if m.start(1) >= 0:            # DELETED
                return MessageRec(conv_key, ts, MessageKind.RECALLED, text, sender, sender, None, False, None, None,
                                  edited, None, [], extra, location)
            if m.start(2) < 0:             # LIVE_LOCATION (nothing between can match such a text)
                extra["live"] = True
                return MessageRec(conv_key, ts, MessageKind.LOCATION, text, sender, sender, None, False, None, None,
                                  edited, None, [], extra, location)
        elif text[:1] == "<" and not short:
            m = lx.MEDIA_OMITTED.match(text)
        if m is not None:                  # MEDIA_OMITTED
            what = (m.group("what") or "").lower()
            kind = lx.MEDIA_WHAT.get(what, "file" if what else "unknown")
            if what in CONTACT_WORDS:
                kind = "contact"
            extra["media_omitted"] = True
            return MessageRec(conv_key, ts, MessageKind(kind) if kind != "unknown" else MessageKind.FILE, None,
                              sender, sender, None, False, None, None, edited, None,
                              [AttachmentRef(status=AttachmentStatus.MISSING, extra={"omitted": True})], extra,
                              location)
        m = lx.ATTACHED.match(text) if text[:1] == "<" else (lx.FILE_ATTACHED.match(text) if " (" in text else None)
        if m:
            name = m.group("file").strip(STRIP)
            return MessageRec(conv_key, ts, _kind_of(name), m.group("caption") or None, sender, sender, None, False,
                              None, None, edited, None, [self._ref(tree, name)], extra, location)
        if "://" in text:
            m = lx.LOCATION.match(text)
            if m:
                extra.update(latitude=float(m.group("lat")), longitude=float(m.group("lon")), url=m.group("url"))
                return MessageRec(conv_key, ts, MessageKind.LOCATION, text, sender, sender, None, False, None, None,
                                  edited, None, [], extra, location)
        if "\n" in text and lx.POLL_HEAD.match(text):
            lines = text.split("\n")
            options = []
            question = []
            for ln in lines[1:]:
                om = lx.POLL_OPTION.match(ln)
                if om:
                    options.append({"text": om.group("text"), "votes": int(om.group("votes"))})
                elif not options:
                    question.append(ln)
            if options:
                extra["poll"] = {"question": "\n".join(question), "options": options}
                return MessageRec(conv_key, ts, MessageKind.POLL, text, sender, sender, None, False, None, None,
                                  edited, None, [], extra, location)
        if lrm:
            kind = lx.system_kind(text)
            if kind:
                extra["system"] = kind
                extra["shown_as"] = sender
                return MessageRec(conv_key, ts, MessageKind.SYSTEM, text, None, None, None, False, None, None,
                                  edited, None, [], extra, location)
        return MessageRec(conv_key, ts, MessageKind.TEXT, text, sender, sender, None, False, None, None, edited, None,
                          [], extra, location)

    def _ref(self, tree: FileTree, name: str) -> AttachmentRef:
        member = None if tree.kind == "file" else tree.find(name)   # a lone .txt holds no media
        if member is None:
            return AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=name)
        return AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                             status=AttachmentStatus.STORED, expected_path=member)

    def total_bytes(self, path: Path) -> int | None:
        tree = safe_tree(path)
        if tree is None:
            return None
        with tree:
            member = self._chat_member(tree)
            return tree.size(member) if member else None


def _kind_of(name: str) -> MessageKind:
    base = name.rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if base.upper().startswith("STK-") or "STICKER" in base.upper():
        return MessageKind.STICKER
    if base.upper().startswith(("PTT-", "AUD-")) or "-AUDIO-" in base.upper():
        return MessageKind.VOICE
    if "-PHOTO-" in base.upper():
        return MessageKind.IMAGE
    if "-VIDEO-" in base.upper():
        return MessageKind.VIDEO
    kind = lx.KIND_BY_EXT.get(ext)
    return MessageKind(kind) if kind else MessageKind.FILE


def _head_hits(head: bytes) -> tuple[int, str]:
    """How many of the first lines are WhatsApp timestamp lines, and which layout."""
    if not head or b"\x00" in head[:4096]:
        return 0, ""
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    hits = 0
    layout = ""
    for line in text.splitlines()[:12]:
        m = HEADER.match(line)
        if m:
            hits += 1
            if not layout:
                layout = "ios" if "[" in line[: m.start("date") + 1] else "android"
    return hits, layout


def _title_of(path: Path, member: str) -> str:
    """The chat's name from the export's file names ("WhatsApp Chat with Alice.txt" → "Alice")."""
    candidates = [Path(member).stem, path.stem if path.is_file() else path.name]
    for c in candidates:
        m = lx.EXPORT_NAME.match(c.strip())
        if m and m.group("title").strip():
            return m.group("title").strip()
    for c in candidates:
        if c and c not in ("_chat", "chat"):
            return c
    return path.stem or "WhatsApp chat"
