"""A mixed-script chat with pictures, states and damaged media, written into a real vault with SQL."""

from __future__ import annotations

import io
import json
import random

from PIL import Image

from chatvault.media.attach import record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.search.index import index_messages

BASE_TS = 1_709_618_829_000            # 2024-03-05 06:07:09 UTC
TEXTS = {
    "en": "Meeting moved to Thursday, see the attached plan.",
    "zh": "你好，合同已经签好了，明天下午三点开会。",
    "ja": "こんにちは、会議は明日の午後です。よろしくお願いします。",
    "ko": "안녕하세요, 회의는 내일 오후입니다.",
    "ar": "مرحبا، هل الاجتماع غدا في الساعة الثالثة؟",
    "emoji": "Happy birthday 🎂🎉 👍🏽 ❤️ 👨‍👩‍👧 🇨🇳",
}
EDITED, RECALLED, DELETED = "EDITED-MARK text", "RECALLED-MARK text", "DELETED-MARK text {nb}"


def picture(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG (noise over a gradient: it does not compress to nothing)."""
    rnd = random.Random(seed)
    im = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    small = Image.frombytes("RGB", (size[0] // 16, size[1] // 16), rnd.randbytes(size[0] // 16 * size[1] // 16 * 3))
    im = Image.blend(im, small.resize(size), 0.5)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


def base_rows(conn, title: str = "Family 家人 🏠") -> None:
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', 'me@phone', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (1, 1, 'c1', ?, 0)",
                 (title,))
    for pid, key, name, me in [(1, "me", "Me", 1), (2, "anna", "Anna Müller", 0), (3, "li", "李雷", 0),
                               (4, "omar", "عمر", 0)]:
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (1, 1, ?, ?, ?)"
                     .replace("(1, 1,", f"({pid}, 1,"), (key, name, me))


def store_blob(vault, conn, data: bytes, mime: str = "image/jpeg") -> str:
    stored = BlobStore(vault).put_bytes(data)
    record_blob(conn, stored)
    return stored.id


def add_message(conn, mid: int, text: str | None, *, kind: str = "text", sender: int = 2, status: str = "present",
                edited_at: int | None = None, extra: dict | None = None, reply_to: int | None = None,
                ts: int | None = None) -> None:
    conn.execute(
        "INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, status,"
        " is_edited, edited_at, extra, reply_to_id, reply_to_key) VALUES (?, 1, ?, ?, 480, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (mid, f"k{mid}", ts if ts is not None else BASE_TS + mid * 60_000, sender, kind, text, status,
         int(edited_at is not None), edited_at, json.dumps(extra) if extra else None, reply_to,
         f"k{reply_to}" if reply_to else None))


def add_attachment(conn, mid: int, blob_id: str | None, *, name: str, mime: str = "image/jpeg",
                   size: int | None = None, ordinal: int = 0) -> None:
    conn.execute("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (mid, ordinal, blob_id, "stored" if blob_id else "missing", mime, size, name))


def mixed_chat(vault) -> dict:
    """Six scripts, a reply, edited/recalled/deleted states, a good picture, a missing one and a
    damaged one. Returns what the tests look for."""
    conn = vault.connect()
    conn.execute("BEGIN")
    base_rows(conn)
    mid = 0
    for i, (_lang, text) in enumerate(TEXTS.items()):
        mid += 1
        add_message(conn, mid, text, sender=[2, 3, 3, 1, 4, 2][i])
    add_message(conn, 7, "Re: 合同 👍", sender=1, reply_to=2)
    add_message(conn, 8, EDITED, edited_at=BASE_TS + 9 * 60_000)
    add_message(conn, 9, RECALLED, extra={"recalled": {"at": BASE_TS + 10 * 60_000, "by_me": False}})
    add_message(conn, 10, DELETED, status="missing-at-source")
    good = picture(1)
    good_id = store_blob(vault, conn, good)
    add_message(conn, 11, "photo caption 照片", kind="image")
    add_attachment(conn, 11, good_id, name="IMG_0001.jpg", size=len(good))
    add_message(conn, 12, None, kind="image")
    add_attachment(conn, 12, None, name="IMG_0002.jpg")
    bad_id = store_blob(vault, conn, picture(2, (800, 600)))
    add_message(conn, 13, None, kind="image")
    add_attachment(conn, 13, bad_id, name="IMG_0003.jpg")
    index_messages(conn, [(m, t) for m, t in conn.execute("SELECT id, text FROM messages")])
    conn.execute("COMMIT")
    path = BlobStore(vault).path_for(bad_id)
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 0xFF                        # damage the last chunk: it fails authentication
    path.write_bytes(bytes(raw))
    return {"good": good, "good_id": good_id, "bad_id": bad_id, "texts": TEXTS}
