"""Builds Signal Desktop profile folders: `config.json` (plain `key`, or `encryptedKey` in each OS's
safeStorage form), `sql/db.sqlite` encrypted with SQLCipher as Signal Desktop configures it (4096-byte
pages, kdf_iter 64000, HMAC-SHA512, raw key), and `attachments.noindex/` with v2 encrypted attachments
(and a few older plain ones). Tables follow Signal Desktop's schema (`conversations`, `messages` with
its JSON column, `items`, `callsHistory`, optionally `message_attachments`); written from public
descriptions of the format, not from Signal's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.signal_backup_fixtures import (
    ALICE_ACI,
    ALICE_E164,
    BOB_ACI,
    BOB_E164,
    CAROL_ACI,
    CAROL_E164,
    GROUP_HEX,
    OWN_ACI,
    OWN_E164,
    T0,
)

DB_KEY = "5f" * 32
LINUX_SECRET = "bGludXgtc2VjcmV0LWZyb20tdGhlLWtleXJpbmc="
MAC_SECRET = "mac keychain password"
WIN_KEY = bytes(range(32)).hex()
CONV = {"alice": "c0000000-0000-4000-8000-00000000000a", "bob": "c0000000-0000-4000-8000-00000000000b",
        "group": "c0000000-0000-4000-8000-00000000000c", "me": "c0000000-0000-4000-8000-00000000000d",
        "carol": "c0000000-0000-4000-8000-00000000000e"}
_PEER = {1: "alice", 2: "bob", 3: "group", 4: "me"}
_ACI = {"alice": ALICE_ACI, "bob": BOB_ACI, "carol": CAROL_ACI, "me": OWN_ACI}
KINDS = ("text", "image", "video", "voice", "file", "sticker", "contact", "link", "reply", "call", "group",
         "timer", "safety", "deleted", "edited", "view_once", "plain_file")

SCHEMA = [
    "CREATE TABLE conversations (id STRING PRIMARY KEY ASC, json TEXT, active_at INTEGER, type STRING, members "
    "TEXT, name TEXT, profileName TEXT, profileFamilyName TEXT, profileFullName TEXT, e164 TEXT, serviceId TEXT, "
    "groupId TEXT, profileLastFetchedAt INTEGER)",
    "CREATE TABLE messages (rowid INTEGER PRIMARY KEY ASC, id STRING UNIQUE, json TEXT, readStatus INTEGER, "
    "expires_at INTEGER, sent_at INTEGER, schemaVersion INTEGER, conversationId STRING, received_at INTEGER, "
    "source STRING, hasAttachments INTEGER, hasFileAttachments INTEGER, hasVisualMediaAttachments INTEGER, "
    "expireTimer INTEGER, expirationStartTimestamp INTEGER, type STRING, body TEXT, messageTimer INTEGER, "
    "messageTimerStart INTEGER, messageTimerExpiresAt INTEGER, isErased INTEGER, isViewOnce INTEGER, "
    "sourceServiceId TEXT, serverGuid STRING NULL, sourceDevice INTEGER, storyId STRING, isStory INTEGER "
    "NOT NULL DEFAULT 0, isChangeCreatedByUs INTEGER NOT NULL DEFAULT 0, shouldAffectActivity INTEGER, "
    "shouldAffectPreview INTEGER, isUserInitiatedMessage INTEGER, mentionsMe INTEGER NOT NULL DEFAULT 0, "
    "isGroupLeaveEvent INTEGER, seenStatus NUMBER default 0)",
    "CREATE INDEX messages_conversation ON messages (conversationId, isStory, storyId, received_at, sent_at)",
    "CREATE TABLE items (id STRING PRIMARY KEY ASC, json TEXT)",
    "CREATE TABLE callsHistory (callId TEXT PRIMARY KEY, peerId TEXT, ringerId TEXT, mode TEXT, type TEXT, "
    "direction TEXT, status TEXT, timestamp INTEGER, startedById TEXT, endedTimestamp INTEGER)",
    "CREATE TABLE reactions (conversationId STRING, emoji STRING, fromId STRING, messageReceivedAt INTEGER, "
    "targetAuthorAci STRING, targetTimestamp INTEGER, unread INTEGER, messageId STRING)",
]
ATTACHMENT_TABLE = (
    "CREATE TABLE message_attachments (messageId TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE, "
    "editHistoryIndex INTEGER NOT NULL, attachmentType TEXT NOT NULL, orderInMessage INTEGER NOT NULL, "
    "conversationId TEXT NOT NULL, sentAt INTEGER NOT NULL, clientUuid TEXT, size INTEGER NOT NULL, contentType "
    "TEXT NOT NULL, path TEXT, localKey TEXT, plaintextHash TEXT, caption TEXT, fileName TEXT, blurHash TEXT, "
    "height INTEGER, width INTEGER, digest TEXT, key TEXT, flags INTEGER, version INTEGER, pending INTEGER, "
    "PRIMARY KEY (messageId, editHistoryIndex, attachmentType, orderInMessage))")


# --- encryption as Signal Desktop / Electron do it ------------------------------------------------------

def encrypt_attachment(plain: bytes) -> tuple[bytes, str]:
    """(file bytes, base64 localKey): IV + AES-256-CBC(PKCS7) + HMAC-SHA256(IV + ciphertext)."""
    key, iv = os.urandom(64), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key[:32]), modes.CBC(iv)).encryptor()
    ct = enc.update(padder.update(plain) + padder.finalize()) + enc.finalize()
    return iv + ct + hmac.new(key[32:], iv + ct, hashlib.sha256).digest(), base64.b64encode(key).decode()


def safe_storage(form: str, key_hex: str = DB_KEY) -> dict:
    """config.json with the database key wrapped as Electron's safeStorage does on each OS."""
    data = key_hex.encode()
    if form == "key":
        return {"key": key_hex}
    if form == "windows":
        nonce = os.urandom(12)
        blob = b"v10" + nonce + AESGCM(bytes.fromhex(WIN_KEY)).encrypt(nonce, data, None)
        return {"encryptedKey": blob.hex()}
    secret, iterations, prefix = {"linux": (LINUX_SECRET, 1, b"v11"), "macos": (MAC_SECRET, 1003, b"v10"),
                                  "linux-basic": ("peanuts", 1, b"v10")}[form]
    k = hashlib.pbkdf2_hmac("sha1", secret.encode(), b"saltysalt", iterations, 16)
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(k), modes.CBC(b" " * 16)).encryptor()
    blob = prefix + enc.update(padder.update(data) + padder.finalize()) + enc.finalize()
    out = {"encryptedKey": blob.hex()}
    if form.startswith("linux"):
        out["safeStorageBackend"] = "gnome_libsecret" if form == "linux" else "basic_text"
    return out


SECRETS = {"linux": LINUX_SECRET, "macos": MAC_SECRET, "windows": WIN_KEY, "linux-basic": None, "key": None}


@dataclass
class DesktopExpected:
    messages: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    reactions: int = 0
    replies: int = 0
    edited: int = 0
    mentions: int = 0
    long_texts: dict[str, str] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


def _conversations(con: sqlcipher3.Connection) -> None:
    people = [("alice", ALICE_ACI, ALICE_E164, {"name": "Alice Doe"}), ("bob", BOB_ACI, BOB_E164,
              {"profileName": "Bob", "profileFamilyName": "Roe"}), ("carol", CAROL_ACI, CAROL_E164,
              {"profileName": "Carol 王"}), ("me", OWN_ACI, OWN_E164, {"profileName": "Me Myself"})]
    for who, aci, e164, names in people:
        j = {"id": CONV[who], "type": "private", "serviceId": aci, "e164": e164, **names}
        con.execute("INSERT INTO conversations (id, json, type, e164, serviceId, name, profileName) VALUES "
                    "(?,?,?,?,?,?,?)", (CONV[who], json.dumps(j), "private", e164, aci, names.get("name"),
                                        names.get("profileName")))
    gid = base64.b64encode(bytes.fromhex(GROUP_HEX)).decode()
    j = {"id": CONV["group"], "type": "group", "groupId": gid, "groupVersion": 2, "name": "Hiking 徒步",
         "membersV2": [{"aci": a, "role": 1} for a in (OWN_ACI, ALICE_ACI, BOB_ACI, CAROL_ACI)]}
    con.execute("INSERT INTO conversations (id, json, type, groupId, name) VALUES (?,?,?,?,?)",
                (CONV["group"], json.dumps(j), "group", gid, "Hiking 徒步"))
    for iid, value in (("uuid_id", f"{OWN_ACI}.1"), ("number_id", f"{OWN_E164}.1")):
        con.execute("INSERT INTO items VALUES (?, ?)", (iid, json.dumps({"id": iid, "value": value})))


def _author(i: int) -> tuple[bool, str]:
    thread = 1 + i % 4
    outgoing = i % 3 == 0 or thread == 4
    if outgoing:
        return True, "me"
    return False, ("alice", "bob", "carol")[i % 3] if thread == 3 else _PEER[thread]


def _media(kind: str, i: int) -> bytes:
    head = {"image": b"\x89PNG\r\n\x1a\n", "video": b"\x00\x00\x00\x18ftypmp42", "voice": b"\xff\xf1\x50\x80",
            "file": b"%PDF-1.4\n", "sticker": b"RIFF\x00\x00\x00\x00WEBPVP8 ", "plain_file": b"%PDF-1.3\n"}[kind]
    return head + f"desktop {kind} {i} ".encode() * 6


class _Builder:
    def __init__(self, root: Path, con: sqlcipher3.Connection, table: bool) -> None:
        self.root, self.con, self.table = root, con, table
        self.ex = DesktopExpected()

    def attachment(self, mid: str, kind: str, i: int, ms: int, conv: str) -> dict:
        plain = _media(kind, i)
        rel = f"{hashlib.sha256(plain).hexdigest()[:2]}/{hashlib.sha256(plain).hexdigest()}"
        path = self.root / "attachments.noindex" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        ct = {"image": "image/png", "video": "video/mp4", "voice": "audio/aac", "file": "application/pdf",
              "sticker": "image/webp", "plain_file": "application/pdf"}[kind]
        att: dict = {"contentType": ct, "size": len(plain), "path": rel}
        if kind == "plain_file":
            path.write_bytes(plain)                   # an older, unencrypted attachment
            att["fileName"] = f"old{i}.pdf"
        else:
            data, key = encrypt_attachment(plain)
            path.write_bytes(data)
            att.update(localKey=key, version=2)
        if kind == "file":
            att["fileName"] = f"doc{i}.pdf"
        if kind == "voice":
            att["flags"] = 1
        if kind == "image":
            att.update(width=64, height=48)
        if self.table:
            self.row(mid, "sticker" if kind == "sticker" else "attachment", conv, ms, att)
        return att, plain  # type: ignore[return-value]

    def row(self, mid: str, kind: str, conv: str, ms: int, att: dict) -> None:
        """One `message_attachments` row (schema 1360 and later)."""
        self.con.execute(
            "INSERT INTO message_attachments (messageId, editHistoryIndex, attachmentType, orderInMessage, "
            "conversationId, sentAt, size, contentType, path, localKey, fileName, width, height, flags, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (mid, -1, kind, 0, conv, ms, att["size"], att["contentType"], att["path"], att.get("localKey"),
             att.get("fileName"), att.get("width"), att.get("height"), att.get("flags"), att.get("version")))

    def long_text(self, mid: str, i: int, ms: int, conv: str, j: dict) -> None:
        """A text longer than Signal sends inline: the body cut, the whole text a long-message attachment."""
        text = f"long message {i} " + "长文本 " * 1500
        data, key = encrypt_attachment(text.encode())
        rel = f"{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}"
        (self.root / "attachments.noindex" / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / "attachments.noindex" / rel).write_bytes(data)
        att = {"contentType": "text/x-signal-plain", "size": len(text.encode()), "path": rel, "localKey": key,
               "version": 2}
        j["body"] = text[:2000]
        if self.table:
            self.row(mid, "long-message", conv, ms, att)
        else:
            j["bodyAttachment"] = att
        self.ex.long_texts[f"{ms}-{'me' if j['type'] == 'outgoing' else j['sourceServiceId']}"] = text

    def message(self, i: int, kind: str) -> None:  # noqa: C901 - one branch per kind, flat on purpose
        thread = 1 + i % 4
        conv = CONV[_PEER[thread]]
        outgoing, who = _author(i)
        ms = T0 + i * 60_000
        mid = f"d{i:07d}-0000-4000-8000-000000000000"
        mtype = "outgoing" if outgoing else "incoming"
        j: dict = {"id": mid, "conversationId": conv, "sent_at": ms, "timestamp": ms, "received_at": ms + 3,
                   "type": mtype, "body": f"message {i} 你好", "schemaVersion": 10}
        if not outgoing:
            j.update(sourceServiceId=_ACI[who], source={"alice": ALICE_E164, "bob": BOB_E164,
                                                         "carol": CAROL_E164}[who], sourceDevice=1)
        key = f"{ms}-{'me' if outgoing else _ACI[who]}"
        vkind = kind
        if kind in ("image", "video", "voice", "file", "plain_file", "view_once"):
            att, plain = self.attachment(mid, "image" if kind == "view_once" else kind, i, ms, conv)
            j["body"] = f"caption {i}" if kind == "image" else None
            if not self.table:
                j["attachments"] = [att]
            self.ex.media[key] = plain
            vkind = {"plain_file": "file", "view_once": "image"}.get(kind, kind)
            if kind == "view_once":
                j["isViewOnce"] = True
        elif kind == "sticker":
            att, plain = self.attachment(mid, "sticker", i, ms, conv)
            j["body"] = None
            j["sticker"] = {"packId": "abcd", "stickerId": 3, "emoji": "😀", "data": att}
            self.ex.media[key] = plain
        elif kind == "contact":
            j["body"] = None
            j["contact"] = [{"name": {"displayName": "Dora"}, "number": [{"value": "+1555", "type": 1}]}]
        elif kind == "link":
            j["body"] = f"see https://example.org/{i}"
            j["preview"] = [{"url": f"https://example.org/{i}", "title": "Example"}]
        elif kind == "reply":
            q_out, q_who = _author(i - 4)            # a message of the same chat (chats take turns by 4)
            j["quote"] = {"id": T0 + (i - 4) * 60_000, "text": f"message {i - 4}",
                          "authorAci": OWN_ACI if q_out else _ACI[q_who], "attachments": []}
            j["body"] = f"reply {i}"
            self.ex.replies += 1
            vkind = "text"
        elif kind == "call":
            incoming = not outgoing
            j.update(type="call-history", callId=str(9000 + i), body=None)
            self.con.execute("INSERT INTO callsHistory (callId, peerId, mode, type, direction, status, timestamp) "
                             "VALUES (?,?,?,?,?,?,?)", (str(9000 + i), conv, "Direct", "Video" if i % 2 else "Audio",
                                                        "Incoming" if incoming else "Outgoing",
                                                        "Missed" if i % 5 == 0 else "Accepted", ms))
            key = f"{ms}-{_ACI[_PEER[thread]] if incoming and thread != 3 else 'me'}" if thread != 3 or not incoming \
                else f"{ms}-unknown"
            mtype = "call-history"
        elif kind in ("group", "timer", "safety"):
            mtype = {"group": "group-v2-change", "timer": "timer-notification", "safety": "keychange"}[kind]
            j.update(type=mtype, body=None)
            if kind == "group":
                j["groupV2Change"] = {"from": ALICE_ACI, "details": [{"type": "title", "newTitle": f"Hike {i}"}]}
            key = f"desktop:{mid}"
            vkind = "system"
        elif kind == "deleted":
            j.update(body=None, deletedForEveryone=True)
            key = f"{key}-recalled"
            vkind = "recalled"
        elif kind == "edited":
            j["body"] = f"final text {i}"
            j["editHistory"] = [{"body": f"final text {i}", "timestamp": ms + 30_000},
                                {"body": f"first draft {i}", "timestamp": ms}]
            j["editMessageTimestamp"] = ms + 30_000
            self.ex.edited += 1
            vkind = "text"
        if kind == "text" and i % 5 == 1:
            self.long_text(mid, i, ms, conv, j)
        elif kind == "text" and thread == 3:
            j["body"] = f"hi \ufffc, message {i}"
            j["bodyRanges"] = [{"start": 3, "length": 1, "mentionAci": BOB_ACI}, {"start": 0, "length": 2, "style": 1}]
            self.ex.mentions += 1
        if kind == "text" and i % 2 == 0:
            j["reactions"] = [{"emoji": "👍", "fromId": CONV["alice"], "targetTimestamp": ms, "timestamp": ms + 100}]
            if thread == 3:
                j["reactions"].append({"emoji": "👍", "fromId": CONV["bob"], "targetTimestamp": ms,
                                       "timestamp": ms + 150})
            self.ex.reactions += 1
        self.con.execute("INSERT INTO messages (id, json, sent_at, conversationId, received_at, type, body, "
                         "sourceServiceId, hasAttachments) VALUES (?,?,?,?,?,?,?,?,?)",
                         (mid, json.dumps(j, ensure_ascii=False), ms, conv, ms + 3, mtype, j.get("body"),
                          j.get("sourceServiceId"), int(bool(j.get("attachments")))))
        self.ex.messages += 1
        self.ex.kinds[vkind] = self.ex.kinds.get(vkind, 0) + 1
        self.ex.keys.append(key)


def build_profile(root: Path, n: int = 1200, *, form: str = "key", attachment_table: bool = False,
                  extra_texts: list[str] = (), key_hex: str = DB_KEY, encrypted: bool = True,
                  skip: set[int] = frozenset(), legacy_ids: bool = False) -> DesktopExpected:
    """A Signal Desktop folder at `root` with about `n` messages of every kind (`skip`: indexes left out,
    as a later state where they were deleted; `legacy_ids`: the names before Signal's service-id rename,
    `uuid`, `sourceUuid`, `authorUuid`, `mentionUuid`)."""
    (root / "sql").mkdir(parents=True, exist_ok=True)
    (root / "attachments.noindex").mkdir(exist_ok=True)
    (root / "drafts.noindex").mkdir(exist_ok=True)
    (root / "config.json").write_text(json.dumps(safe_storage(form, key_hex)), encoding="utf-8")
    db = root / "sql" / "db.sqlite"
    con = sqlcipher3.connect(str(db))
    if encrypted:
        con.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        con.execute("PRAGMA cipher_page_size = 4096")
        con.execute("PRAGMA kdf_iter = 64000")
        con.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA512")
        con.execute("PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512")
    for sql in SCHEMA + ([ATTACHMENT_TABLE] if attachment_table else []):
        con.execute(sql)
    con.execute(f"PRAGMA user_version = {1360 if attachment_table else 1200}")
    _conversations(con)
    b = _Builder(root, con, attachment_table)
    for i in range(n):
        if i not in skip:
            b.message(i, KINDS[i % len(KINDS)])
    for k, text in enumerate(extra_texts):
        ms = T0 + (n + k) * 60_000
        j = {"id": f"x{k}", "conversationId": CONV["alice"], "sent_at": ms, "type": "incoming", "body": text,
             "sourceServiceId": ALICE_ACI}
        con.execute("INSERT INTO messages (id, json, sent_at, conversationId, type) VALUES (?,?,?,?,?)",
                    (f"x{k}", json.dumps(j), ms, CONV["alice"], "incoming"))
        b.ex.messages += 1
        b.ex.kinds["text"] = b.ex.kinds.get("text", 0) + 1
        b.ex.keys.append(f"{ms}-{ALICE_ACI}")
    if legacy_ids:
        _legacy(con)
    con.commit()
    con.close()
    return b.ex


def _legacy(con: sqlcipher3.Connection) -> None:
    """The schema and JSON as Signal Desktop had them before ACIs were called service ids."""
    con.execute("ALTER TABLE conversations RENAME COLUMN serviceId TO uuid")
    con.execute("ALTER TABLE messages RENAME COLUMN sourceServiceId TO sourceUuid")
    con.execute("UPDATE conversations SET json = replace(json, '\"serviceId\"', '\"uuid\"')")
    for new, old in (("sourceServiceId", "sourceUuid"), ("authorAci", "authorUuid"), ("mentionAci", "mentionUuid")):
        con.execute(f"UPDATE messages SET json = replace(json, '\"{new}\"', '\"{old}\"')")
