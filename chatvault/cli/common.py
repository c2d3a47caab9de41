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

from chatvault.cli.progress import human_bytes  # noqa: F401 - the commands' one byte formatter
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


MAX_SECRET_FILE = 64 * 1024


def read_secret_file(path: str, what: str = "passphrase") -> str:
    """The first line of a secret file, without its line ending. UTF-8 (a leading BOM is left for
    the core's normalisation, which drops it: older vaults may have been made with it), or UTF-16
    with a BOM (Windows Notepad's "Unicode")."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SECRET_FILE + 1)
    except OSError as exc:
        raise UsageError(f"Cannot read the {what} file {path}: {exc.strerror}.") from exc
    if len(raw) > MAX_SECRET_FILE:
        raise UsageError(f"The {what} file {path} is over 64 KiB; it should hold one line.",
                         hint=f"Put only the {what} in the file.")
    try:
        text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"The {what} file {path} is not UTF-8 text (byte {exc.start} is not valid).",
                         hint="Save it as UTF-8 (or UTF-16 with a byte-order mark).") from exc
    return text.split("\n", 1)[0].rstrip("\r")


def user_inputs(vault_path: Path) -> list[str]:
    """Words an attacker would try first, given to the strength estimate."""
    import getpass as _gp

    words = ["chatvault", vault_path.name, vault_path.parent.name]
    try:
        words.append(_gp.getuser())
    except (OSError, KeyError):
        pass
    return [w for w in words if w]


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
        words = (getattr(args, k, None) for k in ("command", "media_cmd", "action", "watch_cmd"))
        command = " ".join(str(w) for w in words if w)
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

    def new_passphrase(self, env_name: str = "CHATVAULT_NEW_PASSPHRASE", file: str | None = None, *,
                       allow_weak: bool = False) -> str:
        """A passphrase chosen now, checked against the strength floor (`passphrase.check_new`):
        from FILE, the environment, or asked twice on the terminal (asked again if too weak)."""
        from chatvault.vault.passphrase import WeakPassphrase, check_new, normalize

        def checked(text: str) -> str:
            check_new(text, allow_weak=allow_weak, user_inputs=user_inputs(self.vault_path))
            return text

        if file:
            return checked(read_secret_file(file))
        env = os.environ.get(env_name)
        if env is not None:
            return checked(env)
        if not sys.stdin.isatty():
            raise UsageError(f"No new passphrase given and no terminal to ask on (set {env_name}).")
        for _attempt in range(3):
            first = getpass.getpass("New passphrase: ")
            try:
                checked(first)
            except WeakPassphrase as exc:
                print(f"{exc}", file=sys.stderr)
                continue
            if normalize(getpass.getpass("Repeat the new passphrase: ")) != normalize(first):
                raise UsageError("The two passphrases differ; nothing was changed.")
            return first
        raise UsageError("No passphrase chosen; nothing was changed.",
                         hint="Choose a longer passphrase, or pass --allow-weak-passphrase to use a short one.")

    def open(self, *, writer: bool = False, purpose: str = "writing") -> Unlocked:
        """`with ctx.open() as vault:` unlocks, and locks again at the end of the block."""
        vault = open_vault(self.vault_path, self.passphrase())
        for notice in vault.notices:
            print(f"chatvault: {notice}", file=sys.stderr)
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

