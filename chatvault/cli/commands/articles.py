"""`chatvault articles list|fetch|check|show|from-cache`: articles kept offline (docs/articles.md)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatvault.articles import consent, db, fromcache, index, jobs
from chatvault.cli import _common_options
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.errors import EXIT_CANCELLED, UsageError, VaultInUse
from chatvault.importers.filetree import FileTree
from chatvault.media.blobstore import BlobStore

NAME = "articles"
HELP = "articles linked from messages: saved copies, fetching (only with --allow-network), checks"


def _network(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-network", action="store_true",
                   help="allow fetching article pages and their images from the article hosts (see docs/articles.md)")
    p.add_argument("--interval", type=float, metavar="SECONDS", help="seconds between two requests to one host (default 2)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit of one request (default 20)")
    p.add_argument("--connect-to", metavar="HOST=ADDR:PORT[,...]",
                   help="send a host's requests to another address over plain HTTP (a local mirror; like curl)")


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="{list,fetch,check,show,from-cache}")
    sub.required = True
    ls = sub.add_parser("list", parents=[_common_options()], help="list the articles messages link to")
    ls.add_argument("--status", choices=["unknown", *db.STATUSES])
    group = ls.add_mutually_exclusive_group()
    group.add_argument("--saved", action="store_true", help="only articles with a saved copy")
    group.add_argument("--unsaved", action="store_true", help="only articles without one")
    ls.add_argument("--limit", type=int, default=10000)
    fe = sub.add_parser("fetch", parents=[_common_options()], help="save a copy of every article that has none (once)")
    _network(fe)
    fe.add_argument("--limit", type=int, default=10000, help="at most this many articles")
    fe.add_argument("--recheck-days", type=int, default=None,
                    help="also check saved articles not checked for this many days")
    ch = sub.add_parser("check", parents=[_common_options()], help="ask the source whether articles still exist")
    ch.add_argument("refs", nargs="*", help="article ids or URLs")
    ch.add_argument("--all", action="store_true", help="every article with a saved copy")
    _network(ch)
    sh = sub.add_parser("show", parents=[_common_options()], help="an article: its copies, checks and messages")
    sh.add_argument("ref", help="article id or URL")
    sh.add_argument("--view", action="store_true", help="write the saved copy's offline HTML to stdout")
    fc = sub.add_parser("from-cache", parents=[_common_options()],
                        help="save copies from a WeChat web-view cache folder (e.g. a copy of radium/web/profiles)")
    fc.add_argument("folder")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    action = args.action
    if action in ("fetch", "check"):
        return _network_job(args, ctx)
    with ctx.open(writer=action == "from-cache", purpose=f"articles {action}") as vault:
        return {"list": _list, "show": _show, "from-cache": _from_cache}[action](args, ctx, vault)


def _iso(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public(a: dict[str, Any]) -> dict[str, Any]:
    return {"id": a["id"], "key": a["key"], "url": a["url"], "host": a["host"], "title": a["title"],
            "account": a["account"], "first_seen": _iso(a["first_seen"]), "messages": a["messages"],
            "status": a["status"], "status_text": a["status_text"], "checked_at": _iso(a["checked_at"]),
            "saved": a["has_snapshot"], "snapshot_id": a["snapshot_id"], "captured_at": _iso(a["captured_at"]),
            "origin": a["origin"], "images": a["images"], "images_missing": a["images_missing"],
            "fetch_failed": a["fetch_failed"]}


def _scan_if_free(vault) -> None:
    """Link messages stored since the last scan, when no other task holds the writer role."""
    lock = vault.writer_lock
    try:
        lock.acquire("articles list")
    except VaultInUse:
        return
    try:
        conn = vault.connect()
        try:
            index.scan(conn)
        finally:
            conn.close()
    finally:
        lock.release()


def _list(args, ctx: CliContext, vault) -> int:
    _scan_if_free(vault)
    conn = vault.connect(readonly=True)
    try:
        saved = True if args.saved else False if args.unsaved else None
        rows = [_public(a) for a in db.list_articles(conn, status=args.status, saved=saved, limit=args.limit)]
        counts = db.counts(conn)
        network = db.network_settings(conn)
    finally:
        conn.close()
    lines = [f"{a['id']:>6}  {a['status']:<11} {('saved ' + (a['captured_at'] or '')[:10]) if a['saved'] else 'not saved':<17} "
             f"{a['title'] or a['url']}" for a in rows]
    lines.append(f"{counts['articles']} article(s), {counts['saved']} saved; {counts['deleted']} deleted and "
                 f"{counts['blocked']} blocked at the source. Fetching is {'on' if network.allowed else 'off'}.")
    ctx.out({"articles": rows, "counts": counts, "network_allowed": network.allowed}, "\n".join(lines))
    return 0


def _show(args, ctx: CliContext, vault) -> int:
    conn = vault.connect(readonly=True)
    try:
        a = db.find_article(conn, args.ref)
        if a is None:
            raise UsageError(f"No article {args.ref!r} in this vault.", hint="`chatvault articles list` lists them.")
        snaps = db.snapshots_of(conn, a["id"])
        checks = db.checks_of(conn, a["id"])
        msgs = db.messages_of(conn, a["id"])
        snap = db.snapshot(conn, a["snapshot_id"]) if a["snapshot_id"] else None
    finally:
        conn.close()
    if args.view:
        if snap is None:
            raise UsageError("This article has no saved copy.", hint="`chatvault articles fetch --allow-network`.")
        sys.stdout.write(BlobStore(vault).read_all(snap["view_blob_id"]).decode("utf-8"))
        return 0
    out = _public(a) | {
        "snapshots": [s | {"captured_at": _iso(s["captured_at"]), "checked_at": _iso(s["checked_at"])} for s in snaps],
        "checks": [c | {"checked_at": _iso(c["checked_at"])} for c in checks],
        "linked_messages": [m | {"ts": _iso(m["ts"])} for m in msgs]}
    lines = [f"{a['title'] or '(no title)'} — {a['account'] or '?'}", a["url"],
             f"Status: {a['status']}" + (f" ({a['status_text']})" if a["status_text"] else "")
             + (f", checked {_iso(a['checked_at'])}" if a["checked_at"] else "")]
    lines += [f"Copy {s['id']}: captured {_iso(s['captured_at'])} ({s['origin']}), {s['images']} image(s)" for s in snaps]
    lines += [f"Linked from message {m['id']} ({_iso(m['ts'])})" for m in msgs]
    ctx.out(out, "\n".join(lines))
    return 0


def _from_cache(args, ctx: CliContext, vault) -> int:
    folder = Path(args.folder).expanduser()
    conn = vault.connect()
    try:
        with cancellable(ctx) as jobs_, jobs_.stage("articles from cache") as job, FileTree(folder) as tree:
            index.scan(conn, job.check)
            res = fromcache.capture(BlobStore(vault), conn, tree, job.check)
    finally:
        conn.close()
    ctx.out({"entries": res.entries, "snapshots": res.snapshots, "gone": res.gone, "problems": res.problems},
            f"{res.snapshots} saved cop(ies) from {res.entries} cached article page(s); {res.gone} said deleted/blocked."
            + "".join(f"\n{p}" for p in res.problems))
    return 0


def _network_job(args, ctx: CliContext) -> int:
    with ctx.open(purpose=f"articles {args.action}") as vault:
        conn = vault.connect(readonly=True)
        try:
            settings = db.network_settings(conn)
            ids = [_ref_id(conn, r) for r in getattr(args, "refs", [])]
        finally:
            conn.close()
        if args.action == "check" and not ids and not args.all:
            raise UsageError("Name the articles to check (ids or URLs), or --all.")
        fetcher = consent.fetcher(settings, allow=args.allow_network, interval=args.interval, timeout=args.timeout,
                                  connect_to=args.connect_to)
        if not ctx.json:
            print(consent.statement(fetcher.interval), file=sys.stderr)
        if args.action == "check" and args.all:
            ids = [a["id"] for a in _saved(vault)]
        recheck = args.recheck_days if getattr(args, "recheck_days", None) is not None else settings.recheck_days
        with cancellable(ctx) as jobs_, jobs_.stage(f"articles {args.action}", unit="articles") as job:
            out = jobs.run(vault, fetcher, job, fetch=args.action == "fetch", check_ids=ids,
                           recheck_days=recheck if args.action == "fetch" else 0, limit=getattr(args, "limit", 10000))
    lines = [f"saved {f['url']} ({f['images']} image(s))" for f in out.fetched]
    lines += [f"{c['status']}: {c['url']}" + (f" — {c['wording']}" if c["wording"] else "") for c in out.checked]
    lines += [f"NOT SAVED {f['url']}: {f.get('status', 'failed')}: {f['problem']}" for f in out.failed]
    lines.append(f"{len(out.fetched)} saved, {len(out.checked)} checked, {len(out.failed)} not saved; "
                 f"{out.requests} request(s).")
    ctx.out(out.to_json(), "\n".join(lines))
    return EXIT_CANCELLED if out.cancelled else 0


def _saved(vault) -> list[dict]:
    conn = vault.connect(readonly=True)
    try:
        return db.list_articles(conn, saved=True)
    finally:
        conn.close()


def _ref_id(conn, ref: str) -> int:
    a = db.find_article(conn, ref)
    if a is None:
        raise UsageError(f"No article {ref!r} in this vault.", hint="`chatvault articles list` lists them.")
    return int(a["id"])
