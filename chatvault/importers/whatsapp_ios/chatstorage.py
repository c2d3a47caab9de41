"""WhatsApp for iPhone's `ChatStorage.sqlite` (Core Data) → neutral records.

Tables read (columns an older or newer WhatsApp lacks are read as NULL, so schema variants work):
`ZWACHATSESSION` (one row per chat: `ZCONTACTJID`, `ZPARTNERNAME`, `ZSESSIONTYPE`),
`ZWAGROUPMEMBER` (`ZMEMBERJID`, `ZCONTACTNAME`, per `ZCHATSESSION`), `ZWAPROFILEPUSHNAME` (the
names people gave themselves), `ZWAMESSAGE` (`ZSTANZAID` is WhatsApp's own message id, the stable
key; `ZMESSAGEDATE` is seconds since 2001-01-01 UTC; `ZMESSAGETYPE` the kind), `ZWAMEDIAITEM`
(`ZMEDIALOCALPATH` under the app's `Message/` folder, caption `ZTITLE`, location, vCard, and
`ZMETADATA`, a protobuf whose field 5 is the stanza id of the quoted message), and
`ZWAMESSAGEINFO.ZRECEIPTINFO` (a protobuf holding reactions: sender JID in field 2, emoji in 3).
Media is resolved through a callback, so the same reader serves a backup and a copied folder.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from chatvault.errors import InputError
from chatvault.importers.whatsapp_ios import pb
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    MessageKind,
    MessageRec,
    ParticipantRec,
    Record,
    SourceRec,
    Unparsed,
)

APP = "whatsapp"
IDENTITY = "chat_identity"
EPOCH_2001 = datetime(2001, 1, 1, tzinfo=UTC)
ME = "me"
# ZMESSAGETYPE → kind (the public readers agree on these; anything else keeps its text as UNKNOWN)
KINDS = {0: MessageKind.TEXT, 1: MessageKind.IMAGE, 2: MessageKind.VIDEO, 3: MessageKind.VOICE,
         4: MessageKind.CONTACT, 5: MessageKind.LOCATION, 6: MessageKind.SYSTEM, 7: MessageKind.LINK,
         8: MessageKind.FILE, 10: MessageKind.SYSTEM, 11: MessageKind.VIDEO, 14: MessageKind.RECALLED,
         15: MessageKind.STICKER, 46: MessageKind.POLL, 59: MessageKind.CALL, 66: MessageKind.CALL}
MEDIA_KINDS = {MessageKind.IMAGE, MessageKind.VIDEO, MessageKind.VOICE, MessageKind.FILE, MessageKind.STICKER}
SESSION_KINDS = {0: ConversationKind.DIRECT, 1: ConversationKind.GROUP, 2: ConversationKind.CHANNEL,
                 3: ConversationKind.CHANNEL}
# (prefix, column): every column the reader may use, NULL when this version of WhatsApp lacks it
MESSAGE_COLS = ("m.Z_PK", "m.ZCHATSESSION", "m.ZISFROMME", "m.ZMESSAGEDATE", "m.ZTEXT", "m.ZMESSAGETYPE",
                "m.ZGROUPMEMBER", "m.ZFROMJID", "m.ZSTANZAID", "m.ZGROUPEVENTTYPE", "m.ZSTARRED",
                "mi.ZMEDIALOCALPATH", "mi.ZTITLE", "mi.ZFILESIZE", "mi.ZMOVIEDURATION", "mi.ZLATITUDE",
                "mi.ZLONGITUDE", "mi.ZVCARDNAME", "mi.ZVCARDSTRING", "mi.ZMETADATA", "mi.ZMEDIAURL",
                "info.ZRECEIPTINFO")

# Resolves a ZMEDIALOCALPATH to (opener or None, the path it was looked for at).
MediaResolver = Callable[[str], tuple[Callable[[], BinaryIO] | None, str]]


def apple_time(value: Any) -> datetime | None:
    """Seconds since 2001-01-01 UTC (a float) as an aware datetime; None when absent or absurd."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if not -1e10 < value < 1e10:
        return None
    return EPOCH_2001 + timedelta(seconds=float(value))


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'Z%'"):
        out[name] = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
    return out


def _col(tabs: dict[str, set[str]], alias: dict[str, str], ref: str) -> str:
    pre, col = ref.split(".")
    return ref if col in tabs.get(alias[pre], set()) else "NULL"


class ChatStorage:
    """One ChatStorage.sqlite (a private copy, opened read-only) and how to find its media."""

    def __init__(self, conn: sqlite3.Connection, where: Path, media: MediaResolver, *, account: str = "",
                 owner: str = "", device: str | None = None) -> None:
        self.conn = conn
        self.where = where
        self.media = media
        self.account = account      # "" as the other WhatsApp formats, so one account's chats meet
        self.owner = owner          # the phone's own JID when known (its reactions are "me")
        self.device = device
        self.tabs = _tables(conn)
        for need in ("ZWAMESSAGE", "ZWACHATSESSION"):
            if need not in self.tabs:
                raise InputError(f"{where.name} has no {need} table: it is not WhatsApp's ChatStorage.sqlite.",
                                 location=str(where))
        self.pushnames: dict[str, str] = {}
        self.members: dict[int, tuple[str, str | None]] = {}
        self.sessions: dict[int, ConversationRec] = {}

    def _select(self, table: str, cols: tuple[str, ...]) -> str:
        have = self.tabs.get(table, set())
        return ", ".join(c if c in have else "NULL" for c in cols)

    def _load(self) -> None:
        if "ZWAPROFILEPUSHNAME" in self.tabs:
            sel = self._select("ZWAPROFILEPUSHNAME", ("ZJID", "ZPUSHNAME"))
            for jid, name in self.conn.execute(f"SELECT {sel} FROM ZWAPROFILEPUSHNAME"):
                if isinstance(jid, str) and isinstance(name, str) and name.strip():
                    self.pushnames[jid] = name.strip()
        roster: dict[int, list[ParticipantRec]] = {}
        if "ZWAGROUPMEMBER" in self.tabs:
            sel = self._select("ZWAGROUPMEMBER", ("Z_PK", "ZCHATSESSION", "ZMEMBERJID", "ZCONTACTNAME", "ZFIRSTNAME"))
            for pk, sess, jid, cname, first in self.conn.execute(f"SELECT {sel} FROM ZWAGROUPMEMBER"):
                if not isinstance(jid, str) or not jid:
                    continue
                name = _name(cname) or _name(first) or self.pushnames.get(jid)
                if isinstance(pk, int):
                    self.members[pk] = (jid, name)
                if isinstance(sess, int):
                    roster.setdefault(sess, []).append(ParticipantRec(key=jid, display_name=name))
        sel = self._select("ZWACHATSESSION", ("Z_PK", "ZCONTACTJID", "ZPARTNERNAME", "ZSESSIONTYPE", "ZARCHIVED"))
        for pk, jid, partner, stype, archived in self.conn.execute(f"SELECT {sel} FROM ZWACHATSESSION"):
            if not isinstance(pk, int) or not isinstance(jid, str) or not jid:
                continue
            kind = SESSION_KINDS.get(stype if isinstance(stype, int) else -1) or (
                ConversationKind.GROUP if jid.endswith("@g.us") else ConversationKind.DIRECT)
            title = _name(partner) or self.pushnames.get(jid) or jid.split("@")[0]
            parts = roster.get(pk, [])
            if kind is ConversationKind.DIRECT:
                parts = [ParticipantRec(key=jid, display_name=title)]
            extra: dict[str, Any] = {"jid": jid, IDENTITY: identity(jid, [_name(partner), self.pushnames.get(jid)])}
            if archived:
                extra["archived"] = True
            self.sessions[pk] = ConversationRec(key=jid, title=title, kind=kind,
                                                participants=[*parts, ParticipantRec(ME, None, is_me=True)],
                                                extra=extra)

    def records(self, ctx: JobContext, on_progress: Callable[[int, int], None] | None = None) -> Iterator[Record]:
        try:
            self._load()
            yield SourceRec(app=APP, account=self.account, display_name=self.device, complete=True)
            yield from self.sessions.values()
            yield from self._messages(ctx, on_progress)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.where.name} is damaged ({exc}); what was read before is kept.",
                             location=str(self.where),
                             hint="Make the backup again (or copy the file again), then import it again.") from exc

    def _messages(self, ctx: JobContext, on_progress: Callable[[int, int], None] | None) -> Iterator[Record]:
        alias = {"m": "ZWAMESSAGE", "mi": "ZWAMEDIAITEM", "info": "ZWAMESSAGEINFO"}
        joins = ""
        joined = {"m"}
        if "ZWAMEDIAITEM" in self.tabs and "ZMEDIAITEM" in self.tabs["ZWAMESSAGE"]:
            joins += " LEFT JOIN ZWAMEDIAITEM mi ON mi.Z_PK = m.ZMEDIAITEM"
            joined.add("mi")
        info_cols = self.tabs.get("ZWAMESSAGEINFO", set())
        if info_cols and "ZMESSAGEINFO" in self.tabs["ZWAMESSAGE"]:       # the message's own link: a key lookup
            joins += " LEFT JOIN ZWAMESSAGEINFO info ON info.Z_PK = m.ZMESSAGEINFO"
            joined.add("info")
        elif "ZMESSAGE" in info_cols:
            joins += (" LEFT JOIN ZWAMESSAGEINFO info ON info.Z_PK = (SELECT max(i2.Z_PK) FROM ZWAMESSAGEINFO i2 "
                      "WHERE i2.ZMESSAGE = m.Z_PK)")
            joined.add("info")
        sel = ", ".join(_col(self.tabs, alias, c) if c.split(".")[0] in joined else "NULL" for c in MESSAGE_COLS)
        total = self.conn.execute("SELECT count(*) FROM ZWAMESSAGE").fetchone()[0]
        cur = self.conn.execute(f"SELECT {sel} FROM ZWAMESSAGE m{joins} ORDER BY m.Z_PK")
        done = 0
        while True:
            rows = cur.fetchmany(2000)
            if not rows:
                break
            for i, row in enumerate(rows):
                if i % 250 == 0:
                    ctx.check()           # a cancel is honoured within a few ms, not at the next batch
                yield self._message(row)
            done += len(rows)
            if on_progress:
                on_progress(done, total)

    def _message(self, row: tuple) -> Record:
        (pk, sess, from_me, date, text, mtype, member, from_jid, stanza, _event, starred, path, title, fsize,
         duration, lat, lon, vname, vcard, meta, url, receipt) = row
        where = f"{self.where.name}#ZWAMESSAGE.Z_PK={pk}"
        conv = self.sessions.get(sess) if isinstance(sess, int) else None
        ts = apple_time(date)
        if conv is None or ts is None:
            why = "a message of no known chat" if conv is None else "a message without a usable date"
            return Unparsed(raw=str(text or "")[:2000], location=where, reason=why,
                            conversation_key=conv.key if conv else None)
        kind = KINDS.get(mtype if isinstance(mtype, int) else -1, MessageKind.UNKNOWN)
        rec = MessageRec(conversation_key=conv.key, ts=ts, kind=kind, text=_str(text), location=where,
                         source_id=stanza if isinstance(stanza, str) and stanza else f"Z_PK:{pk}")
        rec.sender_key, rec.sender_name = self._sender(conv, bool(from_me), member, from_jid, kind)
        if mtype not in KINDS:
            rec.extra["wa_type"] = mtype
        if starred:
            rec.extra["starred"] = True
        if kind is MessageKind.SYSTEM:
            rec.sender_key = rec.sender_name = None
            if not rec.text:
                rec.text = f"(WhatsApp notice, type {mtype}, event {_event})"
        quoted = pb.first_text(meta, 5) if isinstance(meta, bytes) else None
        if quoted:
            rec.reply_to = quoted
        self._details(rec, kind, path, title, fsize, duration, lat, lon, vname, vcard, url)
        reactions = self._reactions(receipt)
        if reactions:
            rec.extra["reactions"] = reactions
        return rec

    def _sender(self, conv: ConversationRec, from_me: bool, member: Any, from_jid: Any,
                kind: MessageKind) -> tuple[str | None, str | None]:
        if from_me:
            return ME, None
        if isinstance(member, int) and member in self.members:
            jid, name = self.members[member]
            return jid, name or self.pushnames.get(jid)
        if conv.kind is ConversationKind.GROUP:
            if isinstance(from_jid, str) and from_jid and from_jid != conv.key:
                return from_jid, self.pushnames.get(from_jid)
            return None, None
        return conv.key, conv.title

    def _details(self, rec: MessageRec, kind: MessageKind, path: Any, title: Any, fsize: Any, duration: Any,
                 lat: Any, lon: Any, vname: Any, vcard: Any, url: Any) -> None:
        caption = _str(title)
        if kind is MessageKind.LOCATION and isinstance(lat, float | int) and isinstance(lon, float | int):
            rec.extra.update(lat=float(lat), lon=float(lon))
            if caption:
                rec.extra["place"] = caption
            rec.text = rec.text or caption or f"{float(lat):.6f}, {float(lon):.6f}"
            return
        if kind is MessageKind.CONTACT:
            if _str(vcard):
                rec.extra["vcard"] = vcard
            rec.text = rec.text or _str(vname)
            return
        if kind is MessageKind.LINK:
            if caption:
                rec.extra["title"] = caption
            if _str(url):
                rec.extra["url"] = url
            return
        if caption and kind in MEDIA_KINDS:
            rec.text = caption if not rec.text else rec.text
        if isinstance(path, str) and path.strip():
            opener, expected = self.media(path.strip())
            ref = AttachmentRef(name=path.strip().rsplit("/", 1)[-1], open=opener, expected_path=expected,
                                size_hint=fsize if isinstance(fsize, int) and fsize > 0 else None,
                                status=AttachmentStatus.STORED if opener else AttachmentStatus.MISSING)
            if isinstance(duration, int | float) and duration > 0 and kind in (MessageKind.VOICE, MessageKind.VIDEO):
                ref.extra["duration_seconds"] = duration
            rec.attachments.append(ref)
        elif kind in MEDIA_KINDS:
            # the phone never downloaded it (or deleted it to free space): named, not stored
            rec.attachments.append(AttachmentRef(name=caption if kind is MessageKind.FILE else None,
                                                 status=AttachmentStatus.EXPIRED if url else AttachmentStatus.MISSING))

    def _reactions(self, receipt: Any) -> list[dict[str, Any]]:
        found: list[tuple[str, str]] = []
        _collect_reactions(receipt, found, 0)
        by: dict[str, dict[str, Any]] = {}
        names = {jid: name for jid, name in self.members.values() if name}
        for jid, emoji in found:
            r = by.setdefault(emoji, {"emoji": emoji, "count": 0, "by": []})
            r["count"] += 1
            if self.owner and jid == self.owner:
                r["by"].append({"from_id": ME, "from": None})
            else:
                r["by"].append({"from_id": jid, "from": names.get(jid) or self.pushnames.get(jid)})
        return list(by.values())


def phone_of(jid: str) -> str | None:
    user, _, server = jid.partition("@")
    user = user.split(":", 1)[0].split(".", 1)[0]
    return f"+{user}" if server in ("s.whatsapp.net", "c.us") and user.isdigit() else None


def identity(jid: str, names: list[str | None]) -> dict:
    """The WhatsApp chat identity (`chatvault.ingest.chatmatch`): JID, phone and the names it is shown under,
    which is all a `.txt` export of the same chat knows."""
    out: dict[str, Any] = {"app": APP, "jid": jid, "names": [n for n in dict.fromkeys([*names, phone_of(jid)]) if n]}
    phone = phone_of(jid)
    if phone:
        out["phone"] = phone
    return out


def _collect_reactions(data: Any, out: list[tuple[str, str]], depth: int) -> None:
    """Reactions are sub-messages with the reacting JID in field 2 and the emoji in field 3."""
    if depth > 4:
        return
    fs = pb.fields(data)
    if not fs:
        return
    jid = emoji = None
    for num, wt, v in fs:
        if wt != 2:
            continue
        t = pb.text(v)
        if num == 2 and t and "@" in t and len(t) < 100:
            jid = t
        elif num == 3 and t and 0 < len(t) <= 16 and "@" not in t:
            emoji = t
    if jid and emoji:
        out.append((jid, emoji))
        return
    for _num, wt, v in fs:
        if wt == 2:
            _collect_reactions(v, out, depth + 1)


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v != "" else None


def _name(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None
