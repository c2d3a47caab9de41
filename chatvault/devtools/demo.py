"""A realistic demo archive written straight into a vault: for screenshots, benchmarks and GUI tests.

It mirrors what the importers store (sources, participants, conversations, messages of every kind,
attachments stored or missing) so the viewer can be shown and measured before any export exists.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime

from chatvault.search.index import reindex_all
from chatvault.store.db import Connection

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR


def _source(conn: Connection, app: str, me: str) -> int:
    cur = conn.execute("INSERT INTO sources(app, account, display_name, me_name, created_at) VALUES (?,?,?,?,?)",
                       (app, f"{app}-demo", me, me, int(time.time() * 1000)))
    return int(cur.lastrowid)


def _person(conn: Connection, source: int, key: str, name: str, me: bool = False) -> int:
    cur = conn.execute("INSERT INTO participants(source_id, source_key, display_name, is_me) VALUES (?,?,?,?)",
                       (source, key, name, int(me)))
    return int(cur.lastrowid)


def _conv(conn: Connection, source: int, key: str, title: str, kind: str, members: list[int]) -> int:
    cur = conn.execute("INSERT INTO conversations(source_id, source_key, kind, title, created_at) VALUES (?,?,?,?,?)",
                       (source, key, kind, title, int(time.time() * 1000)))
    cid = int(cur.lastrowid)
    for m in members:
        conn.execute("INSERT INTO conversation_members VALUES (?, ?)", (cid, m))
    return cid


def _run(conn: Connection, fmt: str) -> int:
    now = int(time.time() * 1000)
    cur = conn.execute("INSERT INTO import_runs(started_at, finished_at, format, path, outcome, counts) "
                       "VALUES (?,?,?,?, 'ok', '{}')", (now, now, fmt, f"/home/demo/{fmt}-export"))
    return int(cur.lastrowid)


class _Writer:
    def __init__(self, conn: Connection, conv: int, run: int) -> None:
        self.conn, self.conv, self.run, self.n = conn, conv, run, 0

    def msg(self, ts: int, sender: int | None, kind: str = "text", text: str | None = None, *,
            status: str = "present", reply_to: int | None = None, forwarded: str | None = None,
            edited: bool = False, extra: dict | None = None, tz: int | None = None) -> int:
        self.n += 1
        cur = self.conn.execute(
            "INSERT INTO messages(conversation_id, source_key, ts, tz_offset, sender_id, kind, text, reply_to_id,"
            " forwarded_from, is_edited, status, first_run_id, last_seen_run_id, extra)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (self.conv, f"demo-{self.conv}-{self.n}", ts, tz, sender, kind, text, reply_to, forwarded, int(edited),
             status, self.run, self.run, json.dumps(extra or {}, ensure_ascii=False)))
        return int(cur.lastrowid)

    def attach(self, message_id: int, status: str, mime: str, name: str, size: int | None = None, *,
               width: int | None = None, height: int | None = None, duration_ms: int | None = None,
               expected: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO attachments(message_id, ordinal, status, mime, size, original_name, expected_path, width,"
            " height, duration_ms) VALUES (?,0,?,?,?,?,?,?,?,?)",
            (message_id, status, mime, size, name, expected, width, height, duration_ms))


def populate(conn: Connection, now_ms: int | None = None, *, moments: bool = False) -> dict[str, int]:  # long on purpose: the archive, chat by chat
    """Write the demo archive (a WeChat account and a WhatsApp account); returns conversation ids by key.
    `moments`: the WeChat account's Moments too (`demo_moments`; the Moments page, its screenshots)."""
    now = now_ms or int(time.time() * 1000)
    local = datetime.fromtimestamp(now / 1000).astimezone()
    today = int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
    conn.execute("BEGIN")
    wx = _source(conn, "wechat", "我")
    run = _run(conn, "wechat")
    me = _person(conn, wx, "wxid_me", "我", me=True)
    mom = _person(conn, wx, "wxid_mom", "妈妈")
    li = _person(conn, wx, "wxid_li", "李雷")
    han = _person(conn, wx, "wxid_han", "韩梅梅")
    wang = _person(conn, wx, "wxid_wang", "王老师")
    zhang = _person(conn, wx, "wxid_zhang", "张伟")
    ids: dict[str, int] = {}

    fam = _conv(conn, wx, "family@chatroom", "相亲相爱一家人", "group", [me, mom, li, han])
    ids["family"] = fam
    w = _Writer(conn, fam, run)
    t = today - 6 * DAY + 9 * HOUR
    w.msg(t, None, "system", "\"妈妈\"邀请\"李雷\"加入了群聊")
    w.msg(t + 2 * MIN, mom, "text", "大家早上好！今天降温了，出门记得多穿点衣服🧣")
    w.msg(t + 3 * MIN, li, "text", "收到，谢谢妈")
    t = today - 2 * DAY + 19 * HOUR
    a = w.msg(t, han, "image", None)
    w.attach(a, "missing", "image/jpeg", "IMG_20261121_190233.jpg", None, width=1200, height=900,
             expected="FileStorage/Image/2026-11/IMG_20261121_190233.jpg")
    w.msg(t + MIN, mom, "text", "这道红烧肉做得真好，下次教教我怎么做")
    w.msg(t + 2 * MIN, han, "voice", None, extra={"duration_ms": 14_000, "transcript": "好的，周末回家一起做"})
    t = today - DAY + 21 * HOUR + 30 * MIN
    w.msg(t, li, "payment", None, extra={"amount": "200.00", "currency": "CNY", "memo": "恭喜发财，大吉大利",
                                          "type": "red_packet", "state": "received"})
    w.msg(t + MIN, None, "system", "你领取了李雷的红包")
    q = w.msg(t + 3 * MIN, me, "text", "谢谢哥！周六几点到家？")
    w.msg(t + 4 * MIN, li, "text", "大概下午三点，路上不堵的话", reply_to=q)
    w.msg(t + 5 * MIN, mom, "recalled", "\"妈妈\"撤回了一条消息")
    t = today + 8 * HOUR + 12 * MIN
    w.msg(t, mom, "link", "春节回家抢票攻略 | 12306 最全指南",
          extra={"url": "https://mp.weixin.qq.com/s/demo", "title": "春节回家抢票攻略 | 12306 最全指南",
                 "description": "提前30天开售，候补购票成功率更高", "source": "铁路12306"})
    w.msg(t + MIN, han, "text", "已经订好了，二十九号的高铁", status="missing-at-source")
    w.msg(t + 9 * MIN, me, "location", None, extra={"name": "上海虹桥站", "address": "上海市闵行区申贵路1500号",
                                                    "lat": 31.1942, "lon": 121.3209})
    w.msg(t + 10 * MIN, mom, "text", "好，到了给我打电话👍")

    li_c = _conv(conn, wx, "wxid_li", "李雷", "direct", [me, li])
    ids["li"] = li_c
    w = _Writer(conn, li_c, run)
    t = today - 40 * DAY + 14 * HOUR
    for i, (who, text) in enumerate([
        (li, "周末有空一起打球吗？"), (me, "好啊，老地方？"), (li, "下午两点，我订场地"),
        (me, "没问题，我带球"),
    ]):
        w.msg(t + i * MIN, who, "text", text)
    t = today - 3 * DAY + 10 * HOUR
    f = w.msg(t, li, "file", None, extra={"name": "2026年度预算.xlsx"})
    w.attach(f, "missing", "application/vnd.ms-excel", "2026年度预算.xlsx", 48_213,
             expected="FileStorage/File/2026-11/2026年度预算.xlsx")
    w.msg(t + MIN, li, "text", "帮我看一下第三页的数字对不对", edited=True)
    w.msg(t + 20 * MIN, me, "text", "看过了，第三页的合计少算了一行，我改好发你")
    v = w.msg(t + 21 * MIN, me, "video", None)
    w.attach(v, "missing", "video/mp4", "VID_1122.mp4", None, duration_ms=31_000, expected="FileStorage/Video/2026-11")
    w.msg(t + 22 * MIN, li, "call", None, extra={"duration_ms": 185_000, "type": "voice"})
    w.msg(today + 7 * HOUR + 45 * MIN, li, "text", "早，昨晚的文件收到了，谢谢！", forwarded="张伟")

    wang_c = _conv(conn, wx, "wxid_wang", "王老师", "direct", [me, wang])
    ids["wang"] = wang_c
    w = _Writer(conn, wang_c, run)
    t = today - 5 * DAY + 16 * HOUR
    w.msg(t, wang, "text", "下周一的家长会改到下午四点，请准时参加。")
    w.msg(t + 2 * MIN, me, "text", "好的王老师，收到！")
    w.msg(t + 3 * MIN, wang, "sticker", None, extra={"name": "[玫瑰]"})

    zhang_c = _conv(conn, wx, "wxid_zhang", "张伟", "direct", [me, zhang])
    ids["zhang"] = zhang_c
    w = _Writer(conn, zhang_c, run)
    t = today - 12 * DAY + 20 * HOUR
    w.msg(t, zhang, "payment", None, extra={"amount": "88.00", "currency": "CNY", "type": "transfer",
                                           "state": "pending", "memo": "上次的饭钱"})
    w.msg(t + MIN, me, "contact", None, extra={"name": "陈医生", "detail": "微信号: dr_chen"})

    wa = _source(conn, "whatsapp", "Me")
    run2 = _run(conn, "whatsapp")
    me2 = _person(conn, wa, "me", "Me", me=True)
    anna = _person(conn, wa, "+441234", "Anna Schmidt")
    tom = _person(conn, wa, "+441235", "Tom Baker")
    trip = _conv(conn, wa, "Lisbon trip 2026", "Lisbon trip 2026", "group", [me2, anna, tom])
    ids["trip"] = trip
    w = _Writer(conn, trip, run2)
    t = today - 9 * DAY + 18 * HOUR
    w.msg(t, None, "system", "Anna Schmidt created group \"Lisbon trip 2026\"", tz=0)
    w.msg(t + MIN, anna, "text", "Flights are booked ✈️ landing Friday 10:40", tz=0)
    w.msg(t + 2 * MIN, tom, "text", "Great! I found a flat near Alfama", tz=0)
    p = w.msg(t + 3 * MIN, tom, "image", None, tz=0)
    w.attach(p, "expired", "image/jpeg", "IMG-20261114-WA0007.jpg", None, expected="Media/IMG-20261114-WA0007.jpg")
    w.msg(t + 30 * MIN, me2, "text", "Looks perfect. Shall we split it three ways?", tz=0)
    w.msg(t + 31 * MIN, anna, "poll", "Dinner on Saturday?", extra={"options": ["Seafood", "Tapas", "Pizza"]}, tz=0)
    anna_c = _conv(conn, wa, "+441234", "Anna Schmidt", "direct", [me2, anna])
    ids["anna"] = anna_c
    w = _Writer(conn, anna_c, run2)
    t = today - 1 * DAY + 11 * HOUR
    w.msg(t, anna, "text", "Did you get the tickets for the museum?", tz=0)
    w.msg(t + MIN, me2, "text", "Yes, Saturday 11:00 — two adults", tz=0, edited=True)
    w.msg(t + 3 * MIN, anna, "voice", None, extra={"duration_ms": 7000}, tz=0)
    from chatvault.devtools import demo_moments

    if moments:
        ids["moments"] = demo_moments.populate(conn, wx, run, {"我": me, "妈妈": mom, "李雷": li, "韩梅梅": han,
                                                                "王老师": wang, "张伟": zhang}, today)
    conn.execute("UPDATE import_runs SET counts = ? WHERE id = ?",
                 (json.dumps({"added": 30, "already_present": 0, "missing_at_source": 1}), run))
    conn.execute("COMMIT")
    reindex_all(conn)
    return ids


_WORDS = ("hello", "ok", "see you", "thanks", "good night", "lunch?", "on my way", "haha", "好的", "明天见",
          "收到", "晚安", "吃饭了吗", "路上小心", "photo", "meeting at 3", "weekend plans", "call me")


def big_conversation(conn: Connection, messages: int, *, title: str = "Big group", batch: int = 50_000,
                     seed: int = 7, index: bool = True) -> int:
    """A group conversation with `messages` messages (for the 1M benchmarks); returns its id."""
    rnd = random.Random(seed)
    conn.execute("BEGIN")
    src = conn.execute("SELECT id FROM sources WHERE app = 'bench'").fetchone()
    source = int(src[0]) if src else _source(conn, "bench", "Me")
    run = _run(conn, "bench")
    people = [_person(conn, source, f"{title}-p{i}", f"Person {i}", me=(i == 0)) for i in range(12)]
    conv = _conv(conn, source, f"{title}-{time.time_ns()}", title, "group", people)
    t = int(time.time() * 1000) - messages * 40_000
    rows = []
    for i in range(messages):
        t += rnd.randint(1_000, 80_000)
        text = " ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(1, 12))) + f" #{i}"
        rows.append((conv, f"b{i}", t, 0, people[rnd.randrange(12)], "text", text, "present", run, run))
        if len(rows) >= batch:
            conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, tz_offset, sender_id, kind, text,"
                             " status, first_run_id, last_seen_run_id) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            rows.clear()
    if rows:
        conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, tz_offset, sender_id, kind, text,"
                         " status, first_run_id, last_seen_run_id) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    if index:
        reindex_all(conn)
    return conv


def demo_photo(width: int = 1200, height: int = 900) -> bytes:
    """A JPEG drawn with Pillow (a sunset over water), so the demo shows a real decrypted thumbnail."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        if t < 0.6:
            c = (int(250 - 60 * t), int(160 + 40 * t), int(90 + 120 * t))
        else:
            c = (int(40 + 30 * (1 - t)), int(90 + 40 * (1 - t)), int(140 + 40 * (1 - t)))
        draw.line([(0, y), (width, y)], fill=c)
    draw.ellipse([width * 0.4, height * 0.38, width * 0.6, height * 0.64], fill=(255, 214, 120))
    draw.rectangle([0, int(height * 0.6), width, height], fill=(46, 92, 140))
    for i in range(12):
        y = int(height * 0.62 + i * height * 0.03)
        draw.line([(width * 0.42 - i * 8, y), (width * 0.58 + i * 8, y)], fill=(255, 200, 110), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def attach_demo_photo(vault, conn: Connection) -> int:
    """Store `demo_photo()` in the vault and fill the demo's missing family photo with it."""
    import io

    from chatvault.media.attach import fill_missing, record_blob, store_and_describe
    from chatvault.media.blobstore import BlobStore

    row = conn.execute("SELECT id FROM attachments WHERE original_name = 'IMG_20261121_190233.jpg'").fetchone()
    stored, info = store_and_describe(BlobStore(vault), io.BytesIO(demo_photo()))
    conn.execute("BEGIN IMMEDIATE")
    record_blob(conn, stored, info)
    fill_missing(conn, int(row[0]), stored, info)
    conn.execute("COMMIT")
    from chatvault.devtools import demo_moments

    demo_moments.attach_photos(vault, conn)
    return int(row[0])
