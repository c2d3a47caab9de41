"""The current msgstore schema (WhatsApp 2.22+): `message`, `chat`, `jid` and their side tables.

One query walks `message` in row order with a LEFT JOIN on each one-row side table that exists
(`message_media`, `message_quoted`, `message_location`, `message_system`, `message_revoked`,
`message_edit_info`, `message_view_once_media`, `message_future`, `message_forwarded`); tables and
columns a database lacks are read as NULL, so the variant is decided by what is there, never by a
guessed version. Many-row details (reactions, vCards, poll options, people a system message names)
are read per batch of rows by the batch's id range. Calls come from `call_log`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from chatvault.importers.whatsapp_android import kinds
from chatvault.importers.whatsapp_android.chats import chat_of
from chatvault.importers.whatsapp_android.details import Details
from chatvault.importers.whatsapp_android.media import MediaTree
from chatvault.importers.whatsapp_android.people import ME, People
from chatvault.importers.whatsapp_android.source import columns, tables
from chatvault.jobs.context import JobContext
from chatvault.model import MessageKind, MessageRec, Record, Unparsed

BATCH = 2000

# (alias, table, join column, wanted columns): the one-row side tables.
_SIDES = (
    ("mm", "message_media", "message_row_id", ("file_path", "mime_type", "file_size", "media_name",
                                               "media_caption", "media_duration")),
    ("q", "message_quoted", "message_row_id", ("key_id", "text_data", "sender_jid_row_id", "from_me")),
    ("l", "message_location", "message_row_id", ("latitude", "longitude", "place_name", "place_address", "url")),
    ("s", "message_system", "message_row_id", ("action_type",)),
    ("sv", "message_system_value_change", "message_row_id", ("old_data",)),
    ("r", "message_revoked", "message_row_id", ("admin_jid_row_id", "revoke_timestamp")),
    ("e", "message_edit_info", "message_row_id", ("edited_timestamp", "original_key_id")),
    ("v", "message_view_once_media", "message_row_id", ("state",)),
    ("f", "message_future", "message_row_id", ("version",)),
    ("fw", "message_forwarded", "message_row_id", ("forward_score",)),
)
_BASE = ("_id", "chat_row_id", "from_me", "key_id", "sender_jid_row_id", "timestamp", "message_type",
         "text_data", "starred")


def _query(conn: sqlite3.Connection) -> tuple[str, list[str]]:
    """The walk over `message`: its SQL and the names of its result columns."""
    have = tables(conn)
    mcols = columns(conn, "message")
    select = [f"m.{c}" if c in mcols else "NULL" for c in _BASE]
    names = list(_BASE)
    joins = []
    for alias, table, on, wanted in _SIDES:
        cols = columns(conn, table) if table in have else set()
        if on not in cols:
            select += ["NULL"] * len(wanted)
        else:
            select += [f"{alias}.{c}" if c in cols else "NULL" for c in wanted]
            joins.append(f"LEFT JOIN {table} {alias} ON {alias}.{on} = m._id")
        names += [f"{alias}.{c}" for c in wanted]
    sql = f"SELECT {', '.join(select)} FROM message m {' '.join(joins)} WHERE m._id > ? ORDER BY m._id"
    return sql, names


class CurrentReader:
    """Messages of a current-schema msgstore, as records."""

    def __init__(self, conn: sqlite3.Connection, people: People, media: MediaTree, chats: dict[int, str],
                 where: str) -> None:
        self.conn = conn
        self.people = people
        self.media = media
        self.chats = chats              # chat row id → conversation key
        self.where = where
        self.details = Details(conn, people)

    def messages(self, ctx: JobContext) -> Iterator[Record]:
        sql, names = _query(self.conn)
        col = {n: i for i, n in enumerate(names)}
        # The columns the plain-text test reads, as positions (it runs for every message).
        self._plain = (col["s.action_type"], col["q.key_id"], col["e.edited_timestamp"], col["fw.forward_score"])
        last = -1
        while True:
            rows = self.conn.execute(sql + f" LIMIT {BATCH}", (last,)).fetchall()
            if not rows:
                return
            ctx.check()
            first, last = rows[0][0], rows[-1][0]
            self.details.load(first, last)
            for row in rows:
                rec = self._message(row, col)
                if rec is not None:
                    yield rec

    def _message(self, row: tuple, col: dict[str, int]) -> Record | None:
        mid, chat, from_me, key_id, sender_row, ts, mtype, text = row[:8]
        if key_id == "-1" or (isinstance(chat, int) and chat < 0):
            return None                # the placeholder row a schema migration leaves (chat -1, key -1)
        conv = self.chats.get(chat)
        if conv is None:
            return Unparsed(raw=f"message {mid} in chat row {chat}", location=f"{self.where}: message {mid}",
                            reason="the message names a chat the database does not have")
        if not isinstance(ts, int) or not key_id:
            return Unparsed(raw=f"message {mid}: timestamp {ts!r}, key {key_id!r}",
                            location=f"{self.where}: message {mid}", reason="no timestamp or no message id",
                            conversation_key=conv)
        i_action, i_quote, i_edit, i_forward = self._plain
        if mtype == 7 and not text and row[i_action] is None and ts == 0:
            return None                # the chat's placeholder row WhatsApp keeps at the top of each chat
        if from_me:
            sender, name = ME, None
        else:
            sender = self.people.rows.get(sender_row, conv) if sender_row is not None else conv
            name = self.people.name(sender)
        when = datetime.fromtimestamp(ts / 1000, UTC)
        loc = f"{self.where}: message {mid}"
        if mtype == 0 and not row[8] and row[i_quote] is None and row[i_edit] is None \
                and row[i_forward] is None and mid not in self.details.reactions:
            # The common case, kept short: a plain text message.
            return MessageRec(conv, when, MessageKind.TEXT, text, sender, name, key_id, True, None, None, False,
                              None, [], {}, loc)
        return self._rich(row, col, conv, sender, name, when, loc)

    def _rich(self, row: tuple, col: dict[str, int], conv: str, sender: str | None, name: str | None,
              when: datetime, loc: str) -> MessageRec:
        mid, key_id, mtype, text = row[0], row[3], row[6], row[7]
        kind, label = kinds.kind(mtype)
        extra: dict = {}
        if kind is MessageKind.UNKNOWN:
            extra["whatsapp_type"] = mtype
        if row[8]:
            extra["starred"] = True
        get = lambda c: row[col[c]]  # noqa: E731 - a short local reader
        key = key_id
        atts = []
        if get("mm.file_path") is not None or get("mm.media_name") is not None or mtype in kinds.MEDIA:
            text = text or get("mm.media_caption")
            path = get("mm.file_path")
            if kind is MessageKind.VOICE and path and "Voice Notes" not in path and not (get("mm.mime_type") or
                                                                                       "").startswith("audio/ogg"):
                kind = MessageKind.FILE         # an audio file sent as a document, not a voice message
            duration = get("mm.media_duration")
            atts.append(self.media.ref(path, get("mm.media_name"), get("mm.mime_type"), get("mm.file_size"),
                                       {"duration": duration} if duration else None))
        if mtype in kinds.VIEW_ONCE or get("v.state") is not None:
            extra["view_once"] = True
        if get("l.latitude") is not None:
            extra.update(latitude=get("l.latitude"), longitude=get("l.longitude"))
            for src, dst in (("l.place_name", "place_name"), ("l.place_address", "address"), ("l.url", "url")):
                if get(src):
                    extra[dst] = get(src)
            if mtype == 16:
                extra["live_location"] = True
        if mtype in kinds.REVOKED:
            key = f"{key_id}-recalled"
            extra["recalled_id"] = key_id
            extra["recalled"] = {"by_admin": self.people.jid(get("r.admin_jid_row_id")) or (mtype == 64),
                                 "at": get("r.revoke_timestamp")}
            text = None
        if kind is MessageKind.SYSTEM or get("s.action_type") is not None:
            kind = MessageKind.SYSTEM
            action = get("s.action_type")
            extra["system"] = action if action is not None else label
            who = "You" if row[2] else name
            text = kinds.system_text(action, who, text or get("sv.old_data")) if action is not None else (text or label)
            people = self.details.system_people.get(mid)
            if people:
                extra["participants"] = [self.people.name(j) or j for j in people]
            sender = None
            name = None
        self.details.add(mid, kind, extra, atts)
        if "poll" in extra:
            extra["poll"]["question"] = text
        if get("f.version") is not None:
            extra["future_version"] = get("f.version")
            if not text and kind is MessageKind.TEXT:
                kind = MessageKind.UNKNOWN
                extra["whatsapp_type"] = mtype
        forwarded = "forwarded" if get("fw.forward_score") else None
        reply = get("q.key_id")
        if reply:
            quoted_from = ME if get("q.from_me") else self.people.jid(get("q.sender_jid_row_id")) or conv
            extra["quoted"] = {"sender_name": "You" if quoted_from == ME else self.people.name(quoted_from),
                               "content": get("q.text_data")}
        edited_ms = get("e.edited_timestamp")
        edited_ts = datetime.fromtimestamp(edited_ms / 1000, UTC) if isinstance(edited_ms, int) and edited_ms else None
        return MessageRec(conv, when, kind, text, sender, name, key, True, reply or None, forwarded,
                          get("e.edited_timestamp") is not None, edited_ts, atts, extra, loc)

    def calls(self, ctx: JobContext) -> Iterator[Record]:
        """`call_log` rows as call messages in the chat with the caller (their own ids as keys)."""
        if "call_log" not in tables(self.conn):
            return
        have = columns(self.conn, "call_log")
        wanted = ("_id", "jid_row_id", "from_me", "call_id", "timestamp", "video_call", "duration", "call_result",
                  "group_jid_row_id")
        select = ", ".join(c if c in have else "NULL" for c in wanted)
        skip = ""
        if "message_call_log" in tables(self.conn):
            skip = " WHERE _id NOT IN (SELECT call_log_row_id FROM message_call_log)"
        by_jid = {self.people.jid(r): k for r, k in self._chat_jid_rows().items()}
        described = set(self.chats.values())
        for n, row in enumerate(self.conn.execute(f"SELECT {select} FROM call_log{skip} ORDER BY _id")):
            if n % BATCH == 0:
                ctx.check()
            rec = self._call(row, by_jid)
            if isinstance(rec, MessageRec) and rec.conversation_key not in described:
                described.add(rec.conversation_key)      # a call with someone the phone has no chat with
                yield chat_of(rec.conversation_key, self.people)
            yield rec

    def _chat_jid_rows(self) -> dict[int, str]:
        return {r: self.chats[c] for c, r in self.conn.execute("SELECT _id, jid_row_id FROM chat") if c in self.chats}

    def _call(self, row: tuple, by_jid: dict[str | None, str]) -> Record:
        cid, jid_row, from_me, call_id, ts, video, duration, result, group_row = row
        peer = self.people.jid(jid_row)
        conv = by_jid.get(self.people.jid(group_row)) or by_jid.get(peer) or peer
        loc = f"{self.where}: call_log {cid}"
        if conv is None or not isinstance(ts, int):
            return Unparsed(raw=f"call {call_id} with jid row {jid_row} at {ts!r}", location=loc,
                            reason="the call names nobody the database knows, or has no time")
        outcome = {2: "missed", 3: "busy", 4: "cancelled", 5: "declined", 1: "declined"}.get(result or 0,
                                                                                             "answered" if duration else "missed")
        extra = {"media": "video" if video else "voice", "outcome": outcome, "duration": duration or 0,
                 "direction": "outgoing" if from_me else "incoming"}
        if group_row:
            extra["action"] = "group_call"
        sender = ME if from_me else peer
        text = f"{'Video' if video else 'Voice'} call" + (f" ({outcome})" if outcome != "answered" else "")
        return MessageRec(conv, datetime.fromtimestamp(ts / 1000, UTC), MessageKind.CALL, text, sender,
                          None if from_me else self.people.name(peer), f"call-{call_id or cid}", True, None, None,
                          False, None, [], extra, loc)
