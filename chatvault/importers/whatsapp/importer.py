"""WhatsApp "Export chat" files: the `.txt`, or the `.zip` that "Attach media" produces.

One export is one conversation. Each message starts with a timestamp line in one of many layouts
(`stamps`): Android "12/24/19, 11:23 - Name: text", iOS "[24/12/2019, 11:23:45] Name: text", in any
phone locale and calendar (Arabic-Indic or Persian digits, direction marks inside the date, Buddhist,
Japanese, Minguo, Islamic, Persian and Hebrew years, the time before the date, AM/PM words in every
language). The text encoding is detected and reported (`encoding`). Day-first versus month-first is
decided from the whole file before any message is produced (`dateorder`), never from the computer's
locale: when the file cannot tell, the import stops and asks (`DateOrderNeeded`). The export carries
no time zone: timestamps are taken in `options["tz"]` (IANA name) or the computer's zone, and marked
`tz_known=False`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatvault.errors import InputError
from chatvault.importers.base import KNOWN_DATE_ORDERS, Detection, Importer, ImportOptions, detect_member
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.whatsapp import dateorder, stamps
from chatvault.importers.whatsapp import encoding as enc
from chatvault.importers.whatsapp import lexicon as lx
from chatvault.importers.whatsapp.calendars import GREGORIAN, ISLAMIC
from chatvault.importers.whatsapp.messages import (
    _HEAD,
    GROUP_EVENTS,
    SHORT_FIRST,
    SHORT_HEADS,
    STRIP,
    message,
)
from chatvault.importers.whatsapp.normalize import MARKS
from chatvault.jobs.context import JobContext
from chatvault.model import (
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
HEADER = stamps.FAST               # kept for callers that matched lines themselves


def system_zone(name: str | None = None) -> tzinfo:
    """The zone WhatsApp's wall-clock times are read in: `name`, $TZ, /etc/localtime, else UTC."""
    for candidate in (name, os.environ.get("TZ")):
        if candidate:
            try:
                return ZoneInfo(candidate.lstrip(":"))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                if candidate == name:
                    raise InputError(f"Unknown time zone {name!r}.", hint="Use an IANA name such as Europe/Berlin.",
                                     field="tz") from exc
    try:
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


class _Clock:
    """Timestamp parts → aware datetime, with the caches the hot loop shares."""

    def __init__(self, order: str, zone: tzinfo) -> None:
        self.dates = stamps.DateReader(order)
        self.zone = zone
        self.days: dict = {}             # date text (or its parts) → aware midnight or None
        self.times: dict = {}            # (time, after, before) → timedelta or None
        self.unknown: set[str] = set()   # AM/PM words not understood

    def day(self, key, text: str, era1: str | None = None, era2: str | None = None) -> datetime | None:
        got = self.days.get(key, False)
        if got is False:
            d = self.dates.read(text, era1, era2)
            got = self.days[key] = None if d is None else stamps.at(d, self.zone)
        return got

    def time(self, key: tuple[str, str | None, str | None]) -> timedelta | None:
        got = self.times.get(key, False)
        if got is False:
            word = key[2] or key[1]
            got, known = stamps.clock(key[0], word)
            if not known and word:
                self.unknown.add(word.strip())
            self.times[key] = got
        return got

    def of(self, s: stamps.Stamp) -> datetime | None:
        day = self.day((s.date, s.era1, s.era2), s.date, s.era1, s.era2)
        if day is None:
            return None
        hms = self.time((s.time, s.ampm, s.pre))
        return None if hms is None else day + hms


class WhatsAppImporter(Importer):
    name = "whatsapp"
    title = "WhatsApp chat export"
    description = ("The .txt from WhatsApp's \"Export chat\", or the .zip (or folder) made with \"Attach media\". "
                   "Android and iOS layouts in every phone language and calendar, any date order, 12/24 h clocks.")
    patterns = ("*.txt", "WhatsApp Chat*.zip", "_chat.txt")
    parser_version = 2
    recognised_by: ClassVar[str] = ("a text file (or a .txt inside a zip/folder) whose first lines start with a "
                                    "WhatsApp timestamp such as '12/24/19, 11:23 - ' or '[24.12.19, 11:23:45] '")

    # --- detection -----------------------------------------------------------------------
    def detect(self, path: Path) -> Detection:
        return detect_member(path, self._chat_member, "no .txt file with WhatsApp timestamp lines", self._judge)

    @staticmethod
    def _judge(tree: FileTree, member: str) -> Detection:
        hits, layout = _head_hits(tree.read_head(member, 8192))
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

    def _prepare(self, tree: FileTree, path: Path, member: str, opts: dict,
                 conv_key: str | None = None) -> tuple[enc.Encoding, enc.Counter, bool, dateorder.Decision]:
        """Encoding, whether the general timestamp grammar is needed, and the date order (one pass
        over the whole file: a date anywhere in it can decide the order)."""
        head = tree.read_head(member, 65536)
        encoding = enc.detect(head)
        counter = enc.Counter()
        sample = head[encoding.bom:].decode(encoding.codec, errors="replace")
        lines = sample.splitlines()[:60]
        fast_hits = sum(1 for ln in lines if stamps.fast(ln))
        general_hits = sum(1 for ln in lines if stamps.general(ln))
        general = general_hits > fast_hits
        with tree.open(member) as raw:
            if encoding.bom:
                raw.read(encoding.bom)
            if encoding.codec == "utf-8" and not general:
                seq = dateorder.scan_utf8(raw)  # type: ignore[arg-type]
            else:
                seq = dateorder.scan(dateorder.chunks_of(raw, encoding.codec, counter.name), general)  # type: ignore[arg-type]
        known = (opts.get(KNOWN_DATE_ORDERS) or {}).get(conv_key)   # the order this chat was stored with
        try:
            decision = dateorder.decide(seq, path.name, opts.get("date_order"), known=known)
        except dateorder.DateOrderNeeded as exc:
            exc.conversation_key = conv_key        # so the app can offer the order the vault holds for it
            raise
        return encoding, counter, general, decision

    def _notes(self, encoding: enc.Encoding, decision: dateorder.Decision, member: str) -> Iterator[ImportWarning]:
        if encoding.guessed:
            yield ImportWarning(f"This export is not UTF-8: it was read as {encoding.label}. If letters look wrong, "
                                "export the chat again from WhatsApp (it writes UTF-8).", location=member)
        for note in decision.notes:
            yield ImportWarning(note, location=member)

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
        title = opts.get("conversation") or _title_of(path, member)
        conv_key = title
        encoding, counter, general, decision = self._prepare(tree, path, member, opts, conv_key)
        yield from self._notes(encoding, decision, member)
        yield SourceRec(app="whatsapp", account=str(opts.get("account", "")), me_name=options.me)
        identity = {"app": "whatsapp", "names": [title]}       # joins the chat's other sources (ingest/chatmatch.py)
        yield ConversationRec(key=conv_key, title=title, kind=ConversationKind.UNKNOWN,
                              extra={"date_order": decision.order, "chat_identity": identity})
        clock = _Clock(decision.order, zone)
        counter.bad = 0                   # the scan counted the same bytes: count them once, below
        senders: dict[str, ParticipantRec] = {}
        raw = tree.open(member)
        if encoding.bom:
            raw.read(encoding.bom)
        readline = io.TextIOWrapper(raw, encoding=encoding.codec, errors=counter.name,  # type: ignore[arg-type]
                                    newline=None).readline
        loc_prefix = f"{member}:" if tree.kind != "file" else f"{path.name}:"
        state = {"group": False, "seen": False}
        yield from self._lines(readline, limit, size, ctx, clock, general, senders, options.me, conv_key,
                               tree, loc_prefix, state)
        raw.close()
        ctx.set_position(bytes_=size)
        if not state["seen"]:
            raise InputError(f"{path.name}: no WhatsApp message line was found in {member}.",
                             hint="This does not look like a WhatsApp chat export; try --format to choose another.",
                             field="format")
        for word in sorted(clock.unknown):
            yield ImportWarning(f"The time marker {word!r} is not a known AM/PM word; those times were read as written.",
                                location=member)
        if counter.bad:
            yield ImportWarning(f"{counter.bad:,} byte(s) of this export are not valid {encoding.label}; each was "
                                "kept as \ufffd. The rest was read as written.", location=member)
        calendars = sorted(clock.dates.calendars - {GREGORIAN})
        if ISLAMIC in calendars:
            yield ImportWarning("The dates are in the Islamic calendar; they were converted with the tabular (civil) "
                                "Islamic calendar. A phone set to Umm al-Qura may differ by a day.", location=member)
        people = len(senders) + (1 if options.me and options.me not in senders else 0)
        kind = ConversationKind.GROUP if (state["group"] or people > 2) else ConversationKind.DIRECT
        extra = {"export_member": member, "date_order": decision.order, "date_order_from": decision.how,
                 "encoding": encoding.label, "chat_identity": identity}
        if calendars:
            extra["calendars"] = calendars
        if counter.bad:
            extra["invalid_bytes"] = counter.bad
        yield ConversationRec(key=conv_key, title=title, kind=kind, participants=list(senders.values()), extra=extra)

    def _lines(self, readline, limit: int, size: int, ctx: JobContext, clock: _Clock, general: bool,
               senders: dict[str, ParticipantRec], me: str | None, conv_key: str, tree: FileTree,
               loc_prefix: str, state: dict) -> Iterator[Record]:
        """The records of every line. One long loop on purpose: it is the importer's hot path
        (~75k messages/s), and every function call or attribute lookup per line shows in the figure."""
        # The message being collected: its first line's number, time, sender and text; continuation
        # lines go to `p_more` (None while the message has one line, the common case).
        p_number = 0
        p_ts: datetime | None = None
        p_sender: str | None = None
        p_text: str | None = None       # None: no message started yet
        p_more: list[str] | None = None
        number = 0
        chars = 0
        check_every = 0
        last_stamp = None                # the previous header's timestamp text, and its time
        last_ts: datetime | None = None
        header_match = stamps.FAST.match
        slow = stamps.general if general else None
        marks = frozenset(MARKS)
        shortcut = SHORT_HEADS is not None       # `messages._no_short_marker`, inline below
        heads = SHORT_HEADS or frozenset()
        first_char = SHORT_FIRST
        text_kind = MessageKind.TEXT
        system = MessageKind.SYSTEM
        header_start = stamps.FAST_START
        blank = " \t" + MARKS
        days, times = clock.days, clock.times
        seen = False
        while True:
            line = readline(limit)
            if not line:
                break
            number += 1
            if line[-1:] == "\n":
                line = line[:-1]
            elif len(line) >= limit:     # over the cap: skip to the end of this line
                skipped = _skip_rest(readline, limit)
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
            end = -1
            m = header_match(line) if line[:1] in header_start else None
            if m is not None:
                # The groups up to the end of the AM/PM word are a function of the text up to there
                # (nothing after it can change which way the pattern matched it), so a repeated
                # stamp (messages in the same minute) reuses the previous time.
                stamp = line[:m.end(4)]
                if stamp == last_stamp:
                    ts = last_ts
                else:
                    dtext, ttext, atext, ptext = m.group(1, 3, 4, 2)
                    day = days.get(dtext)
                    if day is None:
                        day = clock.day(dtext, dtext)
                    hms = times.get((ttext, atext, ptext)) if day is not None else None
                    if hms is None and day is not None:
                        hms = clock.time((ttext, atext, ptext))
                    ts = None if hms is None else day + hms
                    last_stamp, last_ts = stamp, ts
                if ts is not None:
                    end = m.end()
            if end < 0 and slow is not None:
                s = slow(line)
                if s is not None:
                    ts = clock.of(s)
                    if ts is not None:
                        end = s.end
            if end < 0:
                if p_text is not None:
                    if p_more is None:
                        p_more = [p_text, line]
                    else:
                        p_more.append(line)
                elif line.strip(blank):
                    yield Unparsed(raw=line, location=f"{loc_prefix}{number}",
                                   reason="text before the first message line" if not seen
                                   else "not a message line", conversation_key=conv_key)
                continue
            seen = True
            if p_text is not None:
                t = p_text
                if p_more is None and p_sender is not None and t[:1] not in marks and t[-1:] != ">" \
                        and t[:1] != "<" and " (" not in t and "://" not in t \
                        and (len(t) > 72 or (shortcut and len(h := t[:_HEAD]) == _HEAD
                                             and (h.lower() not in heads if h.isascii() else first_char(h) is None))):
                    # Plain one-line text: every test in `message` would come out "no" (marks, edit
                    # note, short markers by their first letters, media, files, location, poll).
                    yield MessageRec(conv_key, p_ts, text_kind, t, p_sender, p_sender, None, False, None, None,
                                     False, None, [], {}, f"{loc_prefix}{p_number}")
                else:
                    rec = message(p_number, p_ts, p_sender, t, p_more, conv_key, tree, loc_prefix)
                    if rec.kind is system and rec.extra["system"] in GROUP_EVENTS:
                        state["group"] = True
                    yield rec
            rest = line[end:]
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
        state["seen"] = seen
        if p_text is not None:
            rec = message(p_number, p_ts, p_sender, p_text, p_more, conv_key, tree, loc_prefix)
            if rec.kind is system and rec.extra["system"] in GROUP_EVENTS:
                state["group"] = True
            yield rec

    def total_bytes(self, path: Path) -> int | None:
        tree = safe_tree(path)
        if tree is None:
            return None
        with tree:
            member = self._chat_member(tree)
            return tree.size(member) if member else None


def _skip_rest(readline, limit: int) -> int:
    """Read past the rest of an over-long line; how many characters were skipped (its newline not counted)."""
    skipped = 0
    while True:
        more = readline(limit)
        if not more:
            return skipped
        if more[-1:] == "\n":
            return skipped + len(more) - 1
        skipped += len(more)


def _head_hits(head: bytes) -> tuple[int, str]:
    """How many of the first lines are WhatsApp timestamp lines, and which layout."""
    if not head:
        return 0, ""
    encoding = enc.detect(head)
    if encoding.guessed is False and encoding.codec == "utf-8" and b"\x00" in head[:4096]:
        return 0, ""
    text = head[encoding.bom:].decode(encoding.codec, errors="ignore")
    hits = 0
    layout = ""
    for line in text.splitlines()[:12]:
        s = stamps.find(line)
        if s:
            hits += 1
            if not layout:
                layout = "ios" if "[" in line[:4] else "android"
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
