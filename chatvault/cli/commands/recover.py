"""`chatvault recover`: set a new passphrase using the recovery key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from chatvault.cli.common import CliContext, read_secret_file
from chatvault.errors import ChatVaultError, UsageError
from chatvault.store.db import DatabaseError
from chatvault.vault.vault import recover_vault

NAME = "recover"
HELP = "set a new passphrase with the recovery key"


def register(p: argparse.ArgumentParser) -> None:
    from chatvault.cli.commands.init import WEAK_HELP

    p.add_argument("--recovery-key-file", metavar="FILE", help="read the recovery key from FILE")
    p.add_argument("--new-passphrase-file", metavar="FILE", help="read the new passphrase from FILE")
    p.add_argument("--allow-weak-passphrase", action="store_true", help=WEAK_HELP)


def _recovery_key(args: argparse.Namespace) -> str:
    if args.recovery_key_file:
        return read_secret_file(args.recovery_key_file, "recovery key")
    env = os.environ.get("CHATVAULT_RECOVERY_KEY")
    if env:
        return env
    if sys.stdin.isatty():
        return getpass.getpass("Recovery key: ")
    raise UsageError("No recovery key given (use --recovery-key-file or CHATVAULT_RECOVERY_KEY).")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from chatvault.vault.header import Header
    from chatvault.vault.unlock import recovery_raw

    key = _recovery_key(args)
    recovery_raw(Header.load(ctx.vault_path), key)  # a typo is reported before we ask for anything else
    new = ctx.new_passphrase(file=args.new_passphrase_file, allow_weak=args.allow_weak_passphrase)
    vault = recover_vault(ctx.vault_path, key, new)
    for notice in vault.notices:
        print(f"chatvault: {notice}", file=sys.stderr)
    note = None
    try:
        _audit(vault)
    except (ChatVaultError, DatabaseError) as exc:
        # The new passphrase is in place (only vault.json changes); a damaged or full vault.db only
        # misses the audit entry, and the user must hear about the damage, not lose the new passphrase.
        note = f"The audit log entry could not be written: {exc}"
    finally:
        vault.lock()
    text = "A new passphrase is set. The recovery key stays valid."
    ctx.out({"recovered": True} | ({"warning": note} if note else {}), text + (f"\nWarning: {note}" if note else ""))
    return 0


def _audit(vault) -> None:
    from chatvault.store.store import Store

    conn = vault.connect()
    try:
        Store(conn).audit("vault.recover")
    finally:
        conn.close()
