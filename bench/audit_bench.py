"""The audit trail at scale: append N entries through the one writer, then `verify` walks the chain.

Run: .venv/bin/python bench/audit_bench.py [--scale 1000000]
Issue #20 asks for `audit verify` of 1M entries: this is that figure (and the append rate).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import peak_rss_mib, print_table, write_results

from chatvault.store import audit as audit_trail
from chatvault.store.db import connect
from chatvault.store.schema import migrate


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000, help="audit entries")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "v.db", os.urandom(32), create=True)
        migrate(conn)
        start = time.perf_counter()
        conn.execute("BEGIN")
        for i in range(args.scale):
            audit_trail.append(conn, "import", {"run_id": i, "path": f"/home/user/exports/chat{i}.zip", "added": 17})
            if i % 50_000 == 49_999:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        conn.execute("COMMIT")
        append_s = time.perf_counter() - start
        start = time.perf_counter()
        report = audit_trail.verify(conn)
        verify_s = time.perf_counter() - start
        assert report.ok and report.entries == args.scale
        conn.close()
    data = {"entries": args.scale, "append_s": round(append_s, 2), "append_per_s": round(args.scale / append_s),
            "verify_s": round(verify_s, 2), "verify_per_s": round(args.scale / verify_s),
            "peak_rss_mib": round(peak_rss_mib(), 1), "load": os.getloadavg()[0]}
    print_table(f"audit trail, {args.scale:,} entries", [(k, str(v)) for k, v in data.items()])
    write_results("audit", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
