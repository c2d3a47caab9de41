"""`chatvault retention set|ls|lock|rm|run`: keep messages N days, then delete them with tombstones."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.compliance import retention
from chatvault.compliance.roles import actor, require_officer
from chatvault.errors import Cancelled, CommandCancelled, UsageError
from chatvault.store.queries import find_conversation

NAME = "retention"
HELP = "retention policies: keep N days after the message date, then delete (set, ls, lock, rm, run [--dry-run])"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="retention_cmd", required=True, metavar="set|ls|lock|rm|run")
    s = sub.add_parser("set", help="add a policy, or change a policy's period with --id (locked: only longer)")
    s.add_argument("--days", type=int, help="keep this many days after the message date")
    s.add_argument("--years", type=int, help="keep this many years (365 days each)")
    s.add_argument("--name", default="", help="a name for the policy")
    s.add_argument("--custodian", metavar="NAME")
    s.add_argument("--source", metavar="SOURCE")
    s.add_argument("--chat", metavar="ID|NAME")
    s.add_argument("--id", type=int, help="change this policy's period")
    sub.add_parser("ls", help="list policies")
    lk = sub.add_parser("lock", help="lock a policy: from now on it can be lengthened, never shortened or removed")
    lk.add_argument("id", type=int)
    rm = sub.add_parser("rm", help="remove a policy (refused when locked)")
    rm.add_argument("id", type=int)
    r = sub.add_parser("run", help="delete what the policies no longer keep (held messages stay)")
    r.add_argument("--dry-run", action="store_true", help="list exactly what would be deleted, delete nothing")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.retention_cmd
    with ctx.open(writer=cmd != "ls", purpose="applying retention") as vault:
        if cmd == "run":
            return _run(args, ctx, vault)
        conn = vault.connect(readonly=cmd == "ls")
        try:
            if cmd == "ls":
                rows = retention.list_policies(conn)
                ctx.out({"policies": rows}, "\n".join(
                    f"{p['id']:>3}  {p['name']}: keep {p['keep_days']} days{'  LOCKED' if p['locked'] else ''}"
                    + (f", custodian {p['custodian_id']}" if p["custodian_id"] else "")
                    + (f", source {p['source_id']}" if p["source_id"] else "")
                    + (f", chat {p['conversation_id']}" if p["conversation_id"] else "") for p in rows)
                    or "No retention policies.")
                return 0
            data, text = _change(args, conn, cmd, require_officer(vault, "Changing retention policies"))
        finally:
            conn.close()
    ctx.out(data, text)
    return 0


def _change(args: argparse.Namespace, conn, cmd: str, who: str) -> tuple[dict, str]:
    if cmd == "lock":
        notes = retention.lock(conn, args.id, who)
        return ({"id": args.id, "locked": True, "backups": notes},
                "\n".join([f"Retention policy {args.id} is locked.", *notes]))
    if cmd == "rm":
        retention.remove(conn, args.id, who)
        return {"id": args.id, "removed": True}, f"Retention policy {args.id} removed."
    days = args.days if args.days is not None else (args.years * 365 if args.years is not None else None)
    if days is None:
        raise UsageError("Say how long to keep: --days N or --years N.")
    chat = None
    if args.chat:
        found = find_conversation(conn, args.chat)
        if found is None:
            raise UsageError(f"No single conversation matches '{args.chat}'.")
        chat = int(found["id"])
    pid = retention.set_policy(conn, args.name, days, custodian=args.custodian, source=args.source,
                               conversation_id=chat, policy_id=args.id, actor=who)
    return {"id": pid, "keep_days": days}, f"Retention policy {pid}: keep {days} days."


def _run(args: argparse.Namespace, ctx: CliContext, vault) -> int:
    who = actor(vault) if args.dry_run else require_officer(vault, "Running retention")
    with cancellable(ctx) as jobs:
        try:
            with jobs.stage("retention", unit="messages") as job:
                rep = retention.run(vault, dry_run=args.dry_run, job=job, actor=who)
        except Cancelled:
            raise CommandCancelled(
                f"Retention stopped by Ctrl-C after {job.snapshot().items_done:,} messages; each deleted message left "
                "its tombstone, the rest are untouched.", hint="Run `chatvault retention run` again to finish.") from None
    if args.dry_run:
        lines = [f"Would delete {len(rep.would_delete):,} messages ({rep.held:,} more are past their period but held):"]
        lines += [f"  {w['message_id']:>8}  {datetime.fromtimestamp(w['ts'] / 1000, UTC):%Y-%m-%d}  "
                  f"{w['conversation'] or ''}  {w['sender'] or ''}  {w['kind']}" for w in rep.would_delete]
    else:
        lines = [f"Deleted {rep.deleted:,} messages and {rep.attachments:,} attachments ({rep.blobs_removed:,} media "
                 f"files); {rep.held:,} held messages kept. Each left a tombstone."]
    ctx.out(rep.to_json(), "\n".join(lines))
    return 0
