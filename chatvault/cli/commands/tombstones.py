"""`chatvault tombstones`: what retention and erasures removed (never the text): id, chat, time, why, hash."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from chatvault.cli.common import CliContext
from chatvault.compliance.deletion import tombstones
from chatvault.errors import UsageError
from chatvault.search.api import parse_date
from chatvault.store.queries import find_conversation

NAME = "tombstones"
HELP = "list the tombstones deleted messages left (retention, erasure)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--chat", metavar="ID|NAME")
    p.add_argument("--after", metavar="DATE", help="message date on or after")
    p.add_argument("--before", metavar="DATE", help="message date before the end of")
    p.add_argument("--reason", choices=("retention", "erasure"))
    p.add_argument("--limit", type=int, default=100)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        try:
            chat = None
            if args.chat:
                found = find_conversation(conn, args.chat)
                if found is None:
                    raise UsageError(f"No single conversation matches '{args.chat}'.")
                chat = int(found["id"])
            rows = tombstones(conn, conversation_id=chat, after=parse_date(args.after) if args.after else None,
                              before=parse_date(args.before, end=True) if args.before else None,
                              reason=args.reason, limit=args.limit)
        finally:
            conn.close()
    day = lambda ms: datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    ctx.out({"tombstones": rows}, "\n".join(
        f"{t['message_id']:>8}  {day(t['ts'])}  {t['conversation'] or ''}  {t['kind']}  removed {day(t['deleted_at'])}"
        f" by {t['reason']}{' policy ' + str(t['policy_id']) if t['policy_id'] else ''}  sha256 {t['sha256'][:16]}…"
        for t in rows) or "No tombstones.")
    return 0
