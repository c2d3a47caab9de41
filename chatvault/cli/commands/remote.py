"""`chatvault remote list|fetch`: files an export names only by their web address (Slack files,
Discord and X media links, Google Photos in Hangouts), downloaded into the vault only when asked."""

from __future__ import annotations

import argparse
from typing import Any

from chatvault.cli import _common_options
from chatvault.cli.commands.articles import _network
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.errors import UsageError
from chatvault.store import queries

NAME = "remote"
HELP = "files exports name only by a web address: list them, download them (only with --allow-network)"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="{list,fetch}")
    sub.required = True
    ls = sub.add_parser("list", parents=[_common_options()], help="list the files kept only as a web address")
    ls.add_argument("--chat", help="only this conversation (id or title)")
    fe = sub.add_parser("fetch", parents=[_common_options()], help="download them into the vault, once each")
    fe.add_argument("--chat", help="only this conversation (id or title)")
    fe.add_argument("--limit", type=int, default=100_000, help="at most this many files")
    _network(fe)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from chatvault.articles import remote_media as rm

    with ctx.open(writer=args.action == "fetch", purpose=f"remote {args.action}") as vault:
        conn = vault.connect(readonly=True)
        try:
            chat = None if args.chat is None else int(queries.find_chat(conn, args.chat)["id"])
            files = rm.remote_files(conn, chat, getattr(args, "limit", 100_000))
        finally:
            conn.close()
        if args.action == "list":
            lines = [f"{f.attachment_id:>7}  {f.conversation or ''}  {f.name or ''}  {f.url}" for f in files]
            ctx.out({"files": [f.to_json() for f in files], "hosts": rm.hosts_of(files)},
                    "\n".join(lines) or "No file is kept only as a web address.")
            return 0
        return _fetch(args, ctx, vault, files)


def _fetch(args: argparse.Namespace, ctx: CliContext, vault: Any, files: list) -> int:
    from chatvault.articles import remote_media as rm
    from chatvault.articles.consent import parse_connect_to
    from chatvault.articles.net import DEFAULT_TIMEOUT, Fetcher

    interval = args.interval or 2.0
    if not args.allow_network:
        raise UsageError("Downloading needs your consent: nothing was fetched.",
                         hint=f"Add --allow-network. What it does: {rm.statement(rm.hosts_of(files), interval)}")
    fetcher = Fetcher(allowed=True, interval=interval, timeout=args.timeout or DEFAULT_TIMEOUT,
                      connect_to=parse_connect_to(args.connect_to))
    with cancellable(ctx) as jobs, jobs.stage("remote files", unit="files") as job:
        report = rm.fetch(vault, fetcher, files, job)
    text = f"Downloaded {report.fetched} of {len(files)} file(s)." + "".join(
        f"\n  not downloaded: {f['url']} ({f['problem']})" for f in report.failed[:20])
    ctx.out(report.to_json(), text)
    return 0 if not report.failed else 1
