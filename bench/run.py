"""Run every benchmark (`bench/*_bench.py`) one after another and collect their JSON results.

Usage: .venv/bin/python bench/run.py [NAME ...] [--quick]
  NAME     only these benchmarks (e.g. `foundation search`)
  --quick  pass a small --scale to each so the whole run takes minutes, not an hour
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_SCALE = {"foundation": "100000", "import": "100000", "search": "100000", "wechat": "100000",
               "media": "200", "backup": "0.05", "gui": "100000", "export_data": "20000",
               "export_pdf": "1000", "export_html": "100000", "export_production": "10000",
               "audit": "100000", "compliance": "100000", "signal_backup": "0.05"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    scripts = sorted(HERE.glob("*_bench.py"))
    failed = []
    for script in scripts:
        name = script.stem.removesuffix("_bench")
        if args.names and name not in args.names:
            continue
        cmd = [sys.executable, str(script)]
        if args.quick and name in QUICK_SCALE:
            cmd += ["--scale", QUICK_SCALE[name]]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        rc = subprocess.call(cmd, cwd=HERE)
        print(f"=== {name}: exit {rc} in {time.perf_counter() - start:.0f} s", flush=True)
        if rc:
            failed.append(name)
    print(f"\nResults in {HERE / 'results'}; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
