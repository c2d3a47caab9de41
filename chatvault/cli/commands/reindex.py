"""`chatvault reindex`: rebuild the search index from the messages."""

from __future__ import annotations

import argparse
import time

from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.errors import Cancelled, CommandCancelled
from chatvault.search.index import reindex_all

NAME = "reindex"
HELP = "rebuild the full-text search index (after an upgrade, or if `check` reports it stale)"


def register(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=True, purpose="reindex") as vault, cancellable(ctx) as jobs:
        conn = vault.connect()
        try:
            start = time.perf_counter()
            with jobs.stage("reindex", unit="messages") as job:
                count = reindex_all(conn, job)
            seconds = time.perf_counter() - start
        except Cancelled:
            raise CommandCancelled(
                f"Reindex stopped by Ctrl-C after {job.snapshot().items_done:,} messages; the rebuild was rolled "
                "back, so the previous search index is in use, unchanged.",
                hint="Run `chatvault reindex` again to rebuild it.") from None
        finally:
            conn.close()
    ctx.out({"indexed": count, "seconds": round(seconds, 3)},
            f"Indexed {count} messages in {seconds:.1f} s.")
    return 0
