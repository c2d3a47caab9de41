"""`chatvault backup add|ls|rm|run|status|verify|snapshots|prune`: verified backups (docs/backup.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.backup.health import health, overall
from chatvault.backup.source import last_damage
from chatvault.cli.common import CliContext, human_bytes
from chatvault.cli.malloc import tune_for_backups
from chatvault.cli.progress import cancellable
from chatvault.errors import EXIT_CANCELLED, Cancelled, ChatVaultError, CommandCancelled, UsageError
from chatvault.jobs.context import JobContext

NAME = "backup"
HELP = "back up the vault to folders and S3, verify, prune, and show backup health"
DESCRIPTION = (
    "Incremental, verified backups: only changed database extents and new media are sent. "
    "`backup status` exits 1 when a destination has no verified backup within its max age (for monitoring)."
)


def _retention_args(p: argparse.ArgumentParser) -> None:
    for k in dests.RETENTION_KEYS:
        p.add_argument("--" + k.replace("_", "-"), type=int, metavar="N", default=None,
                       help=f"retention: {k.replace('_', ' ')} (0 = rule off)")


def _retention(args: argparse.Namespace) -> dict[str, int]:
    return {k: int(getattr(args, k)) for k in dests.RETENTION_KEYS if getattr(args, k, None) is not None}


def register(p: argparse.ArgumentParser) -> None:
    from chatvault.cli import _common_options  # --vault/--json/... accepted after the action too

    common = _common_options()
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    _add_parser = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return _add_parser(name, parents=[common], **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]
    a = sub.add_parser("add", help="add a destination (a folder or an S3 bucket)")
    a.add_argument("name")
    where = a.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", metavar="DIR", help="a local or mounted folder (external drive, NAS share)")
    where.add_argument("--bucket", help="an S3 bucket (with --endpoint for non-AWS servers)")
    a.add_argument("--endpoint", metavar="URL", help="S3 endpoint URL, e.g. https://s3.example.com")
    a.add_argument("--prefix", default="", help="key prefix inside the bucket (one per vault)")
    a.add_argument("--region", default=None)
    a.add_argument("--lock-mode", choices=["governance", "compliance"], help="S3 Object Lock mode for every object")
    a.add_argument("--lock-days", type=float, default=None, help="Object Lock retention period in days")
    a.add_argument("--store-credentials", action="store_true",
                   help="save AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment in the OS keyring")
    a.add_argument("--max-age-days", type=float, default=3.0, help="status is red without a verified backup this old")
    a.add_argument("--interval-hours", type=float, default=24.0, help="how often the app backs up (scheduler)")
    a.add_argument("--restore-test", action="store_true", help="test-restore every new snapshot to a temp folder")
    _retention_args(a)
    sub.add_parser("ls", help="list destinations")
    r = sub.add_parser("rm", help="forget a destination (its backups stay where they are)")
    r.add_argument("name")
    run = sub.add_parser("run", help="back up now (to the named destinations, or all)")
    run.add_argument("names", nargs="*")
    sub.add_parser("status", help="health of every destination; exit 1 if any is red")
    v = sub.add_parser("verify", help="check snapshots; --read-data reads and authenticates every byte")
    v.add_argument("names", nargs="*")
    v.add_argument("--read-data", action="store_true")
    s = sub.add_parser("snapshots", help="list the snapshots at a destination")
    s.add_argument("names", nargs="*")
    pr = sub.add_parser("prune", help="forget snapshots by the retention rules and delete unused objects")
    pr.add_argument("names", nargs="*")
    pr.add_argument("--dry-run", action="store_true", help="show what would be deleted, delete nothing")
    _retention_args(pr)


def _selected(conn: Any, names: list[str]) -> list[dests.Destination]:
    if names:
        return [dests.get_destination(conn, n) for n in names]
    found = dests.list_destinations(conn)
    if not found:
        raise UsageError("No backup destination is configured.",
                         hint="Add one with `chatvault backup add NAME --folder DIR` (or --bucket for S3).")
    return found


def _when(ts: float | None) -> str:
    if ts is None:
        return "never"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cancelled(name: str, message: str) -> dict[str, Any]:
    """A destination's entry when Ctrl-C stopped (or pre-empted) its step: the failure object's shape."""
    return {"destination": name, "ok": False} | CommandCancelled(message).to_json()


def _stopped(ctx: CliContext, name: str, message: str) -> dict[str, Any]:
    if not ctx.json:
        print(f"{name}: {message}")
    return _cancelled(name, message)


NOT_STARTED = "not started: Ctrl-C came before it"


def _any_stopped(entries: list[dict[str, Any]]) -> bool:
    """Did Ctrl-C stop a step? (A Ctrl-C after the last step's last check changes nothing.)"""
    return any(e.get("error") == CommandCancelled.code for e in entries)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    tune_for_backups()  # this process moves backup data: glibc tuned for it (chatvault/cli/malloc.py)
    with ctx.open() as vault:
        conn = vault.connect()
        try:
            return _ACTIONS[args.action](args, ctx, vault, conn)
        finally:
            conn.close()


def _add(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    if args.folder:
        kind, config = "folder", {"path": args.folder}
    else:
        kind = "s3"
        config = {"bucket": args.bucket, "endpoint": args.endpoint, "prefix": args.prefix, "region": args.region}
        if args.lock_mode:
            config |= {"lock_mode": args.lock_mode.upper(), "lock_days": args.lock_days}
        if args.store_credentials:
            key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
            if not key or not secret:
                raise UsageError("--store-credentials reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; set them.")
            from chatvault.backup.s3 import store_credentials

            store_credentials(args.name, key, secret)
    d = dests.add_destination(conn, args.name, kind, config, retention=_retention(args),
                              max_age_s=int(args.max_age_days * 86400), interval_s=int(args.interval_hours * 3600),
                              restore_test=args.restore_test)
    ctx.out({"added": d.to_json()}, f"Added backup destination '{d.name}' ({d.where}).")
    return 0


def _ls(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    ds = dests.list_destinations(conn)
    lines = [f"{d.name:16} {d.kind:6} {d.where}" for d in ds] or ["No backup destinations (add one with `backup add`)."]
    ctx.out({"destinations": [d.to_json() for d in ds]}, "\n".join(lines))
    return 0


def _rm(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    dests.remove_destination(conn, args.name)
    ctx.out({"removed": args.name}, f"Removed '{args.name}'. Its backups were left in place.")
    return 0


def _per_destination(ctx: CliContext, conn: Any, names: list[str],
                     step: Callable[[dests.Destination, JobContext], dict[str, Any]],
                     stopped: Callable[[JobContext], str]) -> list[dict[str, Any]]:
    """`step` for each selected destination under Ctrl-C: a stopped step's entry is the `cancelled`
    object (`stopped(job)` says what was done), and the destinations after it are not started."""
    entries: list[dict[str, Any]] = []
    with cancellable(ctx) as jobs:
        for d in _selected(conn, names):
            if jobs.cancelled:
                entries.append(_stopped(ctx, d.name, NOT_STARTED))
                continue
            try:
                with jobs.stage(d.name, unit="objects") as job:
                    entries.append(step(d, job))
            except Cancelled:
                entries.append(_stopped(ctx, d.name, stopped(job)))
    return entries


def _run(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    def step(d: dests.Destination, job: JobContext) -> dict[str, Any]:
        try:
            r = engine.run_backup(vault, d, job)
        except ChatVaultError as exc:
            damage = last_damage(conn, d.id)
            if not ctx.json:
                print(f"{d.name}: FAILED: {exc}", file=sys.stderr)
                for line in damage_lines(damage):
                    print("  " + line, file=sys.stderr)
            return {"destination": d.name, "ok": False} | exc.to_json() | ({"damage": damage} if damage else {})
        if not ctx.json:
            print(f"{d.name}: snapshot {r.snapshot_id} verified; sent {human_bytes(r.bytes_sent)} of "
                  f"{human_bytes(r.bytes_total)} ({r.extents_sent}/{r.extents_total} database extents, "
                  f"{r.blobs_sent}/{r.blobs_total} media files) in {r.duration_s:.1f} s")
            if r.audit_mismatch:
                print(f"{d.name}: WARNING: {r.audit_mismatch} Run `chatvault audit verify`.", file=sys.stderr)
        return r.to_json() | {"ok": True}

    def stopped(job: JobContext) -> str:
        p = job.snapshot()
        return (f"stopped by Ctrl-C after {human_bytes(p.bytes_done)}"
                + (f" of {human_bytes(p.bytes_total)}" if p.bytes_total else "")
                + "; no snapshot was recorded and the earlier ones are untouched. What was sent stays at "
                  "the destination: the next `backup run` sends only the rest.")

    results = _per_destination(ctx, conn, args.names, step, stopped)
    stopped_any, failed = _any_stopped(results), any(not r["ok"] for r in results)
    if ctx.json:
        ctx.out({"ok": not failed, "runs": results})
    return EXIT_CANCELLED if stopped_any else 1 if failed else 0

def _status(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    hs = health(conn)
    state = overall(hs)
    lines = []
    for h in hs:
        lines.append(f"[{h.state.upper():5}] {h.message}")
        if h.last_failure_reason and h.state != "green" and not h.damaged:
            lines.append(f"        last failure {_when(h.last_failure_at)}: {h.last_failure_reason}")
        lines += ["        " + line for line in damage_lines(h.damage)]
    if not hs:
        lines.append("[RED  ] No backup destination is configured.")
    ctx.out({"state": state, "destinations": [h.to_json() for h in hs]}, "\n".join(lines))
    return 1 if state == "red" else 0


def _verify(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    def step(d: dests.Destination, job: JobContext) -> dict[str, Any]:
        rep = engine.run_verify(vault, d, read_data=args.read_data, ctx=job)
        _verified(ctx, d, rep, args.read_data)
        return {"destination": d.name} | rep.to_json()

    def stopped(job: JobContext) -> str:
        return (f"verification stopped by Ctrl-C after {job.snapshot().items_done:,} objects; nothing was "
                "changed. Run `backup verify` again for a verdict.")

    out = _per_destination(ctx, conn, args.names, step, stopped)
    bad = any(not o["ok"] for o in out)
    if ctx.json:
        ctx.out({"ok": not bad, "destinations": out})
    return EXIT_CANCELLED if _any_stopped(out) else 1 if bad else 0

def _verified(ctx: CliContext, d: dests.Destination, rep: Any, read_data: bool) -> None:
    if ctx.json:
        return
    what = "read and authenticated" if read_data else "checked (manifests and object sizes; data not read)"
    if rep.ok:
        print(f"{d.name}: {rep.snapshots} snapshots, {rep.objects} objects {what}: OK")
        return
    print(f"{d.name}: PROBLEMS in {rep.snapshots} snapshots:")
    for s in rep.bad_snapshots:
        print(f"  snapshot {s['snapshot']}: {s['problem']}")
    for o in rep.damaged:
        msgs = f"; {o['messages']} messages refer to it" if o.get("messages") else ""
        print(f"  {o['key']}: {o['problem']}; used by {len(o['snapshots'])} snapshot(s): "
              f"{', '.join(o['snapshots'][:5])}{msgs}")


def damage_lines(damage: dict[str, Any] | None) -> list[str]:
    """The damage a refused run found, one line per page range / blob (for text output)."""
    if not damage:
        return []
    out = []
    pages = damage.get("pages") or {}
    for table, ranges in (pages.get("tables") or {}).items():
        spans = ", ".join(f"{lo + 1}-{hi if hi is not None else '…'}" for lo, hi in ranges[:6])
        out.append(f"table {table}: rows {spans}{' …' if len(ranges) > 6 else ''}")
    for c in pages.get("conversations", [])[:10]:
        out.append(f"conversation {c['id']} “{c.get('title') or ''}”: {c['messages']} messages on damaged pages")
    if pages.get("unused_pages"):
        out.append(f"{pages['unused_pages']} damaged pages are not in use (nothing lost there)")
    for b in (damage.get("blobs") or [])[:20]:
        chats = ", ".join(f"“{c['title']}”" for c in b.get("conversations", []) if c.get("title"))
        out.append(f"media/{b['blob']}: {b['problem']}; {b.get('messages') or 0} message(s) use it"
                   + (f" (in {chats})" if chats else ""))
    return out


def _snapshots(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    out, lines = [], []
    k = engine.vault_keys(vault)
    for d in _selected(conn, args.names):
        snaps = engine.list_snapshots(dests.open_target(d), k)
        out.append({"destination": d.name, "snapshots": [s.to_json() for s in snaps]})
        lines.append(f"{d.name} ({d.where}): {len(snaps)} snapshots")
        for s in snaps:
            if s.ok:
                lines.append(f"  {s.id}  {s.counts.get('messages', 0):>9} messages  db {human_bytes(s.db_bytes)}"
                             f"  media {human_bytes(s.media_bytes)}")
            else:
                lines.append(f"  {s.id}  DAMAGED: {s.problem}")
    ctx.out({"destinations": out}, "\n".join(lines))
    return 0


def _prune(args: argparse.Namespace, ctx: CliContext, vault: Any, conn: Any) -> int:
    lines: list[str] = []
    override = _retention(args) or None

    def step(d: dests.Destination, job: JobContext) -> dict[str, Any]:
        rep = engine.run_prune(vault, d, dry_run=args.dry_run, retention=override, ctx=job)
        lines.extend(_pruned(d, rep, args.dry_run, override))
        return {"destination": d.name} | rep.to_json()

    def stopped(job: JobContext) -> str:
        return ("prune stopped by Ctrl-C: the snapshots forgotten and objects deleted so far stay so, every "
                "kept snapshot is whole; run `backup prune` again to finish.")

    out = _per_destination(ctx, conn, args.names, step, stopped)
    ctx.out({"destinations": out}, "\n".join(lines))
    return EXIT_CANCELLED if _any_stopped(out) else 0

def _pruned(d: dests.Destination, rep: Any, dry_run: bool, override: dict[str, int] | None) -> list[str]:
    lines = []
    verb = "would delete" if dry_run else "deleted"
    lines.append(f"{d.name}: keep {len(rep.keep)} snapshots, forget {len(rep.forget)}; {verb} "
                 f"{rep.objects_deleted} objects ({human_bytes(rep.bytes_freed)})")
    for sid in rep.forget:
        lines.append(f"  {'would forget' if dry_run else 'forgot'} {sid}"
                     + (" (kept: under Object Lock)" if sid in rep.locked_snapshots else ""))
    if rep.objects_locked:
        lines.append(f"  {rep.objects_locked} unused objects are still under Object Lock and were kept")
    if rep.kept_clean:
        lines.append(f"  kept {rep.kept_clean} beyond the rules: the last snapshot not known to be damaged "
                     f"({len(rep.known_damaged)} newer ones are)")
    if rep.unreadable:
        lines.append(f"  {len(rep.unreadable)} damaged snapshots: no objects deleted (run `backup verify`)")
    if not d.retention and override is None:
        lines.append("  no retention rules set: every snapshot is kept (see --keep-last etc.)")
    return lines


_ACTIONS = {"add": _add, "ls": _ls, "rm": _rm, "run": _run, "status": _status, "verify": _verify,
            "snapshots": _snapshots, "prune": _prune}
