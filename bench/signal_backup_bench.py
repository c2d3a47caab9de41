"""Signal Android `.backup` benchmark: a generated backup of about 2 GB, mostly attachments, streamed.

Run: .venv/bin/python bench/signal_backup_bench.py [--scale 2.0] [--messages 20000]

`--scale` is the backup's size in GB (attachments of 2 MiB each make up nearly all of it). Measures,
in one run: building the backup (in a child process, not part of the target), the reader alone
(every frame decrypted and MAC-checked, the SQL replayed, every attachment streamed back through its
opener and hashed), and a full `run_import` into a fresh vault (blobs encrypted and written).
Target (issue 22): the whole backup streams with peak RSS ≤ 300 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, peak_rss_mib, print_table, write_results

sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")   # vault unlock cost is not what we measure

from tests import signal_backup_fixtures as F  # noqa: E402

MEDIA = 2 << 20


class LazyMedia(dict):
    """Attachment bytes made when the writer reaches their row (the child never holds more than one)."""

    def __init__(self, rows: set[int]) -> None:
        super().__init__()
        self.rows = rows

    def __contains__(self, row: object) -> bool:
        return row in self.rows

    def __getitem__(self, row: int) -> bytes:
        return row.to_bytes(8, "big") + os.urandom(MEDIA - 8)


def build(path: Path, gb: float, messages: int) -> None:
    db, _ex = F.new_backup_db(0)
    n_media = max(1, int(gb * (1 << 30)) // MEDIA)
    for i in range(messages):
        ms = F.T0 + i * 1000
        mid = db.add("message", date_sent=ms, date_received=ms + 5, thread_id=1 + i % 3, from_recipient_id=2,
                     to_recipient_id=1, type=F.IN, body=f"bench message {i}")
        if i < n_media:
            db.add("attachment", message_id=mid, content_type="application/octet-stream", data_size=MEDIA,
                   file_name=f"file{i}.bin")
    db.media = LazyMedia(set(range(1, n_media + 1)))
    F.encrypt_frames(path, db.iter_frames())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=2.0, help="size of the backup in GB")
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--build-into", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build_into:
        build(args.build_into, args.scale, args.messages)
        return
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.signal_backup import SignalBackupImporter
    from chatvault.ingest.engine import run_import
    from chatvault.jobs.context import JobContext
    from chatvault.model import MessageRec
    from chatvault.vault.vault import create_vault

    res: dict = {"scale_gb": args.scale, "messages": args.messages}
    opts = ImportOptions(options={"signal_passphrase": F.PASSPHRASE})
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        base = Path(tmp)
        os.environ["CHATVAULT_TMPDIR"] = str(base / "work")
        path = base / "signal-2024-05-01-10-00-00.backup"
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--scale", str(args.scale), "--messages", str(args.messages),
                        "--build-into", str(path)], check=True)
        res["build_s"] = time.perf_counter() - t
        res["backup_mib"] = path.stat().st_size / 2**20

        t = time.perf_counter()
        count = media = 0
        for rec in SignalBackupImporter().read(path, opts, JobContext()):
            if isinstance(rec, MessageRec):
                count += 1
                for att in rec.attachments:
                    if att.open is not None:
                        h = hashlib.blake2b()
                        with att.open() as fh:
                            while chunk := fh.read(1 << 20):
                                h.update(chunk)
                        media += 1
        res["reader_s"] = time.perf_counter() - t
        assert count == args.messages, (count, args.messages)
        res["reader_mib_s"] = res["backup_mib"] / res["reader_s"]
        res["reader_peak_rss_mib"] = peak_rss_mib()
        res["attachments"] = media

        vault, _ = create_vault(base / "vault", "bench passphrase")
        t = time.perf_counter()
        rep = run_import(vault, path, format="signal-android", options=opts)
        res["import_s"] = time.perf_counter() - t
        assert rep.added == args.messages and rep.attachments_stored == media, rep.to_json()
        res["import_mib_s"] = res["backup_mib"] / res["import_s"]
        res["peak_rss_mib"] = peak_rss_mib()
        vault.lock()
    print_table(f"Signal .backup, {res['backup_mib']:,.0f} MiB ({media:,} attachments, {args.messages:,} messages)", [
        ("fixture build (child process, not timed)", f"{res['build_s']:.1f} s"),
        ("reader alone (decrypt, MAC, replay, stream media)",
         f"{res['reader_s']:.1f} s = {res['reader_mib_s']:,.0f} MiB/s, peak RSS {res['reader_peak_rss_mib']:.0f} MiB"),
        ("end to end run_import into a vault", f"{res['import_s']:.1f} s = {res['import_mib_s']:,.0f} MiB/s"),
        ("peak RSS (target ≤ 300 MiB)", f"{res['peak_rss_mib']:.0f} MiB"),
    ])
    print("results:", write_results("signal_backup", res))
    if res["peak_rss_mib"] > 300:
        sys.exit("peak RSS above 300 MiB")


if __name__ == "__main__":
    main()
