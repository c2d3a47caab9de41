"""Retention at scale (issue #20): a vault of N messages (generated straight into a real SQLCipher
vault, as bench/search_bench.py does), a policy that expires 10 % of them, then the dry run and the
run (tombstones, index, batches of 2,000 per transaction) are timed; and `check`'s hold digest pass
over a whole-vault hold.

Run: .venv/bin/python bench/compliance_bench.py [--scale 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from common import peak_rss_mib, print_table, write_results

from chatvault.checkreport import CheckReport
from chatvault.compliance import retention
from chatvault.compliance.holds import HoldScope, check_holds, place
from chatvault.search.index import index_messages
from chatvault.vault.vault import create_vault

DAY_MS = 86_400_000


def _fill(conn, n: int, now_ms: int) -> None:
    """n messages in 50 chats over ten years, newest now; 10 % older than nine years."""
    rnd = random.Random(5)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', 'a', 0)")
    conn.execute("INSERT INTO import_runs(id, started_at, format, path, outcome, custodian_id) "
                 "VALUES (1, 0, 'whatsapp', '/x', 'ok', 1)")
    for c in range(1, 51):
        conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (?, 1, ?, ?, 0)",
                     (c, f"c{c}", f"chat {c}"))
    conn.execute("INSERT INTO participants(id, source_id, source_key, display_name) VALUES (1, 1, 'p', 'P')")
    span = 10 * 365 * DAY_MS
    for start in range(0, n, 100_000):
        rows = []
        for i in range(start, min(n, start + 100_000)):
            ts = now_ms - int(span * (1 - i / n)) + rnd.randint(0, 1000)
            rows.append((i + 1, 1 + i % 50, f"k{i}", ts, 1, "text", f"message {i} about the quarterly numbers", 1))
        conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, text, "
                         "first_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        index_messages(conn, [(r[0], r[6]) for r in rows])
    conn.execute("COMMIT")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000)
    args = ap.parse_args()
    os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")
    now = int(time.time() * 1000)
    res: dict = {"messages": args.scale}
    with tempfile.TemporaryDirectory() as tmp:
        vault, _ = create_vault(Path(tmp) / "v", "bench passphrase for retention")
        conn = vault.connect()
        t = time.perf_counter()
        _fill(conn, args.scale, now)
        res["fill_s"] = round(time.perf_counter() - t, 1)
        retention.set_policy(conn, "nine years", 9 * 365)
        t = time.perf_counter()
        dry = retention.run(vault, dry_run=True, now_ms=now)
        res["dry_run_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        rep = retention.run(vault, now_ms=now)
        res["run_s"] = round(time.perf_counter() - t, 2)
        res["deleted"] = rep.deleted
        res["deleted_per_s"] = round(rep.deleted / res["run_s"])
        assert rep.deleted == len(dry.would_delete) and 0.09 * args.scale < rep.deleted < 0.11 * args.scale
        t = time.perf_counter()
        hold = place(conn, "bench", "whole vault", HoldScope())
        res["hold_place_s"] = round(time.perf_counter() - t, 2)
        report = CheckReport()
        t = time.perf_counter()
        check_holds(vault, report, False, False)
        res["hold_check_s"] = round(time.perf_counter() - t, 2)
        assert report.ok and hold["messages"] == args.scale - rep.deleted
        conn.close()
        vault.lock()
    res["peak_rss_mib"] = round(peak_rss_mib(), 1)
    res["load"] = round(os.getloadavg()[0], 2)
    print_table(f"retention over {args.scale:,} messages", [(k, str(v)) for k, v in res.items()])
    write_results("compliance", res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
