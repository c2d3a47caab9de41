"""`chatvault search QUERY`: find messages, newest first by default."""

from __future__ import annotations

import argparse
import dataclasses

from chatvault.cli.common import CliContext
from chatvault.compliance import searches
from chatvault.model import MessageKind
from chatvault.search.api import FEED_CHOICES, SORTS, SearchFilters, parse_date, search

NAME = "search"
HELP = "search messages (Chinese and English; see docs/search.md for the syntax)"
DESCRIPTION = (
    'Search messages. Words must all appear; "a phrase" in quotes; contr* for a prefix; a OR b; '
    "-word to exclude. Chinese is matched as an exact substring (合同 finds 签合同了). "
    "An empty QUERY with filters lists the filtered messages."
)


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="what to search for ('' for filters only)")
    add_filter_args(p)
    p.add_argument("--sort", choices=SORTS, default="newest", help="order (default newest)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="results per page (default 50)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N results")


def add_filter_args(p: argparse.ArgumentParser) -> None:
    """The selection flags (chat, sender, app, dates, kind, attachment, deleted), shared with `export`."""
    p.add_argument("--chat", action="append", default=[], metavar="ID|NAME",
                   help="only this conversation (id or unique title prefix); repeatable")
    p.add_argument("--from", dest="sender", metavar="NAME", help="only messages from this sender ('me' for yours)")
    p.add_argument("--app", action="append", default=[], metavar="APP", help="only this source app; repeatable")
    p.add_argument("--custodian", action="append", default=[], metavar="NAME",
                   help="only the archive of this custodian (name or id); repeatable")
    p.add_argument("--after", metavar="DATE", help="on or after this day (YYYY-MM-DD, UTC) or ISO time")
    p.add_argument("--before", metavar="DATE", help="before this day (YYYY-MM-DD, UTC) or ISO time")
    p.add_argument("--kind", action="append", default=[], choices=[k.value for k in MessageKind], metavar="K",
                   help="only this message kind (text, image, file, link, payment, ...); repeatable")
    p.add_argument("--feed", action="append", default=[], choices=list(FEED_CHOICES), metavar="FEED",
                   help="only chats, or only WeChat Moments posts and comments, or only Favorites "
                        "(chats, moments, favorites); repeatable")
    p.add_argument("--has-attachment", action="store_true", help="only messages with an attachment")
    p.add_argument("--deleted", action="store_true", help="only messages deleted at the source (missing-at-source)")


def filters_from(args: argparse.Namespace) -> SearchFilters:
    """The SearchFilters the flags of `add_filter_args` give."""
    return SearchFilters(
        conversations=list(args.chat), sender=args.sender, apps=list(args.app),
        after=parse_date(args.after) if args.after else None,
        before=parse_date(args.before) if args.before else None,
        kinds=list(args.kind), has_attachment=True if args.has_attachment else None,
        status="missing-at-source" if args.deleted else None, custodians=list(args.custodian),
        feeds=list(getattr(args, "feed", None) or ()),
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    filters = filters_from(args)
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        try:
            result = search(conn, args.query, filters, sort=args.sort, limit=args.limit, offset=args.offset)
            audited = searches.enabled(conn)
        finally:
            conn.close()
        if audited:                                # compliance mode: the search is an audit entry
            searches.record(vault, args.query, dataclasses.asdict(filters), result.total)
    lines = []
    for h in result.results:
        who = "me" if h.from_me else (h.sender or "?")
        mark = " (deleted at source)" if h.status == "missing-at-source" else ""
        body = h.snippet or f"<{h.kind}>"
        lines.append(f"{h.time_iso[:16].replace('T', ' ')}  {h.conversation or '?'} · {who}: {body}"
                     f"  #{h.message_id}{mark}")
    shown = f"{args.offset + 1}–{args.offset + len(result.results)}" if result.results else "none"
    lines.append(f"{result.total} matches (showing {shown}).")
    ctx.out(result.to_json(), "\n".join(lines))
    return 0
