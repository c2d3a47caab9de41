"""Messages databases (`chat.db` of a Mac, the same schema as an iPhone's `sms.db`) built with the
real table layout, per macOS version, with an `Attachments/` folder.

The layout follows what public readers of the database document (imessage-exporter's table
modules, Apple's column names): `handle`, `chat`, `chat_handle_join`, `chat_message_join`,
`message`, `attachment`, `message_attachment_join`. Versions differ by columns:

| variant | dates | what it adds |
|---|---|---|
| `10.11` | seconds since 2001 | text only (no `attributedBody`, no tapbacks or balloons) |
| `10.13` | nanoseconds | `attributedBody`, tapbacks, balloons (`payload_data`) |
| `11` | ns | `thread_originator_guid` (inline replies) |
| `13` | ns | `message_summary_info`, `date_edited`, `date_retracted` (edit, unsend); text only in `attributedBody` |
| `15` | ns | `associated_message_emoji` (any-emoji tapbacks) |
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests import imessage_blobs as B

APPLE = datetime(2001, 1, 1, tzinfo=UTC)
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
VARIANTS = ("10.11", "10.13", "11", "13", "15")

HANDLE = """CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
 service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service))"""
CHAT = """CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
 state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT,
 account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT,
 is_filtered INTEGER DEFAULT 0, successful_query INTEGER, engram_id TEXT, server_change_token TEXT,
 ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0,
 cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0,
 syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0, is_recovered INTEGER DEFAULT 0,
 is_deleting_incoming_messages INTEGER DEFAULT 0)"""
JOINS = [
    """CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
 handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id))""",
    """CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
 message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,
 PRIMARY KEY (chat_id, message_id))""",
    """CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
 attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id))""",
    "CREATE INDEX chat_message_join_idx_message_id_only ON chat_message_join(message_id)",
    "CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key))",
]
# (column, type, first variant that has it)
MESSAGE_COLS = [
    ("guid", "TEXT UNIQUE NOT NULL", "10.11"), ("text", "TEXT", "10.11"), ("replace", "INTEGER DEFAULT 0", "10.11"),
    ("service_center", "TEXT", "10.11"), ("handle_id", "INTEGER DEFAULT 0", "10.11"), ("subject", "TEXT", "10.11"),
    ("country", "TEXT", "10.11"), ("attributedBody", "BLOB", "10.13"), ("version", "INTEGER DEFAULT 0", "10.11"),
    ("type", "INTEGER DEFAULT 0", "10.11"), ("service", "TEXT", "10.11"), ("account", "TEXT", "10.11"),
    ("account_guid", "TEXT", "10.11"), ("error", "INTEGER DEFAULT 0", "10.11"), ("date", "INTEGER", "10.11"),
    ("date_read", "INTEGER", "10.11"), ("date_delivered", "INTEGER", "10.11"),
    ("is_delivered", "INTEGER DEFAULT 0", "10.11"), ("is_finished", "INTEGER DEFAULT 0", "10.11"),
    ("is_emote", "INTEGER DEFAULT 0", "10.11"), ("is_from_me", "INTEGER DEFAULT 0", "10.11"),
    ("is_empty", "INTEGER DEFAULT 0", "10.11"), ("is_read", "INTEGER DEFAULT 0", "10.11"),
    ("is_system_message", "INTEGER DEFAULT 0", "10.11"), ("is_sent", "INTEGER DEFAULT 0", "10.11"),
    ("cache_has_attachments", "INTEGER DEFAULT 0", "10.11"), ("cache_roomnames", "TEXT", "10.11"),
    ("is_audio_message", "INTEGER DEFAULT 0", "10.11"), ("is_played", "INTEGER DEFAULT 0", "10.11"),
    ("date_played", "INTEGER", "10.11"), ("item_type", "INTEGER DEFAULT 0", "10.11"),
    ("other_handle", "INTEGER DEFAULT 0", "10.11"), ("group_title", "TEXT", "10.11"),
    ("group_action_type", "INTEGER DEFAULT 0", "10.11"), ("share_status", "INTEGER DEFAULT 0", "10.11"),
    ("share_direction", "INTEGER DEFAULT 0", "10.11"), ("is_expirable", "INTEGER DEFAULT 0", "10.11"),
    ("expire_state", "INTEGER DEFAULT 0", "10.11"), ("message_action_type", "INTEGER DEFAULT 0", "10.11"),
    ("message_source", "INTEGER DEFAULT 0", "10.11"),
    ("associated_message_guid", "TEXT", "10.13"), ("associated_message_type", "INTEGER DEFAULT 0", "10.13"),
    ("balloon_bundle_id", "TEXT", "10.13"), ("payload_data", "BLOB", "10.13"),
    ("expressive_send_style_id", "TEXT", "10.13"), ("associated_message_range_location", "INTEGER DEFAULT 0", "10.13"),
    ("associated_message_range_length", "INTEGER DEFAULT 0", "10.13"),
    ("time_expressive_send_played", "INTEGER", "10.13"), ("ck_sync_state", "INTEGER DEFAULT 0", "10.13"),
    ("ck_record_id", "TEXT", "10.13"), ("ck_record_change_tag", "TEXT", "10.13"),
    ("destination_caller_id", "TEXT", "10.13"), ("sr_ck_sync_state", "INTEGER DEFAULT 0", "10.13"),
    ("is_corrupt", "INTEGER DEFAULT 0", "10.13"), ("reply_to_guid", "TEXT", "10.13"), ("sort_id", "INTEGER", "10.13"),
    ("is_spam", "INTEGER DEFAULT 0", "10.13"),
    ("has_unseen_mention", "INTEGER DEFAULT 0", "11"), ("thread_originator_guid", "TEXT", "11"),
    ("thread_originator_part", "TEXT", "11"), ("syndication_ranges", "TEXT", "13"),
    ("synced_syndication_ranges", "TEXT", "13"), ("was_delivered_quietly", "INTEGER DEFAULT 0", "13"),
    ("did_notify_recipient", "INTEGER DEFAULT 0", "13"), ("date_retracted", "INTEGER", "13"),
    ("date_edited", "INTEGER", "13"), ("was_detonated", "INTEGER DEFAULT 0", "13"), ("part_count", "INTEGER", "13"),
    ("message_summary_info", "BLOB", "13"), ("is_stewie", "INTEGER DEFAULT 0", "15"),
    ("associated_message_emoji", "TEXT", "15"), ("is_sos", "INTEGER DEFAULT 0", "15"),
]
ATTACHMENT = """CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT,
 transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT,
 total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,
 hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB,
 ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, is_commsafety_sensitive INTEGER DEFAULT 0)"""


def _rank(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def has(variant: str, column: str) -> bool:
    for name, _t, since in MESSAGE_COLS:
        if name == column:
            return _rank(variant) >= _rank(since)
    return False


def apple_date(ts: datetime, variant: str) -> int:
    secs = (ts - APPLE).total_seconds()
    return int(secs) if variant == "10.11" else int(round(secs * 1e9))


@dataclass
class DB:
    """A Messages database being written; ROWIDs returned for linking."""

    path: Path
    variant: str = "15"
    root: Path | None = None         # the Messages folder (attachment files go under root/Attachments)
    conn: sqlite3.Connection = field(init=False)

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path)
        cols = ", ".join(f"{n} {t}" for n, t, since in MESSAGE_COLS if _rank(self.variant) >= _rank(since))
        self.conn.execute(HANDLE)
        self.conn.execute(CHAT)
        self.conn.execute(f"CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, {cols})")
        self.conn.execute(ATTACHMENT)
        for sql in JOINS:
            self.conn.execute(sql)

    def handle(self, hid: str, service: str = "iMessage") -> int:
        return self.conn.execute("INSERT INTO handle(id, country, service, uncanonicalized_id) VALUES (?,?,?,?)",
                                 (hid, "us", service, hid)).lastrowid

    def chat(self, guid: str, ident: str, handles: list[int], *, group: bool = False, service: str = "iMessage",
             name: str | None = None) -> int:
        cid = self.conn.execute(
            "INSERT INTO chat(guid, style, state, chat_identifier, service_name, room_name, display_name, group_id) "
            "VALUES (?,?,?,?,?,?,?,?)", (guid, 43 if group else 45, 3, ident, service, ident if group else None,
                                         name, f"G-{ident}" if group else None)).lastrowid
        for h in handles:
            self.conn.execute("INSERT INTO chat_handle_join VALUES (?,?)", (cid, h))
        return cid

    def message(self, chat: int | None, guid: str, ts: datetime, **cols) -> int:
        """A message row; `cols` are message columns (those this variant lacks are left out)."""
        row = {"guid": guid, "date": apple_date(ts, self.variant), "service": cols.pop("service", "iMessage"),
               "is_finished": 1, "is_sent": int(bool(cols.get("is_from_me"))), "is_delivered": 1}
        row.update({k: v for k, v in cols.items() if has(self.variant, k)})
        for k in ("date_edited", "date_retracted"):
            if isinstance(row.get(k), datetime):
                row[k] = apple_date(row[k], self.variant)
        names = ", ".join(row)
        mid = self.conn.execute(f"INSERT INTO message({names}) VALUES ({', '.join('?' * len(row))})",
                                tuple(row.values())).lastrowid
        if chat is not None:
            self.conn.execute("INSERT INTO chat_message_join VALUES (?,?,?)", (chat, mid, row["date"]))
        return mid

    def attachment(self, message: int, guid: str, name: str, mime: str | None, data: bytes | None, *,
                   uti: str | None = None, sticker: bool = False, ios: bool = False) -> str:
        """An attachment row; its file is written under Attachments/ when `data` is given (else it is
        missing from the copy). Returns the stored `filename`."""
        sub = f"{guid[:2].lower()}/{guid[2:4]}/{guid}/{name}"
        stored = (f"/var/mobile/Library/SMS/Attachments/{sub}" if ios else f"~/Library/Messages/Attachments/{sub}")
        aid = self.conn.execute(
            "INSERT INTO attachment(guid, created_date, filename, uti, mime_type, transfer_state, transfer_name, "
            "total_bytes, is_sticker, original_guid) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (guid, 0, stored, uti, mime, 5, name, len(data or b""), int(sticker), guid)).lastrowid
        self.conn.execute("INSERT INTO message_attachment_join VALUES (?,?)", (message, aid))
        self.conn.execute("UPDATE message SET cache_has_attachments = 1 WHERE ROWID = ?", (message,))
        if data is not None and self.root is not None:
            f = self.root / "Attachments" / sub
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(data)
        return stored

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()


def text_cols(variant: str, text: str) -> dict:
    """How the variant stores plain text: `text` only (old), both, or `attributedBody` only (macOS 13+
    leaves `text` empty on many rows)."""
    if not has(variant, "attributedBody"):
        return {"text": text}
    if _rank(variant) >= (13,):
        return {"text": None, "attributedBody": B.body(text)}
    return {"text": text, "attributedBody": B.body(text)}


def at(i: int) -> datetime:
    return T0 + timedelta(minutes=7 * i, seconds=i % 60)


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)) + b"\xff\xd9"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(48)
CAF = b"caff\x00\x01\x00\x00" + bytes(40)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
