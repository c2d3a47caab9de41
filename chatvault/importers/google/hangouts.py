"""Hangouts.json from Google Takeout, both shapes Google wrote (`conversations: [{conversation,
events}]` since 2018, `conversation_state: [{conversation_state: {conversation, event}}]` before),
streamed from ijson's events: each conversation's header and each event are built one at a time, so
a file of hundreds of MB with long conversations keeps memory bounded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import ijson

from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    MessageKind,
    MessageRec,
    ParticipantRec,
    Record,
    Unparsed,
)

# (conversation header prefix, event item prefix) for each shape.
SHAPES = (("conversations.item.conversation.conversation", "conversations.item.events.item"),
          ("conversation_state.item.conversation_state.conversation", "conversation_state.item.conversation_state.event.item"))


def records(events: Iterator[tuple[str, str, Any]], where: str, tick) -> Iterator[Record]:
    builder: ijson.ObjectBuilder | None = None
    building: str | None = None
    depth = 0
    names: dict[str, str] = {}
    current: str | None = None
    n = 0
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    obj, kind = builder.value, building
                    builder = building = None
                    if kind == "header":
                        conv, names = _conversation(obj)
                        if conv is not None:
                            current = conv.key
                            yield conv
                    else:
                        n += 1
                        tick(n)
                        yield _event(obj, names, current, f"{where}: event {n}")
            continue
        if event == "start_map" and prefix in (SHAPES[0][0], SHAPES[1][0]):
            builder, building, depth = ijson.ObjectBuilder(), "header", 1
            builder.event(event, value)
        elif event == "start_map" and prefix in (SHAPES[0][1], SHAPES[1][1]):
            builder, building, depth = ijson.ObjectBuilder(), "event", 1
            builder.event(event, value)


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("gaia_id") or value.get("chat_id") or value.get("id")
    return value if isinstance(value, str) else None


def _conversation(c: Any) -> tuple[ConversationRec | None, dict[str, str]]:
    if not isinstance(c, dict):
        return None, {}
    cid = _id(c.get("id"))
    if not cid:
        return None, {}
    names: dict[str, str] = {}
    people = []
    for p in c.get("participant_data") or ():
        if isinstance(p, dict):
            pid = _id(p.get("id"))
            if pid:
                name = p.get("fallback_name") or pid
                names[pid] = name
                extra = {}
                phone = (p.get("phone_number") or {}).get("e164") if isinstance(p.get("phone_number"), dict) else None
                if phone:
                    extra["phone"] = phone
                people.append(ParticipantRec(pid, name, extra=extra))
    group = c.get("type") == "GROUP"
    title = c.get("name") or ", ".join(names.values()) or cid
    return ConversationRec(key=f"hangouts/{cid}", title=title, participants=people,
                           kind=ConversationKind.GROUP if group else ConversationKind.DIRECT), names


def _event(e: Any, names: dict[str, str], conv: str | None, where: str) -> Record:
    if not isinstance(e, dict) or conv is None:
        return Unparsed(raw=str(e)[:65536], location=where, reason="an event outside any conversation")
    try:
        ts = datetime.fromtimestamp(int(e.get("timestamp")) / 1_000_000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return Unparsed(raw=str(e)[:65536], location=where, reason="no timestamp (microseconds)", conversation_key=conv)
    sender = _id(e.get("sender_id"))
    rec = MessageRec(conversation_key=conv, ts=ts, sender_key=sender, sender_name=names.get(sender or "", sender),
                     source_id=e.get("event_id") if isinstance(e.get("event_id"), str) else None, location=where)
    kind = e.get("event_type")
    content = (e.get("chat_message") or {}).get("message_content") or {}
    parts = []
    for seg in content.get("segment") or ():
        if isinstance(seg, dict):
            parts.append("\n" if seg.get("type") == "LINE_BREAK" else str(seg.get("text") or ""))
            if seg.get("type") == "LINK" and "url" not in rec.extra:
                target = (seg.get("link_data") or {}).get("link_target")
                if isinstance(target, str):
                    rec.extra["url"] = target
    rec.text = "".join(parts) or None
    for att in content.get("attachment") or ():
        item = (att or {}).get("embed_item") or {}
        photo = item.get("plus_photo") or {}
        url = photo.get("url") or (photo.get("thumbnail") or {}).get("image_url")
        if url:
            video = photo.get("media_type") == "VIDEO"
            rec.kind = MessageKind.VIDEO if video else MessageKind.IMAGE
            rec.attachments.append(AttachmentRef(name=url.rsplit("/", 1)[-1][:120], status=AttachmentStatus.MISSING,
                                                 expected_path=url, extra={"remote": True}))
    if kind == "HANGOUT_EVENT":
        h = e.get("hangout_event") or {}
        rec.kind = MessageKind.CALL
        rec.extra["type"] = "video" if "VIDEO" in str(h.get("media_type")) else "voice"
        dur = h.get("hangout_duration_secs")
        if dur is not None and str(dur).isdigit():
            rec.extra["duration_seconds"] = int(dur)
        rec.extra["call_event"] = str(h.get("event_type") or "")
    elif kind == "RENAME_CONVERSATION":
        rec.kind = MessageKind.SYSTEM
        rec.extra["system"] = "renamed"
        rec.text = (e.get("conversation_rename") or {}).get("new_name") or rec.text
    elif kind in ("ADD_USER", "REMOVE_USER"):
        rec.kind = MessageKind.SYSTEM
        rec.extra["system"] = "joined" if kind == "ADD_USER" else "left"
        ids = [_id(p) for p in (e.get("membership_change") or {}).get("participant_id") or ()]
        rec.extra["users"] = [names.get(i, i) for i in ids if i]
    elif rec.kind == MessageKind.TEXT and rec.extra.get("url") and rec.text and rec.text.strip() == rec.extra["url"]:
        rec.kind = MessageKind.LINK
    elif rec.kind == MessageKind.TEXT and not rec.text:
        rec.kind = MessageKind.UNKNOWN
    return rec
