"""LINE chat history saved as text ("Save chat" / "Send chat history" → .txt) from the iOS, Android
and desktop apps, in any of LINE's languages (Japanese, English, Chinese, Korean, Thai, German,
Indonesian): `lexicon` holds the words, `parse` the line grammar.

LINE writes local wall-clock times without a zone: they are read in the zone given (`tz`, the import
dialog's Time zone) or this computer's, and marked as such (`tz_known=False`). LINE gives no message
ids: the import engine keys each message by its time, sender and text, so a later save of the same
chat adds only what is new.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.line import lexicon as L
from chatvault.importers.line import parse as P
from chatvault.importers.whatsapp import encoding
from chatvault.importers.whatsapp.importer import system_zone
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

HEAD_BYTES = 64 << 10


class LineImporter(Importer):
    name = "line"
    title = "LINE chat history (.txt)"
    description = "A LINE chat saved as text from the iOS, Android or desktop app, in any of LINE's languages."
    patterns = ("[LINE]*.txt", "*.txt")
    recognised_by: ClassVar[str] = ("a .txt whose first line is '[LINE] …' (the chat's name), or that starts with "
                                    "a LINE day line followed by 'HH:MM name text' lines")

    def detect(self, path: Path) -> Detection:
        if not path.is_file():
            return Detection(0.0, "not a file")
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            return Detection(0.0, "cannot be read")
        if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return Detection(0.0, "binary")
        enc = encoding.detect(head)
        text = head[enc.bom:].decode(enc.codec, "replace")
        lines = [ln for ln in text.splitlines()[:40] if ln.strip()]
        if not lines:
            return Detection(0.0, "empty")
        if lines[0].lstrip("\ufeff").startswith("[LINE]"):
            return Detection(0.95, f"LINE chat history: {P.header_title(lines[0]) or ''}", "header")
        days = [i for i, ln in enumerate(lines[:5]) if P.day_line(ln)]
        if days and any(L.TIME.match(ln) for ln in lines[days[0] + 1:days[0] + 4]):
            return Detection(0.7, "LINE chat history (desktop, no header)", "desktop")
        return Detection(0.0, "no '[LINE]' header and no LINE day line")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        if not path.is_file():
            raise InputError(f"{path} is not a LINE chat file.", hint="Choose the .txt LINE saved.")
        zone = system_zone(options.options.get("tz"))
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        enc = encoding.detect(head)
        if enc.guessed:
            yield ImportWarning(f"{path.name} is not UTF-8: read as {enc.label}.", path.name)
        title, tabbed, order = self._survey(path, enc)
        if title is None:
            title = path.stem.removeprefix("[LINE]").strip() or path.stem
        key = f"chat/{title}"
        senders: dict[str, int] = {}
        with self._open(path, enc) as text:          # who wrote, for "me" and the members (nothing kept)
            for item in P.lines_of(text, order, tabbed):
                if not isinstance(item, tuple) and item.sender and not item.system:
                    senders[item.sender] = senders.get(item.sender, 0) + 1
        me = options.me or _me(title, senders)
        yield SourceRec(app="line", me_name=me)
        kind = ConversationKind.GROUP if len(senders) > 2 else ConversationKind.DIRECT if senders else \
            ConversationKind.UNKNOWN
        yield ConversationRec(key=key, title=title, kind=kind,
                              participants=[ParticipantRec(s, s, is_me=s == me) for s in senders])
        n = 0
        with self._open(path, enc) as text:
            for item in P.lines_of(text, order, tabbed):
                n += 1
                if n % 512 == 0:
                    ctx.check()
                if isinstance(item, tuple):
                    yield Unparsed(raw=item[1], location=f"{path.name}:{item[0]}", reason="not a LINE message line",
                                   conversation_key=key)
                else:
                    yield _record(item, key, zone, path.name)

    def _open(self, path: Path, enc: encoding.Encoding) -> io.TextIOWrapper:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the wrapper
        raw.seek(enc.bom)
        return io.TextIOWrapper(raw, encoding=enc.codec, errors="replace", newline=None)

    def _survey(self, path: Path, enc: encoding.Encoding) -> tuple[str | None, bool, str]:
        """First pass: the header's title, whether fields are tab-separated, and the date order."""
        title = None
        tabbed = False
        days = []
        with self._open(path, enc) as text:
            for n, line in enumerate(text):
                if n == 0 and line.lstrip("\ufeff").startswith("[LINE]"):
                    title = P.header_title(line)
                    continue
                if not tabbed and "\t" in line and L.TIME.match(line):
                    tabbed = True
                d = P.day_line(line)
                if d is not None:
                    days.append(d)
        return title, tabbed, P.decide_order(days)


def _me(title: str, senders: dict[str, int]) -> str | None:
    """In a one-to-one chat the title is the other person: "me" is the other sender."""
    if len(senders) == 2 and title in senders:
        return next(s for s in senders if s != title)
    return None


def _record(item: P.Line, key: str, zone, file_name: str) -> MessageRec:
    ts = P.aware(item.day, item.clock, zone)
    rec = MessageRec(conversation_key=key, ts=ts, text=item.text or None, sender_key=item.sender,
                     sender_name=item.sender, tz_known=False, location=f"{file_name}:{item.lineno}")
    text = (item.text or "").strip()
    if item.extra.get("unsent"):
        rec.kind = MessageKind.RECALLED
        rec.extra["recalled"] = {"by": item.sender}
        return rec
    if item.system:
        rec.kind = MessageKind.SYSTEM
        rec.sender_key = rec.sender_name = None
        return rec
    if text in L.PLACEHOLDERS:
        rec.kind = L.PLACEHOLDERS[text]
        rec.extra["placeholder"] = text       # LINE's text export names the media; it never holds it
        if rec.kind == MessageKind.PAYMENT:
            rec.extra["payment"] = "gift"
        return rec
    if text.startswith("☎"):
        rec.kind = MessageKind.CALL
        d = L.DURATION.search(text)
        if d:
            h, m, s = (int(d.group(1)), int(d.group(2)), d.group(3))
            rec.extra["duration_seconds"] = h * 3600 + m * 60 + int(s) if s is not None else h * 60 + m
        if L.CALL_MISSED.search(text):
            rec.extra["outcome"] = "missed"
        elif L.CALL_CANCELLED.search(text):
            rec.extra["outcome"] = "cancelled"
        elif L.CALL_DECLINED.search(text):
            rec.extra["outcome"] = "declined"
        return rec
    if text.startswith(("http://", "https://")) and " " not in text and "\n" not in text:
        rec.kind = MessageKind.LINK
        rec.extra["url"] = text
    return rec
