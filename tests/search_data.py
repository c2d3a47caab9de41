"""Generated chat data for the search tests: inserted straight into a real vault with SQL."""

from __future__ import annotations

import random
from dataclasses import dataclass

from chatvault.search.index import index_messages

HANZI = "合同发票生日晚饭会议明天我们你好谢谢没有什么时候可以的了是在人有这个上来到大和中"
WORDS = ["contract", "contracts", "contrôle", "Café", "cafe", "invoice", "meeting", "Tomorrow", "photo",
         "dinner", "résumé", "resume", "the", "deal", "signed", "pdf", "PDF", "naïve", "hello", "ok"]
EMOJI = ["😀", "👍", "👍🏽", "🎂", "❤️", "🧧"]
SEPS = ["", "", "", " ", "，", "。", "！", "\n", "_", "-"]
KINDS = ["text"] * 8 + ["file", "link", "payment", "image"]
BASE_TS = 1_500_000_000_000


@dataclass
class Msg:
    id: int
    conversation_id: int
    sender_id: int
    ts: int
    kind: str
    text: str | None
    status: str


def _text(rnd: random.Random) -> str | None:
    r = rnd.random()
    if r < 0.03:
        return None
    parts: list[str] = []
    for _ in range(rnd.randint(1, 8)):
        x = rnd.random()
        if x < 0.45:
            parts.append("".join(rnd.choices(HANZI, k=rnd.randint(1, 6))))
        elif x < 0.8:
            parts.append(rnd.choice(WORDS))
        elif x < 0.88:
            parts.append(rnd.choice(EMOJI))
        elif x < 0.94:
            parts.append(str(rnd.choice([13812345678, 2019, 42, 100086])))
        else:
            parts.append(rnd.choice(["138-1234-5678", "#A12345", "order 2024-0001"]))
        parts.append(rnd.choice(SEPS + [" ", " "]))
    return "".join(parts).strip() or "ok"


def populate(conn, n: int = 3000, seed: int = 1) -> list[Msg]:
    """Two sources, four conversations, five participants, `n` messages; returns them."""
    rnd = random.Random(seed)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', 'a', 0)")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (2, 'wechat', 'b', 0)")
    convs = [(1, 1, "Family"), (2, 1, "Work chat"), (3, 2, "老同学"), (4, 2, "Landlord")]
    for cid, sid, title in convs:
        conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (?, ?, ?, ?, 0)",
                     (cid, sid, f"c{cid}", title))
    people = [(1, 1, "me", "Me", 1), (2, 1, "anna", "Anna Müller", 0), (3, 1, "bob", "Bob", 0),
              (4, 2, "wxid_me", "我", 1), (5, 2, "wxid_li", "李雷", 0)]
    for pid, sid, key, name, me in people:
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?, ?, ?, ?, ?)",
                     (pid, sid, key, name, me))
    msgs: list[Msg] = []
    # Inserted conversation by conversation (as an import does), so id order is not time order.
    per = n // len(convs)
    mid = 0
    for cid, sid, _title in convs:
        ts = BASE_TS + rnd.randint(0, 10**9)
        senders = [p[0] for p in people if p[1] == sid]
        for _ in range(per):
            mid += 1
            ts += rnd.randint(1, 5_000_000)
            msgs.append(Msg(mid, cid, rnd.choice(senders), ts, rnd.choice(KINDS), _text(rnd),
                            "missing-at-source" if rnd.random() < 0.05 else "present"))
    conn.executemany(
        "INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, text, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(m.id, m.conversation_id, f"k{m.id}", m.ts, m.sender_id, m.kind, m.text, m.status) for m in msgs],
    )
    conn.executemany("INSERT INTO attachments(message_id, ordinal, status) VALUES (?, 0, 'missing')",
                     [(m.id,) for m in msgs if m.kind in ("file", "image")])
    index_messages(conn, [(m.id, m.text) for m in msgs])
    conn.execute("COMMIT")
    return msgs
