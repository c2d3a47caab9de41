"""`chatvault formats`: the import formats this build knows and how each is recognised."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext
from chatvault.importers.registry import IMPORTERS

NAME = "formats"
HELP = "list the import formats this build knows and how each is recognised"


def register(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = []
    for cls in IMPORTERS:
        rows.append({
            "name": cls.name, "title": cls.title, "description": cls.description,
            "patterns": list(cls.patterns), "parser_version": cls.parser_version,
            "recognised_by": getattr(cls, "recognised_by", "") or ", ".join(cls.patterns),
        })
    text = "\n".join(f"{r['name']:<16} {r['title']}\n{'':16} recognised by {r['recognised_by']}" for r in rows)
    ctx.out({"formats": rows}, text)
    return 0
