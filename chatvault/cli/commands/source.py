"""`chatvault source ls|people|set-me`: the accounts chats came from, and who "me" is in each."""

from __future__ import annotations

import argparse

from chatvault.cli import _common_options
from chatvault.cli.common import CliContext
from chatvault.ingest import owner
from chatvault.store import queries

NAME = "source"
HELP = "list sources (the account each chat came from) and say which sender is you in one"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="source_cmd", metavar="{ls,people,set-me}")
    sub.required = True
    sub.add_parser("ls", parents=[_common_options()], help="list sources, with who is \"me\" in each")
    pe = sub.add_parser("people", parents=[_common_options()], help="list the senders of a source, most messages first")
    pe.add_argument("source", help="source id, app name (when the vault has one source of it) or app:account")
    pe.add_argument("--chat", help="only the senders of this conversation (id or title)")
    sm = sub.add_parser("set-me", parents=[_common_options()],
                        help="say which sender is you: re-marks your messages in that source, kept for later imports")
    sm.add_argument("source", help="source id, app name or app:account (`chatvault source ls`)")
    sm.add_argument("who", metavar="NAME", help="the sender's name as shown, or its key (`chatvault source people`)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.source_cmd
    with ctx.open(writer=cmd == "set-me", purpose="source set-me") as vault:
        conn = vault.connect(readonly=cmd != "set-me")
        try:
            return {"ls": _ls, "people": _people, "set-me": _set_me}[cmd](args, ctx, conn)
        finally:
            conn.close()


def _ls(args, ctx: CliContext, conn) -> int:
    items = owner.sources(conn)
    lines = [f"{s['id']:>4}  {s['app']}:{s['account'] or '-':<14} {s['conversations']:>6} chat(s)  "
             f"me: {', '.join(s['me']) or '(nobody: say who with `chatvault source set-me`)'}"
             + ("  [your choice]" if s["me_choice"] else "") for s in items]
    ctx.out({"sources": items}, "\n".join(lines) if lines else "No sources yet: import an export first.")
    return 0


def _people(args, ctx: CliContext, conn) -> int:
    src = owner.find_source(conn, args.source)
    chat = None if args.chat is None else int(queries.find_chat(conn, args.chat)["id"])
    items = owner.people(conn, int(src["id"]), chat)
    lines = [f"{'me ' if p['is_me'] else '   '}{p['messages']:>8,}  {p['name'] or '(no name)'}  [{p['key']}]"
             for p in items]
    ctx.out({"source": src, "people": items}, "\n".join(lines) if lines else "No senders in this source.")
    return 0


def _set_me(args, ctx: CliContext, conn) -> int:
    src = owner.find_source(conn, args.source)
    result = owner.set_me(conn, int(src["id"]), args.who)
    names = ", ".join(p["name"] or p["key"] for p in result.me) or "nobody"
    text = (f"Source {src['id']} ({src['app']}:{src['account'] or '-'}): me is now {names}. "
            f"{result.now_mine:,} message(s) became yours, {result.no_longer_mine:,} are no longer shown as yours. "
            "Later imports of this source keep this choice.")
    ctx.out(result.to_json(), text)
    return 0
