"""`chatvault export html|pdf|json|csv|production [OUT]` and `chatvault export verify DIR`."""

from __future__ import annotations

import argparse
from pathlib import Path

from chatvault.cli import _common_options
from chatvault.cli.commands.search import add_filter_args, filters_from
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.errors import EXIT_FAILURE, CommandCancelled, UsageError

NAME = "export"
HELP = "export messages as HTML, PDF, JSON, CSV or an eDiscovery production; verify a production"
DESCRIPTION = (
    "Export a chat, a search's results or the whole vault. The selection flags are those of `search`; "
    "without any, everything is exported. Exported files are NOT encrypted. See docs/export.md."
)
FORMAT_HELP = {
    "html": "static pages that open offline in any browser (paged, with a search box)",
    "pdf": "a PDF for reading and printing (Chinese, Arabic and emoji drawn)",
    "json": "one JSON Lines file, schema in docs/export-json.md",
    "csv": "one row per message (spreadsheets; --bom for Excel)",
    "production": "an eDiscovery production: RSMF, load file, natives, HTML/PDF, manifest",
}


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="{html,pdf,json,csv,production,verify}", parser_class=type(p))
    sub.required = True
    for name, help_ in FORMAT_HELP.items():
        f = sub.add_parser(name, parents=[_common_options()], help=help_, description=help_)
        f.add_argument("out", nargs="?", metavar="OUT",
                       help="the file (pdf) or folder to write; default: a new one in the current folder")
        f.add_argument("--query", "-q", default="", metavar="QUERY",
                       help="only messages this search finds (the search language, docs/search.md)")
        add_filter_args(f)
        f.add_argument("--lang", choices=["en", "zh_CN"], default=None,
                       help="language of the words the export writes (default en)")
        f.add_argument("--force", action="store_true", help="replace an earlier export of this format in OUT")
        if name in ("html", "json", "csv", "pdf"):
            media = f.add_mutually_exclusive_group()
            media.add_argument("--media", dest="media", action="store_true", default=None,
                               help="write the photos, videos and files too (pdf: draw the pictures)")
            media.add_argument("--no-media", dest="media", action="store_false", help="leave the media out")
        if name == "html":
            f.add_argument("--page-by", choices=["month", "count"], default=None,
                           help="a page per month (default) or every --page-size messages")
            f.add_argument("--page-size", type=int, default=None, metavar="N", help="messages per page")
        if name == "csv":
            f.add_argument("--bom", action="store_true", help="start with a UTF-8 byte-order mark (for Excel)")
        if name == "pdf":
            f.add_argument("--tz", metavar="ZONE", default=None, help="time zone the times are shown in (e.g. Asia/Shanghai)")
        if name == "production":
            f.add_argument("--zip", action="store_true", help="one zip file (with its .sha256) instead of a folder")
            f.add_argument("--operator", metavar="NAME", default=None,
                           help="who produces it, for the chain-of-custody record (default: the OS user)")
            f.add_argument("--prefix", metavar="P", default=None, help="control number prefix (default CV)")
    v = sub.add_parser("verify", parents=[_common_options()], help="recheck every hash of a production",
                       description="Recheck every file of a production against its manifest; names what changed.")
    v.add_argument("dir", metavar="DIR", help="the production folder (or zip)")


def _options(args: argparse.Namespace) -> dict:
    return {"media": getattr(args, "media", None), "lang": args.lang, "overwrite": True if args.force else None,
            "page_by": getattr(args, "page_by", None), "page_size": getattr(args, "page_size", None),
            "bom": True if getattr(args, "bom", False) else None, "tz": getattr(args, "tz", None),
            "custodians": getattr(args, "custodian", None) or None,   # the shared --custodian filter
            "zip": True if getattr(args, "zip", False) else None, "operator": getattr(args, "operator", None),
            "prefix": getattr(args, "prefix", None)}


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action == "verify":
        return _verify(args, ctx)
    from chatvault.export import formats
    from chatvault.export.selection import Selection, plan

    fmt = formats.FORMATS[args.action]
    if not fmt.available():
        raise UsageError(f"The {args.action} export is not part of this build of ChatVault.")
    selection = Selection(args.query or "", filters_from(args))
    if getattr(args, "page_size", None) is not None and args.page_size < 1:
        raise UsageError("--page-size must be at least 1.")
    with ctx.open() as vault, cancellable(ctx) as jobs:
        conn = vault.connect(readonly=True)
        try:
            chats = plan(conn, selection)
        finally:
            conn.close()
        title = chats[0].title if len(chats) == 1 else None
        out = Path(args.out).expanduser() if args.out else formats.default_out(args.action, Path.cwd(), title)
        with jobs.stage(f"export {args.action}", unit="messages") as job:
            report = formats.run(args.action, vault, selection, out, job, _options(args))
    if report.cancelled:
        raise CommandCancelled(
            f"Export stopped by Ctrl-C after {job.snapshot().items_done:,} messages; nothing of it is presented "
            "as complete (an unfinished file is removed).", hint="Run the same command again to export.")
    text = [f"Exported {report.messages:,} messages from {report.conversations:,} chat(s) to {report.out}",
            f"{len(report.files):,} file(s), {report.bytes_written:,} bytes"
            + (f", {report.attachments:,} attachment(s)" if report.attachments else "")
            + (f"; SHA-256 {report.sha256}" if report.sha256 else "")]
    text += [f"warning: {w}" for w in report.warnings]
    ctx.out(report.to_json(), "\n".join(text))
    return 0


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    from chatvault.export import formats

    path = Path(args.dir).expanduser()
    if not path.exists():
        raise UsageError(f"{path} does not exist.", hint="Give the production folder (or its zip).")
    try:
        verify = formats.verifier()
    except (ImportError, AttributeError):
        raise UsageError("Verifying productions is not part of this build of ChatVault.") from None
    result = verify(path)
    ctx.out(result.to_json(), "\n".join(result.lines()))
    return 0 if result.ok else EXIT_FAILURE
