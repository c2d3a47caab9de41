"""`chatvault check`: verify the header, the encrypted pages and the database."""

from __future__ import annotations

import argparse

from chatvault.check import CheckReport, run_checks
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.errors import EXIT_CANCELLED, Cancelled

NAME = "check"
HELP = "check the vault for damage (header, encrypted pages, database, media)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--read-data", action="store_true", help="also decrypt and authenticate every media blob")
    p.add_argument("--repair", action="store_true", help="remove leftovers of interrupted writes (orphan blobs)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    report = CheckReport()
    stopped_at = None
    with ctx.open(writer=args.repair, purpose="check --repair") as vault, cancellable(ctx) as jobs:
        try:
            with jobs.stage("check", unit="media files") as job:
                run_checks(vault, read_data=args.read_data, repair=args.repair, ctx=job, report=report)
        except Cancelled:
            stopped_at = job.snapshot().status or "checking"
    lines = []
    for p in report.problems:
        mark = "repaired" if p.repaired else p.severity
        lines.append(f"[{mark}] {p.area}: {p.message}")
    if stopped_at is not None:
        repaired = sum(p.repaired for p in report.problems)
        lines.append(f"Stopped by Ctrl-C while {stopped_at}: no verdict. The problems above are those found so far"
                     + (f"; the {repaired} repair(s) made stay done" if repaired else "")
                     + ". Run `chatvault check` again to check everything.")
        ctx.out(report.to_json() | {"ok": False, "cancelled": True}, "\n".join(lines))
        return EXIT_CANCELLED
    lines.append("The vault is OK." if report.ok else "Problems were found (see above).")
    ctx.out(report.to_json(), "\n".join(lines))
    return 0 if report.ok else 1
