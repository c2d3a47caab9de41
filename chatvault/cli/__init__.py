"""The command-line interface: argparse wiring, exit codes, text and `--json` printers.

Each command is one module in `chatvault/cli/commands/` exposing `NAME`, `HELP`,
`register(parser)` and `run(args, ctx) -> int`; they are discovered, not listed by hand.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence

from chatvault import __version__
from chatvault.cli import commands as _commands
from chatvault.cli.common import CliContext, print_error
from chatvault.errors import (
    EXIT_CANCELLED,
    EXIT_FAILURE,
    EXIT_USAGE,
    Cancelled,
    ChatVaultError,
    CommandCancelled,
    InternalError,
    UsageError,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a clear line
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR", default=argparse.SUPPRESS,
                        help="vault folder (default: $CHATVAULT_VAULT or the platform data folder)")
    common.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                        help="read the passphrase from the first line of FILE")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON (a stable contract, see docs/cli.md)")
    return common


def _command_modules() -> dict[str, str]:
    """Command name -> module name, without importing anything (`import_.py` is `import`)."""
    return {info.name.rstrip("_"): info.name for info in pkgutil.iter_modules(_commands.__path__)}


def _command_in(argv: Sequence[str]) -> str | None:
    """The sub-command named in argv (the first word that is not an option or its value)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in ("--vault", "--passphrase-file"):
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that command is imported, so a script's
    `chatvault backup run` does not pay for loading every importer and the search engine."""
    common = _common_options()
    parser = _Parser(
        prog="chatvault",
        description="ChatVault keeps your chat histories in an encrypted local vault. "
        "Without a command it starts the desktop app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"chatvault {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    names = _command_modules()
    wanted = [only] if only in names else sorted(names)
    for name in wanted:
        mod = importlib.import_module(f"{_commands.__name__}.{names[name]}")
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP),
                           parents=[common])
        mod.register(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    json_mode = "--json" in argv
    try:
        parser = build_parser(_command_in(argv))
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_USAGE
        ctx = CliContext.from_args(args)
        return int(args._run(args, ctx) or 0)
    except ChatVaultError as exc:
        print_error(exc, json_mode)
        return exc.exit_code
    except Cancelled:                   # a command without its own account of what it kept
        err = CommandCancelled("Cancelled before it finished; what was committed stays.",
                               hint="Run the command again to finish.")
        print_error(err, json_mode)
        return err.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - a bug: one clear sentence here, the traceback in the log
        known = _environment(exc)       # ... unless it is the environment (disk full, damage)
        if known is not None:
            print_error(known, json_mode)
            return known.exit_code
        print_error(_unexpected(exc), json_mode)
        if os.environ.get("CHATVAULT_DEBUG"):
            traceback.print_exc()
        return EXIT_FAILURE


def _environment(exc: Exception) -> ChatVaultError | None:
    """A SQLite or OS error the store layer recognises (disk full, I/O error, damage), as its
    ChatVault error; None for anything else (a bug)."""
    from chatvault.fsutil import storage_error
    from chatvault.store.db import DatabaseError, classify

    if isinstance(exc, DatabaseError):
        err = classify(exc, "running the command")
        return err if isinstance(err, ChatVaultError) else None
    if isinstance(exc, OSError) and exc.errno is not None:
        return storage_error(exc, "running the command")
    return None


def _unexpected(exc: Exception) -> InternalError:
    """An error ChatVault has no message for is a bug: say so plainly, keep its traceback in the
    log (not on the terminal, where it reads like the user's mistake), and tell where it went."""
    log = logging.getLogger("chatvault.cli")
    log.error("unexpected error in %s", " ".join(sys.argv[:2]), exc_info=exc)
    where = next((h.baseFilename for h in logging.getLogger("chatvault").handlers
                  if isinstance(h, logging.FileHandler)), None)
    hint = (f"The details are in {where}; please include them in a bug report." if where else
            "Run it again with CHATVAULT_DEBUG=1 to see the details, and include them in a bug report.")
    return InternalError(
        f"ChatVault stopped on an unexpected error ({type(exc).__name__}: {exc}). This is a bug in ChatVault, "
        "not a problem with your data; what was committed before it stays in the vault.",
        hint=hint,
    )
