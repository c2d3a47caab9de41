"""`chatvault reindex`: rebuild the search index from the messages."""

from __future__ import annotations

import argparse
import time

from chatvault.cli.common import CliContext
from chatvault.jobs.context import JobContext
from chatvault.search.index import reindex_all

NAME = "reindex"
HELP = "rebuild the full-text search index (after an upgrade, or if `check` reports it stale)"


def register(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=True, purpose="reindex") as vault:
        conn = vault.connect()
        try:
            start = time.perf_counter()
            count = reindex_all(conn, JobContext())
            seconds = time.perf_counter() - start
        finally:
            conn.close()
    ctx.out({"indexed": count, "seconds": round(seconds, 3)},
            f"Indexed {count} messages in {seconds:.1f} s.")
    return 0
