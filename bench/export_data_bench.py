"""JSON and CSV export benchmark: a vault of N messages in 300 chats (built as the search benchmark
builds it), then each export in a fresh process (time, throughput, peak RSS, bytes per message):
JSON Lines and CSV of the whole vault, JSON of a search's results (a common word), and for contrast
the whole selection built in memory and written with one `json.dump` (what a non-streaming writer
does).

Run: .venv/bin/python bench/export_data_bench.py [--scale 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_rss_mib, print_table, write_results

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # unlock cost is not what this measures
PASSPHRASE = "bench passphrase"


def _child(mode: str, vault_dir: str, out: str) -> None:
    """One export in this (fresh) process; prints a JSON line with its figures."""
    from chatvault.export.selection import Selection, messages, plan
    from chatvault.jobs import JobContext
    from chatvault.vault.vault import open_vault

    vault = open_vault(Path(vault_dir), PASSPHRASE)
    t = time.perf_counter()
    if mode == "naive":
        from dataclasses import asdict

        conn = vault.connect(readonly=True)
        sel = Selection()
        everything = [asdict(m) for c in plan(conn, sel) for b in messages(conn, sel, c.conversation_id) for m in b]
        Path(out).mkdir(parents=True)
        with open(Path(out) / "all.json", "w", encoding="utf-8") as f:
            json.dump(everything, f, ensure_ascii=False)
        n, size = len(everything), (Path(out) / "all.json").stat().st_size
    else:
        from chatvault.export.csvfmt import export_csv
        from chatvault.export.jsonfmt import export_json

        sel = Selection("contract") if mode == "json-query" else Selection()
        fn = export_csv if mode == "csv" else export_json
        report = fn(vault, sel, Path(out), JobContext())
        n, size = report.messages, report.bytes_written
    seconds = time.perf_counter() - t
    vault.lock()
    print(json.dumps({"messages": n, "seconds": seconds, "bytes": size, "rss_mib": peak_rss_mib()}))


def run(mode: str, vault_dir: Path, out: Path) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", mode, str(vault_dir), str(out)],
                       capture_output=True, text=True, check=True)
    data = json.loads(r.stdout.strip().splitlines()[-1])
    shutil.rmtree(out, ignore_errors=True)
    return data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=100_000, help="messages in the vault")
    ap.add_argument("--keep", metavar="DIR", help="build (or reuse) the vault in DIR instead of a temp folder")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "VAULT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    from search_bench import build

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cv-export-bench-"))
    vault_dir = root / "vault"
    results: dict = {"scale": args.scale}
    try:
        if not (vault_dir / "vault.db").exists():
            root.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            build(vault_dir, args.scale, root / "text.txt")
            results["build_s"] = time.perf_counter() - t
        rows = []
        for mode in ("json", "csv", "json-query", "naive"):
            r = run(mode, vault_dir, root / f"out-{mode}")
            r["msgs_per_s"] = r["messages"] / max(r["seconds"], 1e-9)
            r["bytes_per_msg"] = r["bytes"] / max(r["messages"], 1)
            results[mode] = r
            rows.append((mode, f"{r['messages']:,} msgs in {r['seconds']:.1f} s = {r['msgs_per_s']:,.0f} msg/s, "
                               f"{r['bytes'] / 2**20:.1f} MiB ({r['bytes_per_msg']:.0f} B/msg), "
                               f"peak RSS {r['rss_mib']:.0f} MiB"))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print_table(f"JSON/CSV export of {args.scale:,} messages (each in a fresh process)", rows)
    print(json.dumps(results))
    write_results("export_data", results)


if __name__ == "__main__":
    main()
