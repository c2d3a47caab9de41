"""`chatvault erase --person NAME`: an erasure request — one person's messages and media, with
tombstones; refused, naming the hold, where a legal hold covers any of them."""

from __future__ import annotations

import argparse

from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.compliance.erasure import erase, find_person
from chatvault.compliance.roles import actor, require_officer
from chatvault.errors import Cancelled, CommandCancelled, UsageError

NAME = "erase"
HELP = "erase one person's messages and media (GDPR/PIPL erasure request); --dry-run shows what"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--person", required=True, help="name, account id or phone number")
    p.add_argument("--identity", type=int, action="append", default=[], metavar="ID",
                   help="participant id that is this person (repeatable; see --dry-run); default: every match")
    p.add_argument("--reason", default="", help="the request (e.g. its reference)")
    p.add_argument("--dry-run", action="store_true", help="list the identities and messages, erase nothing")
    p.add_argument("--yes", action="store_true", help="do it (required unless --dry-run)")
    p.add_argument("--prune-backups", action="store_true",
                   help="then back up to every destination and forget every snapshot taken before the erasure")


def _prune_backups(vault, rep) -> list[dict]:
    """A fresh snapshot without the erased data at every destination, then the older ones forgotten
    (those under Object Lock stay until their lock ends: named)."""
    out = []
    conn = vault.connect(readonly=True)
    try:
        destinations = dests.list_destinations(conn)
        started = conn.execute("SELECT requested_at FROM erasures WHERE id = ?", (rep.erasure_id,)).fetchone()[0]
    finally:
        conn.close()
    for d in destinations:
        run = engine.run_backup(vault, d)
        pr = engine.run_prune(vault, d, forget_before=started / 1000)
        out.append({"destination": d.name, "snapshot": run.snapshot_id, "forgotten": len(pr.forget),
                    "locked": pr.locked_snapshots})
    return out


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open(writer=not args.dry_run, purpose="erasing") as vault:
        conn = vault.connect(readonly=True)
        try:
            people = find_person(conn, args.person)
        finally:
            conn.close()
        chosen = args.identity or [p["id"] for p in people if not p["is_me"]]
        unknown = set(args.identity) - {p["id"] for p in people}
        if unknown:
            raise UsageError(f"Participant(s) {sorted(unknown)} do not match '{args.person}'.")
        if not chosen:
            raise UsageError(f"Nobody in the vault matches '{args.person}'.")
        if not args.dry_run and not args.identity and len({p["source_key"] for p in people if not p["is_me"]}) > 1:
            raise UsageError(f"'{args.person}' matches {len(chosen)} different identities; say which are this person.",
                             hint="See them with --dry-run, then give each with --identity ID.")
        if not args.dry_run and not args.yes:
            raise UsageError("An erasure cannot be undone.", hint="Check with --dry-run, then add --yes.")
        who = actor(vault) if args.dry_run else require_officer(vault, "An erasure")
        with cancellable(ctx) as jobs:
            try:
                with jobs.stage("erase", unit="messages") as job:
                    rep = erase(vault, args.person, chosen, reason=args.reason, dry_run=args.dry_run, job=job,
                                actor=who)
            except Cancelled:
                raise CommandCancelled("Erasure stopped by Ctrl-C: each deleted message left its tombstone.",
                                       hint="Run the same `chatvault erase` again to finish it.") from None
        pruned = _prune_backups(vault, rep) if args.prune_backups and not args.dry_run else []
    data = rep.to_json() | {"identities": people, "backups": pruned}
    if args.dry_run:
        lines = [f"{len(people)} identities match '{args.person}':"]
        lines += [f"  {p['id']:>6}  {p['app']}:{p['account'] or '-'}  {p['source_key']}  {p['display_name'] or ''}"
                  f"  {p['messages']:,} messages{'  (that is you)' if p['is_me'] else ''}" for p in people]
        lines.append(f"Would erase {rep.messages:,} messages and {rep.attachments:,} attachments"
                     + (f"; REFUSED: {len(rep.held)} are under legal hold" if rep.held else "") + ".")
    else:
        lines = [f"Erased {rep.messages:,} messages and {rep.attachments:,} attachments of {args.person} "
                 f"(erasure {rep.erasure_id}); each left a tombstone."]
        lines += [f"  {b['destination']}: new snapshot {b['snapshot']}, {b['forgotten']} older forgotten"
                  + (f"; {len(b['locked'])} kept by Object Lock until it expires" if b["locked"] else "")
                  for b in pruned]
    ctx.out(data, "\n".join(lines))
    return 0
