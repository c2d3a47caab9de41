"""HTML export benchmark: a one-chat vault of N messages (SQL-generated, tests/export_html_data.py),
exported to paged HTML in a child process (its own peak RSS), then opened in headless Chromium.

Compared in the same run with the peers' approach (DiscordChatExporter, WhatsApp-Chat-Exporter):
the whole chat as one HTML file — its size, Chromium's time to load it and memory, or its failure.
"Shown by Chromium" is the browser's own figures through the DevTools protocol (bench/cdp_client.py):
the load event and first contentful paint of the page in a fresh headless Chromium, median of three,
and the renderer's peak RSS; a page that has not loaded after 300 s is a failure.

Run: .venv/bin/python bench/export_html_bench.py [--scale 1000000] [--keep DIR] [--no-single]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cdp_client import Browser
from common import ROOT, peak_rss_mib, print_table, write_results

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # unlock cost is not what this measures
PASS = "bench-passphrase-123"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--disable-sync", "--no-first-run", "--mute-audio"]


def child(vault_dir: str, out: str, single: bool) -> None:
    """Runs in a fresh process: export and report time and this process's peak RSS."""
    from chatvault.export.html import export_html
    from chatvault.export.selection import Selection
    from chatvault.jobs.context import JobContext
    from chatvault.vault.vault import open_vault
    v = open_vault(Path(vault_dir), PASS)
    start = time.perf_counter()
    if single:
        n = _single_file(v, Path(out))
        result = {"messages": n}
    else:
        report = export_html(v, Selection(), Path(out), JobContext())
        result = report.to_json()
    r = resource.getrusage(resource.RUSAGE_SELF)
    result.update(seconds=time.perf_counter() - start, peak_rss_mib=peak_rss_mib(),
                  cpu_s=r.ru_utime + r.ru_stime, load=os.getloadavg()[0])
    print(json.dumps(result))


def _single_file(v, out: Path) -> int:
    """The peers' way: every message of the chat in one HTML document (same bubbles, no paging)."""
    from chatvault.export.html.render import Context, message_html
    from chatvault.export.selection import Selection, messages
    conn = v.connect(readonly=True)
    ctx = Context(group=True, up="", runs={}, source="whatsapp", add_media=None, quote=lambda m: None,
                  page_name="chat.html")
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="cv.css">'
                '</head><body><main class="log">\n')
        for batch in messages(conn, Selection(), 1):
            f.write("".join(message_html(m, n + i, ctx) for i, m in enumerate(batch)))
            n += len(batch)
        f.write("</main></body></html>\n")
    return n


def chromium_show(url: str, timeout: float = 300, extra: tuple[str, ...] = ()) -> dict:
    """Wall time and peak RSS (of Chromium's processes) to load `url` and dump its DOM."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        try:
            p = subprocess.run([CHROMIUM, *FLAGS, *extra, f"--user-data-dir={profile}", "--dump-dom", url],
                               capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            return {"seconds": None, "ok": False, "dom_bytes": 0, "error": f"no page after {timeout:.0f} s",
                    "peak_rss_mib": rss / 1024 if rss > before else None}
        seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ok = p.returncode == 0 and b"</html>" in p.stdout
    return {"seconds": seconds, "ok": ok, "dom_bytes": len(p.stdout), "dom": p.stdout[:1 << 20],
            "peak_rss_mib": rss / 1024 if rss > before else None,
            "error": None if ok else p.stderr.decode(errors="replace")[-300:]}


def browser_open(url: str, runs: int = 3, timeout: float = 300) -> dict:
    """The browser's own figures for opening `url` in a fresh headless Chromium (DevTools protocol):
    the median load event and first contentful paint (ms), the renderer's peak RSS."""
    results = []
    for _ in range(runs):
        with Browser(CHROMIUM) as b:
            results.append(b.open(url, timeout))
    good = [r for r in results if r["ok"]]
    if not good:
        return results[-1]
    out = dict(good[-1])
    for key in ("load_ms", "first_contentful_paint_ms", "dom_content_loaded_ms", "wall_s"):
        values = [r[key] for r in good if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--no-single", action="store_true", help="skip the one-big-file comparison")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2] == "single")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="cv-html-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"scale": args.scale}
    try:
        from chatvault.vault.vault import create_vault
        from tests.export_html_data import big_chat
        vault_dir = work / "vault"
        shutil.rmtree(vault_dir, ignore_errors=True)
        v, _ = create_vault(vault_dir, PASS)
        start = time.perf_counter()
        conn = v.connect()
        big_chat(conn, args.scale)
        conn.close()
        v.lock()
        res["generate_s"] = time.perf_counter() - start
        out = work / "html"
        shutil.rmtree(out, ignore_errors=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        run = subprocess.run([sys.executable, __file__, "--child", str(vault_dir), str(out), "paged"],
                             capture_output=True, text=True, env=env, check=True)
        paged = json.loads(run.stdout.strip().splitlines()[-1])
        res.update(export_s=paged["seconds"], export_cpu_s=paged["cpu_s"], export_load=paged["load"],
                   export_peak_rss_mib=paged["peak_rss_mib"],
                   export_bytes=paged["bytes_written"], pages=paged["files"])
        meta = (out / "c1" / "s" / "meta.js").read_text(encoding="utf-8")
        pages = json.loads(meta[meta.index("{"):meta.rindex(")")])["pages"]
        first, last = out / "c1" / pages[0][0], out / "c1" / pages[-1][0]
        res["first_page"] = first.name
        res["first_page_kib"] = first.stat().st_size / 1024
        for name, page in (("first", first), ("last", last)):
            shown = browser_open(page.as_uri())
            res[f"chromium_{name}_page_ok"] = shown["ok"]
            res[f"chromium_{name}_page_load_ms"] = shown.get("load_ms")
            res[f"chromium_{name}_page_fcp_ms"] = shown.get("first_contentful_paint_ms")
            res[f"chromium_{name}_page_renderer_rss_mib"] = shown.get("renderer_peak_rss_mib")
            res[f"chromium_{name}_page_dom_nodes"] = shown.get("dom_nodes")
        search = chromium_show(last.as_uri() + "#q=zebracorn", extra=("--virtual-time-budget=8000",))
        res["chromium_search_other_page_ok"] = search["ok"] and b"1 message found" in search.get("dom", b"")
        print(json.dumps(res), flush=True)                     # the paged figures, before the long comparison
        res["last_page_kib"] = last.stat().st_size / 1024
        if not args.no_single:
            single = work / "single.html"
            shutil.copyfile(out / "assets" / "cv.css", work / "cv.css")
            run = subprocess.run([sys.executable, __file__, "--child", str(vault_dir), str(single), "single"],
                                 capture_output=True, text=True, env=env, check=True)
            one = json.loads(run.stdout.strip().splitlines()[-1])
            res["single_write_s"] = one["seconds"]
            res["single_mib"] = single.stat().st_size / 2**20
            big = browser_open(single.as_uri(), runs=1, timeout=300)
            res["single_chromium_ok"] = big["ok"]
            res["single_chromium_load_ms"] = big.get("load_ms")
            res["single_chromium_fcp_ms"] = big.get("first_contentful_paint_ms")
            res["single_chromium_wall_s"] = big.get("wall_s")
            res["single_chromium_renderer_rss_mib"] = big.get("renderer_peak_rss_mib")
            res["single_chromium_dom_nodes"] = big.get("dom_nodes")
            res["single_chromium_error"] = big.get("error")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["bench_peak_rss_mib"] = peak_rss_mib()
    rows = [(k, f"{v:.2f}" if isinstance(v, float) else str(v)) for k, v in res.items()]
    print_table(f"HTML export of a {args.scale:,}-message chat", rows)
    print(json.dumps(res))
    write_results("export_html", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
