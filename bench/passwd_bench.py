"""Passphrase change is O(1) (RELIABILITY row 15 at full size): `chatvault passwd` on a ~1 MB vault and
on a 2 GiB one (media blobs + 200,000 messages), real Argon2id cost, each in its own process.

Reports the fastest of `--rounds` alternating runs per vault, their ratio (goal: within ±20 %), which
files changed (goal: only vault.json and its copy vault.json.bak) and the load average. `make test` runs the same check on a
~260 MB vault (tests/test_passwd_o1.py).

Run: .venv/bin/python bench/passwd_bench.py [--scale GIB] [--messages N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import print_table, write_results

from tests.passwd_fixtures import MIB, build_vault, changed_files, folder_bytes, timed_passwd, tree_hashes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=2.0, help="GiB of media in the large vault")
    ap.add_argument("--messages", type=int, default=200_000, help="messages in the large vault")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    res: dict = {"load_start": os.getloadavg()[0]}
    tmp = Path(tempfile.mkdtemp(prefix="cv-passwd-bench-"))
    try:
        small, large = tmp / "small", tmp / "large"
        t = time.perf_counter()
        build_vault(small, "p0", media_bytes=200_000, messages=300)
        build_vault(large, "p0", media_bytes=int(args.scale * 1024 * MIB), messages=args.messages)
        res["build_s"] = time.perf_counter() - t
        res["small_bytes"], res["large_bytes"] = folder_bytes(small), folder_bytes(large)
        before = {v: tree_hashes(v) for v in (small, large)}
        times: dict[Path, list[float]] = {small: [], large: []}
        current = "p0"
        for rnd in range(args.rounds):
            new = f"p{rnd + 1}"
            for v in (small, large):
                times[v].append(timed_passwd(v, current, new, tmp / "state"))
            current = new
        res["small_s"], res["large_s"] = times[small], times[large]
        res["ratio"] = min(times[large]) / min(times[small])
        res["changed_small"] = sorted(changed_files(before[small], tree_hashes(small)))
        res["changed_large"] = sorted(changed_files(before[large], tree_hashes(large)))
        res["load_end"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = abs(res["ratio"] - 1) < 0.2 and res["changed_small"] == res["changed_large"] == ["vault.json", "vault.json.bak"]
    res["ok"] = ok
    print_table("passwd on a small and a large vault (real Argon2id, separate process)", [
        ("small vault", f"{res['small_bytes'] / MIB:.1f} MiB, passwd {', '.join(f'{x:.2f}' for x in times[small])} s"),
        ("large vault", f"{res['large_bytes'] / MIB:.0f} MiB, passwd {', '.join(f'{x:.2f}' for x in times[large])} s"),
        ("ratio large/small (fastest runs)", f"{res['ratio']:.2f} (goal 0.8-1.2)"),
        ("files changed", f"small {res['changed_small']}, large {res['changed_large']} (goal: vault.json and vault.json.bak only)"),
        ("build time", f"{res['build_s']:.0f} s"),
        ("load average", f"{res['load_start']:.1f} at start, {res['load_end']:.1f} at end"),
        ("result", "OK" if ok else "FAILED"),
    ])
    print(f"results: {write_results('passwd', res)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
