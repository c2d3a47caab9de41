"""`chatvault passwd`: change the passphrase (re-wraps the master key only)."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext

NAME = "passwd"
HELP = "change the vault passphrase"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--new-passphrase-file", metavar="FILE", help="read the new passphrase from FILE")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open() as vault:
        new = ctx.new_passphrase(file=args.new_passphrase_file)
        # Only vault.json is rewritten (docs/vault-format.md, RELIABILITY row 15): no audit row, as
        # writing one would change vault.db pages too.
        vault.change_passphrase(new)
    ctx.out({"changed": True}, "The passphrase was changed. Backups made before still open with the old one.")
    return 0
