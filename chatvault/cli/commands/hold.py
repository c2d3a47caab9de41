"""`chatvault hold add|rm|ls`: legal holds — nothing in scope can be deleted while held."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from chatvault.cli.common import CliContext
from chatvault.compliance import custodians
from chatvault.compliance.holds import HoldScope, list_holds, place, release
from chatvault.compliance.roles import require_officer
from chatvault.errors import UsageError
from chatvault.search.api import parse_date
from chatvault.store.queries import find_conversation

NAME = "hold"
HELP = "legal holds on a custodian, chat, participant or date range (add, rm = release, ls)"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="hold_cmd", required=True, metavar="add|rm|ls")
    a = sub.add_parser("add", help="place a hold (scope: any of --custodian --chat --participant --after --before)")
    a.add_argument("--matter", required=True, help="the matter (case) name")
    a.add_argument("--reason", required=True, help="why")
    a.add_argument("--custodian", metavar="NAME")
    a.add_argument("--chat", metavar="ID|NAME")
    a.add_argument("--participant", metavar="ID", type=int, help="participant id (`source people`)")
    a.add_argument("--after", metavar="DATE")
    a.add_argument("--before", metavar="DATE")
    r = sub.add_parser("rm", help="release a hold (it stays in the record, released)")
    r.add_argument("id", type=int)
    r.add_argument("--reason", required=True)
    ls = sub.add_parser("ls", help="list holds")
    ls.add_argument("--all", action="store_true", help="released ones too")


def _scope(conn, args: argparse.Namespace) -> HoldScope:
    chat = None
    if args.chat:
        found = find_conversation(conn, args.chat)
        if found is None:
            raise UsageError(f"No single conversation matches '{args.chat}'.")
        chat = int(found["id"])
    return HoldScope(custodian_id=custodians.find(conn, args.custodian)["id"] if args.custodian else None,
                     conversation_id=chat, participant_id=args.participant,
                     after_ms=parse_date(args.after) if args.after else None,
                     before_ms=parse_date(args.before, end=True) if args.before else None)


def _day(ms: int | None) -> str:
    return "" if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.hold_cmd
    with ctx.open(writer=cmd != "ls", purpose="changing legal holds") as vault:
        conn = vault.connect(readonly=cmd == "ls")
        try:
            if cmd == "ls":
                rows = list_holds(conn, active_only=not args.all)
                lines = [f"{h['id']:>3}  {'ACTIVE ' if h['active'] else 'released'}  {h['matter']}: {h['reason']}"
                         f"  ({h['messages']:,} messages"
                         + (f", custodian {h['custodian_id']}" if h["custodian_id"] else "")
                         + (f", chat {h['conversation_id']}" if h["conversation_id"] else "")
                         + (f", participant {h['participant_id']}" if h["participant_id"] else "")
                         + (f", {_day(h['after_ms'])}…{_day(h['before_ms'])}" if h["after_ms"] or h["before_ms"] else "")
                         + ")" for h in rows]
                ctx.out({"holds": rows}, "\n".join(lines) or "No legal holds.")
                return 0
            who = require_officer(vault, "Placing or releasing a legal hold")
            if cmd == "add":
                data = place(conn, args.matter, args.reason, _scope(conn, args), who)
                text = f"Legal hold {data['id']} ({args.matter}) placed on {data['messages']:,} messages."
            else:
                release(conn, args.id, args.reason, who)
                data, text = {"id": args.id, "released": True}, f"Legal hold {args.id} released."
        finally:
            conn.close()
    ctx.out(data, text)
    return 0
