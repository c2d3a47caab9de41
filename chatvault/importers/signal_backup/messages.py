"""Messages of a replayed Signal Android database as ChatVault records, across schema versions.

Signal Android kept messages in `sms` and `mms` (until 2022), then in `mms` alone, then in
`message`; attachments in `part`, then `attachment`; reactions in a `reactions` protobuf column,
then the `reaction` table. The type column is a bit field (`MessageTypes`): its low five bits say
inbox/sent/call, higher bits mark group updates, timer changes and safety-number changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from chatvault.importers import signalids as S
from chatvault.importers.signal_backup import proto
from chatvault.importers.signal_backup.people import People, columns, pick, tables
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

BASE_MASK = 0x1F
OUTGOING = {2, 11, 21, 22, 23, 24, 25, 26}
CALLS = {1: "Incoming voice call", 2: "Outgoing voice call", 3: "Missed voice call", 8: "Missed video call",
         10: "Incoming video call", 11: "Outgoing video call", 12: "Group call"}
EVENTS = {4: "joined Signal", 5: "sent a message this version of Signal could not show",
          6: "sent a message that could not be read", 7: "changed their profile", 9: "The group was migrated",
          13: "A message could not be decrypted", 14: "changed their phone number", 16: "Chats were merged",
          18: "The session was refreshed"}
GROUP_UPDATE, GROUP_LEAVE, TIMER, GROUP_V2 = 0x10000, 0x20000, 0x40000, 0x80000
IDENTITY_UPDATE, IDENTITY_VERIFIED, IDENTITY_DEFAULT, END_SESSION = 0x200, 0x4000, 0x2000, 0x400000

# (name in the vault, candidate column names newest first)
_MSG_COLS = (("id", "_id"), ("thread", "thread_id"), ("sent", "date_sent", "date"),
             ("received", "date_received", "date"), ("type", "type", "msg_box"), ("body", "body"),
             ("sender", "from_recipient_id", "recipient_id", "address"), ("quote_id", "quote_id"),
             ("quote_author", "quote_author"), ("quote_body", "quote_body"), ("quote_missing", "quote_missing"),
             ("deleted", "remote_deleted"), ("view_once", "view_once", "reveal_duration"),
             ("original", "original_message_id"), ("latest", "latest_revision_id"),
             ("contacts", "shared_contacts"), ("previews", "link_previews"), ("reactions", "reactions"),
             ("expires", "expires_in"), ("story", "story_type", "is_story"))
_SMS_COLS = {"sent": ("date_sent",), "received": ("date",)}


@dataclass(frozen=True)
class Source:
    table: str
    mms: bool                       # rows may have attachments (mms and message)


def message_tables(conn: sqlite3.Connection) -> list[Source]:
    have = tables(conn)
    if "message" in have:
        return [Source("message", True)]
    return [Source(t, t == "mms") for t in ("sms", "mms") if t in have]


def select(conn: sqlite3.Connection, src: Source) -> str:
    have = columns(conn, src.table)
    parts = []
    for name, *cands in _MSG_COLS:
        if src.table == "sms" and name in _SMS_COLS:
            cands = list(_SMS_COLS[name])
        parts.append(f"{pick(have, *cands)} AS {name}")
    return f"SELECT {', '.join(parts)} FROM {src.table} ORDER BY _id"


@dataclass(frozen=True)
class Att:
    row: int
    content_type: str | None
    size: int | None
    name: str | None
    voice: bool
    width: int | None
    height: int | None
    caption: str | None
    quote: bool
    sticker: bool


def attachments(conn: sqlite3.Connection) -> dict[int, list[Att]]:
    """Message id → its attachments, in display order (quote thumbnails marked)."""
    have = tables(conn)
    table = "attachment" if "attachment" in have else "part" if "part" in have else None
    out: dict[int, list[Att]] = {}
    if table is None:
        return out
    c = columns(conn, table)
    sql = (f"SELECT _id, {pick(c, 'message_id', 'mid')}, {pick(c, 'content_type', 'ct')}, {pick(c, 'data_size')}, "
           f"{pick(c, 'file_name')}, {pick(c, 'voice_note')}, {pick(c, 'width')}, {pick(c, 'height')}, "
           f"{pick(c, 'caption')}, {pick(c, 'quote')}, {pick(c, 'sticker_pack_id')} FROM {table} "
           f"ORDER BY {pick(c, 'message_id', 'mid')}, {pick(c, 'display_order', '_id')}, _id")
    for row in conn.execute(sql):
        rid, mid, ct, size, name, voice, w, h, cap, quote, pack = row
        if mid is None:
            continue
        out.setdefault(int(mid), []).append(Att(int(rid), ct, size, name, bool(voice), w, h, cap, bool(quote),
                                                bool(pack)))
    return out


def reactions(conn: sqlite3.Connection, people: People) -> dict[tuple[bool, int], list[tuple[str, str, int]]]:
    """(is mms, message id) → [(emoji, who, when)] from the `reaction` table (absent in old backups)."""
    out: dict[tuple[bool, int], list[tuple[str, str, int]]] = {}
    if "reaction" not in tables(conn):
        return out
    c = columns(conn, "reaction")
    mms = pick(c, "is_mms")
    for mid, is_mms, author, emoji, sent in conn.execute(
            f"SELECT message_id, {mms}, author_id, emoji, date_sent FROM reaction ORDER BY _id"):
        who = people.key(author)
        if mid is None or not emoji or who is None:
            continue
        key = (True if mms == "NULL" else bool(is_mms), int(mid))
        out.setdefault(key, []).append((str(emoji), S.ME if who == people.me else who, int(sent or 0)))
    return out


def blob_reactions(raw: object, people: People) -> list[tuple[str, str, int]]:
    """The older `reactions` column: a ReactionList protobuf (emoji, author recipient id, sent time)."""
    if not isinstance(raw, bytes) or not raw:
        return []
    out = []
    for item in proto.parse(raw).get(1, []):
        r = proto.parse(item)
        who = people.key(proto.first(r, 2))
        emoji = proto.text(proto.first(r, 1))
        if emoji and who:
            out.append((emoji, S.ME if who == people.me else who, int(proto.first(r, 3, 0))))
    return out


def mentions(conn: sqlite3.Connection, people: People) -> dict[int, list[tuple[int, int, str]]]:
    """Message id → [(start, length, name)] from the `mention` table (placeholders in the body)."""
    out: dict[int, list[tuple[int, int, str]]] = {}
    if "mention" not in tables(conn):
        return out
    for mid, rid, start, length in conn.execute(
            "SELECT message_id, recipient_id, range_start, range_length FROM mention ORDER BY _id"):
        key = people.key(rid)
        if mid is not None and key and start is not None:
            out.setdefault(int(mid), []).append((int(start), int(length or 1), people.name(key) or key))
    return out


def _kind_of(atts: list[Att]) -> MessageKind:
    own = [a for a in atts if not a.quote]
    if not own:
        return MessageKind.TEXT
    a = own[0]
    ct = (a.content_type or "").lower()
    if a.sticker:
        return MessageKind.STICKER
    if ct.startswith("image/"):
        return MessageKind.IMAGE
    if ct.startswith("video/"):
        return MessageKind.VIDEO
    if ct.startswith("audio/") and a.voice:
        return MessageKind.VOICE
    return MessageKind.FILE


def event_text(mtype: int, body: str | None) -> tuple[MessageKind, str | None, dict] | None:
    """A call or a notice: (kind, text, extra); None for an ordinary message."""
    base = mtype & BASE_MASK
    if base in CALLS:
        return MessageKind.CALL, CALLS[base], {"call": CALLS[base]}
    if mtype & (GROUP_UPDATE | GROUP_V2) and not mtype & GROUP_LEAVE:
        return MessageKind.SYSTEM, "The group was updated", {"event": "group-update", "raw": body}
    if mtype & GROUP_LEAVE:
        return MessageKind.SYSTEM, "left the group", {"event": "group-leave"}
    if mtype & TIMER:
        return MessageKind.SYSTEM, "changed the disappearing messages timer", {"event": "timer"}
    if mtype & IDENTITY_UPDATE:
        return MessageKind.SYSTEM, "The safety number changed", {"event": "safety-number"}
    if mtype & (IDENTITY_VERIFIED | IDENTITY_DEFAULT):
        return MessageKind.SYSTEM, "The safety number was (un)verified", {"event": "verified"}
    if mtype & END_SESSION:
        return MessageKind.SYSTEM, "The secure session was reset", {"event": "end-session"}
    if base in EVENTS:
        return MessageKind.SYSTEM, EVENTS[base], {"event": EVENTS[base]}
    return None


def _json_list(raw: object) -> list:
    if not raw:
        return []
    try:
        value = json.loads(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


@dataclass
class Context:
    people: People
    atts: dict[int, list[Att]]
    reacts: dict[tuple[bool, int], list[tuple[str, str, int]]]
    opener: Callable[[int], object | None]           # attachment row id → opener (None: not in the backup)
    file: str
    revisions: dict[int, list[str]]                  # original message id → older texts
    originals: dict[int, int]                        # original message id → its date_sent
    mentions: dict[int, list[tuple[int, int, str]]]  # message id → mentions in its body


def edits(conn: sqlite3.Connection, src: Source) -> tuple[dict[int, list[str]], dict[int, int]]:
    have = columns(conn, src.table)
    if "original_message_id" not in have or "latest_revision_id" not in have:
        return {}, {}
    revs: dict[int, list[str]] = {}
    for orig, body in conn.execute(
            f"SELECT coalesce(original_message_id, _id), body FROM {src.table} WHERE latest_revision_id IS NOT NULL "
            "ORDER BY _id"):
        revs.setdefault(int(orig), []).append(body or "")
    sent = {int(i): int(d or 0) for i, d in conn.execute(
        f"SELECT _id, date_sent FROM {src.table} WHERE _id IN (SELECT original_message_id FROM {src.table} "
        "WHERE original_message_id IS NOT NULL)")}
    return revs, sent


def record(row: sqlite3.Row, src: Source, cx: Context) -> MessageRec | None:
    """One message row; None for an older revision of an edited message (its text goes to the latest)."""
    if row["latest"] is not None:
        return None
    people = cx.people
    conv = people.conversation(int(row["thread"] or -1))
    if conv is None:
        return None
    mtype = int(row["type"] or 0)
    outgoing = (mtype & BASE_MASK) in OUTGOING
    sender = people.me if outgoing else people.key(row["sender"])
    sender_name = people.name(sender)
    author = S.ME if outgoing or sender == people.me else (sender or "unknown")
    sent = int(row["sent"] or 0)
    orig = row["original"]
    key_ms = cx.originals.get(int(orig), sent) if orig is not None else sent
    extra: dict = {"table": src.table, "row": int(row["id"])}
    loc = f"{cx.file}#{src.table}/{row['id']}"
    body = row["body"]
    ev = event_text(mtype, body)
    if ev is not None:
        kind, text, more = ev
        extra.update({k: v for k, v in more.items() if v is not None})
        rec = MessageRec(conv.key, S.ms_to_dt(sent), kind, text, sender, sender_name, S.message_key(key_ms, author),
                         extra=extra, location=loc)
        return rec
    atts = cx.atts.get(int(row["id"]), []) if src.mms else []
    kind = _kind_of(atts)
    if src.mms and int(row["id"]) in cx.mentions:
        body = S.with_mentions(body, cx.mentions[int(row["id"])])
    refs = [_ref(a, cx) for a in atts if not a.quote]
    rec = MessageRec(conv.key, S.ms_to_dt(sent), kind, body, sender, sender_name, S.message_key(key_ms, author),
                     attachments=refs, extra=extra, location=loc)
    if row["quote_id"]:
        q_author = people.key(row["quote_author"])
        rec.reply_to = S.message_key(int(row["quote_id"]), S.ME if q_author == people.me else (q_author or "unknown"))
        extra["quote"] = {"text": row["quote_body"], "missing": bool(row["quote_missing"])}
    reacts = cx.reacts.get((src.mms, int(row["id"]))) or blob_reactions(row["reactions"], people)
    if reacts:
        extra["reactions"] = S.reaction_summary(reacts)
    contacts = _json_list(row["contacts"])
    if contacts:
        extra["contacts"] = contacts
        if kind == MessageKind.TEXT:
            rec.kind = MessageKind.CONTACT
    previews = _json_list(row["previews"])
    if previews:
        extra["previews"] = previews
        if kind == MessageKind.TEXT:
            rec.kind = MessageKind.LINK
    if row["view_once"]:
        extra["view_once"] = True
    if row["expires"]:
        extra["expires_in_ms"] = int(row["expires"])
    if row["story"]:
        extra["story"] = True
    if orig is not None:
        rec.edited = True
        rec.edited_ts = S.ms_to_dt(sent)
        extra["previous_texts"] = cx.revisions.get(int(orig), [])
    if row["deleted"]:
        base = rec.source_id
        rec.kind, rec.text, rec.attachments = MessageKind.RECALLED, None, []
        rec.source_id = f"{base}-recalled"
        extra.update({"recalled_id": base, "event": "recall"})
    return rec


def _ref(a: Att, cx: Context) -> AttachmentRef:
    opener = cx.opener(a.row)
    extra = {k: v for k, v in (("width", a.width), ("height", a.height), ("caption", a.caption)) if v}
    if a.voice:
        extra["voice_note"] = True
    return AttachmentRef(name=a.name, open=opener, mime_hint=a.content_type,  # type: ignore[arg-type]
                         size_hint=int(a.size) if a.size else None,
                         status=AttachmentStatus.STORED if opener else AttachmentStatus.MISSING,
                         expected_path=f"attachment/{a.row}", extra=extra)


def rows(conn: sqlite3.Connection, src: Source, size: int = 2000) -> Iterator[list[sqlite3.Row]]:
    conn.row_factory = sqlite3.Row
    try:
        cur = conn.execute(select(conn, src))
        while True:
            batch = cur.fetchmany(size)
            if not batch:
                return
            yield batch
    finally:
        conn.row_factory = None
