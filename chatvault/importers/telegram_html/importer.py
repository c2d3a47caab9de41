"""Telegram Desktop's "Export chat history" in the HTML format (`messages.html`, `messages2.html` …
beside `photos/`, `files/`, `voice_messages/` …), one chat, or a full export's `chats/chat_NNN/`.

Messages keep Telegram's ids (`id="message123"`, the same ids the JSON export has). Newer exports
write each message's time with its UTC offset; older ones without it: those times are read in the
zone given (`tz`) or this computer's, and marked so. Choose the JSON format when exporting if you
can (it holds more: edits, reactions, entities); this reads what the HTML shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import ClassVar

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.openers import TreeMember
from chatvault.importers.telegram_html.parse import DATE, Msg, PageParser
from chatvault.importers.whatsapp.importer import system_zone
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
    MessageKind,
    MessageRec,
    Record,
    SourceRec,
    Unparsed,
)

PAGE = re.compile(r"(?:^|/)messages(\d*)\.html$")
MAX_PAGE = 64 << 20
KINDS = {"image": MessageKind.IMAGE, "video": MessageKind.VIDEO, "voice": MessageKind.VOICE, "file": MessageKind.FILE,
         "sticker": MessageKind.STICKER, "location": MessageKind.LOCATION, "contact": MessageKind.CONTACT,
         "poll": MessageKind.POLL, "call": MessageKind.CALL, "link": MessageKind.LINK, "payment": MessageKind.PAYMENT}


def chats(tree: FileTree) -> dict[str, list[str]]:
    """Chat folder → its pages in order (messages.html, messages2.html …)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for n in tree.names():
        m = PAGE.search(n)
        if m:
            out.setdefault(n[: m.start() + (1 if m.start() else 0)].rstrip("/"), []).append((int(m.group(1) or 1), n))
    return {k: [n for _i, n in sorted(v)] for k, v in sorted(out.items())}


class TelegramHtmlImporter(Importer):
    name = "telegram-html"
    title = "Telegram Desktop export (HTML)"
    description = "Telegram Desktop's chat export in the HTML format (messages.html and its media folders)."
    patterns = ("messages.html",)
    recognised_by: ClassVar[str] = "messages.html pages written by Telegram Desktop (div.message with id=\"messageN\")"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            found = chats(tree)
            for pages in list(found.values())[:3]:
                head = tree.read_head(pages[0], 8192)
                if b'class="message' in head and (b"Exported Data" in head or b"page_header" in head):
                    return Detection(0.95, f"Telegram HTML export: {len(found)} chat(s)", "html")
        return Detection(0.0, "no Telegram messages.html")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path.parent if path.is_file() else path)
        zone = system_zone(options.options.get("tz"))
        try:
            found = chats(tree)
            if not found:
                raise InputError(f"{path.name} holds no Telegram messages.html.",
                                 hint="Choose the folder Telegram Desktop exported (with messages.html).")
            yield SourceRec(app="telegram", me_name=options.me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            for folder, pages in found.items():
                yield from self._chat(tree, folder, pages, zone, ctx)
        finally:
            tree.close()

    def _chat(self, tree: FileTree, folder: str, pages: list[str], zone, ctx: JobContext) -> Iterator[Record]:
        key: str | None = None
        sender = ""
        n = 0
        for page in pages:
            ctx.check()
            if tree.size(page) > MAX_PAGE:
                yield Unparsed(raw="", location=page, reason="a page over 64 MiB (Telegram writes about 1,000 messages "
                                                             "per page)", conversation_key=key)
                continue
            parser = PageParser()
            with tree.open(page) as fh:
                parser.feed(fh.read().decode("utf-8", "replace"))
            parser.close()
            if key is None:
                title = parser.title or (folder.rsplit("/", 1)[-1] if folder else "Telegram chat")
                key = f"html/{folder or title}"
                senders = {m.sender for m in parser.messages if m.sender}
                yield ConversationRec(key=key, title=title,
                                      kind=ConversationKind.GROUP if len(senders) > 2 else ConversationKind.DIRECT)
            base = folder + "/" if folder else ""
            for m in parser.messages:
                n += 1
                if n % 256 == 0:
                    ctx.check()
                if m.service and (m.id.startswith("-") or not m.date_title):
                    continue                          # a date separator ("17 January 2023"), not a message
                sender = m.sender or (sender if m.joined else "")
                yield _record(tree, base, key, m, sender, zone, f"{page}#message{m.id}")


def _when(title: str, zone) -> tuple[datetime, bool] | None:
    d = DATE.search(title)
    if not d:
        return None
    day, mon, year, h, mi, s, oh, om = d.groups()
    if oh is not None:
        sign = -1 if oh.startswith("-") else 1
        tz = timezone(sign * timedelta(hours=abs(int(oh)), minutes=int(om or 0)))
        known = True
    else:
        tz, known = zone, False
    try:
        return datetime(int(year), int(mon), int(day), int(h), int(mi), int(s), tzinfo=tz), known
    except ValueError:
        return None


def _record(tree: FileTree, base: str, key: str, m: Msg, sender: str, zone, where: str) -> Record:
    parsed = _when(m.date_title, zone)
    if parsed is None:
        return Unparsed(raw=f"{m.sender}: {m.text}"[:65536], location=where, reason="no date in the message",
                        conversation_key=key)
    ts, known = parsed
    text = re.sub(r"[ \t]+\n", "\n", m.text).strip() or None
    rec = MessageRec(conversation_key=key, ts=ts, tz_known=known, source_id=m.id, location=where,
                     text=text, sender_key=sender or None, sender_name=sender or None, reply_to=m.reply_to)
    if m.forwarded_from:
        rec.forwarded_from = DATE.sub("", m.forwarded_from).strip() or None
    if m.service:
        rec.kind = MessageKind.SYSTEM
        rec.sender_key = rec.sender_name = None
        return rec
    for kind, href in m.media:
        rec.kind = KINDS.get(kind, MessageKind.FILE) if rec.kind == MessageKind.TEXT else rec.kind
        if href.startswith(("http://", "https://", "#")) or kind in ("location", "contact", "poll", "call"):
            if href.startswith("http"):
                rec.extra["url"] = href
            continue
        member = tree.find(base + href) or tree.find(href)
        name = href.rsplit("/", 1)[-1]
        if member is None:
            rec.attachments.append(AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=href))
        else:
            rec.attachments.append(AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                                                 status=AttachmentStatus.STORED, expected_path=href))
    if m.media_title and rec.kind in (MessageKind.FILE, MessageKind.VOICE, MessageKind.CALL, MessageKind.POLL):
        rec.extra["title"] = m.media_title
    if rec.kind == MessageKind.TEXT and not rec.text:
        rec.kind = MessageKind.UNKNOWN
    return rec
