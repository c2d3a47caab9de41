"""`chatvault officer set|status`: the compliance officer's passphrase (a second key slot)."""

from __future__ import annotations

import argparse
import sys

from chatvault.cli.common import CliContext
from chatvault.store import audit as audit_trail
from chatvault.store.db import immediate

NAME = "officer"
HELP = "the compliance officer's passphrase: a second key slot; compliance changes then need it"


def register(p: argparse.ArgumentParser) -> None:
    from chatvault.cli.commands.init import WEAK_HELP

    sub = p.add_subparsers(dest="officer_cmd", required=True, metavar="set|status")
    s = sub.add_parser("set", help="set (or, as the officer, change) the officer's passphrase")
    s.add_argument("--new-passphrase-file", metavar="FILE", help="read the officer's passphrase from FILE")
    s.add_argument("--allow-weak-passphrase", action="store_true", help=WEAK_HELP)
    sub.add_parser("status", help="whether an officer slot exists and which role unlocked")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=args.officer_cmd == "set", purpose="setting the officer passphrase") as vault:
        if args.officer_cmd == "status":
            ctx.out({"officer": vault.has_officer, "role": vault.role},
                    f"Officer passphrase: {'set' if vault.has_officer else 'not set'}; unlocked as {vault.role}.")
            return 0
        first = not vault.has_officer
        new = ctx.new_passphrase(file=args.new_passphrase_file, allow_weak=args.allow_weak_passphrase)
        vault.set_officer_passphrase(new)
        conn = vault.connect()
        try:
            with immediate(conn):
                audit_trail.append(conn, "officer.set" if first else "officer.change", {}, vault.role)
        finally:
            conn.close()
        notices = list(vault.notices)
    for notice in notices:
        print(f"chatvault: {notice}", file=sys.stderr)
    ctx.out({"officer": True}, "The compliance officer's passphrase is set: compliance changes now need it.")
    return 0
