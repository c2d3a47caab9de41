"""`chatvault passwd`: change the passphrase (re-wraps the master key only)."""

from __future__ import annotations

import argparse
import sys

from chatvault.cli.common import CliContext

NAME = "passwd"
HELP = "change the vault passphrase"


def register(p: argparse.ArgumentParser) -> None:
    from chatvault.cli.commands.init import WEAK_HELP

    p.add_argument("--new-passphrase-file", metavar="FILE", help="read the new passphrase from FILE")
    p.add_argument("--allow-weak-passphrase", action="store_true", help=WEAK_HELP)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open() as vault:
        new = ctx.new_passphrase(file=args.new_passphrase_file, allow_weak=args.allow_weak_passphrase)
        # Only vault.json is rewritten (docs/vault-format.md, RELIABILITY row 15): no audit row, as
        # writing one would change vault.db pages too.
        vault.change_passphrase(new)
        notices = list(vault.notices)
    for notice in notices:
        print(f"chatvault: {notice}", file=sys.stderr)
    ctx.out({"changed": True}, "The passphrase was changed. Backups made before still open with the old one.")
    return 0
