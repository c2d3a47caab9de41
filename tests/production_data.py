"""A small vault with everything a production must carry: two apps, a direct chat and a group,
replies, reactions, edits, a recall, a message deleted at source, joins and leaves, stored photos
and files, a missing attachment, Chinese and emoji, a conversation spanning several days."""

from __future__ import annotations

import json
import struct
import zlib

from chatvault.media.attach import record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.search.index import index_messages

DAY = 86_400_000
T0 = 1_556_700_000_000          # 2019-05-01 08:40 UTC


def png(seed: int) -> bytes:
    """A real 2x2 PNG, different for every seed."""
    raw = b"".join(b"\x00" + bytes([seed % 256, (seed * 7) % 256, 90] * 2) for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _blob(vault, conn, data: bytes, mime: str) -> str:
    stored = BlobStore(vault).put_bytes(data)
    record_blob(conn, stored)
    return stored.id


def populate(vault) -> dict:
    """Fill the vault; returns ids the tests look at."""
    conn = vault.connect()
    conn.execute("BEGIN")
    q = conn.execute
    q("INSERT INTO import_runs(id, started_at, finished_at, format, path, file_hash, outcome) "
      "VALUES (1, ?, ?, 'whatsapp', '/exports/anna.zip', 'ab12', 'ok')", (T0, T0 + 1000))
    q("INSERT INTO import_runs(id, started_at, finished_at, format, path, outcome) "
      "VALUES (2, ?, ?, 'wechat', '/exports/wx', 'ok')", (T0 + 2000, T0 + 3000))
    q("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '+4915100000', 0)")
    q("INSERT INTO sources(id, app, account, created_at) VALUES (2, 'wechat', 'wxid_me', 0)")
    for pid, sid, key, name, me in [(1, 1, "me", "Karl Keller", 1), (2, 1, "anna", "Anna Müller", 0),
                                    (3, 1, "bob", "Bob, Jr.", 0), (4, 2, "wxid_me", "我", 1),
                                    (5, 2, "wxid_li", "李雷", 0), (6, 2, "wxid_han", "韩梅梅", 0)]:
        q("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?, ?, ?, ?, ?)",
          (pid, sid, key, name, me))
    q("INSERT INTO conversations(id, source_id, source_key, kind, title, created_at) "
      "VALUES (1, 1, 'anna', 'direct', 'Anna Müller', 0)")
    q("INSERT INTO conversations(id, source_id, source_key, kind, title, created_at) "
      "VALUES (2, 2, 'room@chatroom', 'group', '项目群 🚀', 0)")
    for cid, pid in [(1, 1), (1, 2), (2, 4), (2, 5), (2, 6)]:
        q("INSERT INTO conversation_members(conversation_id, participant_id) VALUES (?, ?)", (cid, pid))
    reactions = json.dumps({"reactions": [{"type": "emoji", "count": 2, "emoji": "👍",
                                           "recent": [{"from": "Anna Müller", "from_id": "anna"}]}]})
    rows = [
        # id, conv, ts, sender, kind, text, status, reply_to_id, is_edited, edited_at, extra, missing_run
        (1, 1, T0, 2, "text", "Hello Karl, the contract is attached", "present", None, 0, None, reactions, None),
        (2, 1, T0 + 60_000, 2, "file", "contract v2", "present", None, 0, None, None, None),
        (3, 1, T0 + 120_000, 1, "text", "Thanks — I will sign tomorrow", "present", 1, 1, T0 + 180_000, None, None),
        (4, 1, T0 + 240_000, 2, "text", "Delete this after reading", "missing-at-source", None, 0, None, None, 1),
        (5, 1, T0 + DAY, 1, "image", None, "present", None, 0, None, None, None),
        (6, 1, T0 + DAY + 1000, 2, "recalled", "This message was deleted", "present", None, 0, None, None, None),
        (7, 1, T0 + 2 * DAY, 2, "image", "photo that never arrived", "present", 5, 0, None, None, None),
        (8, 2, T0 + 500, None, "system", "李雷 joined the group", "present", None, 0, None,
         json.dumps({"event": "join"}), None),
        (9, 2, T0 + 900, 5, "text", "合同发票 明天 🎂 þ and \x14 inside", "present", None, 0, None, None, None),
        (10, 2, T0 + 1200, 6, "payment", None, "present", 9, 0, None,
         json.dumps({"amount": "88.88", "currency": "CNY"}), None),
        (11, 2, T0 + 1500, None, "system", "韩梅梅 left the group", "present", None, 0, None,
         json.dumps({"system": "left"}), None),
        (12, 2, T0 + 1800, 4, "text", "好的\n第二行", "present", None, 1, T0 + 1900, None, None),
    ]
    q_ = ("INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, status, "
          "reply_to_id, is_edited, edited_at, extra, missing_run_id, first_run_id, last_seen_run_id, location) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    for mid, cid, ts, sender, kind, text, status, reply, edited, edited_at, extra, missing in rows:
        run = 1 if cid == 1 else 2
        q(q_, (mid, cid, f"src-{mid}", ts, 120 if cid == 1 else 480, sender, kind, text, status, reply, edited,
               edited_at, extra, missing, run, run, f"chat.txt:{mid}"))
    pdf = b"%PDF-1.4\n% contract\n" + bytes(range(256)) * 4
    contract = _blob(vault, conn, pdf, "application/pdf")
    photo = _blob(vault, conn, png(5), "image/png")
    q("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name) "
      "VALUES (2, 0, ?, 'stored', 'application/pdf', ?, 'contract v2.pdf')", (contract, len(pdf)))
    q("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name) "
      "VALUES (5, 0, ?, 'stored', 'image/png', ?, 'IMG_0001.png')", (photo, len(png(5))))
    q("INSERT INTO attachments(message_id, ordinal, status, original_name, expected_path) "
      "VALUES (7, 0, 'missing', 'IMG_0002.jpg', 'Media/IMG_0002.jpg')")
    index_messages(conn, [(r[0], r[5]) for r in rows])
    conn.execute("COMMIT")
    conn.close()
    return {"messages": len(rows), "contract": pdf, "photo": png(5)}
