"""The JSON that WhatsApp-Chat-Exporter (KnugiHK) writes from an Android msgstore.db or an iPhone
backup (`result.json`, or one file per chat with `--per-chat`): `{chat jid: {name, type, messages:
{id: {from_me, timestamp, key_id, data, sender, media, mime, meta, reply, quoted_data, caption,
sticker, ...}}}}`, with the media it copied beside it.

Messages keep WhatsApp's own `key_id`, the chats their JIDs, under the WhatsApp app, so the same
chats read later from the phone's database or an iPhone backup meet the same keys (docs/import.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers import jsonstream
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
from chatvault.importers.openers import TreeMember
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

MIME_KINDS = (("image/webp", MessageKind.STICKER), ("image/", MessageKind.IMAGE), ("video/", MessageKind.VIDEO),
              ("audio/", MessageKind.VOICE))


def looks_like(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and (b"@s.whatsapp.net" in head or b"@g.us" in head) and b'"key_id"' in head \
        and b'"from_me"' in head


def _files(tree: FileTree) -> list[str]:
    return sorted(n for n in tree.names() if n.lower().endswith(".json") and looks_like(tree.read_head(n, 16384)))


class WaExporterImporter(Importer):
    name = "wa-exporter"
    title = "WhatsApp-Chat-Exporter JSON"
    description = "The JSON WhatsApp-Chat-Exporter writes from a phone's WhatsApp database, with its media folder."
    patterns = ("result.json", "*.json")
    recognised_by: ClassVar[str] = "JSON keyed by chat JIDs (…@s.whatsapp.net / …@g.us) whose messages have key_id and from_me"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            names = sorted(n for n in tree.names() if n.lower().endswith(".json"))[:20]
            found = [n for n in names if looks_like(tree.read_head(n, 16384))]
        if not found:
            return Detection(0.0, "no WhatsApp-Chat-Exporter JSON")
        return Detection(0.95, f"WhatsApp-Chat-Exporter JSON: {found[0]}", "json")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        lone = path.is_file()
        tree = FileTree(path.parent if lone else path)
        try:
            files = [path.name] if lone else _files(tree)
            if not files:
                raise InputError(f"{path.name} holds no WhatsApp-Chat-Exporter JSON.",
                                 hint="Choose result.json (or the folder WhatsApp-Chat-Exporter wrote).")
            yield SourceRec(app="whatsapp", me_name=options.me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            for member in files:
                yield from self._file(tree, member, ctx)
        finally:
            tree.close()

    def _file(self, tree: FileTree, member: str, ctx: JobContext) -> Iterator[Record]:
        """{jid: {name, ..., messages: {id: {...}}}}: one message object at a time (depth 4)."""
        base = member.rsplit("/", 1)[0] + "/" if "/" in member else ""
        n = 0
        current: str | None = None
        name: str | None = None
        announced: set[str] = set()
        try:
            with tree.open(member) as raw:
                events = ijson.parse(BoundedJson(raw, member, item_depth=4), use_float=True)
                for what, value, path in jsonstream.walk(events, 4):
                    if what == "key" and len(path) == 1:
                        current, name = value, None
                    elif what == "scalar" and len(path) == 2 and path[1] == "name" and isinstance(value, str):
                        name = value
                    elif what == "item" and current is not None:
                        if current not in announced:
                            announced.add(current)
                            group = current.endswith("@g.us")
                            yield ConversationRec(key=current, title=name or current.split("@")[0],
                                                  kind=ConversationKind.GROUP if group else ConversationKind.DIRECT)
                        n += 1
                        if n % 512 == 0:
                            ctx.check()
                        msg_id = path[-1] if path else str(n)
                        yield _message(tree, base, current, name, msg_id, value, f"{member}: {current}/{msg_id}")
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}",
                           reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]})")
        except InputError as exc:
            yield Unparsed(raw="", location=member, reason=exc.message)


def _message(tree: FileTree, base: str, key: str, chat_name: str | None, msg_id: str, m: Any, where: str) -> Record:
    if not isinstance(m, dict) or not isinstance(m.get("timestamp"), int | float) or isinstance(m.get("timestamp"), bool):
        return Unparsed(raw=json.dumps(m, ensure_ascii=False, default=str)[:65536], location=where,
                        reason="no timestamp", conversation_key=key)
    ts_raw = float(m["timestamp"])
    ts = datetime.fromtimestamp(ts_raw / 1000 if ts_raw > 9_999_999_999 else ts_raw, UTC)
    from_me = bool(m.get("from_me"))
    if from_me:
        sender_key, sender_name = "me", "Me"
    else:
        who = m.get("sender") if isinstance(m.get("sender"), str) and m.get("sender") else None
        sender_key = who or (key if not key.endswith("@g.us") else None)
        sender_name = who or chat_name or key.split("@")[0]
    data = m.get("data") if isinstance(m.get("data"), str) else None
    rec = MessageRec(conversation_key=key, ts=ts, sender_key=sender_key, sender_name=sender_name, location=where,
                     source_id=str(m.get("key_id") or msg_id))
    if from_me:
        rec.extra["from_me"] = True
    if m.get("meta"):
        rec.kind = MessageKind.SYSTEM
        rec.text = data
        rec.sender_key = rec.sender_name = None
        return rec
    if m.get("reply"):
        rec.reply_to = str(m["reply"])
    if isinstance(m.get("quoted_data"), str):
        rec.extra["quoted"] = {"content": m["quoted_data"]}
    if m.get("media"):
        mime = m.get("mime") if isinstance(m.get("mime"), str) else ""
        rec.kind = next((k for prefix, k in MIME_KINDS if mime.startswith(prefix)), MessageKind.FILE)
        if m.get("sticker"):
            rec.kind = MessageKind.STICKER
        rec.text = m.get("caption") if isinstance(m.get("caption"), str) and m.get("caption") else None
        rec.attachments.append(_attachment(tree, base, data, mime))
    else:
        rec.text = data
        if data is None:
            rec.kind = MessageKind.RECALLED if m.get("message_type") in (15, 64) else MessageKind.UNKNOWN
    return rec


def _attachment(tree: FileTree, base: str, data: str | None, mime: str) -> AttachmentRef:
    if not data or data.startswith(("The media is missing", "{")):
        return AttachmentRef(status=AttachmentStatus.MISSING, mime_hint=mime or None,
                             extra={"reason": data or "not exported"})
    rel = data.replace("\\", "/")
    for candidate in (base + rel.lstrip("./"), rel.lstrip("./")):
        if candidate in tree:
            return AttachmentRef(name=rel.rsplit("/", 1)[-1], open=TreeMember(tree, candidate), mime_hint=mime or None,
                                 size_hint=tree.size(candidate), status=AttachmentStatus.STORED, expected_path=rel)
    found = tree.find(rel)
    if found:
        return AttachmentRef(name=rel.rsplit("/", 1)[-1], open=TreeMember(tree, found), mime_hint=mime or None,
                             size_hint=tree.size(found), status=AttachmentStatus.STORED, expected_path=rel)
    return AttachmentRef(name=rel.rsplit("/", 1)[-1], status=AttachmentStatus.MISSING, mime_hint=mime or None,
                         expected_path=rel)
