"""`chatvault custodian add|ls|assign|default`: whose archives the vault holds (docs/compliance.md)."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext
from chatvault.compliance import custodians
from chatvault.compliance.roles import require_officer

NAME = "custodian"
HELP = "custodians: the people whose archives the vault holds (add, ls, assign imports, default)"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="custodian_cmd", required=True, metavar="add|ls|assign|default")
    a = sub.add_parser("add", help="add a custodian")
    a.add_argument("name")
    a.add_argument("--note", help="e.g. department, employee number")
    sub.add_parser("ls", help="list custodians with their imports and message counts")
    s = sub.add_parser("assign", help="give import runs (see `chatvault imports`) to a custodian")
    s.add_argument("custodian", help="custodian name or id")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", type=int, metavar="ID", help="one import run")
    which.add_argument("--path", metavar="FILE", help="every import of this file or folder")
    which.add_argument("--chat", metavar="ID|NAME", help="every import that covered this chat")
    d = sub.add_parser("default", help="the custodian new imports belong to unless told otherwise")
    d.add_argument("custodian")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.custodian_cmd
    with ctx.open(writer=cmd != "ls", purpose="changing custodians") as vault:
        conn = vault.connect(readonly=cmd == "ls")
        try:
            if cmd == "ls":
                rows = custodians.list_custodians(conn)
                ctx.out({"custodians": rows}, "\n".join(
                    f"{c['id']:>3}  {c['name']}{'  (default)' if c['default'] else ''}  {c['runs']} imports, "
                    f"{c['messages']:,} messages" for c in rows))
                return 0
            who = require_officer(vault, "Changing custodians")
            if cmd == "add":
                cid = custodians.add(conn, args.name, args.note, who)
                data, text = {"id": cid, "name": args.name}, f"Added custodian {cid}: {args.name}."
            elif cmd == "assign":
                runs = custodians.runs_of(conn, run_id=args.run, path=args.path, chat=args.chat)
                data = custodians.assign(conn, args.custodian, runs, who)
                text = f"{len(runs)} import run(s) now belong to {data['custodian']['name']}."
            else:
                data = custodians.set_default(conn, args.custodian, who)
                text = f"New imports belong to {data['name']} unless told otherwise."
        finally:
            conn.close()
    ctx.out(data, text)
    return 0
