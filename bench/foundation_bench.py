"""Foundation benchmark: create a vault, unlock it (real Argon2id cost), insert N messages.

Run: .venv/bin/python bench/foundation_bench.py [--scale 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from common import peak_rss_mib, print_table, timed, write_results

from chatvault.vault.kdf import FAST_ENV


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000, help="messages to insert")
    args = ap.parse_args()
    os.environ.pop(FAST_ENV, None)  # real Argon2id parameters, as users get them
    from chatvault.store.store import Store
    from chatvault.vault.vault import create_vault, open_vault

    res: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault"
        with timed(res, "create_s"):
            v, _ = create_vault(path, "benchmark passphrase")
        v.lock()
        unlocks = []
        for _ in range(3):
            t = time.perf_counter()
            v = open_vault(path, "benchmark passphrase")
            unlocks.append(time.perf_counter() - t)
            v.lock()
        res["unlock_s"] = sorted(unlocks)[1]
        kdf = v.header.kdf
        res["kdf"] = f"argon2id m={kdf.m_kib // 1024} MiB t={kdf.t} p={kdf.p}"
        v = open_vault(path, "benchmark passphrase")
        conn = v.connect()
        conn.execute("INSERT INTO sources(app, account, created_at) VALUES ('bench', '', 0)")
        for c in range(100):
            conn.execute("INSERT INTO conversations(source_id, source_key, title, created_at) VALUES (1, ?, ?, 0)",
                         (f"c{c}", f"Chat {c}"))
        rnd = random.Random(1)
        words = "contract invoice birthday dinner meeting 合同 发票 生日 晚饭 会议 hello tomorrow photo".split()
        batch = 50_000
        t = time.perf_counter()
        for start in range(0, args.scale, batch):
            rows = [
                (1 + (i % 100), f"k{i}", 1_500_000_000_000 + i * 1000, " ".join(rnd.choices(words, k=8)))
                for i in range(start, min(args.scale, start + batch))
            ]
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
        res["insert_s"] = time.perf_counter() - t
        res["insert_msgs_per_s"] = args.scale / res["insert_s"]
        res["messages"] = Store(conn).counts().messages
        conn.close()
        v.lock()
        res["db_mib"] = (path / "vault.db").stat().st_size / 2**20
    res["peak_rss_mib"] = peak_rss_mib()
    print_table("Foundation", [
        ("create vault", f"{res['create_s']:.2f} s"),
        ("unlock (median of 3)", f"{res['unlock_s']:.2f} s  ({res['kdf']})"),
        (f"insert {args.scale:,} messages", f"{res['insert_s']:.1f} s = {res['insert_msgs_per_s']:,.0f} msg/s"),
        ("database size", f"{res['db_mib']:.0f} MiB"),
        ("peak RSS", f"{res['peak_rss_mib']:.0f} MiB"),
    ])
    print("results:", write_results("foundation", res))


if __name__ == "__main__":
    main()
