"""`chatvault imports`: past import runs, and what a run could not understand."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from chatvault.cli.common import CliContext
from chatvault.store.store import Store

NAME = "imports"
HELP = "list past import runs (file, hash, counts, outcome); --unparsed RUN shows the lines a run kept verbatim"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, default=50, help="how many runs to list (newest first)")
    p.add_argument("--unparsed", type=int, metavar="RUN", help="show the unparsed records of this run")


def _when(ms: int | None) -> str:
    if not ms:
        return "-"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        try:
            if args.unparsed is not None:
                rows = [dict(r) for r in conn.execute(
                    "SELECT u.id, u.location, u.reason, u.raw, u.conversation_id, u.message_id FROM unparsed u "
                    "WHERE u.import_run_id = ? ORDER BY u.id", (args.unparsed,))]
                text = "\n".join(f"{r['location']}: {r['reason']}\n    {r['raw'][:200]!r}" for r in rows) \
                    or f"Run {args.unparsed} kept no unparsed lines."
                ctx.out({"run_id": args.unparsed, "unparsed": rows}, text)
                return 0
            runs = Store(conn).import_runs(args.limit)
        finally:
            conn.close()
    lines = []
    for r in runs:
        c = r["counts"]
        lines.append(
            f"#{r['id']:<4} {_when(r['started_at'])}  {r['outcome']:<11} {r['format']:<9} "
            f"+{c.get('added', 0):,} ={c.get('already_present', 0):,} missing-at-source {c.get('missing_at_source', 0):,} "
            f"att {c.get('attachments_stored', 0):,}/{c.get('attachments_missing', 0):,} missing "
            f"unparsed {c.get('unparsed', 0):,}  {r['path']}"
        )
    ctx.out({"runs": runs}, "\n".join(lines) if lines else "No imports yet.")
    return 0
