"""The legacy msgstore schema (before 2022): one wide `messages` table keyed by raw JID strings.

`key_remote_jid` is the chat, `remote_resource` the sender in a group, `data` the text (or the
vCard), `media_wa_type` the kind, `media_caption` a caption, `latitude`/`longitude` a place,
`quoted_row_id` a row of `messages_quotes`. A system message has `status` 6 and its action in
`media_size`. The file path of a media message lives only in the serialized `thumb_image`, so the
path is taken from there when it can be read, else the file is looked up by `media_name`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from chatvault.importers.whatsapp_android import kinds
from chatvault.importers.whatsapp_android.details import vcard_fields
from chatvault.importers.whatsapp_android.media import MediaTree
from chatvault.importers.whatsapp_android.people import ME, People
from chatvault.importers.whatsapp_android.source import columns, tables
from chatvault.jobs.context import JobContext
from chatvault.model import MessageKind, MessageRec, Record, Unparsed

BATCH = 2000
_WANTED = ("_id", "key_remote_jid", "key_from_me", "key_id", "status", "data", "timestamp", "media_wa_type",
           "media_mime_type", "media_size", "media_name", "media_caption", "media_duration", "latitude",
           "longitude", "remote_resource", "quoted_row_id", "edit_version", "forwarded", "starred", "thumb_image")
_PATH = re.compile(rb"(?:[\x20-\x7e]*/)?Media/[\x20-\x7e]+?\.[A-Za-z0-9]{2,5}")


def path_in_thumb(blob: object) -> str | None:
    """The media file path inside a serialized `thumb_image`, when it holds one."""
    if not isinstance(blob, bytes):
        return None
    m = _PATH.search(blob)
    return m.group(0).decode("ascii", "replace") if m else None


class LegacyReader:
    def __init__(self, conn: sqlite3.Connection, people: People, media: MediaTree, where: str) -> None:
        self.conn = conn
        self.people = people
        self.media = media
        self.where = where
        have = columns(conn, "messages")
        self.select = ", ".join(c if c in have else "NULL" for c in _WANTED)
        self.quotes: dict[int, tuple] = {}
        if "messages_quotes" in tables(conn) and {"_id", "key_id"} <= columns(conn, "messages_quotes"):
            qcols = columns(conn, "messages_quotes")
            sel = ", ".join(c if c in qcols else "NULL" for c in ("_id", "key_id", "data", "key_from_me",
                                                                 "remote_resource", "key_remote_jid"))
            self.quotes = {r[0]: r[1:] for r in conn.execute(f"SELECT {sel} FROM messages_quotes")}

    def messages(self, ctx: JobContext) -> Iterator[Record]:
        last = -1
        while True:
            rows = self.conn.execute(f"SELECT {self.select} FROM messages WHERE _id > ? ORDER BY _id LIMIT {BATCH}",
                                     (last,)).fetchall()
            if not rows:
                return
            ctx.check()
            last = rows[-1][0]
            for row in rows:
                rec = self._message(row)
                if rec is not None:
                    yield rec

    def _message(self, row: tuple) -> Record | None:
        (mid, chat, from_me, key_id, status, data, ts, wa_type, mime, msize, mname, caption, duration, lat, lon,
         resource, quoted, edit_version, forwarded, starred, thumb) = row
        if chat in (None, "-1") or key_id in (None, "-1"):
            return None               # WhatsApp's placeholder row at the top of the table
        loc = f"{self.where}: messages {mid}"
        if not isinstance(ts, int):
            return Unparsed(raw=f"messages {mid}: timestamp {ts!r}", location=loc, reason="no timestamp",
                            conversation_key=chat)
        when = datetime.fromtimestamp(ts / 1000, UTC)
        if from_me:
            sender, name = ME, None
        else:
            sender = resource or chat
            name = self.people.name(sender)
        if isinstance(wa_type, str):       # the column is declared TEXT: "1" for an image
            wa_type = int(wa_type) if wa_type.strip().isdigit() else None
        kind, label = kinds.kind(wa_type)
        extra: dict = {}
        text = data if isinstance(data, str) else None
        key = key_id
        if status == 6:               # a system message: the action code is kept in media_size
            extra["system"] = msize
            return MessageRec(chat, when, MessageKind.SYSTEM, kinds.system_text(msize, "You" if from_me else name,
                                                                                 text),
                              None, None, key, True, None, None, False, None, [], extra, loc)
        if kind is MessageKind.UNKNOWN:
            extra["whatsapp_type"] = wa_type
        if starred:
            extra["starred"] = True
        atts = []
        if wa_type in kinds.MEDIA:
            text = caption or None
            path = path_in_thumb(thumb)
            if kind is MessageKind.VOICE and not ((path and "Voice Notes" in path) or (mime or "").startswith("audio/ogg")):
                kind = MessageKind.FILE
            atts.append(self.media.ref(path, mname, mime, msize if isinstance(msize, int) else None,
                                       {"duration": duration} if duration else None))
        elif kind is MessageKind.CONTACT and text:
            extra["contact"] = vcard_fields(text)
            extra["vcards"] = [text]
            text = mname or extra["contact"].get("first_name")
        elif kind is MessageKind.LOCATION or (lat and lon):
            kind = MessageKind.LOCATION
            extra.update(latitude=lat, longitude=lon)
            if mname:
                extra["place_name"] = mname
        if wa_type in kinds.REVOKED:
            key = f"{key_id}-recalled"
            extra["recalled_id"] = key_id
            text = None
        reply = None
        if quoted and quoted in self.quotes:
            qkey, qdata, qfrom_me, qresource, qchat = self.quotes[quoted]
            reply = qkey
            who = ME if qfrom_me else (qresource or qchat)
            extra["quoted"] = {"sender_name": "You" if who == ME else self.people.name(who), "content": qdata}
        return MessageRec(chat, when, kind, text, sender, name, key, True, reply, "forwarded" if forwarded else None,
                          bool(edit_version), None, atts, extra, loc)
