"""eDiscovery production benchmark: a vault of N messages (100 chats over two years, bursty like real
chats, 15 % Chinese, 1 % photos stored in the vault, some edited / deleted at source / recalled),
then `produce()` of the whole vault, in a child process each (so its peak RSS is its own):
RSMF only (the target: 100,000 messages ≤ 60 s), and with the HTML and PDF review copies.

Run: .venv/bin/python bench/export_production_bench.py [--scale 100000] [--no-review] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from common import ROOT, print_table, write_results

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # unlock cost is not what this measures

PASSPHRASE = "bench passphrase"
CONVERSATIONS = 100
BASE_TS = 1_546_300_800_000          # 2019-01-01 UTC
HANZI = "合同发票生日晚饭会议明天我们你好谢谢没有什么时候可以的了是在人有这个上来到大和中"
WORDS = ("the a to and of you i is it in that for on we ok yes no what when can will be are contract "
         "invoice meeting tomorrow photo dinner call thanks please good morning night see later").split()


def png(seed: int) -> bytes:
    """A real 2x2 PNG, different for every seed."""
    raw = b"".join(b"\x00" + bytes([seed % 256, (seed >> 8) % 256, 90] * 2) for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _text(rnd: random.Random) -> str:
    if rnd.random() < 0.15:
        return "".join(rnd.choices(HANZI, k=rnd.randint(2, 24)))
    return " ".join(rnd.choices(WORDS, k=rnd.randint(2, 18)))


def build(path: Path, n: int) -> dict:
    from chatvault.media.attach import record_blob
    from chatvault.media.blobstore import BlobStore
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(path, PASSPHRASE)
    conn = v.connect()
    rnd = random.Random(5)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '+100', 0)")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (2, 'wechat', 'wxid_me', 0)")
    conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (1, 1, 'me', 'Me', 1)")
    conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (2, 2, 'wxid_me', '我', 1)")
    for c in range(1, CONVERSATIONS + 1):
        sid = 1 + c % 2
        conn.execute("INSERT INTO conversations(id, source_id, source_key, kind, title, created_at) "
                     "VALUES (?, ?, ?, ?, ?, 0)", (c, sid, f"c{c}", "group" if c % 5 == 0 else "direct", f"Chat {c}"))
        for p in range(3):
            pid = 10 + c * 3 + p
            conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) "
                         "VALUES (?, ?, ?, ?, 0)", (pid, sid, f"p{c}-{p}", f"Person {c}-{p}"))
            conn.execute("INSERT INTO conversation_members VALUES (?, ?)", (c, pid))
    store = BlobStore(v)
    per = n // CONVERSATIONS
    rows, atts, mid = [], [], 0
    for c in range(1, CONVERSATIONS + 1):
        ts = BASE_TS + rnd.randint(0, 30 * 86_400_000)
        for _ in range(per if c < CONVERSATIONS else n - mid):
            mid += 1
            # Bursty: most gaps are seconds to minutes, some are hours or days.
            ts += rnd.randint(5_000, 600_000) if rnd.random() < 0.9 else rnd.randint(3_600_000, 4 * 86_400_000)
            sender = 1 + c % 2 if mid % 3 == 0 else 10 + c * 3 + mid % 3
            kind, text = ("image", None) if rnd.random() < 0.01 else ("text", _text(rnd))
            status = "missing-at-source" if rnd.random() < 0.01 else "present"
            edited = int(rnd.random() < 0.01)
            rows.append((mid, c, f"k{mid}", ts, 480, sender, kind, text, status, edited, ts + 60_000 if edited else None))
            if kind == "image":
                stored = store.put_bytes(png(mid))
                record_blob(conn, stored)
                atts.append((mid, stored.id, stored.size, f"IMG_{mid}.png"))
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, "
                     "status, is_edited, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name) "
                     "VALUES (?, 0, ?, 'stored', 'image/png', ?, ?)", atts)
    conn.execute("COMMIT")
    conn.close()
    v.lock()
    return {"messages": n, "photos": len(atts), "conversations": CONVERSATIONS}


def child(vault_path: str, out: str, review: bool) -> None:
    """One production, in its own process; prints its figures as JSON."""
    import resource

    from chatvault.export.production import produce, verify_export
    from chatvault.export.selection import Selection
    from chatvault.jobs import JobContext
    from chatvault.vault.vault import open_vault

    v = open_vault(Path(vault_path), PASSPHRASE)
    t, cpu = time.perf_counter(), time.process_time()
    report = produce(v, Selection(), Path(out), JobContext(), include_html=review, include_pdf=review,
                     operator="bench")
    seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    ok = verify_export(Path(out)).ok
    verify_s = time.perf_counter() - t
    counts = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))["counts"]
    print(json.dumps({"seconds": seconds, "cpu_s": cpu_s, "load": os.getloadavg()[0], "verify_s": verify_s, "verify_ok": ok,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "messages": report.messages, "rsmf_files": counts["rsmf_files"], "natives": counts["natives"],
                      "files": len(report.files), "mib": report.bytes_written / 2**20, "warnings": report.warnings}))
    v.lock()


def run_child(vault: Path, out: Path, review: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, __file__, "--child", str(vault), str(out), "1" if review else "0"],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] == "1")
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=100_000, help="messages in the vault (all produced)")
    ap.add_argument("--no-review", action="store_true", help="skip the run with the HTML/PDF review copies")
    ap.add_argument("--keep", metavar="DIR", help="build (or reuse) the vault in DIR instead of a temp folder")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cv-prod-bench-"))
    vault = work / "vault"
    results: dict = {"scale": args.scale}
    try:
        if not vault.exists():
            t = time.perf_counter()
            results["vault"] = build(vault, args.scale)
            results["build_s"] = time.perf_counter() - t
        runs = [("rsmf_only", False)] + ([] if args.no_review else [("with_review", True)])
        for name, review in runs:
            out = work / f"out-{name}"
            shutil.rmtree(out, ignore_errors=True)
            results[name] = run_child(vault, out, review)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = []
    for name in ("rsmf_only", "with_review"):
        r = results.get(name)
        if r:
            rows.append((f"{name}: time", f"{r['seconds']:.1f} s for {r['messages']:,} messages "
                                          f"({r['messages'] / r['seconds']:,.0f} msg/s); CPU {r['cpu_s']:.1f} s "
                                          f"(load {r['load']:.1f})"))
            rows.append((f"{name}: output", f"{r['rsmf_files']:,} RSMF files, {r['natives']:,} natives, "
                                            f"{r['files']:,} files, {r['mib']:.1f} MiB"))
            rows.append((f"{name}: peak RSS", f"{r['peak_rss_mib']:.0f} MiB"))
            rows.append((f"{name}: verify", f"{r['verify_s']:.1f} s, ok={r['verify_ok']}"))
    rows.append(("target", "RSMF production of 100,000 messages <= 60 s"))
    print_table(f"eDiscovery production, {args.scale:,} messages", rows)
    print(f"\nresults: {write_results('export_production', results)}")


if __name__ == "__main__":
    main()
