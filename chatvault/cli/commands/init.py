"""`chatvault init`: create a vault and show its recovery key once."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext
from chatvault.vault.vault import create_vault

NAME = "init"
HELP = "create a new encrypted vault"


def register(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if ctx.passphrase_file:
        from chatvault.cli.common import read_secret_file

        passphrase = read_secret_file(ctx.passphrase_file)
    else:
        passphrase = ctx.new_passphrase(env_name="CHATVAULT_PASSPHRASE")
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
