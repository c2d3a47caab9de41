"""`chatvault audit verify|show`: the vault's tamper-evident audit trail (docs/audit.md)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.cli.common import CliContext, print_json
from chatvault.compliance import searches
from chatvault.errors import ChatVaultError
from chatvault.search.api import iso_time, parse_date
from chatvault.store import audit as audit_trail

NAME = "audit"
HELP = "verify the audit trail's hash chain (and the heads sealed in backups), or show its entries"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="audit_cmd", required=True, metavar="verify|show|searches")
    v = sub.add_parser("verify", help="walk the hash chain and name the first broken link")
    v.add_argument("--no-backups", action="store_true",
                   help="do not compare with the chain heads sealed in the backup snapshots")
    s = sub.add_parser("show", help="list entries (oldest first), filtered; --csv or --json to export")
    s.add_argument("--since", metavar="DATE", help="on or after this day (YYYY-MM-DD, UTC) or ISO time")
    s.add_argument("--until", metavar="DATE", help="before the end of this day or ISO time")
    s.add_argument("--actor", metavar="NAME", help="only entries by this actor")
    s.add_argument("--action", metavar="NAME", help="only this action (and its sub-actions: 'import', 'hold')")
    s.add_argument("--limit", type=int, metavar="N", help="at most N entries")
    s.add_argument("--csv", action="store_true", help="write CSV (id, time, actor, action, detail, prev_hash, hash)")
    m = sub.add_parser("searches", help="compliance mode: record every search in the trail (on, off, status)")
    m.add_argument("state", choices=("on", "off", "status"))


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.audit_cmd == "searches":
        return _searches(args, ctx)
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        try:
            if args.audit_cmd == "verify":
                return _verify(args, ctx, vault, conn)
            return _show(args, ctx, conn)
        finally:
            conn.close()


def _searches(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=args.state != "status", purpose="changing compliance mode") as vault:
        if args.state != "status":
            searches.set_enabled(vault, args.state == "on")
        conn = vault.connect(readonly=True)
        try:
            on = searches.enabled(conn)
        finally:
            conn.close()
    ctx.out({"audit_searches": on}, f"Searches are {'recorded in' if on else 'not recorded in'} the audit trail.")
    return 0


def _anchors(vault: Any, conn: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The heads sealed in every snapshot of every destination; destinations that cannot be read
    are named, not fatal (a USB disk that is not plugged in)."""
    anchors, notes = [], []
    k = engine.vault_keys(vault)
    for d in dests.list_destinations(conn):
        try:
            snaps = engine.list_snapshots(dests.open_target(d), k)
        except ChatVaultError as exc:
            notes.append(f"{d.name}: not compared ({exc.message})")
            continue
        for s in snaps:
            if s.ok and s.audit_head:
                anchors.append(s.audit_head | {"where": f"snapshot {s.id} at {d.name}"})
    return anchors, notes


def _verify(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    anchors, notes = ([], []) if args.no_backups else _anchors(vault, conn)
    report = audit_trail.verify(conn, anchors)
    data = report.to_json() | {"anchors_checked": len(anchors), "notes": notes}
    if report.ok:
        text = (f"Audit trail OK: {report.entries} entries, head {report.head['hash'][:16] if report.head else '-'}"
                f"; {len(anchors)} backup snapshot head(s) match.")
    else:
        first = report.problems[0]
        text = "\n".join([f"Audit trail BROKEN at entry {first['id']}: {first['message']}",
                          *[f"  also: {p['message']}" for p in report.problems[1:]]])
    ctx.out(data, "\n".join([text, *notes]))
    return 0 if report.ok else 1


def _show(args: argparse.Namespace, ctx: CliContext, conn: Any) -> int:
    rows = audit_trail.entries(
        conn, since=parse_date(args.since) if args.since else None,
        until=parse_date(args.until, end=True) if args.until else None,
        actor=args.actor, action=args.action, limit=args.limit)
    for r in rows:
        r["time"] = iso_time(r["at"], None)
    if args.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["id", "time", "actor", "action", "detail", "prev_hash", "hash"])
        for r in rows:
            w.writerow([r["id"], r["time"], r["actor"], r["action"],
                        json.dumps(r["detail"], ensure_ascii=False), r["prev_hash"], r["hash"]])
        return 0
    if ctx.json:
        print_json({"entries": rows})
        return 0
    for r in rows:
        print(f"{r['id']:>6}  {r['time']}  {r['actor']:<10} {r['action']:<18} "
              f"{json.dumps(r['detail'], ensure_ascii=False)}")
    return 0
