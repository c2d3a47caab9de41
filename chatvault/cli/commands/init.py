"""`chatvault init`: create a vault and show its recovery key once."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext
from chatvault.vault.vault import create_vault

NAME = "init"
HELP = "create a new encrypted vault"

WEAK_HELP = ("accept a passphrase below the strength floor (anyone who copies the vault folder can try "
             "guesses offline; an empty or all-space passphrase is never accepted)")


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-weak-passphrase", action="store_true", help=WEAK_HELP)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    passphrase = ctx.new_passphrase(env_name="CHATVAULT_PASSPHRASE", file=ctx.passphrase_file,
                                    allow_weak=args.allow_weak_passphrase)
    vault, recovery_key = create_vault(ctx.vault_path, passphrase)
    vault.lock()
    ctx.out(
        {"vault": str(ctx.vault_path), "vault_id": vault.vault_id, "recovery_key": recovery_key},
        f"Created a vault in {ctx.vault_path}.\n\n"
        f"Your recovery key (shown only this once):\n\n    {recovery_key}\n\n"
        "Write it down or print it and keep it somewhere safe. With it you can set a new passphrase\n"
        "if you forget yours (`chatvault recover`). Nobody, not even ChatVault's authors, can open\n"
        "the vault without your passphrase or this key.",
    )
    return 0
