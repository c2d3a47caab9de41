"""The demo archive's Moments (朋友圈): the WeChat account's feed as the importers store it — posts
with words, photos (some in the vault, one not), a video, a shared article, a place, a private post,
likes and comments, and a post the friend has since deleted."""

from __future__ import annotations

import io
import json
import time

from chatvault.store.db import Connection

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR
PHOTOS = ((255, 196, 120), (120, 190, 255), (150, 220, 140), (240, 150, 170), (200, 170, 250))


def populate(conn: Connection, source: int, run: int, people: dict[str, int], today: int) -> int:
    """Write the feed (inside the caller's transaction); returns its conversation id."""
    cur = conn.execute("INSERT INTO conversations(source_id, source_key, kind, title, created_at, feed) "
                       "VALUES (?, '@moments', 'channel', 'Moments', ?, 'moments')", (source, int(time.time() * 1000)))
    feed = int(cur.lastrowid)
    for pid in people.values():
        conn.execute("INSERT OR IGNORE INTO conversation_members VALUES (?, ?)", (feed, pid))
    n = [0]

    def post(key: str, ts: int, who: str, kind: str, text: str | None, *, likes=(), status="present",
             extra: dict | None = None) -> int:
        info = {"type": "post", "likes": [{"key": w, "name": w, "ts": (ts + (i + 1) * MIN) // 1000}
                                          for i, w in enumerate(likes)]}
        info.update((extra or {}).pop("moments", {}))
        data = {"moments": info, **(extra or {})}
        c = conn.execute(
            "INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind, text, status, first_run_id,"
            " last_seen_run_id, extra) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (feed, key, ts, people[who], kind, text, status, run, run, json.dumps(data, ensure_ascii=False)))
        return int(c.lastrowid)

    def comment(post_key: str, ts: int, who: str, text: str, reply_to: str | None = None) -> None:
        n[0] += 1
        info = {"type": "comment", "post": post_key, **({"reply_to_name": reply_to} if reply_to else {})}
        conn.execute(
            "INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind, text, reply_to_key, first_run_id,"
            " last_seen_run_id, extra) VALUES (?,?,?,?,'text',?,?,?,?,?)",
            (feed, f"{post_key}:c{n[0]}", ts, people[who], text, post_key, run, run,
             json.dumps({"moments": info}, ensure_ascii=False)))

    def photos(mid: int, count: int, stored: int) -> None:
        for i in range(count):
            conn.execute(
                "INSERT INTO attachments(message_id, ordinal, status, mime, width, height, original_name, extra)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (mid, i, "missing", "image/jpeg", 1200, 900, f"moments-{mid}-{i}.jpg",
                 json.dumps({"url": f"http://shmmsns.qpic.cn/mmsns/demo{mid}{i}/0", "demo_photo": i < stored})))

    t = today - 1 * DAY + 18 * HOUR
    p1 = post("9001", t, "妈妈", "image", "周末和老姐妹们去西湖，桂花都开了🌼",
              likes=("我", "李雷", "韩梅梅"), extra={"location": {"poi": "西湖·断桥残雪", "city": "杭州"}})
    photos(p1, 3, 3)
    comment("9001", t + 20 * MIN, "李雷", "真美！下次带上我们")
    comment("9001", t + 25 * MIN, "妈妈", "好呀，十一一起去", reply_to="李雷")
    t = today - 2 * DAY + 9 * HOUR
    p2 = post("9002", t, "我", "image", "新家的阳台终于收拾好了", likes=("妈妈", "张伟"))
    photos(p2, 1, 1)
    comment("9002", t + 40 * MIN, "妈妈", "真不错，记得多晒晒太阳")
    t = today - 3 * DAY + 20 * HOUR
    post("9003", t, "张伟", "link", "这篇写得很实在，推荐给大家", likes=("我",),
         extra={"url": "https://mp.weixin.qq.com/s/demo-moments", "title": "一个普通家庭的十年账本"})
    t = today - 4 * DAY + 12 * HOUR
    p4 = post("9004", t, "韩梅梅", "image", "今天的晚霞", likes=("妈妈", "我", "李雷", "王老师"))
    photos(p4, 5, 4)
    comment("9004", t + 10 * MIN, "王老师", "拍得真好")
    t = today - 6 * DAY + 8 * HOUR
    post("9005", t, "李雷", "text", "换工作了，感谢这几年一起奋斗的同事们。新的开始！", status="missing-at-source",
         likes=("我", "张伟"))
    t = today - 8 * DAY + 21 * HOUR
    v = post("9006", t, "我", "video", "女儿第一次学骑自行车", extra={"moments": {"visibility": {"private": True}}})
    conn.execute("INSERT INTO attachments(message_id, ordinal, status, mime, original_name, extra)"
                 " VALUES (?,0,'missing','video/mp4','moments-video.mp4',?)",
                 (v, json.dumps({"url": "http://shmmsns.qpic.cn/mmsns/demovideo/0"})))
    return feed


def picture(color: tuple[int, int, int], seed: int) -> bytes:
    """A small landscape drawn with Pillow, a different sky per photo."""
    from PIL import Image, ImageDraw

    w, h = 600, 450
    img = Image.new("RGB", (w, h), color)
    d = ImageDraw.Draw(img)
    for y in range(h // 2, h):
        k = (y - h // 2) / (h / 2)
        d.line([(0, y), (w, y)], fill=(int(40 + 60 * k), int(110 + 40 * k), int(80 + 30 * k)))
    d.ellipse([w * (0.2 + 0.1 * (seed % 5)), h * 0.15, w * (0.32 + 0.1 * (seed % 5)), h * 0.31], fill=(255, 240, 200))
    d.polygon([(0, h // 2), (w * 0.35, h * 0.28), (w * 0.7, h // 2)], fill=(90, 110, 130))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def attach_photos(vault, conn: Connection) -> int:
    """Store a picture for each demo photo marked `demo_photo`; returns how many."""
    from chatvault.media.attach import fill_missing, record_blob, store_and_describe
    from chatvault.media.blobstore import BlobStore

    rows = conn.execute("SELECT id FROM attachments WHERE json_extract(extra, '$.demo_photo') = 1 ORDER BY id").fetchall()
    store = BlobStore(vault)
    conn.execute("BEGIN IMMEDIATE")
    for i, (aid,) in enumerate(rows):
        stored, info = store_and_describe(store, io.BytesIO(picture(PHOTOS[i % len(PHOTOS)], i)))
        record_blob(conn, stored, info)
        fill_missing(conn, int(aid), stored, info)
    conn.execute("COMMIT")
    return len(rows)
