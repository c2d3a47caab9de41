"""`chatvault` / `python -m chatvault`: no sub-command starts the desktop app, otherwise the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from chatvault.hardening import disable_core_dumps, setup_logging

    disable_core_dumps()
    setup_logging()
    if not args or (len(args) >= 1 and args[0] == "gui"):
        from chatvault.gui.app import run_gui  # imported lazily: the CLI never loads Qt

        return run_gui(args[1:] if args else [])
    from chatvault.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
