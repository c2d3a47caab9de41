"""Search benchmark: build a vault of N messages (15 % Chinese) through SQL + index_messages, then
time a mix of 200 queries (newest first, by relevance) against `grep -c -F` over the same text.

Run: .venv/bin/python bench/search_bench.py [--scale 1000000] [--queries 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import peak_rss_mib, print_table, write_results

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # unlock cost is not what this measures

CONVERSATIONS = 300
BATCH = 50_000
BASE_TS = 1_300_000_000_000


class Generator:
    """Chat-like text: Zipf-distributed English words, Chinese from ~3,000 characters and common
    words, emoji, numbers. Deterministic for a seed."""

    def __init__(self, seed: int = 7) -> None:
        rnd = self.rnd = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        common = ("the a to and of you i is it in that for on we ok yes no what when can will be are "
                  "this have not do contract invoice meeting tomorrow photo dinner call thanks please "
                  "good morning night see later home work time today").split()
        self.vocab = common + ["".join(rnd.choices(letters, k=rnd.randint(3, 10))) for _ in range(40_000)]
        self.vcum = list(itertools.accumulate(1 / (i + 8) for i in range(len(self.vocab))))
        self.hanzi = [chr(c) for c in rnd.sample(range(0x4E00, 0x4E00 + 6000), 3000)]
        self.hcum = list(itertools.accumulate(1 / (i + 3) for i in range(len(self.hanzi))))
        self.cnwords = "合同 发票 生日 晚饭 会议 明天 我们 你好 谢谢 没有 什么 时候 可以 龙虾饭 红包 快递".split()
        self.emoji = ["😀", "👍", "😂", "🎂", "❤️", "🧧", "🙏"]

    def text(self) -> str:
        rnd = self.rnd
        if rnd.random() < 0.15:
            parts = []
            for _ in range(rnd.randint(2, 8)):
                x = rnd.random()
                if x < 0.3:
                    parts.append(rnd.choice(self.cnwords))
                elif x < 0.9:
                    parts.append("".join(rnd.choices(self.hanzi, cum_weights=self.hcum, k=rnd.randint(1, 4))))
                elif x < 0.95:
                    parts.append(rnd.choice(["，", "。", "！", " ", "PDF", "ok"]))
                else:
                    parts.append(rnd.choice(self.emoji))
            return "".join(parts)
        words = rnd.choices(self.vocab, cum_weights=self.vcum, k=rnd.randint(2, 16))
        if rnd.random() < 0.05:
            words.append(rnd.choice(self.emoji))
        if rnd.random() < 0.03:
            words.append(str(rnd.randint(10**10, 10**11)))
        return " ".join(words)


def build(path: Path, n: int, text_file: Path) -> dict:
    from chatvault.search.index import index_messages
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(path, "bench passphrase")
    conn = v.connect()
    gen = Generator()
    rnd = random.Random(3)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '', 0)")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (2, 'wechat', '', 0)")
    for c in range(1, CONVERSATIONS + 1):
        conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (?, ?, ?, ?, 0)",
                     (c, 1 + c % 2, f"c{c}", f"Chat {c}"))
        for p in range(1, 3):
            conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) "
                         "VALUES (?, ?, ?, ?, 0)", (c * 3 + p, 1 + c % 2, f"p{c}-{p}", f"Person {c}-{p}"))
    for source in (1, 2):  # "me" is one participant per source account, as importers store it
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) "
                     "VALUES (?, ?, 'me', 'Me', 1)", (source, source))
    conn.execute("COMMIT")
    kinds = ["text"] * 17 + ["image", "file", "link"]
    t_gen = t_insert = t_index = 0.0
    text_bytes = 0
    per_conv = max(1, n // CONVERSATIONS)
    clocks = {c: BASE_TS + rnd.randint(0, 3 * 10**11) for c in range(1, CONVERSATIONS + 1)}
    mid = 0
    with open(text_file, "w", encoding="utf-8") as out:
        while mid < n:
            t = time.perf_counter()
            rows = []
            # An import walks one conversation at a time: ids are not in global time order.
            while len(rows) < BATCH and mid < n:
                conv = 1 + (mid // per_conv) % CONVERSATIONS
                mid += 1
                clocks[conv] += rnd.randint(1_000, 4_000_000)
                text = gen.text()
                sender = 1 + conv % 2 if mid % 3 == 0 else conv * 3 + mid % 3
                rows.append((mid, conv, f"k{mid}", clocks[conv], sender, rnd.choice(kinds), text))
            lines = [f"{r[3]} - Person: {r[6]}\n" for r in rows]
            out.writelines(lines)
            text_bytes += sum(len(r[6].encode()) for r in rows)
            t_gen += time.perf_counter() - t
            conn.execute("BEGIN")
            t = time.perf_counter()
            conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, text) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            t_insert += time.perf_counter() - t
            t = time.perf_counter()
            index_messages(conn, [(r[0], r[6]) for r in rows])
            t_index += time.perf_counter() - t
            conn.execute("COMMIT")
    t = time.perf_counter()
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    t_opt = time.perf_counter() - t
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    fts_bytes = sum(int(conn.execute(f"SELECT coalesce(sum(length({col})), 0) + 16 * count(*) FROM {tab}")
                        .fetchone()[0]) for tab, col in (("search_fts_data", "block"), ("search_fts_idx", "term"),
                                                         ("search_fts_docsize", "sz")))
    conn.close()
    v.lock()
    return {"messages": n, "text_mib": text_bytes / 2**20, "index_mib": fts_bytes / 2**20,
            "index_ratio": fts_bytes / text_bytes, "db_mib": (path / "vault.db").stat().st_size / 2**20,
            "insert_msgs_per_s": n / t_insert, "index_msgs_per_s": n / t_index,
            "insert_plus_index_msgs_per_s": n / (t_insert + t_index), "optimize_s": t_opt, "generate_s": t_gen}


def make_queries(conn, count: int, seed: int = 11) -> list[dict]:
    """A mix like users type: sampled from the stored messages so most queries have hits."""
    from chatvault.search.api import SearchFilters

    rnd = random.Random(seed)
    sample = [r[0] for r in conn.execute(
        "SELECT text FROM messages WHERE id IN (SELECT abs(random()) % (SELECT max(id) FROM messages) FROM messages "
        "LIMIT 3000)").fetchall() if r[0]]
    zh = [t for t in sample if any("\u4e00" <= c <= "\u9fff" for c in t)]
    en = [t for t in sample if t.isascii()]
    gen = Generator()
    common = gen.vocab[:40]
    cats: list[tuple[str, callable]] = []

    def zh_sub(k: int) -> str:
        while True:
            t = "".join(c if "\u4e00" <= c <= "\u9fff" else " " for c in rnd.choice(zh))
            runs = [r for r in t.split() if len(r) >= k]
            if runs:
                r = rnd.choice(runs)
                a = rnd.randrange(len(r) - k + 1)
                return r[a:a + k]

    cats = [
        ("rare word", lambda: rnd.choice(gen.vocab[5000:])),
        ("common word", lambda: rnd.choice(common)),
        ("zh 1 char", lambda: zh_sub(1)),
        ("zh 2 chars", lambda: zh_sub(2)),
        ("zh 3 chars", lambda: zh_sub(3)),
        ("prefix", lambda: rnd.choice(gen.vocab[40:3000])[:3] + "*"),
        ("phrase", lambda: '"' + " ".join((w := rnd.choice(en).split())[(i := rnd.randrange(max(1, len(w) - 1))):i + 2])
         + '"'),
        ("two words", lambda: f"{rnd.choice(gen.vocab[50:2000])} {rnd.choice(common)}"),
        ("mixed zh+en", lambda: f"{zh_sub(2)} PDF"),
    ]
    filters = [
        ("chat", lambda: SearchFilters(conversations=[rnd.randint(1, CONVERSATIONS)])),
        ("date range", lambda: SearchFilters(after=(s := BASE_TS + rnd.randint(0, 3 * 10**11) // 1000 * 1000),
                                            before=s + 90 * 86_400_000)),
        ("kind", lambda: SearchFilters(kinds=["link", "file"])),
        ("sender me", lambda: SearchFilters(sender="me")),
    ]
    out = []
    for i in range(count):
        name, make = cats[i % len(cats)]
        q = {"cat": name, "q": make(), "filters": None}
        if i % 4 == 3:
            fname, fmake = filters[(i // 4) % len(filters)]
            q["filters"] = fmake()
            q["cat"] = f"{name} + {fname}"
        out.append(q)
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000, help="messages in the vault")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--keep", metavar="DIR", help="build (or reuse) the vault in DIR instead of a temp folder")
    args = ap.parse_args()
    from chatvault.search.api import search, search_ids
    from chatvault.vault.vault import open_vault

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cv-search-"))
    vault_path, text_file = tmp / "vault", tmp / "messages.txt"
    try:
        res: dict = {"scale": args.scale}
        if not (vault_path / "vault.db").exists():
            print(f"building {args.scale:,} messages in {tmp} ...", flush=True)
            res["build"] = build(vault_path, args.scale, text_file)
        v = open_vault(vault_path, "bench passphrase")
        conn = v.connect(readonly=True)
        queries = make_queries(conn, args.queries)
        # Warm cache, as PERFORMANCE.md's anchors (grep/ripgrep run over a file in the page cache):
        # one untimed pass over the mix, then the timed pass.
        for q in queries:
            search_ids(conn, q["q"], q["filters"], limit=50)
        timings: dict[str, list[float]] = {"newest": [], "relevance": [], "oldest": []}
        worst: list[tuple[float, str, int]] = []
        for q in queries:
            for sort in timings:
                t = time.perf_counter()
                r = search(conn, q["q"], q["filters"], sort=sort, limit=50)
                dt = (time.perf_counter() - t) * 1000
                timings[sort].append(dt)
                q[f"{sort}_ms"] = dt
                q["total"] = r.total
            worst.append((q["newest_ms"], f"{q['cat']}: {q['q']}", q["total"]))
        # Filters without text (the GUI's "show deleted", "all files" views).
        plain = {}
        from chatvault.search.api import SearchFilters
        for name, f in [("deleted (status)", SearchFilters(status="missing-at-source")),
                        ("kind=file, all chats", SearchFilters(kinds=["file"])),
                        ("one chat, newest", SearchFilters(conversations=[7]))]:
            t = time.perf_counter()
            search(conn, "", f, limit=50)
            plain[name] = (time.perf_counter() - t) * 1000
        conn.close()
        v.lock()
        # The yardstick: grep -c -F for the same literal text over the raw message file.
        grep_ms = []
        if text_file.exists() and shutil.which("grep"):
            for q in queries:
                lit = q["q"].strip('"').rstrip("*").split(" ")[0]
                t = time.perf_counter()
                subprocess.run(["grep", "-c", "-F", "--", lit, str(text_file)], capture_output=True)
                grep_ms.append((time.perf_counter() - t) * 1000)
        res["latency_ms"] = {s: {"p50": pct(v_, 50), "p95": pct(v_, 95), "max": max(v_)} for s, v_ in timings.items()}
        if grep_ms:
            res["latency_ms"]["grep -c -F"] = {"p50": pct(grep_ms, 50), "p95": pct(grep_ms, 95), "max": max(grep_ms)}
        res["filters_only_ms"] = plain
        by_cat: dict[str, list[float]] = {}
        for q in queries:
            by_cat.setdefault(q["cat"].split(" + ")[0] + (" +filter" if "+" in q["cat"] else ""), []).append(
                q["newest_ms"])
        res["newest_by_category_p95_ms"] = {k: pct(v_, 95) for k, v_ in sorted(by_cat.items())}
        res["slowest_newest"] = sorted(worst, reverse=True)[:8]
        res["peak_rss_mib"] = peak_rss_mib()
        rows = []
        if "build" in res:
            b = res["build"]
            rows += [
                ("messages / text", f"{b['messages']:,} / {b['text_mib']:.1f} MiB"),
                ("insert into messages", f"{b['insert_msgs_per_s']:,.0f} msg/s"),
                ("index_messages alone", f"{b['index_msgs_per_s']:,.0f} msg/s"),
                ("insert + index (one process)", f"{b['insert_plus_index_msgs_per_s']:,.0f} msg/s"),
                ("optimize after load", f"{b['optimize_s']:.1f} s"),
                ("index size / text size", f"{b['index_mib']:.1f} MiB = {b['index_ratio']:.2f}x (target <= 1.0x)"),
                ("vault.db", f"{b['db_mib']:.0f} MiB"),
            ]
        lat = res["latency_ms"]
        for s in lat:
            rows.append((f"{s}: p50 / p95 / max", f"{lat[s]['p50']:.1f} / {lat[s]['p95']:.1f} / {lat[s]['max']:.0f} ms"))
        for k, val in res["newest_by_category_p95_ms"].items():
            rows.append((f"  newest p95 {k}", f"{val:.1f} ms"))
        for k, val in plain.items():
            rows.append((f"filters only: {k}", f"{val:.1f} ms"))
        for ms, what, total in res["slowest_newest"][:5]:
            rows.append(("  slow newest", f"{ms:.1f} ms  {what} ({total:,} hits)"))
        print_table(f"Search, {args.scale:,} messages, {len(queries)} queries (first page of 50)", rows)
        print("targets: newest p50 <= 10 ms, p95 <= 30 ms; relevance p95 <= 100 ms")
        print("results:", write_results("search", res))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
