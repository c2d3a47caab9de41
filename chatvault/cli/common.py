"""What every command shares: finding the vault, asking for the passphrase, printing."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatvault.errors import ChatVaultError, UsageError, WrongPassphrase
from chatvault.paths import default_vault_path
from chatvault.store.damage import damage_error, is_damage
from chatvault.vault.vault import Vault, open_vault


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def print_error(exc: ChatVaultError, json_mode: bool) -> None:
    if json_mode:
        sys.stdout.write(json.dumps(exc.to_json(), ensure_ascii=False) + "\n")
    print(f"chatvault: {exc}", file=sys.stderr)


def read_secret_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.readline().rstrip("\r\n")
    except OSError as exc:
        raise UsageError(f"Cannot read the passphrase file {path}: {exc.strerror}.") from exc


@dataclass
class CliContext:
    vault_path: Path
    json: bool
    passphrase_file: str | None
    command: str = ""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        vault = getattr(args, "vault", None)
        path = Path(vault).expanduser() if vault else default_vault_path()
        command = " ".join(str(w) for w in (getattr(args, "command", None), getattr(args, "media_cmd", None)) if w)
        return cls(path, bool(getattr(args, "json", False)), getattr(args, "passphrase_file", None), command)

    def passphrase(self, prompt: str = "Passphrase: ") -> str:
        if self.passphrase_file:
            return read_secret_file(self.passphrase_file)
        env = os.environ.get("CHATVAULT_PASSPHRASE")
        if env is not None:
            return env
        if sys.stdin.isatty():
            return getpass.getpass(prompt)
        raise WrongPassphrase(
            "No passphrase given and no terminal to ask on.",
            hint="Set CHATVAULT_PASSPHRASE or use --passphrase-file.",
        )

    def new_passphrase(self, env_name: str = "CHATVAULT_NEW_PASSPHRASE", file: str | None = None) -> str:
        if file:
            return read_secret_file(file)
        env = os.environ.get(env_name)
        if env is not None:
            return env
        if sys.stdin.isatty():
            first = getpass.getpass("New passphrase: ")
            if getpass.getpass("Repeat the new passphrase: ") != first:
                raise UsageError("The two passphrases differ; nothing was changed.")
            return first
        raise UsageError(f"No new passphrase given and no terminal to ask on (set {env_name}).")

    def open(self, *, writer: bool = False, purpose: str = "writing") -> Unlocked:
        """`with ctx.open() as vault:` unlocks, and locks again at the end of the block."""
        vault = open_vault(self.vault_path, self.passphrase())
        if writer:
            try:
                vault.writer_lock.acquire(purpose)
            except ChatVaultError:
                vault.lock()
                raise
        return Unlocked(vault, self.command)

    def out(self, obj: Any, text: str | None = None) -> None:
        """Print `obj` as JSON with --json, else `text` (or a readable rendering of obj)."""
        if self.json:
            print_json(obj)
        elif text is not None:
            print(text)
        else:
            for key, value in obj.items():
                print(f"{key}: {value}")


class Unlocked:
    """An unlocked vault for one command. If the command stops on damage in vault.db (SQLite's
    bare "malformed"), the error is replaced, before the key is wiped, by one that names the
    damaged pages, the tables they belong to and what those hold."""

    def __init__(self, vault: Vault, command: str) -> None:
        self.vault = vault
        self.command = command

    def __enter__(self) -> Vault:
        return self.vault

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is not None and is_damage(exc) and not getattr(exc, "damage", None) and \
                    getattr(exc, "location", None) != "vault.db page 1":
                from chatvault.vault import keys

                what = f"`chatvault {self.command}`" if self.command else "the command"
                raise damage_error(self.vault.db_path, self.vault.derive_key(keys.LABEL_DB), exc, what) from exc
        finally:
            self.vault.lock()


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
