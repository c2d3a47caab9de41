"""Google Chat from Takeout: `Google Chat/Groups/<DM or Space id>/messages.json` (+ `group_info.json`,
and the attached files, exported under their `export_name`), and `Users/User <id>/user_info.json`
(who "me" is). Dates are written like "Monday, January 4, 2021 at 10:21:37 AM UTC"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeMember
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), 1)}
DATE = re.compile(r"(?:\w+,\s*)?(\w+)\s+(\d{1,2}),\s*(\d{4})\s+at\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?\s*"
                  r"(UTC|GMT)?\s*([+-]\d{1,2}(?::?\d{2})?)?", re.I)
IMAGE = ("jpg", "jpeg", "png", "gif", "webp", "heic")
VIDEO = ("mp4", "mov", "webm", "3gp")


def parse_date(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    m = DATE.search(text.replace("\u202f", " ").replace("\xa0", " "))
    if not m or m.group(1).lower() not in MONTHS:
        return None
    h = int(m.group(4))
    part = (m.group(7) or "").upper()
    if part == "PM" and h < 12:
        h += 12
    elif part == "AM" and h == 12:
        h = 0
    offset = timedelta(0)
    if m.group(9):
        sign = -1 if m.group(9).startswith("-") else 1
        digits = m.group(9)[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2] if len(digits) > 2 else digits), minutes=int(digits[2:] or 0))
    try:
        return datetime(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)), h, int(m.group(5)),
                        int(m.group(6) or 0), tzinfo=timezone(offset))
    except ValueError:
        return None


def message(tree: FileTree, folder: str, key: str, m: Any, names: dict[str, str], where: str) -> MessageRec:
    if not isinstance(m, dict):
        raise ValueError("not a message object")
    ts = parse_date(m.get("created_date"))
    if ts is None:
        raise ValueError(f"created_date {m.get('created_date')!r} is not a Takeout date")
    creator = m.get("creator") if isinstance(m.get("creator"), dict) else {}
    who = creator.get("email") or creator.get("name")
    rec = MessageRec(conversation_key=key, ts=ts, text=m.get("text") or None, sender_key=who,
                     sender_name=creator.get("name") or who, location=where,
                     source_id=m.get("message_id") if isinstance(m.get("message_id"), str) else None)
    edited = parse_date(m.get("updated_date"))
    if edited is not None and edited > ts:
        rec.edited, rec.edited_ts = True, edited
    if m.get("topic_id") and isinstance(m.get("message_id"), str) and "/" in m["message_id"]:
        rec.extra["thread"] = m["topic_id"]
    quoted = m.get("quoted_message_metadata")
    if isinstance(quoted, dict) and isinstance(quoted.get("message_id"), str):
        rec.reply_to = quoted["message_id"]
    if isinstance(m.get("deletion_metadata"), dict):
        rec.kind = MessageKind.RECALLED
        rec.extra["recalled"] = {"by": creator.get("name")}
    for f in m.get("attached_files") or ():
        if not isinstance(f, dict):
            continue
        export = f.get("export_name") or f.get("original_name")
        name = f.get("original_name") or export
        member = tree.find(f"{folder}/{export}") if export else None
        ext = str(name or "").rsplit(".", 1)[-1].lower()
        if rec.kind == MessageKind.TEXT:
            rec.kind = MessageKind.IMAGE if ext in IMAGE else MessageKind.VIDEO if ext in VIDEO else MessageKind.FILE
        if member is None:
            rec.attachments.append(AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=export))
        else:
            rec.attachments.append(AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                                                 status=AttachmentStatus.STORED, expected_path=export))
    for a in m.get("annotations") or ():
        url = ((a or {}).get("url_metadata") or {}).get("url", {}).get("private_do_not_access_or_else_safe_url_do_not_use") \
            if isinstance((a or {}).get("url_metadata"), dict) else None
        if isinstance(url, str):
            rec.extra.setdefault("url", url)
            title = a["url_metadata"].get("title")
            if isinstance(title, str):
                rec.extra.setdefault("title", title)
    if rec.extra.get("url") and rec.kind == MessageKind.TEXT:
        rec.kind = MessageKind.LINK
    reactions = []
    for r in m.get("reactions") or ():
        if isinstance(r, dict):
            emo = (r.get("emoji") or {}).get("unicode") or (r.get("emoji") or {}).get("custom_emoji", {}).get("name")
            for email in r.get("reactor_emails") or ():
                reactions.append({"emoji": emo, "by": names.get(email, email), "by_key": email, "ts": None})
    if reactions:
        rec.extra["reactions"] = reactions
    if rec.kind == MessageKind.TEXT and not rec.text:
        rec.kind = MessageKind.UNKNOWN
    return rec
