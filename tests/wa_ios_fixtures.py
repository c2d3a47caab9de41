"""WhatsApp for iPhone's ChatStorage.sqlite, built with its Core Data tables (Z_PK, Z_ENT, Z_OPT, Z…
columns as the app writes them), and the expected import of every message it holds.

`wa_chats(n)` makes n messages of every kind over a direct chat and a group: text, image, video,
voice, contact, location, group notice, link, document, GIF, deleted, sticker, an image whose file
the phone no longer has, replies (the quoted stanza id in ZWAMEDIAITEM.ZMETADATA, field 5) and
reactions (ZWAMESSAGEINFO.ZRECEIPTINFO: sender JID in field 2, emoji in field 3).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.iosbackup_fixtures import EPOCH_2001, WA_DOMAIN, BackupBuilder, random_bytes

ME_JID = "447700900001@s.whatsapp.net"
ALICE = "447700900123@s.whatsapp.net"
GROUP = "447700900001-1600000000@g.us"
MEMBERS = {"447700900222@s.whatsapp.net": "Bob", "447700900333@s.whatsapp.net": "Chen Wei",
           "447700900444@s.whatsapp.net": None}          # no contact name: the push name is used
PUSH = {"447700900444@s.whatsapp.net": "Dina ☀", ALICE: "Ali"}
T0 = datetime(2023, 5, 1, 8, 0, tzinfo=UTC)

SCHEMA = {
    "ZWACHATSESSION": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID "
                      "INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, "
                      "ZSESSIONTYPE INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, "
                      "ZLASTMESSAGEDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, "
                      "ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR",
    "ZWAGROUPMEMBER": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTABID INTEGER, ZISACTIVE "
                      "INTEGER, ZISADMIN INTEGER, ZSENDERKEYSENT INTEGER, ZCHATSESSION INTEGER, ZCONTACTIDENTIFIER "
                      "VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR",
    "ZWAMESSAGE": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, "
                  "ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFLAGS INTEGER, "
                  "ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS "
                  "INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, "
                  "ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, "
                  "ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, "
                  "ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID "
                  "VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR",
    "ZWAMEDIAITEM": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE "
                    "INTEGER, ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, "
                    "ZHACCURACY FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME "
                    "VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, "
                    "ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, "
                    "ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB",
    "ZWAPROFILEPUSHNAME": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZJID VARCHAR, ZPUSHNAME VARCHAR",
    "ZWAMESSAGEINFO": "Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZMESSAGE INTEGER, ZRECEIPTINFO BLOB",
    "Z_PRIMARYKEY": "Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER",
    "Z_METADATA": "Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB",
}
# The older layout: no reactions table, no push names, no ZMETADATA/ZSTARRED columns.
LEGACY_DROP = {"tables": ("ZWAMESSAGEINFO", "ZWAPROFILEPUSHNAME"), "columns": ("ZMETADATA", "ZSTARRED")}

KIND_CYCLE = [  # (ZMESSAGETYPE, vault kind, has a file)
    (0, "text", False), (1, "image", True), (0, "text", False), (2, "video", True), (3, "voice", True),
    (4, "contact", False), (5, "location", False), (6, "system", False), (7, "link", False), (8, "file", True),
    (11, "video", True), (14, "recalled", False), (15, "sticker", True), (1, "image", False), (0, "text", False),
]


@dataclass
class Msg:
    stanza: str
    chat: str
    ts: datetime
    mtype: int
    kind: str
    text: str | None
    from_me: bool
    sender: str | None               # JID, "me", or None for notices
    media: str | None = None         # ZMEDIALOCALPATH
    media_bytes: bytes | None = None  # None: the phone does not have the file
    reply_to: str | None = None
    reactions: list[tuple[str, str]] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None


def _pb_len(num: int, data: bytes) -> bytes:
    out = bytes([num << 3 | 2])
    n = len(data)
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out + data


def receipt_blob(reactions: list[tuple[str, str]]) -> bytes:
    """ZRECEIPTINFO: read receipts first, then one sub-message per reaction (JID in 2, emoji in 3)."""
    out = _pb_len(1, _pb_len(1, b"447700900222@s.whatsapp.net") + bytes([0x10, 0x01]))
    for jid, emoji in reactions:
        out += _pb_len(6, _pb_len(1, _pb_len(2, jid.encode()) + _pb_len(3, emoji.encode()) + bytes([0x20, 0x05])))
    return out


def wa_chats(n: int, start: int = 0) -> list[Msg]:
    """n messages (ids start..start+n) of every kind over the direct chat and the group."""
    out: list[Msg] = []
    member_jids = list(MEMBERS)
    for i in range(start, start + n):
        mtype, kind, has_file = KIND_CYCLE[i % len(KIND_CYCLE)]
        chat = ALICE if i % 3 else GROUP
        ts = T0 + timedelta(seconds=i * 61.25)
        from_me = i % 4 == 0
        sender = "me" if from_me else (ALICE if chat == ALICE else member_jids[i % len(member_jids)])
        m = Msg(stanza=f"3EB0{i:016X}", chat=chat, ts=ts, mtype=mtype, kind=kind, text=None, from_me=from_me,
                sender=sender)
        if kind == "text":
            m.text = f"message {i} 你好 ✓"
            same = [o for o in out[-6:] if o.chat == chat]
            if i % 7 == 0 and same:
                m.reply_to = same[-1].stanza
        elif kind == "system":
            m.sender, m.from_me, m.text = None, False, f"Bob added Chen Wei ({i})"
        elif kind == "contact":
            m.text = f"Contact {i}"
        elif kind == "location":
            m.lat, m.lon = 51.5 + i / 1e4, -0.12
        elif kind == "link":
            m.text = f"https://example.org/{i}"
        elif kind == "recalled":
            m.text = None
        if kind in ("image", "video", "voice", "file", "sticker"):
            ext = {"image": "jpg", "video": "mp4", "voice": "opus", "file": "pdf", "sticker": "webp"}[kind]
            m.media = f"Media/{chat}/{i % 16:x}/{i % 7:x}/{i:08d}-aaaa-bbbb.{ext}"
            m.media_bytes = random_bytes(f"media{i}", 200 + i % 300) if has_file else None
            if kind in ("image", "video") and i % 5 == 0:
                m.text = f"caption {i}"
        if i % 11 == 0 and kind == "text":
            m.reactions = [(ALICE if chat == ALICE else member_jids[0], "👍"), (ME_JID, "❤️")]
        out.append(m)
    return out


def build_chatstorage(path: Path, msgs: list[Msg], *, legacy: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    for table, cols in SCHEMA.items():
        if legacy and table in LEGACY_DROP["tables"]:
            continue
        if legacy:
            cols = ", ".join(c for c in cols.split(", ") if c.split()[0] not in LEGACY_DROP["columns"])
        con.execute(f"CREATE TABLE {table} ({cols})")
    con.execute("CREATE INDEX Z_WAMESSAGE_byChatSession ON ZWAMESSAGE (ZCHATSESSION)")
    con.execute("INSERT INTO ZWACHATSESSION(Z_PK, Z_ENT, Z_OPT, ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME, ZARCHIVED) "
                "VALUES (1, 3, 1, 0, ?, 'Alice', 0), (2, 3, 1, 1, ?, 'Family 🏡', 1)", (ALICE, GROUP))
    members: dict[str, int] = {}
    for k, (jid, name) in enumerate(MEMBERS.items(), start=1):
        members[jid] = k
        con.execute("INSERT INTO ZWAGROUPMEMBER(Z_PK, Z_ENT, Z_OPT, ZISACTIVE, ZCHATSESSION, ZCONTACTNAME, "
                    "ZMEMBERJID) VALUES (?, 5, 1, 1, 2, ?, ?)", (k, name, jid))
    if not legacy:
        con.executemany("INSERT INTO ZWAPROFILEPUSHNAME(Z_ENT, Z_OPT, ZJID, ZPUSHNAME) VALUES (9, 1, ?, ?)",
                        list(PUSH.items()))
    sess = {ALICE: 1, GROUP: 2}
    for pk, m in enumerate(msgs, start=1):
        media_pk = None
        if m.media or m.kind in ("location", "contact", "link") or (m.reply_to and not legacy):
            meta = _pb_len(5, m.reply_to.encode()) + _pb_len(6, ALICE.encode()) if m.reply_to else None
            cols = {"Z_PK": pk, "Z_ENT": 7, "Z_OPT": 1, "ZMESSAGE": pk, "ZMEDIALOCALPATH": m.media,
                    "ZFILESIZE": len(m.media_bytes) if m.media_bytes else None,
                    "ZTITLE": m.text if m.media else ("Example page" if m.kind == "link" else None),
                    "ZLATITUDE": m.lat, "ZLONGITUDE": m.lon,
                    "ZVCARDNAME": m.text if m.kind == "contact" else None,
                    "ZVCARDSTRING": f"BEGIN:VCARD\nFN:{m.text}\nEND:VCARD" if m.kind == "contact" else None,
                    "ZMEDIAURL": "https://mmg.whatsapp.net/x" if m.media and not m.media_bytes else None,
                    "ZMOVIEDURATION": 7 if m.kind in ("voice", "video") else None}
            if not legacy:
                cols["ZMETADATA"] = meta
            con.execute(f"INSERT INTO ZWAMEDIAITEM({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        list(cols.values()))
            media_pk = pk
        text = None if m.media else m.text
        if m.kind == "contact":
            text = None
        info_pk = None
        if m.reactions and not legacy:
            con.execute("INSERT INTO ZWAMESSAGEINFO(Z_PK, Z_ENT, Z_OPT, ZMESSAGE, ZRECEIPTINFO) VALUES (?, 8, 1, ?, ?)",
                        (pk, pk, receipt_blob(m.reactions)))
            info_pk = pk
        member = members.get(m.sender or "") if m.chat == GROUP else None
        con.execute(
            "INSERT INTO ZWAMESSAGE(Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGETYPE, ZGROUPEVENTTYPE, ZCHATSESSION, "
            "ZGROUPMEMBER, ZMEDIAITEM, ZMESSAGEINFO, ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZTOJID, ZSTANZAID, ZTEXT, "
            "ZMESSAGESTATUS, ZSORT) VALUES (?, 9, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 6, ?)",
            (pk, int(m.from_me), m.mtype, 2 if m.kind == "system" else 0, sess[m.chat], member, media_pk, info_pk,
             (m.ts - EPOCH_2001).total_seconds(), (m.ts - EPOCH_2001).total_seconds(),
             None if m.from_me else (m.chat if m.chat == ALICE else m.sender), ME_JID if not m.from_me else m.chat,
             m.stanza, text, pk))
    con.execute("INSERT INTO Z_METADATA VALUES (1, 'A1B2-C3D4', X'62706C697374')")
    con.commit()
    con.close()
    return path


def add_whatsapp(b: BackupBuilder, work: Path, msgs: list[Msg], *, legacy: bool = False) -> None:
    """ChatStorage.sqlite, the app group's preferences and every media file the phone still has."""
    db = build_chatstorage(work / "ChatStorage.sqlite", msgs, legacy=legacy)
    b.add(WA_DOMAIN, "ChatStorage.sqlite", db.read_bytes())
    import plistlib
    b.add(WA_DOMAIN, "Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist",
          plistlib.dumps({"OwnJabberID": ME_JID, "FullUserName": "Lin"}, fmt=plistlib.FMT_BINARY))
    b.add_dir(WA_DOMAIN, "Message")
    for m in msgs:
        if m.media and m.media_bytes is not None:
            b.add(WA_DOMAIN, f"Message/{m.media}", m.media_bytes)


def write_folder(root: Path, msgs: list[Msg], *, legacy: bool = False) -> Path:
    """A copied app-group folder: ChatStorage.sqlite beside Message/Media/…"""
    build_chatstorage(root / "ChatStorage.sqlite", msgs, legacy=legacy)
    for m in msgs:
        if m.media and m.media_bytes is not None:
            p = root / "Message" / m.media
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(m.media_bytes)
    return root


def txt_lines(msgs: list[Msg], chat: str, me: str = "Lin", other: str = "Alice") -> list[str]:
    """The chat as WhatsApp's "Export chat" (without media) writes it, read in UTC: the kinds an export
    shows in a line of its own (text, links, media, deleted, notices)."""
    out = []
    for m in msgs:
        if m.chat != chat or m.kind in ("contact", "location"):
            continue
        stamp = m.ts.strftime("%d/%m/%Y, %H:%M")
        who = me if m.from_me else other
        if m.kind == "system":
            out.append(f"{stamp} - {m.text}")
            continue
        if m.kind in ("text", "link"):
            body = m.text
        elif m.kind == "recalled":
            body = "You deleted this message" if m.from_me else "This message was deleted"
        else:
            body = "<Media omitted>"
        out.append(f"{stamp} - {who}: {body}")
    return out
