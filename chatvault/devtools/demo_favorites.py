"""The demo archive's WeChat Favorites (收藏): one of every kind the Favorites view shows, as the importer
stores them (importers/wechat/favorites/records.py), for screenshots and GUI tests.

Kept apart from `demo.populate` so the tests that count the demo's messages stay as they are;
call it after `populate` (with the vault, the photos are stored and show as thumbnails).
"""

from __future__ import annotations

import io
import json
import time
from datetime import datetime

from chatvault.devtools.demo import DAY, HOUR, MIN, demo_photo
from chatvault.search.index import reindex_all
from chatvault.store.db import Connection


def _items(today: int) -> list[tuple[int, str, str, str | None, dict]]:
    """(favorited at, sender key, kind, text, extra) of each favorite, oldest first."""
    fam = {"chat": "family@chatroom", "chat_name": "相亲相爱一家人"}
    return [
        (today - 30 * DAY + 9 * HOUR, "wxid_wang", "text", "下周一的家长会改到下午四点，请准时参加。",
         {"fav_kind": "text", "fav_type": 1, "tags": ["学校"],
          "fav_source": {"chat": "wxid_wang", "chat_name": "王老师", "sender": "wxid_wang", "sender_name": "王老师"}}),
        (today - 21 * DAY + 20 * HOUR, "wxid_li", "file", "2026年度预算.xlsx",
         {"fav_kind": "file", "fav_type": 8, "file_name": "2026年度预算.xlsx", "size": 48_213, "tags": ["工作", "报销"],
          "fav_source": {"chat": "wxid_li", "chat_name": "李雷", "sender": "wxid_li", "sender_name": "李雷"}}),
        (today - 14 * DAY + 8 * HOUR, "gh_12306", "link", "春节回家抢票攻略 | 12306 最全指南",
         {"fav_kind": "article", "fav_type": 5, "article": True, "title": "春节回家抢票攻略 | 12306 最全指南",
          "description": "提前30天开售，候补购票成功率更高", "url": "https://mp.weixin.qq.com/s/demo", "tags": ["出行"],
          "fav_source": {"chat": "gh_12306", "chat_name": "铁路12306"}}),
        (today - 9 * DAY + 21 * HOUR, None, "text", "相亲相爱一家人的聊天记录",
         {"fav_kind": "chat_history", "fav_type": 14, "tags": ["家人"], "fav_source": fam,
          "bundle": [{"sender": "妈妈", "time": "2026-11-20 19:02", "text": "周六回家吃饭，做你们爱吃的红烧肉"},
                     {"sender": "李雷", "time": "2026-11-20 19:05", "text": "好，我下午三点到"},
                     {"sender": "韩梅梅", "time": "2026-11-20 19:06", "text": "我带水果 🍊"}]}),
        (today - 6 * DAY + 19 * HOUR, "wxid_han", "image", None,
         {"fav_kind": "image", "fav_type": 2, "tags": ["家人"], "fav_source": {**fam, "sender": "wxid_han",
                                                                             "sender_name": "韩梅梅"}}),
        (today - 4 * DAY + 7 * HOUR, "wxid_mom", "voice", None,
         {"fav_kind": "voice", "fav_type": 3, "duration_ms": 32_000, "tags": ["家人"],
          "fav_source": {"chat": "wxid_mom", "chat_name": "妈妈", "sender": "wxid_mom", "sender_name": "妈妈"}}),
        (today - 2 * DAY + 12 * HOUR, None, "text", "年夜饭菜单\n红烧肉、清蒸鱼、饺子\n记得提前买好年货",
         {"fav_kind": "note", "fav_type": 18, "title": "年夜饭菜单", "tags": ["家人"],
          "note": [{"type": "text", "text": "年夜饭菜单"}, {"type": "text", "text": "红烧肉、清蒸鱼、饺子"},
                   {"type": "image", "datatype": 2}, {"type": "text", "text": "记得提前买好年货"}]}),
        (today - DAY + 18 * HOUR, "wxid_me", "location", "上海虹桥站",
         {"fav_kind": "location", "fav_type": 6, "label": "上海市闵行区申贵路1500号", "lat": 31.1942, "lon": 121.3209,
          "fav_source": {"chat": "family@chatroom", "chat_name": "相亲相爱一家人", "sender": "wxid_me",
                         "sender_name": "我"}}),
        (today + 8 * HOUR, "wxid_zhang", "link", "骑行打卡",
         {"fav_kind": "mini_program", "fav_type": 19, "title": "骑行打卡", "mini_program": {"name": "共享单车"},
          "fav_source": {"chat": "wxid_zhang", "chat_name": "张伟", "sender": "wxid_zhang", "sender_name": "张伟"}}),
    ]


def populate_favorites(conn: Connection, vault=None, now_ms: int | None = None) -> int:
    """Add the demo's Favorites feed to the WeChat account `demo.populate` wrote; returns its conversation id."""
    now = now_ms or int(time.time() * 1000)
    local = datetime.fromtimestamp(now / 1000).astimezone()
    today = int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
    source = int(conn.execute("SELECT id FROM sources WHERE app = 'wechat' ORDER BY id LIMIT 1").fetchone()[0])
    run = int(conn.execute("SELECT max(id) FROM import_runs WHERE format = 'wechat'").fetchone()[0])
    people = {k: int(i) for k, i in conn.execute("SELECT source_key, id FROM participants WHERE source_id = ?", (source,))}
    photo = None
    if vault is not None:
        from chatvault.media.attach import record_blob, store_and_describe
        from chatvault.media.blobstore import BlobStore

        photo = store_and_describe(BlobStore(vault), io.BytesIO(demo_photo(800, 600)))
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO conversations(source_id, source_key, kind, title, created_at, feed) "
                       "VALUES (?, '@favorites', 'self', 'Favorites', ?, 'favorites')", (source, now))
    conv = int(cur.lastrowid)
    if photo is not None:
        record_blob(conn, *photo)
    for n, (ts, sender, kind, text, extra) in enumerate(_items(today), 1):
        extra = {"feed": "favorites", "fav_local_id": 7_340_000 + n, "favorited_ts": ts, **extra}
        if extra.get("fav_source", {}).get("sender"):
            extra["original_ts"] = ts - 3 * HOUR - 17 * MIN
        mid = int(conn.execute(
            "INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind, text, status, first_run_id,"
            " last_seen_run_id, extra) VALUES (?,?,?,?,?,?, 'present', ?, ?, ?)",
            (conv, str(7_340_000 + n), ts, people.get(sender or ""), kind, text, run, run,
             json.dumps(extra, ensure_ascii=False))).lastrowid)
        _attach(conn, mid, kind, extra, photo)
    conn.execute("COMMIT")
    reindex_all(conn)
    return conv


def _attach(conn: Connection, mid: int, kind: str, extra: dict, photo) -> None:
    """The item's media: the photo (stored when the vault was given), the rest missing as WeChat left them."""
    rows: list[tuple] = []
    if kind == "image" or extra.get("fav_kind") == "note":
        part = 2 if extra.get("fav_kind") == "note" else 0
        if photo is not None:
            stored, info = photo
            rows.append(("stored", info.mime, stored.size, "IMG_fav.jpg", None, stored.id, part))
        else:
            rows.append(("missing", "image/jpeg", None, "IMG_fav.jpg", "FileStorage/Fav/Data/…/IMG_fav.jpg", None, part))
    elif kind == "voice":
        rows.append(("missing", "audio/silk", None, "voice.silk", "FileStorage/Fav/Data/…/voice.silk", None, 0))
    elif kind == "file":
        rows.append(("missing", "application/vnd.ms-excel", 48_213, extra["file_name"],
                     "FileStorage/Fav/Data/…/2026年度预算.xlsx", None, 0))
    for i, (status, mime, size, name, expected, blob, part) in enumerate(rows):
        conn.execute("INSERT INTO attachments(message_id, ordinal, status, mime, size, original_name, expected_path,"
                     " blob_id, extra) VALUES (?,?,?,?,?,?,?,?,?)",
                     (mid, i, status, mime, size, name, expected, blob, json.dumps({"fav_part": part})))
