"""QQ's message manager exports (消息管理器 → 导出消息记录), as text (.txt) or web archive (.mht), for one
contact or group or all of them. Times are local without a zone: read in the zone given (`tz`) or
this computer's. QQ writes no message ids: messages are keyed by time, sender and text."""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.openers import BytesOpener
from chatvault.importers.qq import parse as P
from chatvault.importers.whatsapp import encoding
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

MAX_MHT = 1 << 30


class QQImporter(Importer):
    name = "qq"
    title = "QQ message manager export (.txt / .mht)"
    description = "Chats exported from QQ's message manager as text or as a web archive (.mht)."
    patterns = ("*.txt", "*.mht")
    recognised_by: ClassVar[str] = "a .txt or .mht with QQ's 消息分组 / 消息对象 headers"

    def detect(self, path: Path) -> Detection:
        if not path.is_file():
            return Detection(0.0, "not a file")
        try:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError:
            return Detection(0.0, "cannot be read")
        enc = encoding.detect(head)
        text = head[enc.bom:].decode(enc.codec, "replace")
        if path.suffix.lower() == ".mht" or text.lstrip().lower().startswith(("mime-version", "from:", "content-type")):
            if "QQ" in text[:4096] or "消息" in _mht_html_head(head):
                return Detection(0.9, "QQ message manager web archive", "mht")
            return Detection(0.0, "an MHT that is not QQ's")
        if "消息对象" in text and ("消息分组" in text or "消息记录" in text):
            return Detection(0.95, "QQ message manager text export", "txt")
        return Detection(0.0, "no 消息对象 header")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        if not path.is_file():
            raise InputError(f"{path} is not a QQ export file.", hint="Choose the .txt or .mht QQ exported.")
        zone = system_zone(options.options.get("tz"))
        yield SourceRec(app="qq", me_name=options.me)
        if path.suffix.lower() == ".mht" or self.detect(path).variant == "mht":
            items, images = self._mht(path)
        else:
            with open(path, "rb") as fh:
                enc = encoding.detect(fh.read(65536))
            if enc.guessed:
                yield ImportWarning(f"{path.name} is not UTF-8: read as {enc.label}.", path.name)
            items, images = _text_items(path, enc), {}
        seen: set[str] = set()
        n = 0
        for item in items:
            n += 1
            if n % 512 == 0:
                ctx.check()
            if isinstance(item, tuple):
                yield Unparsed(raw=item[1], location=f"{path.name}:{item[0]}", reason="not part of a QQ message")
                continue
            key = f"{item.group}/{item.chat}"
            if key not in seen:
                seen.add(key)
                group = "群" in item.group or "group" in item.group.lower()
                yield ConversationRec(key=key, title=item.chat, extra={"qq_group": item.group},
                                      kind=ConversationKind.GROUP if group else ConversationKind.DIRECT)
            yield _record(item, key, zone, path.name, images)

    def _mht(self, path: Path) -> tuple[Iterator, dict[str, bytes]]:
        if path.stat().st_size > MAX_MHT:
            raise InputError(f"{path.name} is over 1 GiB.", hint="Export fewer chats at a time from QQ.")
        with open(path, "rb") as fh:
            msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
        html, images = "", {}
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype == "text/html" and not html:
                payload = part.get_payload(decode=True) or b""
                html = payload.decode(part.get_content_charset() or "utf-8", "replace")
            elif ctype.startswith("image/"):
                name = (part.get("Content-Location") or part.get_filename() or "").strip()
                if name:
                    images[name] = part.get_payload(decode=True) or b""
        if not html:
            raise InputError(f"{path.name} holds no HTML part.", hint="Export again as .mht from QQ's message manager.")
        return P.mht_messages(html), images


def _text_items(path: Path, enc: encoding.Encoding) -> Iterator:
    """The text export's messages, the file closed when they end (or the reader stops)."""
    with open(path, "rb") as raw:
        raw.seek(enc.bom)
        yield from P.text_messages(io.TextIOWrapper(raw, encoding=enc.codec, errors="replace"))


def _mht_html_head(head: bytes) -> str:
    return head.decode("utf-8", "replace")[:65536]


def _record(item: P.QMessage, key: str, zone, file_name: str, images: dict[str, bytes]) -> MessageRec:
    rec = MessageRec(conversation_key=key, ts=item.when.replace(tzinfo=zone), text=item.text or None,
                     sender_key=item.sender_id or item.sender, sender_name=item.sender, tz_known=False,
                     location=f"{file_name}:{item.line}")
    if item.sender_id:
        rec.extra["qq"] = item.sender_id
    for src in item.images:
        data = images.get(src) or images.get(src.rsplit("/", 1)[-1])
        name = src.rsplit("/", 1)[-1] or "image"
        if data is not None:
            rec.attachments.append(AttachmentRef(name=name, open=BytesOpener(data), size_hint=len(data),
                                                 status=AttachmentStatus.STORED))
        else:
            rec.attachments.append(AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=src))
    text = (item.text or "").strip()
    if item.images and (not text or text in ("[图片]", "[表情]")):
        rec.kind = MessageKind.IMAGE
    elif text in ("[图片]", "[表情]"):
        rec.kind = MessageKind.IMAGE if text == "[图片]" else MessageKind.STICKER
        rec.extra["placeholder"] = text
    elif text in ("[文件]", "[语音]", "[视频]"):
        rec.kind = {"[文件]": MessageKind.FILE, "[语音]": MessageKind.VOICE, "[视频]": MessageKind.VIDEO}[text]
        rec.extra["placeholder"] = text
    elif not text:
        rec.kind = MessageKind.UNKNOWN
    return rec
