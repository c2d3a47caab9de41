"""`chatvault check`: verify the header, the encrypted pages and the database."""

from __future__ import annotations

import argparse

from chatvault.check import run_checks
from chatvault.cli.common import CliContext

NAME = "check"
HELP = "check the vault for damage (header, encrypted pages, database, media)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--read-data", action="store_true", help="also decrypt and authenticate every media blob")
    p.add_argument("--repair", action="store_true", help="remove leftovers of interrupted writes (orphan blobs)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=args.repair, purpose="check --repair") as vault:
        report = run_checks(vault, read_data=args.read_data, repair=args.repair)
    lines = []
    for p in report.problems:
        mark = "repaired" if p.repaired else p.severity
        lines.append(f"[{mark}] {p.area}: {p.message}")
    lines.append("The vault is OK." if report.ok else "Problems were found (see above).")
    ctx.out(report.to_json(), "\n".join(lines))
    return 0 if report.ok else 1
