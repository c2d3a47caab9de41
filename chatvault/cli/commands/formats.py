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
            "fields": [{"name": f.name, "label": f.label, "flag": f.flag, "env": f.env, "secret": f.secret,
                        "path": f.path, "optional": f.optional, "help": f.help} for f in cls.fields],
        })
    lines = []
    for r in rows:
        lines.append(f"{r['name']:<16} {r['title']}\n{'':16} recognised by {r['recognised_by']}")
        for f in r["fields"]:
            lines.append(f"{'':16} asks for {f['label'].lower()}: {f['flag']}"
                         + (f" / {f['flag']}-file" if f["secret"] and not f["path"] else "") + f" / ${f['env']}")
    text = "\n".join(lines)
    ctx.out({"formats": rows}, text)
    return 0
