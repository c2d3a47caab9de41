"""WhatsApp for Android benchmark: a generated msgstore.db of N messages, imported end to end, and the
WhatsApp .txt export of the same size imported back to back (the rate the database must reach).

Run: .venv/bin/python bench/whatsapp_db_bench.py [--scale 1000000] [--chats 300]

The msgstore has the current schema (tests/wa_android_fixtures.py) and a realistic mix over N chats
(a fifth of them groups of a dozen members each): 84 % text, 8 % photos (their files are not there: recorded missing), 3 %
voice notes, 2 % replies, 2 % with reactions, 1 % system messages; WhatsApp's message ids are random
hex (not in time order). Each import runs in its own process (peak RSS is the import's own; the
parse process is counted apart). Also: the same database as an end-to-end encrypted .crypt15 backup
(decryption to the private work folder included), and a second import of the database (all present).
Target (issue 22): the msgstore rate ≥ the .txt rate measured in the same run; peak RSS ≤ 300 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, cpu_row, cpu_split, print_table, write_results

CHILD_ENV = dict(os.environ, CHATVAULT_INSECURE_FAST_KDF="1", PYTHONPATH=str(ROOT), TZ="UTC",
                 CHATVAULT_IMPORT_PROCESS="1")
WORDS = ("see you tomorrow", "ok", "haha", "where are you?", "dinner at 8", "sent the invoice", "👍", "on my way",
         "happy birthday!", "call me", "photo from today", "meeting moved", "好的", "明天见", "thanks a lot")


def build(path: Path, n: int, chats: int) -> None:
    """A current-schema msgstore.db with `n` messages over `chats` chats (executemany, no test objects)."""
    from tests.wa_android_fixtures import CURRENT_SCHEMA

    rnd = random.Random(22)
    c = sqlite3.connect(path)
    c.executescript(CURRENT_SCHEMA)
    c.execute("PRAGMA journal_mode = OFF")
    c.execute("PRAGMA synchronous = OFF")
    people = [f"49151{i:07d}" for i in range(chats * 3)]
    c.executemany("INSERT INTO jid(_id, user, server, raw_string) VALUES (?,?,?,?)",
                  [(i + 1, u, "s.whatsapp.net", f"{u}@s.whatsapp.net") for i, u in enumerate(people)])
    groups = chats // 5
    gbase = len(people) + 1
    c.executemany("INSERT INTO jid(_id, user, server, raw_string) VALUES (?,?,?,?)",
                  [(gbase + g, f"1203630{g:08d}", "g.us", f"1203630{g:08d}@g.us") for g in range(groups)])
    chat_jid = [gbase + g for g in range(groups)] + list(range(1, chats - groups + 1))
    # Each group has its own dozen members (jid row ids), and only they write in it.
    members = [[1 + (g * 12 + k) % len(people) for k in range(12)] for g in range(groups)]
    c.executemany("INSERT INTO group_participant_user(group_jid_row_id, user_jid_row_id, rank) VALUES (?,?,0)",
                  [(gbase + g, u) for g in range(groups) for u in members[g]])
    c.executemany("INSERT INTO chat(_id, jid_row_id, subject) VALUES (?,?,?)",
                  [(i + 1, j, f"Group {i}" if i < groups else None) for i, j in enumerate(chat_jid)])
    t0 = 1_600_000_000_000
    batch_m: list[tuple] = []
    media: list[tuple] = []
    quoted: list[tuple] = []
    addon: list[tuple] = []
    reaction: list[tuple] = []
    system: list[tuple] = []
    keys: list[str] = []

    def flush() -> None:
        c.executemany("INSERT INTO message(_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, "
                      "message_type, text_data, sort_id) VALUES (?,?,?,?,?,13,?,?,?,?)", batch_m)
        c.executemany("INSERT INTO message_media(message_row_id, chat_row_id, file_path, file_size, mime_type) "
                      "VALUES (?,?,?,?,?)", media)
        c.executemany("INSERT INTO message_quoted(message_row_id, chat_row_id, key_id, from_me, text_data) "
                      "VALUES (?,?,?,0,?)", quoted)
        c.executemany("INSERT INTO message_add_on(_id, chat_row_id, from_me, key_id, sender_jid_row_id, "
                      "parent_message_row_id, timestamp, message_add_on_type) VALUES (?,?,0,?,?,?,?,56)", addon)
        c.executemany("INSERT INTO message_add_on_reaction VALUES (?,?,?)", reaction)
        c.executemany("INSERT INTO message_system VALUES (?, ?)", system)
        for lst in (batch_m, media, quoted, addon, reaction, system):
            lst.clear()

    for i in range(1, n + 1):
        chat = rnd.randrange(chats) + 1
        group = chat <= groups
        mine = rnd.random() < 0.35
        sender = None if mine or not group else rnd.choice(members[chat - 1])
        key = f"3EB0{rnd.getrandbits(64):016X}"
        keys.append(key)
        ts = t0 + i * 1500 + rnd.randrange(1000)
        r = rnd.random()
        mtype, text = 0, rnd.choice(WORDS)
        if r < 0.08:
            mtype, text = 1, None
            media.append((i, chat, f"Media/WhatsApp Images/IMG-20200913-WA{i:07d}.jpg", 150_000, "image/jpeg"))
        elif r < 0.11:
            mtype, text = 2, None
            media.append((i, chat, f"Media/WhatsApp Voice Notes/202009/PTT-20200913-WA{i:07d}.opus", 20_000,
                          "audio/ogg; codecs=opus"))
        elif r < 0.13 and i > 10:
            quoted.append((i, chat, keys[-rnd.randrange(2, 10)], "earlier text"))
        elif r < 0.15:
            aid = len(keys)
            addon.append((aid, chat, f"R{key}", rnd.randrange(len(people)) + 1, i, ts + 5000))
            reaction.append((aid, "👍", ts + 5000))
        elif r < 0.16:
            mtype, text = 7, None
            system.append((i, 19))
        batch_m.append((i, chat, int(mine), key, sender, ts, mtype, text, i))
        if len(batch_m) >= 50_000:
            flush()
    flush()
    c.commit()
    c.close()


def child_import(source: str, vault: str, fmt: str, key: str) -> None:
    import resource

    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.engine import run_import
    from chatvault.vault.vault import create_vault

    os.environ["CHATVAULT_TMPDIR"] = str(Path(vault).parent / "work")
    v, _ = create_vault(Path(vault), "bench passphrase")
    opts = ImportOptions(options={"tz": "UTC"} if fmt == "whatsapp" else ({"wa_key": key} if key else {}))
    cpu: dict = {}
    t = time.perf_counter()
    with cpu_split(cpu, "first"):
        first = run_import(v, Path(source), format=fmt, options=opts)
    t1 = time.perf_counter() - t
    out = {"first_s": t1, "added": first.added, "outcome": first.outcome,
           "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "parse_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024} | cpu
    if fmt != "whatsapp" and not key:
        t = time.perf_counter()
        again = run_import(v, Path(source), format=fmt, options=ImportOptions(options={"reread": True}))
        out["reread_s"] = time.perf_counter() - t
        out["reread_added"] = again.added
    v.lock()
    print(json.dumps(out))


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         env=CHILD_ENV, timeout=7200)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000, help="messages in the msgstore and in the .txt")
    ap.add_argument("--chats", type=int, default=300)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            build(Path(rest[0]), int(rest[1]), int(rest[2]))
        else:
            child_import(*rest)
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.import_fixtures import big_whatsapp
    from tests.wa_android_fixtures import ROOT_KEY_HEX, encrypt

    n = args.scale
    res: dict = {"messages": n, "chats": args.chats}
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="cv-wadb-bench-") as tmp:
        base = Path(tmp)
        db = base / "src" / "msgstore.db"
        db.parent.mkdir()
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", "build", str(db), str(n), str(args.chats)], check=True,
                       env=CHILD_ENV)
        txt = big_whatsapp(base / "WhatsApp Chat with Bench.txt", n)
        res["build_s"] = time.perf_counter() - t
        rows.append(("fixtures (not timed for the target)", f"{res['build_s']:.0f} s: msgstore.db "
                     f"{db.stat().st_size / 2**20:.0f} MiB, .txt {txt.stat().st_size / 2**20:.0f} MiB"))
        # Back to back: the .txt first, then the database, each into a fresh vault.
        res["txt"] = r_txt = run_child("import", str(txt), str(base / "v-txt" / "vault"), "whatsapp", "")
        res["msgstore"] = r_db = run_child("import", str(db), str(base / "v-db" / "vault"), "whatsapp-android", "")
        for name, r in (("WhatsApp .txt", r_txt), ("msgstore.db", r_db)):
            if "error" in r:
                rows.append((f"{name}: import", f"FAILED: {r['error']}"))
                continue
            r["rate"] = r["added"] / r["first_s"]
            rows.append((f"{name}: import end to end", f"{r['first_s']:.1f} s = {r['rate']:,.0f} msg/s "
                         f"({r['added']:,} added, {r['outcome']})"))
            rows.append((f"{name}: import CPU", cpu_row(r, "first", r["added"])))
            rows.append((f"{name}: peak RSS (import / parse process)", f"{r['rss_mib']:.0f} MiB / "
                         f"{r['parse_rss_mib']:.0f} MiB"))
        if "rate" in r_db and "rate" in r_txt:
            rows.append(("msgstore rate / .txt rate (target ≥ 1.0)", f"{r_db['rate'] / r_txt['rate']:.2f}"))
        if "reread_s" in r_db:
            rows.append(("msgstore.db again (reread: every message present)", f"{r_db['reread_s']:.1f} s = "
                         f"{100 * r_db['reread_s'] / r_db['first_s']:.0f} % of the first "
                         f"({r_db['reread_added']} added)"))
        crypt = encrypt(db, base / "src15" / "msgstore.db.crypt15", crypt=15, root_hex=ROOT_KEY_HEX)
        db.unlink()
        res["crypt15"] = r15 = run_child("import", str(crypt), str(base / "v-15" / "vault"), "whatsapp-android",
                                         ROOT_KEY_HEX)
        if "error" in r15:
            rows.append(("msgstore.db.crypt15: import", f"FAILED: {r15['error']}"))
        else:
            rows.append(("msgstore.db.crypt15 (decrypt + import)", f"{r15['first_s']:.1f} s = "
                         f"{r15['added'] / r15['first_s']:,.0f} msg/s, peak RSS {r15['rss_mib']:.0f} MiB / "
                         f"{r15['parse_rss_mib']:.0f} MiB"))
    print_table(f"WhatsApp for Android, {n:,} messages over {args.chats} chats (target: ≥ the .txt rate, "
                "RSS ≤ 300 MiB)", rows)
    print("results:", write_results("whatsapp_db", res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
