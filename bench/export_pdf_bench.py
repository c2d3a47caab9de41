"""PDF export benchmark: one chat of N messages (mixed English/Chinese/Japanese/Korean/Arabic/emoji,
one picture every 20 messages) exported by `export_pdf` in a fresh process — wall time, peak RSS,
pages, size — against the peers' approach in the same run: one HTML file of the same chat printed
by headless Chromium (`--print-to-pdf`), when `chromium` is installed.

`--scale N` is the message count; the issue's figure is 10,000 messages with 500 pictures
(≤ 60 s, ≤ 300 MiB). Pictures are distinct 1280×960 JPEGs (~300 KB each).

Run: .venv/bin/python bench/export_pdf_bench.py [--scale 10000] [--dir TMPDIR] [--no-chromium]
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table, write_results

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # unlock cost is not what this measures
PASSPHRASE = "bench passphrase"
PHRASES = ["Meeting moved to Thursday, see the plan.", "ok", "Sounds good 👍", "你好，合同已经签好了。",
           "明天下午三点开会，别忘了带发票。", "こんにちは、よろしくお願いします。", "안녕하세요, 내일 봬요.",
           "مرحبا، هل الاجتماع غدا؟", "Happy birthday 🎂🎉 ❤️", "Can you send me the invoice for March?",
           "I'll be there in 10 minutes", "好的", "收到，谢谢！", "See you at dinner 🍜"]


def _picture(seed: int) -> bytes:
    from PIL import Image

    rnd = random.Random(seed)
    small = Image.frombytes("RGB", (80, 60), rnd.randbytes(80 * 60 * 3)).resize((1280, 960))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=88)
    return out.getvalue()


def build(folder: Path, n: int, every: int = 20) -> tuple[Path, Path]:
    """A vault with the chat, and the decrypted pictures (for the HTML peer)."""
    from chatvault.media.attach import record_blob
    from chatvault.media.blobstore import BlobStore
    from chatvault.vault.vault import create_vault

    vault, _ = create_vault(folder / "vault", PASSPHRASE)
    pics = folder / "pics"
    pics.mkdir()
    conn, store, rnd = vault.connect(), BlobStore(vault), random.Random(7)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', 'me', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (1, 1, 'c', '家人 Family', 0)")
    for pid, name in [(1, "Me"), (2, "Anna Müller"), (3, "李雷"), (4, "عمر")]:
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?, 1, ?, ?, ?)",
                     (pid, f"p{pid}", name, int(pid == 1)))
    ts = 1_700_000_000_000
    for mid in range(1, n + 1):
        ts += rnd.randint(5_000, 3_600_000)
        image = every > 0 and mid % every == 0
        text = " ".join(rnd.choice(PHRASES) for _ in range(rnd.choice([1, 1, 1, 2, 3, 8])))
        conn.execute("INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text)"
                     " VALUES (?, 1, ?, ?, 480, ?, ?, ?)",
                     (mid, f"k{mid}", ts, rnd.randint(1, 4), "image" if image else "text", None if image else text))
        if image:
            data = _picture(mid)
            stored = store.put_bytes(data)
            record_blob(conn, stored)
            (pics / f"{mid}.jpg").write_bytes(data)
            conn.execute("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name)"
                         " VALUES (?, 0, ?, 'stored', 'image/jpeg', ?, ?)", (mid, stored.id, len(data), f"IMG_{mid}.jpg"))
    conn.execute("COMMIT")
    vault.lock()
    return folder / "vault", pics


def child(vault_path: str, out: str) -> None:
    """The measured run, alone in its process: unlock, export, report time and peak RSS."""
    from chatvault.export.pdf import export_pdf
    from chatvault.export.selection import Selection
    from chatvault.jobs.context import JobContext
    from chatvault.vault.vault import open_vault

    start = time.perf_counter()
    vault = open_vault(Path(vault_path), PASSPHRASE)
    report = export_pdf(vault, Selection.chat(1), out, JobContext())
    took = time.perf_counter() - start
    vault.lock()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": took, "peak_rss_mib": me.ru_maxrss / 1024,
                      "cpu_s": me.ru_utime + me.ru_stime, "picture_worker_cpu_s": kids.ru_utime + kids.ru_stime,
                      "files": [str(f) for f in report.files], "messages": report.messages,
                      "attachments": report.attachments}))


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    return next((int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:")), 0)


def peer_html(vault_path: Path, pics: Path, out: Path) -> None:
    """The same chat as one HTML file (what the peers print), pictures linked from `pics`."""
    from chatvault.export.selection import Selection, messages
    from chatvault.vault.vault import open_vault

    vault = open_vault(vault_path, PASSPHRASE)
    conn = vault.connect()
    with open(out, "w", encoding="utf-8") as f:
        f.write("<!doctype html><meta charset=utf-8><style>body{font-family:'Noto Sans',sans-serif}"
                "img{max-width:80mm;max-height:80mm;display:block}</style>")
        for batch in messages(conn, Selection.chat(1), 1):
            for m in batch:
                f.write(f"<p><b>{html.escape(m.time_iso)} {html.escape(m.sender or '')}</b><br>"
                        f"{html.escape(m.text or '')}")
                if m.attachments:
                    f.write(f'<img src="{(pics / f"{m.id}.jpg").as_uri()}">')
                f.write("</p>\n")
    vault.lock()


def chromium(src: Path, out: Path) -> dict:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return {"skipped": "chromium is not installed"}
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        proc = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                               f"--print-to-pdf={out}", "--no-pdf-header-footer", src.as_uri()],
                              capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return {"failed": "timed out after 600 s"}
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0 or not out.exists():
        return {"failed": (proc.stderr or "")[-300:], "seconds": took}
    return {"seconds": took, "largest_process_rss_mib": max(rss, before) / 1024, "pages": pages(out),
            "bytes": out.stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=10_000)
    ap.add_argument("--dir")
    ap.add_argument("--no-chromium", action="store_true")
    ap.add_argument("--pictures-every", type=int, default=20, help="one picture per N messages (0: none)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="pdfbench-", dir=args.dir))
    try:
        t = time.perf_counter()
        vault, pics = build(tmp, args.scale, args.pictures_every)
        setup = time.perf_counter() - t
        out = tmp / "chat.pdf"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.run([sys.executable, __file__, "--child", str(vault), str(out)], env=env,
                              capture_output=True, text=True, check=True)
        ours = json.loads(proc.stdout.strip().splitlines()[-1])
        pdfs = [Path(f) for f in ours["files"] if f.endswith(".pdf")]
        ours["volumes"] = len(pdfs)
        ours["pages"] = sum(pages(p) for p in pdfs)
        ours["bytes"] = sum(p.stat().st_size for p in pdfs)
        peer: dict = {"skipped": "--no-chromium"}
        if not args.no_chromium:
            peer_html(vault, pics, tmp / "chat.html")
            peer = chromium(tmp / "chat.html", tmp / "chromium.pdf")
        n_pics = args.scale // args.pictures_every if args.pictures_every else 0
        results = {"messages": args.scale, "pictures": n_pics, "setup_s": setup, "chatvault": ours,
                   "chromium_print_to_pdf": peer, "load": os.getloadavg()[0]}
        rows = [("messages / pictures", f"{args.scale:,} / {n_pics:,}"),
                ("ChatVault export_pdf", f"{ours['seconds']:.1f} s, peak RSS {ours['peak_rss_mib']:.0f} MiB, "
                 f"{ours['pages']:,} pages, {ours['bytes'] / 2**20:.1f} MiB, {ours['volumes']} volume(s)"),
                ("  CPU", f"exporter {ours['cpu_s']:.1f} s, picture worker {ours['picture_worker_cpu_s']:.1f} s "
                 f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")]
        if "seconds" in peer and "pages" in peer:
            rows.append(("Chromium --print-to-pdf", f"{peer['seconds']:.1f} s, largest process RSS "
                         f"{peer['largest_process_rss_mib']:.0f} MiB, {peer['pages']:,} pages, "
                         f"{peer['bytes'] / 2**20:.1f} MiB"))
        else:
            rows.append(("Chromium --print-to-pdf", json.dumps(peer)[:200]))
        print_table("PDF export", rows)
        write_results("export_pdf", results)
        print(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
