"""Command-line flags for the fields formats declare (`Importer.fields`): keys, passwords, key files.

Every declared field gets `--NAME VALUE` and `$CHATVAULT_NAME`; a secret also gets `--NAME-file FILE`
(its first line) and `--ask-NAME` (asked without echo), since a value on the command line can be
read by other users in `ps`. The first given wins in that order: flag, file, ask, environment.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from chatvault.cli.common import read_secret_file
from chatvault.errors import UsageError
from chatvault.importers.base import ImportField
from chatvault.importers.registry import declared_fields


def _dest(field: ImportField) -> str:
    return "field_" + field.name


def register(p: argparse.ArgumentParser) -> None:
    """Add the flags of every declared field to `chatvault import` (and the commands that read exports)."""
    for field, formats in declared_fields().values():
        who = ", ".join(formats)
        metavar = "FILE" if field.path else "VALUE"
        help_text = f"{who}: {field.label}"
        if field.secret and not field.path:
            help_text += f" (visible in `ps`: prefer {field.flag}-file, ${field.env} or --ask-{field.flag[2:]})"
        p.add_argument(field.flag, dest=_dest(field), metavar=metavar, help=help_text)
        if field.secret and not field.path:
            p.add_argument(f"{field.flag}-file", dest=_dest(field) + "_file", metavar="FILE",
                           help=f"{who}: read the {field.label.lower()} from the first line of FILE")
            p.add_argument(f"--ask-{field.flag[2:]}", dest=_dest(field) + "_ask", action="store_true",
                           help=f"{who}: ask for the {field.label.lower()} without echoing it")


def values(args: argparse.Namespace) -> dict[str, str]:
    """The declared fields given on the command line, in a file, asked, or in the environment, by
    option name; each checked with the field's own `check` (a `UsageError` naming the flag)."""
    out: dict[str, str] = {}
    for field, _formats in declared_fields().values():
        value = _value(args, field)
        if value is None:
            continue
        value = value.lstrip("\ufeff").strip()
        if not value:
            raise UsageError(f"The {field.label.lower()} given is empty.", hint=f"Check {field.flag} or ${field.env}.",
                             field=field.name)
        problem = field.check(value) if field.check else None
        if problem:
            raise UsageError(f"{field.flag}: {problem}", field=field.name)
        out[field.name] = value
    return out


def _value(args: argparse.Namespace, field: ImportField) -> str | None:
    dest = _dest(field)
    given = getattr(args, dest, None)
    if given is not None:
        if field.secret and not field.path:
            print(f"chatvault: {field.flag} on the command line can be seen by other users of this computer "
                  f"(`ps`); {field.flag}-file, ${field.env} or --ask-{field.flag[2:]} keep it private.", file=sys.stderr)
        return str(given)
    from_file = getattr(args, dest + "_file", None)
    if from_file:
        return read_secret_file(from_file, field.label.lower())
    if getattr(args, dest + "_ask", False):
        if not sys.stdin.isatty():
            raise UsageError(f"--ask-{field.flag[2:]} needs a terminal to ask on.",
                             hint=f"Use {field.flag}-file or ${field.env}.")
        return getpass.getpass(f"{field.label}: ")
    return os.environ.get(field.env)
