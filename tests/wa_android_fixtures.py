"""Builders of WhatsApp for Android databases for the tests: msgstore.db (current and legacy schema),
wa.db, a Media tree, and crypt14/crypt15 backups encrypted as WhatsApp does, with known keys.

The table layouts follow what the public readers of these files document (whatsapp-chat-exporter,
wa-crypt-tools); only the columns ChatVault reads plus a few of the others are created. No real data.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ME = None                           # a sender of None: the phone's owner
ROOT_KEY_HEX = "5f" * 8 + "0123456789abcdef" * 3          # the crypt15 test key (64 hex digits)
KEY14 = bytes(range(32, 64))                               # the crypt14 AES key inside the key file
BASE_MS = 1_700_000_000_000                                # 2023-11-14 22:13:20 UTC

CURRENT_SCHEMA = """
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE UNIQUE INDEX jid_index ON jid (user, server, agent, device);
CREATE TABLE jid_map (lid_row_id INTEGER PRIMARY KEY, jid_row_id INTEGER, sort_id INTEGER);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
  subject TEXT, created_timestamp INTEGER, display_message_row_id INTEGER, last_message_row_id INTEGER,
  archived INTEGER, sort_timestamp INTEGER, group_type INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER,
  origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER,
  message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER, sort_id INTEGER NOT NULL DEFAULT 0,
  message_add_on_flags INTEGER, view_mode INTEGER);
CREATE UNIQUE INDEX message_key_index ON message (chat_row_id, from_me, key_id, sender_jid_row_id);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, autotransfer_retry_enabled
  INTEGER, multicast_id TEXT, media_job_uuid TEXT, transferred INTEGER, transcoded INTEGER, file_path TEXT,
  file_size INTEGER, suspicious_content INTEGER, trim_from INTEGER, trim_to INTEGER, face_x INTEGER,
  face_y INTEGER, media_key BLOB, media_key_timestamp INTEGER, width INTEGER, height INTEGER,
  has_streaming_sidecar INTEGER, gif_attribution INTEGER, thumbnail_height_width_ratio REAL, direct_path TEXT,
  first_scan_sidecar BLOB, first_scan_length INTEGER, message_url TEXT, mime_type TEXT, file_length INTEGER,
  media_name TEXT, file_hash TEXT, media_duration INTEGER, page_count INTEGER, enc_file_hash TEXT,
  partial_media_hash TEXT, partial_media_enc_hash TEXT, is_animated_sticker INTEGER, original_file_hash TEXT,
  mute_video INTEGER, media_caption TEXT);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, parent_message_chat_row_id
  INTEGER, from_me INTEGER, sender_jid_row_id INTEGER, key_id TEXT, timestamp INTEGER, message_type INTEGER,
  origin INTEGER, text_data TEXT, payment_transaction_id TEXT, lookup_tables INTEGER);
CREATE TABLE message_location (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, latitude REAL,
  longitude REAL, place_name TEXT, place_address TEXT, url TEXT, live_location_share_duration INTEGER,
  live_location_sequence_number INTEGER, live_location_final_latitude REAL, live_location_final_longitude REAL,
  live_location_final_timestamp INTEGER, map_download_status INTEGER);
CREATE TABLE message_vcard (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_row_id INTEGER, vcard TEXT);
CREATE INDEX message_vcard_index ON message_vcard (message_row_id);
CREATE TABLE message_add_on (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, parent_message_row_id INTEGER,
  timestamp INTEGER, status INTEGER, message_add_on_type INTEGER);
CREATE INDEX message_add_on_index_parent_message_row_id ON message_add_on (parent_message_row_id);
CREATE TABLE message_add_on_reaction (message_add_on_row_id INTEGER PRIMARY KEY, reaction TEXT,
  sender_timestamp INTEGER);
CREATE TABLE message_edit_info (message_row_id INTEGER PRIMARY KEY, original_key_id TEXT NOT NULL,
  edited_timestamp INTEGER NOT NULL, sender_timestamp INTEGER NOT NULL);
CREATE TABLE message_revoked (message_row_id INTEGER PRIMARY KEY, revoked_key_id TEXT NOT NULL,
  admin_jid_row_id INTEGER, revoke_timestamp INTEGER);
CREATE TABLE message_system (message_row_id INTEGER PRIMARY KEY, action_type INTEGER NOT NULL);
CREATE TABLE message_system_value_change (message_row_id INTEGER PRIMARY KEY, old_data TEXT);
CREATE TABLE message_system_chat_participant (message_row_id INTEGER, user_jid_row_id INTEGER);
CREATE TABLE message_poll (message_row_id INTEGER PRIMARY KEY, selectable_options_count INTEGER);
CREATE TABLE message_poll_option (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_row_id INTEGER NOT NULL,
  option_name TEXT, vote_total INTEGER);
CREATE TABLE message_view_once_media (message_row_id INTEGER PRIMARY KEY, state INTEGER);
CREATE TABLE message_future (message_row_id INTEGER PRIMARY KEY, version INTEGER, data BLOB);
CREATE TABLE message_forwarded (message_row_id INTEGER PRIMARY KEY, forward_score INTEGER);
CREATE TABLE call_log (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER, from_me INTEGER,
  call_id TEXT, transaction_id INTEGER, timestamp INTEGER, video_call INTEGER, duration INTEGER,
  call_result INTEGER, bytes_transferred INTEGER, group_jid_row_id INTEGER, is_joinable_group_call INTEGER,
  call_creator_device_jid_row_id INTEGER, call_random_id TEXT);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT, group_jid_row_id INTEGER NOT NULL,
  user_jid_row_id INTEGER NOT NULL, rank INTEGER, pending INTEGER, add_timestamp INTEGER, label TEXT);
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
"""

LEGACY_SCHEMA = """
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER,
  key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT,
  media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT,
  media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT,
  remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER,
  receipt_device_timestamp INTEGER, read_device_timestamp INTEGER, played_device_timestamp INTEGER,
  raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER,
  mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT,
  forwarded INTEGER, preview_type INTEGER, send_count INTEGER);
CREATE UNIQUE INDEX messages_key_index ON messages (key_remote_jid, key_from_me, key_id);
CREATE TABLE messages_quotes (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT, key_from_me INTEGER,
  key_id TEXT, status INTEGER, data TEXT, timestamp INTEGER, media_wa_type TEXT, remote_resource TEXT);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, message_table_id
  INTEGER, subject TEXT, creation INTEGER, last_read_message_table_id INTEGER, archived INTEGER, sort_timestamp INTEGER);
CREATE TABLE group_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, gjid TEXT NOT NULL, jid TEXT NOT NULL,
  admin INTEGER, pending INTEGER, sent_sender_key INTEGER);
"""

WA_SCHEMA = """
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, is_whatsapp_user BOOLEAN,
  status TEXT, status_timestamp INTEGER, number TEXT, raw_contact_id INTEGER, display_name TEXT,
  phone_type INTEGER, phone_label TEXT, unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER,
  photo_id_timestamp INTEGER, given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT,
  company TEXT, title TEXT);
"""


@dataclass
class Msg:
    """One message as the tests describe it (the builders write it in either schema)."""

    chat: str                              # chat JID
    key_id: str
    ms: int
    sender: str | None = ME                # a JID, or ME (from_me)
    type: int = 0
    text: str | None = None
    media: tuple[str, str, int] | None = None      # (file_path, mime, size)
    media_name: str | None = None
    quoted: str | None = None                       # key_id of the quoted message
    location: tuple[float, float, str] | None = None
    vcards: list[str] = field(default_factory=list)
    poll: list[tuple[str, int]] = field(default_factory=list)
    reactions: list[tuple[str | None, str, int]] = field(default_factory=list)   # (sender JID or ME, emoji, ms)
    edited_ms: int | None = None
    action: int | None = None                        # a system message's action_type
    view_once: bool = False
    forwarded: bool = False
    starred: bool = False
    lid_sender: bool = False                         # the row names the sender by LID (current schema)


@dataclass
class Call:
    peer: str
    call_id: str
    ms: int
    from_me: bool = False
    video: bool = False
    duration: int = 0
    result: int = 5


@dataclass
class Store:
    chats: dict[str, str | None]                # JID → group subject (None for a person)
    members: dict[str, list[str]]               # group JID → member JIDs
    msgs: list[Msg]
    calls: list[Call] = field(default_factory=list)
    lids: dict[str, str] = field(default_factory=dict)   # phone JID → its LID JID


class _Jids:
    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c
        self.ids: dict[str, int] = {}

    def __call__(self, jid: str) -> int:
        if jid not in self.ids:
            user, _, server = jid.partition("@")
            self.ids[jid] = int(self.c.execute("INSERT INTO jid(user, server, agent, device, type, raw_string) "
                                               "VALUES (?,?,0,0,0,?)", (user, server, jid)).lastrowid)
        return self.ids[jid]


def build_current(path: Path, store: Store) -> Path:
    """A current-schema msgstore.db at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = sqlite3.connect(path)
    c.executescript(CURRENT_SCHEMA)
    jid = _Jids(c)
    for phone, lid in store.lids.items():
        c.execute("INSERT INTO jid_map(lid_row_id, jid_row_id) VALUES (?,?)", (jid(lid), jid(phone)))
    chats = {}
    for chat, subject in store.chats.items():
        chats[chat] = int(c.execute("INSERT INTO chat(jid_row_id, subject, created_timestamp) VALUES (?,?,?)",
                                    (jid(chat), subject, BASE_MS)).lastrowid)
        c.execute("INSERT INTO message(chat_row_id, from_me, key_id, timestamp, message_type, sort_id) "
                  "VALUES (?, 1, ?, 0, 7, 0)", (chats[chat], f"-placeholder-{chats[chat]}"))
    for group, users in store.members.items():
        for i, user in enumerate(users):
            c.execute("INSERT INTO group_participant_user(group_jid_row_id, user_jid_row_id, rank) VALUES (?,?,?)",
                      (jid(group), jid(user), 1 if i == 0 else 0))
    ids: dict[str, int] = {}
    for m in store.msgs:
        ids[m.key_id] = _current_message(c, jid, chats, ids, store, m)
    for call in store.calls:
        c.execute("INSERT INTO call_log(jid_row_id, from_me, call_id, timestamp, video_call, duration, call_result) "
                  "VALUES (?,?,?,?,?,?,?)", (jid(call.peer), int(call.from_me), call.call_id, call.ms,
                                              int(call.video), call.duration, call.result))
    c.commit()
    c.close()
    return path


def _current_message(c: sqlite3.Connection, jid: _Jids, chats: dict, ids: dict, store: Store, m: Msg) -> int:
    cid = chats[m.chat]
    sender = None
    if m.sender is not None and (m.chat.endswith("@g.us") or m.chat == "status@broadcast"):
        sender = jid(store.lids[m.sender] if m.lid_sender else m.sender)
    text = m.text
    mid = int(c.execute(
        "INSERT INTO message(chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, received_timestamp, "
        "message_type, text_data, starred, sort_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (cid, int(m.sender is None), m.key_id, sender, 13, m.ms, m.ms + 500, m.type, text, int(m.starred),
         len(ids) + 1)).lastrowid)
    c.execute("UPDATE message SET sort_id = _id WHERE _id = ?", (mid,))
    if m.media:
        path, mime, size = m.media
        c.execute("INSERT INTO message_media(message_row_id, chat_row_id, file_path, file_size, mime_type, media_name, "
                  "transferred) VALUES (?,?,?,?,?,?,1)", (mid, cid, path, size, mime, m.media_name))
    if m.quoted:
        q = c.execute("SELECT from_me, sender_jid_row_id, text_data, timestamp FROM message WHERE key_id = ?",
                      (m.quoted,)).fetchone() or (0, None, None, None)      # a quote outlives its message
        c.execute("INSERT INTO message_quoted(message_row_id, chat_row_id, from_me, sender_jid_row_id, key_id, "
                  "timestamp, text_data) VALUES (?,?,?,?,?,?,?)", (mid, cid, q[0], q[1], m.quoted, q[3], q[2]))
    if m.location:
        c.execute("INSERT INTO message_location(message_row_id, chat_row_id, latitude, longitude, place_name) "
                  "VALUES (?,?,?,?,?)", (mid, cid, *m.location))
    for card in m.vcards:
        c.execute("INSERT INTO message_vcard(message_row_id, vcard) VALUES (?,?)", (mid, card))
    if m.poll:
        c.execute("INSERT INTO message_poll(message_row_id, selectable_options_count) VALUES (?,1)", (mid,))
        for option, votes in m.poll:
            c.execute("INSERT INTO message_poll_option(message_row_id, option_name, vote_total) VALUES (?,?,?)",
                      (mid, option, votes))
    for n, (who, emoji, ms) in enumerate(m.reactions):
        aid = c.execute("INSERT INTO message_add_on(chat_row_id, from_me, key_id, sender_jid_row_id, "
                        "parent_message_row_id, timestamp, message_add_on_type) VALUES (?,?,?,?,?,?,56)",
                        (cid, int(who is None), f"R{m.key_id}{n}", jid(who) if who else None, mid, ms)).lastrowid
        c.execute("INSERT INTO message_add_on_reaction(message_add_on_row_id, reaction, sender_timestamp) "
                  "VALUES (?,?,?)", (aid, emoji, ms))
    if m.edited_ms:
        c.execute("INSERT INTO message_edit_info VALUES (?,?,?,?)", (mid, m.key_id, m.edited_ms, m.edited_ms))
    if m.type in (15, 64):
        c.execute("INSERT INTO message_revoked(message_row_id, revoked_key_id, revoke_timestamp) VALUES (?,?,?)",
                  (mid, m.key_id, m.ms + 1000))
    if m.action is not None:
        c.execute("INSERT INTO message_system VALUES (?,?)", (mid, m.action))
        if m.action in (4, 12, 14) and m.sender:
            c.execute("INSERT INTO message_system_chat_participant VALUES (?,?)", (mid, jid(m.sender)))
    if m.view_once:
        c.execute("INSERT INTO message_view_once_media VALUES (?, 0)", (mid,))
    if m.forwarded:
        c.execute("INSERT INTO message_forwarded VALUES (?, 1)", (mid,))
    return mid


def build_legacy(path: Path, store: Store) -> Path:
    """A legacy (pre-2022) msgstore.db: the wide `messages` table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = sqlite3.connect(path)
    c.executescript(LEGACY_SCHEMA)
    c.execute("INSERT INTO messages(key_remote_jid, key_from_me, key_id, status) VALUES ('-1', 0, '-1', -1)")
    for chat, subject in store.chats.items():
        c.execute("INSERT INTO chat_list(key_remote_jid, subject, creation) VALUES (?,?,?)", (chat, subject, BASE_MS))
    for group, users in store.members.items():
        for i, user in enumerate(users):
            c.execute("INSERT INTO group_participants(gjid, jid, admin) VALUES (?,?,?)", (group, user, int(i == 0)))
    for m in store.msgs:
        quoted = None
        if m.quoted:
            q = c.execute("SELECT key_remote_jid, key_from_me, key_id, data, timestamp, remote_resource FROM messages "
                          "WHERE key_id = ?", (m.quoted,)).fetchone()
            quoted = c.execute("INSERT INTO messages_quotes(key_remote_jid, key_from_me, key_id, data, timestamp, "
                               "remote_resource) VALUES (?,?,?,?,?,?)", q).lastrowid
        status = 6 if m.action is not None else 13
        data = m.vcards[0] if m.vcards else m.text
        media_path, mime, size = m.media or (None, None, None)
        thumb = f"\x00\x05MediaData\x00{media_path}\x00".encode() if media_path else None
        lat, lon, place = m.location or (None, None, None)
        c.execute(
            "INSERT INTO messages(key_remote_jid, key_from_me, key_id, status, data, timestamp, media_wa_type, "
            "media_mime_type, media_size, media_name, media_caption, latitude, longitude, thumb_image, remote_resource, "
            "quoted_row_id, edit_version, forwarded, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (m.chat, int(m.sender is None), m.key_id, status, None if m.media else data, m.ms, str(m.type), mime,
             m.action if m.action is not None else size, m.media_name or place, m.text if m.media else None, lat,
             lon, thumb, m.sender if m.chat.endswith(("@g.us", "@broadcast")) else None, quoted, 7 if m.edited_ms else 0,
             int(m.forwarded), int(m.starred)))
    c.commit()
    c.close()
    return path


def build_wa_db(path: Path, names: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = sqlite3.connect(path)
    c.executescript(WA_SCHEMA)
    for jid, name in names.items():
        c.execute("INSERT INTO wa_contacts(jid, is_whatsapp_user, number, display_name, wa_name) VALUES (?,1,?,?,?)",
                  (jid, jid.split("@")[0], name, name.split()[0]))
    c.commit()
    c.close()
    return path


# --- encryption as WhatsApp does it --------------------------------------------------------------

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(number: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def java_bytes(payload: bytes) -> bytes:
    """A serialized Java byte[] (how WhatsApp stores its key files)."""
    return (b"\xac\xed\x00\x05ur\x00\x02[B\xac\xf3\x17\xf8\x06\x08T\xe0\x02\x00\x00xp"
            + len(payload).to_bytes(4, "big") + payload)


def key14_file(key: bytes = KEY14) -> bytes:
    """The phone's 158-byte `key` file for crypt14 backups."""
    google = b"G" * 16
    payload = b"\x00\x01" + b"\x01" + b"S" * 32 + google + hashlib.sha256(google).digest() + b"\x00" * 16 + key
    data = java_bytes(payload)
    assert len(data) == 158
    return data


def key15_file(root_hex: str = ROOT_KEY_HEX) -> bytes:
    return java_bytes(bytes.fromhex(root_hex))


def _info() -> bytes:
    return _pb(1, b"2.24.10.79") + _pb(2, b"42") + _pb(3, b"HMD Global")


def encrypt(plain_db: Path, out: Path, *, crypt: int = 15, root_hex: str = ROOT_KEY_HEX, key14: bytes = KEY14,
            checksum: bool = True, features: bool = True, old_layout: bool = False) -> Path:
    """`plain_db` as a WhatsApp backup: prologue, AES-GCM over zlib, tag, MD5 (see chatvault's crypt.py)."""
    iv = os.urandom(16)
    if crypt == 15:
        key = HKDF(hashes.SHA256(), 32, salt=None, info=b"backup encryption").derive(bytes.fromhex(root_hex))
        proto = _pb(1, 1) + _pb(3, _pb(1, iv)) + _pb(4, _info())
    else:
        key = key14
        cipher = _pb(1, b"\x00\x01") + _pb(2, b"1") + _pb(3, b"S" * 32) + _pb(4, b"G" * 16) + _pb(5, iv)
        proto = _pb(1, 0) + _pb(2, cipher) + _pb(4, _info())
    if old_layout:                              # an old crypt14: fixed offsets, IV at 67, data at 191
        head = bytearray(os.urandom(191))
        head[0] = 0
        head[1] = 1
        head[67:83] = iv
        prologue = bytes(head)
    else:
        prologue = bytes([len(proto)]) + (b"\x01" if features else b"") + proto
    sealed = AESGCM(key).encrypt(iv, zlib.compress(plain_db.read_bytes(), 6), None)
    body = prologue + sealed                     # ciphertext then the 16-byte tag
    if checksum:
        body += hashlib.md5(body).digest()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return out


def media_tree(root: Path, store: Store, *, skip: set[str] = frozenset()) -> int:
    """Write the media files the store's messages name under `root` (the WhatsApp folder); returns how many."""
    n = 0
    for m in store.msgs:
        if m.media and m.media[0] not in skip:
            p = root / m.media[0]
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(f"media of {m.key_id}".encode() + b"\x00" * 32)
            n += 1
    return n


# --- a store with every kind of message ----------------------------------------------------------

ALICE = "491511110001@s.whatsapp.net"
BOB = "491511110002@s.whatsapp.net"
CAROL = "491511110003@s.whatsapp.net"
CAROL_LID = "170000000000003@lid"
FAMILY = "120363000000001@g.us"
STATUS = "status@broadcast"
NAMES = {ALICE: "Alice Example", BOB: "Bob Builder", CAROL: "Carol Chen"}
VCARD = "BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;;;\nFN:Jane Doe\nTEL;type=CELL:+49 151 99990000\nEND:VCARD"

# (message_type, how the test recognises it); one of each per round, filler text in between
KINDS = ("text", "image", "image_sent", "voice", "video", "document", "sticker", "gif", "contact", "location",
         "poll", "system", "revoked", "view_once", "edited", "reply", "reacted", "forwarded", "missing_media")


def _kind_msg(kind: str, chat: str, key: str, ms: int, sender: str | None, i: int, prev: str | None) -> Msg:
    day = "20231114"
    if kind == "text":
        return Msg(chat, key, ms, sender, 0, f"Hello number {i} 你好")
    if kind == "image":
        return Msg(chat, key, ms, sender, 1, f"caption {i}", (f"Media/WhatsApp Images/IMG-{day}-WA{i:04d}.jpg",
                                                             "image/jpeg", 40))
    if kind == "image_sent":
        return Msg(chat, key, ms, ME, 1, None, (f"Media/WhatsApp Images/Sent/IMG-{day}-WA{i:04d}.jpg", "image/jpeg", 40))
    if kind == "voice":
        return Msg(chat, key, ms, sender, 2, None, (f"Media/WhatsApp Voice Notes/202311/PTT-{day}-WA{i:04d}.opus",
                                                   "audio/ogg; codecs=opus", 40))
    if kind == "video":
        return Msg(chat, key, ms, sender, 3, None, (f"Media/WhatsApp Video/VID-{day}-WA{i:04d}.mp4", "video/mp4", 40))
    if kind == "document":
        return Msg(chat, key, ms, sender, 9, None, (f"Media/WhatsApp Documents/report-{i}.pdf", "application/pdf", 40),
                   media_name=f"report-{i}.pdf")
    if kind == "sticker":
        return Msg(chat, key, ms, sender, 20, None, (f"Media/WhatsApp Stickers/STK-{day}-WA{i:04d}.webp",
                                                    "image/webp", 40))
    if kind == "gif":
        return Msg(chat, key, ms, sender, 13, None, (f"Media/WhatsApp Animated Gifs/VID-{day}-WA{i:04d}.mp4",
                                                    "video/mp4", 40))
    if kind == "contact":
        return Msg(chat, key, ms, sender, 4, "Jane Doe", vcards=[VCARD])
    if kind == "location":
        return Msg(chat, key, ms, sender, 5, None, location=(52.52, 13.405, f"Cafe {i}"))
    if kind == "poll":
        return Msg(chat, key, ms, sender, 66, f"Dinner {i}?", poll=[("Pizza", 2), ("Sushi", 1)])
    if kind == "system":
        return Msg(chat, key, ms, sender, 7, None, action=4 if chat == FAMILY else 19)
    if kind == "revoked":
        return Msg(chat, key, ms, sender, 15, None)
    if kind == "view_once":
        return Msg(chat, key, ms, sender, 42, None, (f"Media/WhatsApp Images/Private/IMG-{day}-WA{i:04d}.jpg",
                                                    "image/jpeg", 40), view_once=True)
    if kind == "edited":
        return Msg(chat, key, ms, sender, 0, f"edited text {i}", edited_ms=ms + 60_000)
    if kind == "reply":
        return Msg(chat, key, ms, sender, 0, f"reply {i}", quoted=prev)
    if kind == "reacted":
        return Msg(chat, key, ms, sender, 0, f"react to me {i}",
                   reactions=[(ALICE if chat != ALICE else None, "👍", ms + 5000), (BOB, "👍", ms + 6000),
                              (None, "❤️", ms + 7000)])
    if kind == "forwarded":
        return Msg(chat, key, ms, sender, 0, f"forwarded {i}", forwarded=True, starred=True)
    return Msg(chat, key, ms, sender, 1, None, (f"Media/WhatsApp Images/IMG-{day}-GONE{i:04d}.jpg", "image/jpeg", 40))


def sample_store(total: int = 1200, *, start_ms: int = BASE_MS, prefix: str = "3EB0") -> Store:
    """`total` messages over five chats, every kind in KINDS in turn, plus a few calls."""
    chats = {ALICE: None, BOB: None, CAROL: None, FAMILY: "Family 🏠", STATUS: None}
    order = [ALICE, FAMILY, BOB, FAMILY, CAROL, STATUS]
    msgs: list[Msg] = []
    last_key: dict[str, str] = {}
    for i in range(total):
        chat = order[i % len(order)]
        if chat == STATUS:
            sender = [ALICE, BOB][i % 2]
        elif chat == FAMILY:
            sender = [ALICE, BOB, CAROL, ME][(i // 2) % 4]
        else:
            sender = chat if i % 3 else ME
        kind = KINDS[(i // len(order)) % len(KINDS)] if chat != STATUS else "text"
        key = f"{prefix}{i:012X}"
        ms = start_ms + i * 61_000 + (i % 7) * 1000
        msg = _kind_msg(kind, chat, key, ms, sender, i, last_key.get(chat))
        if kind == "reply" and msg.quoted is None:
            msg = Msg(chat, key, ms, sender, 0, f"reply {i}")
        if chat == FAMILY and sender == CAROL:
            msg.lid_sender = True
        msgs.append(msg)
        if msg.type not in (7, 15):
            last_key[chat] = key
    calls = [Call(ALICE, "CALL1", start_ms + 500, video=True, duration=65, result=5),
             Call(BOB, "CALL2", start_ms + 900, from_me=True, duration=0, result=2)]
    return Store(chats, {FAMILY: [ALICE, BOB, CAROL]}, msgs, calls, {CAROL: CAROL_LID})


def phone_folder(root: Path, store: Store, *, android11: bool = False, crypt: int | None = 15,
                 legacy: bool = False, missing: bool = True) -> Path:
    """A copy of the phone's WhatsApp folder: Databases/msgstore.db.crypt15 (or plain), wa.db, Media.
    Returns the folder a user would choose."""
    wa = root / ("Android/media/com.whatsapp/WhatsApp" if android11 else "WhatsApp")
    plain = root.parent / f"{root.name}-plain" / "msgstore.db"
    (build_legacy if legacy else build_current)(plain, store)
    if crypt is None:
        (wa / "Databases").mkdir(parents=True, exist_ok=True)
        (wa / "Databases" / "msgstore.db").write_bytes(plain.read_bytes())
    else:
        encrypt(plain, wa / "Databases" / f"msgstore.db.crypt{crypt}", crypt=crypt)
    build_wa_db(wa / "Databases" / "wa.db", NAMES)
    skip = {m.media[0] for m in store.msgs if m.media and "GONE" in m.media[0]} if missing else set()
    media_tree(wa, store, skip=skip)
    return root


# --- the same chats as WhatsApp's "Export chat" writes them ----------------------------------------

OWNER = "Sam Owner"


def txt_lines(store: Store, chat: str, *, zone: str = "UTC", with_media: bool = True,
              names: dict[str, str] = NAMES) -> list[str]:
    """Chat `chat` of `store` as an Android "Export chat" .txt (English, day first, 24 h, minutes only)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    lines = []
    for m in store.msgs:
        if m.chat != chat:
            continue
        t = datetime.fromtimestamp(m.ms / 1000, tz)
        stamp = f"{t:%d/%m/%Y, %H:%M} - "
        who = OWNER if m.sender is None else names.get(m.sender, "+" + m.sender.split("@")[0])
        if m.action is not None:
            if m.action == 19:
                lines.append(stamp + "Messages and calls are end-to-end encrypted. No one outside of this chat, "
                             "not even WhatsApp, can read or listen to them. Tap to learn more.")
            else:
                lines.append(stamp + f"{who} added {names.get(ALICE)}")
            continue
        if m.type == 15:
            body = "You deleted this message" if m.sender is None else "This message was deleted"
        elif m.media:
            name = m.media_name or m.media[0].rsplit("/", 1)[-1]
            body = f"{name} (file attached)" if with_media else "<Media omitted>"    # (the caption is lost)
            if m.text and with_media:
                body += "\n" + m.text
        elif m.vcards:
            body = "Jane Doe.vcf (file attached)" if with_media else "<Media omitted>"
        elif m.location:
            body = f"location: https://maps.google.com/?q={m.location[0]},{m.location[1]}"
        elif m.poll:
            body = "POLL:\n" + (m.text or "") + "".join(f"\nOPTION: {o} ({v} votes)" for o, v in m.poll)
        else:
            body = m.text or ""
            if m.edited_ms:
                body += " <This message was edited>"
        lines.append(stamp + f"{who}: {body}")
    return lines


def export_folder(folder: Path, store: Store, chat: str, title: str, *, zone: str = "UTC",
                  with_media: bool = True, wa_root: Path | None = None) -> Path:
    """An unzipped "Export chat" folder: `WhatsApp Chat with TITLE.txt` and, with media, the files."""
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / f"WhatsApp Chat with {title}.txt"
    txt.write_text("\n".join(txt_lines(store, chat, zone=zone, with_media=with_media)) + "\n", encoding="utf-8")
    if with_media:
        for m in store.msgs:
            if m.chat == chat and m.media and "GONE" not in m.media[0]:
                name = m.media_name or m.media[0].rsplit("/", 1)[-1]
                (folder / name).write_bytes(f"media of {m.key_id}".encode() + b"\x00" * 32)
    return folder if with_media else txt
