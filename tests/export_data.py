"""A small vault of every message kind for the export tests: Chinese, emoji, formula-like text, stored
and missing media, edited, recalled and deleted-at-source messages, with an import run as provenance."""

from __future__ import annotations

import json
from typing import Any

from chatvault.media.attach import record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.search.index import index_messages

T0 = 1_700_000_000_000
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40

# (kind, text, extra, sender participant id) — WeChat-shaped extras, as the importers store them
ROWS: list[tuple[str, str | None, dict[str, Any], int]] = [
    ("text", "你好 👋 今天吃什么？", {}, 2),
    ("text", "=HYPERLINK(\"http://evil\",\"click\")", {}, 1),
    ("text", "+1 more 😀", {}, 2),
    ("text", "-2+3", {}, 1),
    ("text", "@SUM(A1:A2)", {}, 2),
    ("text", "\tcmd|' /C calc'!A0", {}, 1),
    ("payment", "￥88.00", {"payment": "transfer", "amount": "￥88.00", "memo": "晚饭", "state": "received",
                           "wechat_subtype": 2000}, 2),
    ("payment", "恭喜发财", {"payment": "red_packet", "greeting": "恭喜发财", "wechat_subtype": 2001}, 1),
    ("location", "上海虹桥站", {"lat": 31.194213, "lon": 121.320474, "poi": "上海虹桥站", "label": "申贵路1500号"}, 2),
    ("call", None, {"duration_s": 65, "room_type": "1"}, 1),
    ("image", "看这个", {}, 2),
    ("file", "合同.pdf", {"file_name": "合同.pdf", "size": 2048}, 1),
    ("recalled", "\"李雷\" 撤回了一条消息", {"event": "recall"}, 2),
    ("system", "你邀请李雷加入了群聊", {}, 1),
    ("text", "line one\nline two, \"quoted\"", {}, 2),
]


def fill(vault: Any, conn: Any) -> dict[str, int]:
    """Two chats (a WeChat group of every kind, a WhatsApp chat of 30 lines); returns counts."""
    store = BlobStore(vault)
    stored = store.put_bytes(PHOTO)
    conn.execute("BEGIN")
    record_blob(conn, stored)
    conn.execute("INSERT INTO import_runs(id, started_at, finished_at, format, path, file_hash, file_size, outcome)"
                 " VALUES (1, ?, ?, 'wechat-pc', '/exports/MSG0.db', 'ab12', 4096, 'ok')", (T0 - 5000, T0 - 1000))
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'wechat', 'wxid_me', 0)")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (2, 'whatsapp', '', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, kind, created_at) "
                 "VALUES (1, 1, 'g1@chatroom', '家人群 🏠', 'group', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, kind, created_at) "
                 "VALUES (2, 2, 'Anna', 'Anna', 'direct', 0)")
    for pid, sid, key, name, me in [(1, 1, "wxid_me", "我", 1), (2, 1, "wxid_li", "李雷", 0),
                                    (3, 2, "me", "Me", 1), (4, 2, "Anna", "Anna", 0)]:
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?,?,?,?,?)",
                     (pid, sid, key, name, me))
    rows = []
    for i, (kind, text, extra, sender) in enumerate(ROWS, start=1):
        rows.append((i, 1, f"svr{i}", T0 + i * 60_000, 480, sender, kind, text, json.dumps(extra, ensure_ascii=False)))
    for j in range(30):
        i = len(ROWS) + 1 + j
        rows.append((i, 2, f"wa{j}", T0 + j * 90_000, None, 3 + j % 2, "text", f"message {j} ✓", "{}"))
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, "
                     "extra, status, first_run_id, last_seen_run_id, location) VALUES (?,?,?,?,?,?,?,?,?,'present',1,1,"
                     "'MSG0.db:row')", rows)
    conn.execute("UPDATE messages SET is_edited = 1, edited_at = ? WHERE id = 1", (T0 + 90_000,))
    conn.execute("UPDATE messages SET status = 'missing-at-source', missing_run_id = 1 WHERE id = 3")
    conn.execute("UPDATE messages SET extra = ? WHERE id = 4",
                 (json.dumps({"recalled": {"at": T0 + 300_000, "notice": "你撤回了一条消息", "by_me": True}}),))
    conn.execute("UPDATE messages SET reply_to_id = 1, reply_to_key = 'svr1' WHERE id = 2")
    image = next(i for i, r in enumerate(ROWS, start=1) if r[0] == "image")
    file = next(i for i, r in enumerate(ROWS, start=1) if r[0] == "file")
    conn.execute("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name, width,"
                 " height) VALUES (?, 0, ?, 'stored', 'image/png', ?, 'IMG_0001.png', 16, 16)",
                 (image, stored.id, len(PHOTO)))
    conn.execute("INSERT INTO attachments(message_id, ordinal, status, original_name, size) "
                 "VALUES (?, 0, 'missing', '合同.pdf', 2048)", (file,))
    index_messages(conn, [(r[0], r[7]) for r in rows])
    conn.execute("COMMIT")
    return {"conversations": 2, "messages": len(rows), "attachments": 2}
