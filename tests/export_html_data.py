"""A big generated chat for the HTML export's acceptance test and benchmark, inserted with plain SQL.

One group conversation of `n` messages over about three years: mostly English and Chinese text,
with replies (to earlier messages, often on other pages), edits, messages deleted at the source,
recalls, system lines, payments, locations and calls. Two needles are placed for the search tests:
`NEEDLE` (a word) in the very first message only and `NEEDLE_CJK` (Chinese) in the last one only.
"""

from __future__ import annotations

import json
import random

BASE_TS = 1_600_000_000_000
NEEDLE = "zebracorn"
NEEDLE_CJK = "龙虾炒饭"
_WORDS = ("the a to and of you i is it in that for on we ok yes no what when can will be are this have not "
          "contract invoice meeting tomorrow photo dinner call thanks please good morning night see later "
          "home work time today café résumé naïve").split()
_HANZI = "合同发票生日晚饭会议明天我们你好谢谢没有什么时候可以的了是在人有这个上来到大和中"


def _pool(rnd: random.Random, size: int = 4000) -> list[str]:
    out = []
    for _ in range(size):
        if rnd.random() < 0.3:
            out.append("".join(rnd.choices(_HANZI, k=rnd.randint(2, 24))))
        else:
            out.append(" ".join(rnd.choices(_WORDS, k=rnd.randint(2, 14))))
    return out


def big_chat(conn, n: int, seed: int = 3, batch: int = 50_000) -> None:
    """Insert the chat (conversation id 1) in one transaction; no full-text index (not needed to export)."""
    rnd = random.Random(seed)
    pool = _pool(rnd)
    span = 3 * 365 * 86_400_000
    step = max(1, span // max(n, 1))
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '+4915100000', 0)")
    conn.execute("INSERT INTO import_runs(id, started_at, finished_at, format, path, outcome) "
                 "VALUES (1, ?, ?, 'whatsapp-txt', '/home/anna/WhatsApp Chat with Family.zip', 'ok')",
                 (BASE_TS + span, BASE_TS + span + 60_000))
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, kind, created_at) "
                 "VALUES (1, 1, 'family', 'Family 家人', 'group', 0)")
    people = [(1, "me", "Me", 1), (2, "anna", "Anna Müller", 0), (3, "li", "李雷", 0), (4, "bob", "Bob", 0)]
    conn.executemany("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?, 1, ?, ?, ?)",
                     people)
    rows = []
    for i in range(1, n + 1):
        kind, text, extra, status, edited, reply = "text", pool[rnd.randrange(len(pool))], None, "present", 0, None
        r = rnd.random()
        if r < 0.05 and i > 10:
            reply = i - rnd.randint(1, min(i - 1, 2000))
        elif r < 0.06:
            edited = 1
        elif r < 0.07:
            status = "missing-at-source"
        elif r < 0.075:
            kind, extra = "recalled", json.dumps({"event": "recall"})
            text = "Anna recalled a message"
        elif r < 0.08:
            kind, text = "system", "Bob added 李雷"
        elif r < 0.085:
            kind, text, extra = "payment", None, json.dumps({"payment": "red_packet", "amount": "¥88.00",
                                                             "greeting": "恭喜发财"})
        elif r < 0.088:
            kind, text, extra = "location", None, json.dumps({"lat": 31.2304, "lon": 121.4737, "label": "上海"})
        elif r < 0.09:
            kind, text, extra = "call", None, json.dumps({"outcome": "missed", "duration_seconds": 0})
        if i == 1:
            text = f"first message {NEEDLE} hello"
        elif i == n:
            kind, text, status, reply = "text", f"最后一条 {NEEDLE_CJK} 好吃", "present", 1
        sender = 1 if kind == "system" else rnd.randint(1, 4)
        rows.append((i, f"k{i}", BASE_TS + i * step, None if kind == "system" else sender, kind, text, status,
                     edited, BASE_TS + i * step + 60_000 if edited else None, reply, extra, f"chat.txt:{i}"))
        if len(rows) >= batch:
            _insert(conn, rows)
            rows = []
    _insert(conn, rows)
    conn.execute("COMMIT")


def _insert(conn, rows: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, status, "
        "is_edited, edited_at, reply_to_id, extra, first_run_id, last_seen_run_id, location) "
        "VALUES (?, 1, ?, ?, 480, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?)", rows)
