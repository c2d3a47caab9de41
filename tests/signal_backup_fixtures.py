"""Builds real Signal Android `.backup` files: protobuf frames from a small encoder written here,
encrypted as Signal Android does (written from the format's public description, not its code).

`build_backup(path, ...)` writes a backup of Signal's current schema (`message`, `attachment`,
`reaction`, `recipient`, `thread`, `groups`, `group_membership`) or of the old one (`sms`, `mms`,
`part`, reactions in a protobuf column), with every kind of message, attachments streamed after their
rows, the owner's ids as KeyValue frames, and an end frame. The key derivation (250,000 SHA-512
rounds) is done here independently of ChatVault's own code, the way Java's MessageDigest runs it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PASSPHRASE = "123451234512345123451234512345"
SPACED = " ".join(PASSPHRASE[i:i + 5] for i in range(0, 30, 5))
OWN_ACI = "0a0b0c0d-1111-4222-8333-444455556666"
OWN_E164 = "+15550000001"
ALICE_ACI, BOB_ACI, CAROL_ACI = ("aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002",
                                 "cccccccc-0000-4000-8000-000000000003")
ALICE_E164, BOB_E164, CAROL_E164 = "+15550000002", "+15550000003", "+15550000004"
GROUP_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
T0 = 1_700_000_000_000


# --- protobuf encoder ------------------------------------------------------------------------------

def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(num: int, n: int) -> bytes:
    return varint(num << 3) + varint(n)


def f_bytes(num: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def f_double(num: int, x: float) -> bytes:
    return varint(num << 3 | 1) + struct.pack("<d", x)


def param(v: object) -> bytes:
    if v is None:
        return f_varint(5, 1)
    if isinstance(v, bool):
        return f_varint(2, int(v))
    if isinstance(v, int):
        return f_varint(2, v)
    if isinstance(v, float):
        return f_double(3, v)
    if isinstance(v, bytes):
        return f_bytes(4, v)
    return f_bytes(1, str(v))


def statement(sql: str, params: list[object] = ()) -> bytes:
    return f_bytes(2, f_bytes(1, sql) + b"".join(f_bytes(2, param(p)) for p in params))


def key_value(key: str, value: str) -> bytes:
    return f_bytes(9, f_bytes(1, key) + f_bytes(7, value))


def attachment_frame(row: int, length: int) -> bytes:
    return f_bytes(4, f_varint(1, row) + f_varint(2, row) + f_varint(3, length))


def sticker_frame(row: int, length: int) -> bytes:
    return f_bytes(8, f_varint(1, row) + f_varint(2, length))


def avatar_frame(name: str, length: int) -> bytes:
    return f_bytes(7, f_bytes(1, name) + f_varint(2, length))


VERSION_FRAME = f_bytes(5, f_varint(1, 215))
END_FRAME = f_varint(6, 1)


# --- encryption ------------------------------------------------------------------------------------

def java_backup_key(passphrase: str, salt: bytes) -> bytes:
    """FullBackupBase.getBackupKey as Java's MessageDigest runs it: update(salt) once, then
    update(hash) and digest(input) (which resets the digest) 250,000 times."""
    data = passphrase.replace(" ", "").encode()
    d = hashlib.sha512()
    d.update(salt)
    h = data
    for _ in range(250_000):
        d.update(h)
        d.update(data)
        h = d.digest()
        d = hashlib.sha512()
    return h[:32]


_KEYS: dict[tuple[str, bytes], tuple[bytes, bytes]] = {}


def keys(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    if (passphrase, salt) not in _KEYS:
        okm = HKDF(hashes.SHA256(), 64, None, b"Backup Export").derive(java_backup_key(passphrase, salt))
        _KEYS[(passphrase, salt)] = (okm[:32], okm[32:])
    return _KEYS[(passphrase, salt)]


def encrypt_frames(path: Path, frames: Iterable[tuple[bytes, bytes | None]], *, passphrase: str = PASSPHRASE,
                   version: int = 1, salt: bytes = b"S" * 32, iv: bytes = bytes(range(16))) -> Path:
    cipher_key, mac_key = keys(passphrase, salt)
    header = f_bytes(1, f_bytes(1, iv) + f_bytes(2, salt) + (f_varint(3, version) if version else b""))
    counter = int.from_bytes(iv[:4], "big")
    with open(path, "wb") as out:
        out.write(len(header).to_bytes(4, "big") + header)
        for frame, media in frames:
            fiv = counter.to_bytes(4, "big") + iv[4:]
            counter += 1
            enc = Cipher(algorithms.AES(cipher_key), modes.CTR(fiv)).encryptor()
            length = (len(frame) + 10).to_bytes(4, "big")
            mac = hmac.new(mac_key, digestmod=hashlib.sha256)
            if version >= 1:
                length = enc.update(length)
                mac.update(length)
            ct = enc.update(frame)
            mac.update(ct)
            out.write(length + ct + mac.digest()[:10])
            if media is not None:
                miv = counter.to_bytes(4, "big") + iv[4:]
                counter += 1
                menc = Cipher(algorithms.AES(cipher_key), modes.CTR(miv)).encryptor()
                mct = menc.update(media)
                out.write(mct + hmac.new(mac_key, miv + mct, hashlib.sha256).digest()[:10])
    return path


# --- Signal's database, as statements -----------------------------------------------------------------

NEW_TABLES = {
    "recipient": "_id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER DEFAULT 0, e164 TEXT UNIQUE DEFAULT NULL, "
                 "aci TEXT UNIQUE DEFAULT NULL, pni TEXT UNIQUE DEFAULT NULL, group_id TEXT UNIQUE DEFAULT NULL, "
                 "registered INTEGER DEFAULT 0, system_joined_name TEXT DEFAULT NULL, profile_given_name TEXT "
                 "DEFAULT NULL, profile_family_name TEXT DEFAULT NULL, profile_joined_name TEXT DEFAULT NULL, "
                 "nickname_joined_name TEXT DEFAULT NULL, blocked INTEGER DEFAULT 0",
    "thread": "_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, meaningful_messages INTEGER DEFAULT 0, "
              "recipient_id INTEGER NOT NULL UNIQUE REFERENCES recipient (_id) ON DELETE CASCADE, read INTEGER "
              "DEFAULT 1, snippet TEXT, archived INTEGER DEFAULT 0",
    "groups": "_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL UNIQUE, recipient_id INTEGER NOT NULL UNIQUE, "
              "title TEXT DEFAULT NULL, active INTEGER DEFAULT 1, master_key BLOB, revision BLOB, decrypted_group BLOB",
    "group_membership": "_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL, recipient_id INTEGER NOT NULL, "
                        "UNIQUE(group_id, recipient_id)",
    "message": "_id INTEGER PRIMARY KEY AUTOINCREMENT, date_sent INTEGER NOT NULL, date_received INTEGER NOT NULL, "
               "date_server INTEGER DEFAULT -1, thread_id INTEGER NOT NULL, from_recipient_id INTEGER NOT NULL, "
               "from_device_id INTEGER, to_recipient_id INTEGER NOT NULL, type INTEGER NOT NULL, body TEXT, "
               "read INTEGER DEFAULT 0, expires_in INTEGER DEFAULT 0, quote_id INTEGER DEFAULT 0, quote_author "
               "INTEGER DEFAULT 0, quote_body TEXT DEFAULT NULL, quote_missing INTEGER DEFAULT 0, quote_type INTEGER "
               "DEFAULT 0, shared_contacts TEXT DEFAULT NULL, link_previews TEXT DEFAULT NULL, view_once INTEGER "
               "DEFAULT 0, remote_deleted INTEGER DEFAULT 0, message_ranges BLOB DEFAULT NULL, story_type INTEGER "
               "DEFAULT 0, latest_revision_id INTEGER DEFAULT NULL, original_message_id INTEGER DEFAULT NULL, "
               "revision_number INTEGER DEFAULT 0",
    "attachment": "_id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER, content_type TEXT, remote_key TEXT, "
                  "transfer_state INTEGER, data_file TEXT, data_size INTEGER, file_name TEXT, voice_note INTEGER "
                  "DEFAULT 0, quote INTEGER DEFAULT 0, width INTEGER DEFAULT 0, height INTEGER DEFAULT 0, caption "
                  "TEXT DEFAULT NULL, sticker_pack_id TEXT DEFAULT NULL, sticker_id INTEGER DEFAULT -1, "
                  "sticker_emoji STRING DEFAULT NULL, display_order INTEGER DEFAULT 0",
    "mention": "_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, message_id INTEGER, recipient_id INTEGER, "
               "range_start INTEGER, range_length INTEGER",
    "reaction": "_id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, author_id INTEGER NOT NULL, emoji TEXT NOT "
                "NULL, date_sent INTEGER NOT NULL, date_received INTEGER NOT NULL, UNIQUE(message_id, author_id) "
                "ON CONFLICT REPLACE",
}
NEW_INDEXES = ["CREATE INDEX message_thread_date_index ON message (thread_id, date_received)",
               "CREATE INDEX attachment_message_id_index ON attachment (message_id)"]

OLD_TABLES = {
    "recipient": "_id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT UNIQUE DEFAULT NULL, phone TEXT UNIQUE DEFAULT "
                 "NULL, group_id TEXT UNIQUE DEFAULT NULL, system_display_name TEXT DEFAULT NULL, signal_profile_name "
                 "TEXT DEFAULT NULL, profile_family_name TEXT DEFAULT NULL, registered INTEGER DEFAULT 0",
    "thread": "_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0, "
              "recipient_ids TEXT, snippet TEXT",
    "groups": "_id INTEGER PRIMARY KEY, group_id TEXT, title TEXT, members TEXT, avatar BLOB, recipient_id INTEGER",
    "sms": "_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, address INTEGER, person INTEGER, date_sent "
           "INTEGER, date INTEGER, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, "
           "body TEXT, expires_in INTEGER DEFAULT 0, reactions BLOB DEFAULT NULL, remote_deleted INTEGER DEFAULT 0",
    "mms": "_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_received INTEGER, msg_box "
           "INTEGER, body TEXT, address INTEGER, quote_id INTEGER DEFAULT 0, quote_author TEXT, quote_body TEXT, "
           "quote_missing INTEGER DEFAULT 0, shared_contacts TEXT, previews TEXT, reveal_duration INTEGER DEFAULT 0, "
           "reactions BLOB DEFAULT NULL, remote_deleted INTEGER DEFAULT 0",
    "part": "_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT, chset INTEGER, "
            "file_name TEXT, _data TEXT, data_size INTEGER, unique_id INTEGER NOT NULL, voice_note INTEGER DEFAULT 0, "
            "width INTEGER DEFAULT 0, height INTEGER DEFAULT 0, quote INTEGER DEFAULT 0, caption TEXT DEFAULT NULL, "
            "sticker_pack_id TEXT, sticker_id INTEGER DEFAULT -1",
}


def _cols(ddl: str) -> list[str]:
    """The column names of a table definition, in order (table constraints left out)."""
    ddl = re.sub(r"UNIQUE\([^)]*\)( ON CONFLICT \w+)?", "", ddl)
    return [part.split()[0] for part in ddl.split(",") if part.strip()]


@dataclass
class Db:
    """Rows to write, table by table, in Signal's exporter order (a table's rows after its CREATE)."""

    tables: dict[str, str]
    rows: dict[str, list[dict]] = field(default_factory=dict)
    media: dict[int, bytes] = field(default_factory=dict)        # attachment row → bytes
    media_table: str = "attachment"

    def add(self, table: str, **row: object) -> int:
        rows = self.rows.setdefault(table, [])
        row.setdefault("_id", len(rows) + 1)
        rows.append(row)
        return int(row["_id"])  # type: ignore[arg-type]

    def frames(self, owner: bool = True) -> list[tuple[bytes, bytes | None]]:
        return list(self.iter_frames(owner))

    def iter_frames(self, owner: bool = True) -> Iterator[tuple[bytes, bytes | None]]:
        """The frames in order; an attachment's bytes are asked of `media` only when its row is written
        (so a benchmark can hand a mapping that makes them on demand)."""
        yield VERSION_FRAME, None
        for table, ddl in self.tables.items():
            yield statement(f"CREATE TABLE {table} ({ddl})"), None
            cols = _cols(ddl)
            for row in self.rows.get(table, []):
                values = [row.get(c) for c in cols]
                yield statement(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})", values), None
                if table == self.media_table and int(row["_id"]) in self.media:  # type: ignore[arg-type]
                    data = self.media[int(row["_id"])]  # type: ignore[arg-type]
                    yield attachment_frame(int(row["_id"]), len(data)), data  # type: ignore[arg-type]
        if self.tables is NEW_TABLES:
            yield from ((statement(sql), None) for sql in NEW_INDEXES)
        yield (f_bytes(3, f_bytes(1, "org.thoughtcrime.securesms_preferences") + f_bytes(2, "pref_theme")
                       + f_bytes(3, "dark")), None)
        yield avatar_frame("1", 5), b"\x89PNG\x00"
        if owner:
            yield key_value("account.aci", OWN_ACI), None
            yield key_value("account.e164", OWN_E164), None
        yield END_FRAME, None


# --- content ---------------------------------------------------------------------------------------------

SECURE = 0x800000 | 0x200000
IN, OUT = 20 | SECURE, 23 | SECURE
KINDS = ("text", "image", "video", "voice", "file", "sticker", "contact", "link", "reply", "call", "group",
         "timer", "safety", "deleted", "edited", "view_once")


@dataclass
class Expected:
    messages: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    outgoing: int = 0
    reactions: int = 0                     # messages with at least one reaction
    replies: int = 0
    media: dict[str, bytes] = field(default_factory=dict)     # message key → bytes of its attachment
    first_ms: int = T0
    edited: int = 0
    mentions: int = 0
    keys: list[str] = field(default_factory=list)


def _recipients(db: Db) -> None:
    db.add("recipient", aci=OWN_ACI, e164=OWN_E164, profile_joined_name="Me Myself", registered=1)
    db.add("recipient", aci=ALICE_ACI, e164=ALICE_E164, system_joined_name="Alice Doe", registered=1)
    db.add("recipient", aci=BOB_ACI, e164=BOB_E164, profile_given_name="Bob", profile_family_name="Roe", registered=1)
    db.add("recipient", aci=CAROL_ACI, e164=CAROL_E164, profile_joined_name="Carol 王", registered=1)
    db.add("recipient", group_id="__signal_group__v2!" + GROUP_HEX, type=3)
    for rid in (2, 3, 5, 1):
        db.add("thread", recipient_id=rid, date=T0)
    db.add("groups", group_id="__signal_group__v2!" + GROUP_HEX, recipient_id=5, title="Hiking 徒步", active=1)
    for rid in (1, 2, 3, 4):
        db.add("group_membership", group_id="__signal_group__v2!" + GROUP_HEX, recipient_id=rid)


_THREAD_PEER = {1: 2, 2: 3, 3: 5, 4: 1}
_AUTHOR_KEY = {1: "me", 2: ALICE_ACI, 3: BOB_ACI, 4: CAROL_ACI}


def new_backup_db(n: int = 1200, extra_texts: list[str] = (), drop: set[int] = frozenset()
                  ) -> tuple[Db, Expected]:
    """About `n` messages of every kind in the current schema; `extra_texts` appended as plain texts;
    the messages numbered in `drop` left out (a later backup after they were deleted)."""
    db, ex = Db(NEW_TABLES), Expected()
    _recipients(db)
    for i in range(n):
        if i not in drop:
            _message(db, ex, i, KINDS[i % len(KINDS)])
    for j, text in enumerate(extra_texts):
        ms = T0 + (n + j) * 60_000
        mid = db.add("message", date_sent=ms, date_received=ms + 5, thread_id=1, from_recipient_id=2,
                     to_recipient_id=1, type=IN, body=text)
        ex.messages += 1
        ex.kinds["text"] = ex.kinds.get("text", 0) + 1
        ex.keys.append(f"{ms}-{ALICE_ACI}")
        del mid
    return db, ex


def _thread(i: int) -> int:
    """Chats take turns, shifted every 16 messages so each chat gets every kind."""
    return 1 + (i + i // len(KINDS)) % 4


def _message(db: Db, ex: Ex, i: int, kind: str) -> None:  # noqa: C901 - one branch per kind, flat on purpose
    thread = _thread(i)
    peer = _THREAD_PEER[thread]
    outgoing = i % 3 == 0 or thread == 4
    if thread == 3 and not outgoing:
        sender = 2 + i % 3
    else:
        sender = 1 if outgoing else peer
    ms = T0 + i * 60_000
    mtype = OUT if outgoing else IN
    row = dict(date_sent=ms, date_received=ms + 1500, thread_id=thread, from_recipient_id=sender,
               to_recipient_id=peer if outgoing else 1, type=mtype, body=f"message {i} 你好")
    author = "me" if outgoing else _AUTHOR_KEY[sender]
    key = f"{ms}-{author}"
    vault_kind = kind
    if kind in ("image", "video", "voice", "file", "sticker"):
        ct = {"image": "image/png", "video": "video/mp4", "voice": "audio/aac", "file": "application/pdf",
              "sticker": "image/webp"}[kind]
        row["body"] = f"caption {i}" if kind == "image" else None
        mid = db.add("message", **row)
        data = _media_bytes(kind, i)
        aid = db.add("attachment", message_id=mid, content_type=ct, data_size=len(data),
                     file_name=f"doc{i}.pdf" if kind == "file" else None, voice_note=int(kind == "voice"),
                     width=64 if kind in ("image", "sticker") else 0, height=48 if kind in ("image", "sticker") else 0,
                     sticker_pack_id="abcd" if kind == "sticker" else None, sticker_id=3 if kind == "sticker" else -1)
        db.media[aid] = data
        ex.media[key] = data
    elif kind == "contact":
        row["body"] = None
        row["shared_contacts"] = json.dumps([{"name": {"displayName": "Dora"}, "phoneNumbers": [{"number": "+1555"}]}])
        db.add("message", **row)
    elif kind == "link":
        row["body"] = f"see https://example.org/{i}"
        row["link_previews"] = json.dumps([{"url": f"https://example.org/{i}", "title": "Example"}])
        db.add("message", **row)
    elif kind == "reply":
        qms = T0 + (i - 4) * 60_000                  # a message of the same chat (same block of 16)
        row.update(quote_id=qms, quote_author=_quoted_author(i - 4), quote_body=f"message {i - 4}", quote_type=0)
        row["body"] = f"reply {i}"
        db.add("message", **row)
        ex.replies += 1
        vault_kind = "text"
    elif kind == "call":
        row.update(body=None, type=[1, 2, 3, 10, 11, 8][i % 6])
        outgoing = row["type"] in (2, 11)
        row["from_recipient_id"] = 1 if outgoing else peer
        author = "me" if outgoing else _AUTHOR_KEY.get(peer, "unknown")
        key = f"{ms}-{author}"
        db.add("message", **row)
    elif kind in ("group", "timer", "safety"):
        bits = {"group": 0x10000 | 0x80000, "timer": 0x40000, "safety": 0x200}[kind]
        row.update(type=IN | bits, body="CgQIARAB" if kind == "group" else None)
        if outgoing:
            row["type"] = OUT | bits
        db.add("message", **row)
        vault_kind = "system"
    elif kind == "deleted":
        row.update(body=None, remote_deleted=1)
        db.add("message", **row)
        key = f"{key}-recalled"
        vault_kind = "recalled"
    elif kind == "edited":
        first = db.add("message", **{**row, "body": f"first draft {i}"})
        latest = db.add("message", **{**row, "body": f"final text {i}", "date_sent": ms + 30_000,
                                      "original_message_id": first, "revision_number": 1})
        for r in db.rows["message"]:
            if r["_id"] == first:
                r["latest_revision_id"] = latest
        ex.edited += 1
        vault_kind = "text"
    elif kind == "view_once":
        row["view_once"] = 1
        row["body"] = None
        mid = db.add("message", **row)
        data = _media_bytes("image", i)
        aid = db.add("attachment", message_id=mid, content_type="image/png", data_size=len(data), width=64, height=48)
        db.media[aid] = data
        ex.media[key] = data
        vault_kind = "image"
    else:
        db.add("message", **row)
    if kind == "text" and thread == 3:
        msg = db.rows["message"][-1]
        msg["body"] = f"hi \ufffc, message {i}"
        db.add("mention", thread_id=thread, message_id=msg["_id"], recipient_id=3, range_start=3, range_length=1)
        ex.mentions += 1
    if kind == "text" and i % 2 == 0:
        mid = db.rows["message"][-1]["_id"]
        db.add("reaction", message_id=mid, author_id=2, emoji="👍", date_sent=ms + 100, date_received=ms + 200)
        if thread == 3:
            db.add("reaction", message_id=mid, author_id=3, emoji="👍", date_sent=ms + 150, date_received=ms + 250)
        ex.reactions += 1
    ex.messages += 1
    ex.kinds[vault_kind] = ex.kinds.get(vault_kind, 0) + 1
    ex.outgoing += int(outgoing)
    ex.keys.append(key)


Ex = Expected


def _quoted_author(i: int) -> int:
    thread = _thread(i)
    outgoing = i % 3 == 0 or thread == 4
    if outgoing:
        return 1
    return 2 + i % 3 if thread == 3 else _THREAD_PEER[thread]


def _media_bytes(kind: str, i: int) -> bytes:
    head = {"image": b"\x89PNG\r\n\x1a\n", "video": b"\x00\x00\x00\x18ftypmp42", "voice": b"\xff\xf1\x50\x80",
            "file": b"%PDF-1.4\n", "sticker": b"RIFF\x00\x00\x00\x00WEBPVP8 "}[kind]
    return head + f"{kind} {i} ".encode() * 8 + os.urandom(0) + i.to_bytes(4, "big")


def build_backup(path: Path, n: int = 1200, *, version: int = 1, passphrase: str = PASSPHRASE,
                 extra_texts: list[str] = (), drop: set[int] = frozenset(),
                 extra_frames: list[tuple[bytes, bytes | None]] = ()) -> Expected:
    db, ex = new_backup_db(n, list(extra_texts), drop)
    frames = db.frames()
    frames[1:1] = list(extra_frames)
    encrypt_frames(path, frames, passphrase=passphrase, version=version)
    return ex


# --- the old schema (sms + mms + part, until 2022) ------------------------------------------------------

def reaction_list(items: list[tuple[str, int, int]]) -> bytes:
    """The `reactions` column of old databases: ReactionList { repeated Reaction { emoji, author, sentTime,
    receivedTime } }."""
    return b"".join(f_bytes(1, f_bytes(1, e) + f_varint(2, a) + f_varint(3, t) + f_varint(4, t + 1))
                    for e, a, t in items)


def old_backup_db(n: int = 300) -> tuple[Db, Expected]:
    """Messages in `sms` (texts, calls, reactions as a blob) and `mms` (media, quotes, group updates)."""
    db, ex = Db(OLD_TABLES, media_table="part"), Expected()
    db.add("recipient", uuid=OWN_ACI, phone=OWN_E164, signal_profile_name="Me Myself")
    db.add("recipient", uuid=ALICE_ACI, phone=ALICE_E164, system_display_name="Alice Doe")
    db.add("recipient", uuid=BOB_ACI.upper(), phone="(555) 000-0003", signal_profile_name="Bob")
    db.add("recipient", uuid=CAROL_ACI, phone=CAROL_E164, signal_profile_name="Carol 王")
    db.add("recipient", group_id="__signal_group__v2!" + GROUP_HEX)
    for rid in (2, 3, 5):
        db.add("thread", recipient_ids=str(rid))
    db.add("groups", group_id="__signal_group__v2!" + GROUP_HEX, title="Hiking 徒步", members="1,2,3,4", recipient_id=5)
    authors = {1: ALICE_ACI, 2: BOB_ACI, 3: CAROL_ACI}
    part = 0
    for i in range(n):
        thread = 1 + i % 3
        peer = (2, 3, 5)[thread - 1]
        outgoing = i % 2 == 0
        sender = (2 + i % 3) if thread == 3 else peer
        ms = T0 + i * 60_000
        author = "me" if outgoing else authors[sender - 1]
        kind = ("text", "image", "reply", "call", "group", "deleted")[i % 6]
        if kind in ("text", "call", "deleted"):
            mtype = {"text": OUT if outgoing else IN, "call": 2 if outgoing else 1,
                     "deleted": OUT if outgoing else IN}[kind]
            blob = reaction_list([("❤️", 2 if outgoing else 1, ms + 10)]) if kind == "text" else None
            db.add("sms", thread_id=thread, address=peer if outgoing else sender, date_sent=ms, date=ms + 900,
                   type=mtype, body=None if kind != "text" else f"old {i}", reactions=blob,
                   remote_deleted=int(kind == "deleted"))
            ex.reactions += int(kind == "text")
            vkind = {"text": "text", "call": "call", "deleted": "recalled"}[kind]
            key = f"{ms}-{author}" + ("-recalled" if kind == "deleted" else "")
        else:
            box = (OUT if outgoing else IN) | (0x10000 | 0x80000 if kind == "group" else 0)
            row = dict(thread_id=thread, date=ms, date_received=ms + 900, msg_box=box, address=peer if outgoing
                       else sender, body=f"old mms {i}")
            if kind == "reply":                      # quotes the reply six messages earlier, in the same chat
                q = i - 6
                q_sender = (2 + q % 3) if thread == 3 else peer
                row.update(quote_id=T0 + q * 60_000, quote_author=str(1 if q % 2 == 0 else q_sender),
                           quote_body=f"old mms {q}")
                ex.replies += int(q >= 0)
            mid = db.add("mms", **row)
            vkind = {"image": "image", "reply": "text", "group": "system"}[kind]
            if kind == "image":
                part += 1
                data = _media_bytes("image", i)
                db.add("part", _id=part, mid=mid, ct="image/png", data_size=len(data), unique_id=1000 + part,
                       width=64, height=48)
                db.media[part] = data
                ex.media[f"{ms}-{author}"] = data
            key = f"{ms}-{author}"
        ex.messages += 1
        ex.kinds[vkind] = ex.kinds.get(vkind, 0) + 1
        ex.keys.append(key)
    return db, ex


def build_old_backup(path: Path, n: int = 300, *, version: int = 0, owner: bool = False) -> Expected:
    """An old backup: format version 0 (plaintext frame lengths), the owner only in preferences."""
    db, ex = old_backup_db(n)
    frames = db.frames(owner=owner)
    if not owner:
        pref = f_bytes(3, f_bytes(1, "org.thoughtcrime.securesms_preferences") + f_bytes(2, "pref_local_uuid")
                       + f_bytes(3, OWN_ACI))
        frames.insert(1, (pref, None))
    encrypt_frames(path, frames, version=version)
    return ex
