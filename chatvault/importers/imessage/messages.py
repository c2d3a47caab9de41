"""One `message` row of a Messages database as a `MessageRec`: text (from `text` or the archived
`attributedBody`), kind (attachments, app and URL balloons, group events), edits and unsent parts
(`message_summary_info`), thread replies (`thread_originator_guid`) and tapbacks folded into the
message they react to."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from chatvault.importers.imessage import dbread, payload, typedstream
from chatvault.importers.imessage.chats import Chats
from chatvault.importers.imessage.handles import ME_KEY
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    MessageKind,
    MessageRec,
    Record,
)

MESSAGE_COLUMNS = (
    "guid", "text", "attributedBody", "handle_id", "is_from_me", "date", "date_edited", "date_retracted",
    "service", "subject", "item_type", "group_action_type", "group_title", "other_handle",
    "associated_message_guid", "associated_message_type", "associated_message_emoji", "balloon_bundle_id",
    "payload_data", "message_summary_info", "thread_originator_guid", "thread_originator_part",
    "is_audio_message", "expressive_send_style_id", "share_status", "error", "date_read", "date_delivered",
)
C = {name: i + 2 for i, name in enumerate(MESSAGE_COLUMNS)}      # row: ROWID, chat id, *MESSAGE_COLUMNS
LINK_ATTR = b"__kIMLinkAttributeName"
OBJ = "\ufffc"                                                   # an attachment's place in the text
UNSENT_TEXT = "This message was unsent."

TAPBACKS = {0: ("love", "❤️"), 1: ("like", "👍"), 2: ("dislike", "👎"), 3: ("laugh", "😂"),
            4: ("emphasize", "‼️"), 5: ("question", "❓"), 6: ("emoji", None), 7: ("sticker", "🏷️")}
STICKER_ON_MESSAGE = 1000


@dataclass
class AttachmentRow:
    rowid: int
    guid: str | None
    filename: str | None
    mime_type: str | None
    uti: str | None
    transfer_name: str | None
    total_bytes: int | None
    is_sticker: int | None
    is_outgoing: int | None
    transfer_state: int | None
    hide_attachment: int | None
    created_date: int | None


def split_target(assoc: str | None) -> tuple[str | None, int | None]:
    """`p:1/GUID` → (GUID, 1); `bp:GUID` → (GUID, None); a bare GUID → (GUID, None)."""
    if not assoc:
        return None, None
    s = str(assoc)
    if s.startswith("p:") and "/" in s:
        part, guid = s[2:].split("/", 1)
        return guid, int(part) if part.isdigit() else None
    if s.startswith("bp:"):
        return s[3:], None
    return s, None


def tapback(kind: int, emoji: str | None) -> tuple[str, str, bool] | None:
    """(type name, emoji, removed) of an `associated_message_type` 2000–2007 / 3000–3007."""
    removed = 3000 <= kind <= 3007
    base = kind - (3000 if removed else 2000)
    if base not in TAPBACKS:
        return None
    name, default = TAPBACKS[base]
    return name, (emoji or default or "?"), removed


class Reactions:
    """Every tapback of the database by the message it reacts to, read before the messages."""

    def __init__(self) -> None:
        self.by_target: dict[str, list[dict[str, Any]]] = {}
        self.guids: set[str] = set()

    @classmethod
    def load(cls, op: dbread.Opened, ctx: JobContext, chats: Chats) -> Reactions:
        """Read past damage like the messages themselves (the same pages are lost to both passes),
        then applied in time order."""
        self = cls()
        cols = op.columns("message")
        if "associated_message_type" not in cols:
            return self
        sel = op.select("message", ("guid", "handle_id", "is_from_me", "date", "associated_message_guid",
                                    "associated_message_type", "associated_message_emoji", "text"))
        found = list(dbread.rows(op, f"SELECT message.ROWID, NULL, {sel} FROM message", ctx, [],
                                 where="associated_message_type BETWEEN 2000 AND 3999"))
        found.sort(key=lambda r: (r[5] or 0, r[0]))      # by date, then ROWID
        for row in found:
            self._add(row, chats)
        return self

    def _add(self, row: tuple, chats: Chats) -> None:
        rowid, _chat, guid, hid, mine, date, assoc, kind, emoji, text = row
        target, part = split_target(assoc)
        tb = tapback(int(kind or 0), emoji)
        if not guid or not target or tb is None or (tb[0] == "sticker" and not tb[2]):
            return                      # a sticker tapback carries its sticker: it stays a message
        at = payload.apple_time(date)
        self.guids.add(str(guid))
        self.by_target.setdefault(target, []).append({
            "guid": str(guid), "type": tb[0], "emoji": tb[1], "removed": tb[2], "part": part,
            "by_key": ME_KEY if mine else chats.handles.get(int(hid or 0)),
            "ts": int(at.timestamp() * 1000) if at else None,
            "at": at.isoformat() if at else None, "text": text, "rowid": rowid, "chat": chats.chat_of(rowid)})

    def take(self, guid: str) -> tuple[list[dict], list[dict]] | None:
        """(current reactions, full history) of message `guid`, once."""
        events = self.by_target.pop(guid, None)
        if not events:
            return None
        current: dict[tuple, dict] = {}
        history = []
        for e in events:
            slot = (e["by_key"], e["part"])
            by = None if e["by_key"] == ME_KEY else e["by_key"]       # (shown: the handle; mine without a name)
            history.append({"by": by, **{k: e[k] for k in ("guid", "type", "emoji", "removed", "part", "by_key",
                                                            "ts", "at")}})
            if e["removed"]:
                current.pop(slot, None)
            else:
                current[slot] = {"by": by, **{k: e[k] for k in ("emoji", "type", "by_key", "ts", "at", "part")}}
        return list(current.values()), history


def _opener(path: Path):
    def open_() -> BinaryIO:
        return path.open("rb")
    return open_


def _mime(a: AttachmentRow, name: str) -> str | None:
    if a.mime_type:
        return str(a.mime_type)
    guess = mimetypes.guess_type(name)[0]
    if guess:
        return guess
    uti = str(a.uti or "")
    return {"public.heic": "image/heic", "public.jpeg": "image/jpeg", "public.png": "image/png",
            "com.apple.quicktime-movie": "video/quicktime", "com.apple.coreaudio-format": "audio/x-caf",
            "public.mpeg-4": "video/mp4"}.get(uti)


class Mapper:
    """Turns message rows into records; keeps which conversations were announced."""

    def __init__(self, db: Path, label: str, resolve, attachments: dict[int, list[AttachmentRow]],
                 reactions: Reactions, chats: Chats) -> None:
        self.db = db
        self.label = label
        self.resolve = resolve
        self.attachments = attachments
        self.reactions = reactions
        self.chats = chats

    def _sender(self, row: tuple) -> str | None:
        if row[C["is_from_me"]]:
            return ME_KEY
        return self.chats.handles.get(int(row[C["handle_id"]] or 0))

    def row(self, row: tuple) -> Iterator[Record]:
        guid = row[C["guid"]]
        where = f"{self.label}#ROWID={row[0]}"
        kind = int(row[C["associated_message_type"]] or 0)
        if 2000 <= kind <= 3999 and guid and str(guid) in self.reactions.guids:
            return                                             # folded into the message it reacts to
        sender = self._sender(row)
        other = self.chats.handles.get(int(row[C["handle_id"]] or 0))     # (on my messages: whom I wrote to)
        conv, rec = self.chats.conversation(self.chats.chat_of(row[0]), other or sender)
        if rec is not None:
            yield rec
        ts = payload.apple_time(row[C["date"]])
        if ts is None:
            ts = payload.APPLE_EPOCH
        msg = MessageRec(conversation_key=conv.key, ts=ts, sender_key=sender, source_id=str(guid) if guid else None,
                         location=where)
        self._fill(msg, row, kind)
        if guid:
            got = self.reactions.take(str(guid))
            if got:
                msg.extra["reactions"], msg.extra["reaction_history"] = got
        if "reaction_history" in msg.extra or "edits" in msg.extra:
            msg.extra["live"] = True          # a later copy brings new tapbacks and edits (ingest/reconcile.py)
        yield msg

    def _text(self, row: tuple) -> tuple[str | None, typedstream.AttributedText | None]:
        """The text (the `text` column, else the archived body) and, where the body marks links, the
        parsed attributed string (walking every body's attributes would cost ~20x the quick read)."""
        body = bytes(row[C["attributedBody"]]) if row[C["attributedBody"]] else None
        attributed = None
        if body and LINK_ATTR in body:
            try:
                attributed = typedstream.attributed_text(body)
            except typedstream.TypedStreamError:
                attributed = None
        text = row[C["text"]]
        if text is None:
            text = attributed.text if attributed else typedstream.text_of(body)
        if text is not None:
            text = str(text).replace(OBJ, "").strip() or None
        subject = row[C["subject"]]
        if subject and str(subject).strip():
            text = f"{str(subject).strip()}\n{text}" if text else str(subject).strip()
        return text, attributed

    def _fill(self, msg: MessageRec, row: tuple, assoc_kind: int) -> None:
        text, attributed = self._text(row)
        extra = msg.extra
        service = row[C["service"]]
        if service:
            extra["service"] = str(service)
        if row[C["error"]]:
            extra["send_error"] = int(row[C["error"]])
        for col, key in (("date_delivered", "delivered_at"), ("date_read", "read_at")):
            when = payload.apple_time(row[C[col]])
            if when is not None:
                extra[key] = when.isoformat()
        effect = row[C["expressive_send_style_id"]]
        if effect:
            extra["effect"] = str(effect).rsplit(".", 1)[-1]
        thread = row[C["thread_originator_guid"]]
        if thread:
            msg.reply_to = str(thread)
            if row[C["thread_originator_part"]]:
                extra["thread_part"] = str(row[C["thread_originator_part"]])
        if assoc_kind == STICKER_ON_MESSAGE or 2000 <= assoc_kind <= 3999:
            target, part = split_target(row[C["associated_message_guid"]])
            if target:
                msg.reply_to = msg.reply_to or target
                extra["reacts_to"] = {"guid": target, "part": part, "type": assoc_kind}
        if attributed:
            links = [v for v in attributed.attr_values("__kIMLinkAttributeName") if isinstance(v, str)]
            if links:
                extra["links"] = list(dict.fromkeys(links))
        msg.attachments = self._attachments(row)
        msg.kind, msg.text = self._kind(row, text, msg.attachments, extra)
        self._edits(msg, row)

    def _kind(self, row: tuple, text: str | None, atts: list[AttachmentRef],
              extra: dict[str, Any]) -> tuple[MessageKind, str | None]:
        item = int(row[C["item_type"]] or 0)
        if item:
            return self._event(row, item, extra)
        b = payload.balloon(row[C["balloon_bundle_id"]], row[C["payload_data"]])
        if b is not None:
            extra.update(b.extra)
            extra["balloon"] = str(row[C["balloon_bundle_id"]])
            if atts and b.kind == MessageKind.TEXT:
                return MessageKind.FILE, b.text
            if not text or b.kind == MessageKind.LINK or text in b.text:
                return b.kind, b.text
            return b.kind, text if b.text in text else f"{text}\n{b.text}"
        if atts:
            first = atts[0]
            mime = (first.mime_hint or "").lower()
            if row[C["is_audio_message"]]:
                extra["audio_message"] = True
                return MessageKind.VOICE, text
            if first.extra.get("sticker"):
                return MessageKind.STICKER, text
            for prefix, kind in (("image/", MessageKind.IMAGE), ("video/", MessageKind.VIDEO),
                                 ("audio/", MessageKind.VOICE)):
                if mime.startswith(prefix):
                    return kind, text
            return MessageKind.FILE, text
        if text and text.startswith(("http://", "https://")) and " " not in text:
            extra.setdefault("url", text)
        return MessageKind.TEXT, text

    def _event(self, row: tuple, item: int, extra: dict[str, Any]) -> tuple[MessageKind, str | None]:
        """Group and system events (`item_type`): members added/removed, renamed, left, photo, calls."""
        who = "You" if row[C["is_from_me"]] else (self._sender(row) or "Someone")
        other = self.chats.handles.get(int(row[C["other_handle"]] or 0)) or "someone"
        action = int(row[C["group_action_type"]] or 0)
        extra["event"] = {"item_type": item, "action": action}
        if item == 1:
            return MessageKind.SYSTEM, f"{who} {'removed' if action == 1 else 'added'} {other}"
        if item == 2:
            title = row[C["group_title"]]
            return MessageKind.SYSTEM, (f"{who} named the conversation “{title}”" if title
                                        else f"{who} removed the conversation name")
        if item == 3:
            words = {0: "left the conversation", 1: "changed the group photo", 2: "removed the group photo"}
            return MessageKind.SYSTEM, f"{who} {words.get(action, 'changed the conversation')}"
        if item == 4:
            stopped = bool(row[C["share_status"]])
            return MessageKind.LOCATION, f"{who} {'stopped' if stopped else 'started'} sharing location"
        if item == 5:
            return MessageKind.SYSTEM, f"{who} kept an audio message"
        if item == 6:
            return MessageKind.CALL, "FaceTime call"
        return MessageKind.SYSTEM, f"Conversation event ({item})"

    def _attachments(self, row: tuple) -> list[AttachmentRef]:
        out = []
        for a in self.attachments.pop(int(row[0]), ()):
            expected = str(a.filename) if a.filename else None
            name = str(a.transfer_name or (Path(expected).name if expected else a.guid or "attachment"))
            extra: dict[str, Any] = {"guid": a.guid, "uti": a.uti}
            if a.is_sticker:
                extra["sticker"] = True
            if a.hide_attachment:
                extra["hidden"] = True
            extra = {k: v for k, v in extra.items() if v is not None}
            mime = _mime(a, name)
            got = self.resolve(expected) if expected else None
            path = None if callable(got) else got       # a resolver may hand out an opener (iPhone backups)
            try:
                ok = callable(got) or (path is not None and path.is_file())
            except OSError:
                ok = False
            if ok:
                out.append(AttachmentRef(name=name, open=got if callable(got) else _opener(path), mime_hint=mime,
                                         size_hint=int(a.total_bytes) if a.total_bytes else None,
                                         status=AttachmentStatus.STORED, expected_path=expected, extra=extra))
            else:
                extra["reason"] = ("not in the copied Messages folder" if expected else
                                   "Messages kept no file for it on this device (Messages in iCloud)")
                out.append(AttachmentRef(name=name, open=None, mime_hint=mime,
                                         size_hint=int(a.total_bytes) if a.total_bytes else None,
                                         status=AttachmentStatus.MISSING, expected_path=expected, extra=extra))
        return out

    def _edits(self, msg: MessageRec, row: tuple) -> None:
        """Edits keep every version (`extra.edits`); an unsent message becomes a `recalled` one (the
        vault keeps the text it had, `ingest/recalls.py`); unsent parts are listed."""
        s = payload.summary(row[C["message_summary_info"]])
        edited_at = payload.apple_time(row[C["date_edited"]])
        retracted_at = payload.apple_time(row[C["date_retracted"]])
        if s.edits:
            msg.extra["edits"] = s.edits
            msg.edited = True
            last = s.edits[-1]["at"]
            msg.edited_ts = edited_at or (datetime.fromisoformat(last) if last else None)
        elif edited_at and not retracted_at and not s.unsent_parts:
            msg.edited, msg.edited_ts = True, edited_at
        if not (s.unsent_parts or retracted_at):
            return
        parts = set(s.part_ranges) or {0}
        whole = (set(s.unsent_parts) >= parts or not s.unsent_parts) and not msg.text and not msg.attachments
        unsent = {"at": retracted_at.isoformat() if retracted_at else None, "parts": s.unsent_parts or None}
        if whole:
            msg.kind = MessageKind.RECALLED
            msg.text = UNSENT_TEXT
            msg.extra["unsent"] = unsent
            msg.extra["recalled_by_me"] = bool(row[C["is_from_me"]])
        else:
            msg.extra["unsent_parts"] = unsent

    def orphans(self) -> Iterator[Record]:
        """Tapbacks whose message is not in the database (deleted there): kept as messages of their own."""
        for target, events in list(self.reactions.by_target.items()):
            for e in events:
                sender = e["by_key"]
                conv, rec = self.chats.conversation(e["chat"], sender)
                if rec is not None:
                    yield rec
                ts = datetime.fromisoformat(e["at"]) if e["at"] else payload.APPLE_EPOCH
                verb = "Removed" if e["removed"] else "Reacted"
                text = e.get("text") or f"{verb} {e['emoji']} to a message that is no longer in the database"
                yield MessageRec(conversation_key=conv.key, ts=ts, kind=MessageKind.TEXT, text=str(text),
                                 sender_key=sender, source_id=e["guid"], reply_to=target,
                                 location=f"{self.label}#ROWID={e['rowid']}",
                                 extra={"reacts_to": {"guid": target, "part": e["part"], "type": e["type"],
                                                      "removed": e["removed"]}, "orphan_tapback": True})
        self.reactions.by_target.clear()
