"""The text files imessage-exporter (ReagentX) writes with `--format txt`: one file per conversation
(named by its handle or group name), each message a block — the time ("May 17, 2022  5:29:42 PM",
perhaps followed by "(Read by you after 1 minute)"), the sender ("Me" or the handle/contact), the
body — with tapbacks listed under the message and attachments as file paths (copied beside the
export with `--copy-method`).

Times are the Mac's local time without a zone: read in the zone given (`tz`) or this computer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.openers import FileOpener
from chatvault.importers.whatsapp.importer import system_zone
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    MessageKind,
    MessageRec,
    Record,
    SourceRec,
)

STAMP = re.compile(r"^(?P<d>[A-Z][a-z]{2} \d{1,2}, \d{4})\s+(?P<t>\d{1,2}:\d{2}:\d{2} [AP]M)(?:\s+\((?P<note>[^)]*)\))?\s*$")
TAPBACK = re.compile(r"^\s*(?P<what>Loved|Liked|Disliked|Laughed at|Emphasized|Questioned|Reacted (?P<emoji>\S+) to)"
                     r"(?: by (?P<who>.+))?\s*$")
TAPBACK_EMOJI = {"Loved": "❤️", "Liked": "👍", "Disliked": "👎", "Laughed at": "😂", "Emphasized": "‼️",
                 "Questioned": "❓"}
FILE_LINE = re.compile(r"^(?:/|~/|\.{0,2}/?attachments/)\S.*\.[A-Za-z0-9]{2,5}$")
IMAGE = ("jpg", "jpeg", "png", "heic", "gif", "webp", "tiff")
VIDEO = ("mov", "mp4", "m4v")
AUDIO = ("caf", "m4a", "amr", "mp3", "aac")


class ImessageTxtImporter(Importer):
    name = "imessage-txt"
    title = "imessage-exporter text files"
    description = "Conversations written as .txt by imessage-exporter (one file per chat, or a folder of them)."
    patterns = ("*.txt",)
    recognised_by: ClassVar[str] = "a .txt whose blocks start with 'May 17, 2022  5:29:42 PM' then the sender"

    def detect(self, path: Path) -> Detection:
        files = _txt_files(path)
        for f in files[:5]:
            try:
                lines = f.read_text(encoding="utf-8", errors="replace").splitlines()[:40]
            except OSError:
                continue
            stamps = [i for i, ln in enumerate(lines) if STAMP.match(ln)]
            if stamps and stamps[0] == 0 and len(lines) > 1 and lines[1].strip():
                return Detection(0.85, f"imessage-exporter text: {f.name}", "txt")
        return Detection(0.0, "no imessage-exporter time lines")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        files = [f for f in _txt_files(path) if self._is_export(f)]
        if not files:
            raise InputError(f"{path.name} holds no imessage-exporter text files.",
                             hint="Choose a .txt written by imessage-exporter, or its folder.")
        zone = system_zone(options.options.get("tz"))
        yield SourceRec(app="imessage", me_name="Me")
        for f in files:
            ctx.check()
            key = f"txt/{f.stem}"
            senders = _senders(f)
            yield ConversationRec(key=key, title=f.stem, kind=ConversationKind.GROUP if len(senders - {"Me"}) > 1
                                  else ConversationKind.DIRECT)
            for n, rec in enumerate(self._messages(f, key, zone, path if path.is_dir() else path.parent), 1):
                if n % 512 == 0:
                    ctx.check()
                yield rec

    @staticmethod
    def _is_export(f: Path) -> bool:
        try:
            with open(f, encoding="utf-8", errors="replace") as fh:
                return bool(STAMP.match(fh.readline().rstrip("\n")))
        except OSError:
            return False

    def _messages(self, f: Path, key: str, zone, root: Path) -> Iterator[MessageRec]:
        block: list[str] = []
        start = 1
        with open(f, encoding="utf-8", errors="replace") as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.rstrip("\r\n")
                if STAMP.match(line) and (not block or block[-1] == ""):
                    if block:
                        rec = _block(block, key, zone, f, start, root)
                        if rec is not None:
                            yield rec
                    block, start = [line], n
                else:
                    block.append(line)
        if block:
            rec = _block(block, key, zone, f, start, root)
            if rec is not None:
                yield rec


def _senders(f: Path) -> set[str]:
    """Who wrote in a conversation file (the line after each time line): one quick pass."""
    out: set[str] = set()
    after = False
    with open(f, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if after and line.strip():
                out.add(line.strip())
            after = bool(STAMP.match(line.rstrip("\r\n")))
    return out


def _txt_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.suffix.lower() == ".txt" else []
    if path.is_dir():
        return sorted(p for p in path.glob("*.txt") if p.is_file())[:10_000]
    return []


def _block(lines: list[str], key: str, zone, f: Path, start: int, root: Path) -> MessageRec | None:
    m = STAMP.match(lines[0])
    if m is None or len(lines) < 2:
        return None
    ts = datetime.strptime(f"{m.group('d')} {m.group('t')}", "%b %d, %Y %I:%M:%S %p").replace(tzinfo=zone)
    sender = lines[1].strip()
    body, reactions, files = [], [], []
    in_tapbacks = False
    for line in lines[2:]:
        if line.strip() == "Tapbacks:":
            in_tapbacks = True
            continue
        t = TAPBACK.match(line) if in_tapbacks else None
        if t:
            emoji = t.group("emoji") or TAPBACK_EMOJI.get(t.group("what"), "👍")
            reactions.append({"emoji": emoji, "by": t.group("who") or None, "by_key": t.group("who") or None, "ts": None})
            continue
        in_tapbacks = False
        if FILE_LINE.match(line.strip()):
            files.append(line.strip())
        else:
            body.append(line)
    text = "\n".join(body).strip() or None
    rec = MessageRec(conversation_key=key, ts=ts, text=text, sender_key=sender, sender_name=sender, tz_known=False,
                     location=f"{f.name}:{start}")
    if sender == "Me":
        rec.extra["from_me"] = True
    if m.group("note"):
        rec.extra["status"] = m.group("note")
    if reactions:
        rec.extra["reactions"] = reactions
    for p in files:
        ext = p.rsplit(".", 1)[-1].lower()
        if rec.kind == MessageKind.TEXT:
            rec.kind = (MessageKind.IMAGE if ext in IMAGE else MessageKind.VIDEO if ext in VIDEO
                        else MessageKind.VOICE if ext in AUDIO else MessageKind.FILE)
        local = (root / p).resolve() if not p.startswith(("/", "~")) else None
        if local is not None and local.is_file() and root.resolve() in local.parents:
            rec.attachments.append(AttachmentRef(name=local.name, open=FileOpener(local), size_hint=local.stat().st_size,
                                                 status=AttachmentStatus.STORED, expected_path=p))
        else:
            rec.attachments.append(AttachmentRef(name=p.rsplit("/", 1)[-1], status=AttachmentStatus.MISSING,
                                                 expected_path=p))
    if rec.kind == MessageKind.TEXT and not rec.text:
        rec.kind = MessageKind.UNKNOWN
    return rec
