"""`chatvault restore SNAPSHOT --to DIR`: rebuild a vault from a backup (docs/backup.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from chatvault.backup import destinations as dests
from chatvault.backup import engine
from chatvault.cli.common import CliContext, human_bytes, read_secret_file
from chatvault.cli.malloc import tune_for_backups
from chatvault.cli.progress import cancellable
from chatvault.errors import Cancelled, CommandCancelled, UsageError

NAME = "restore"
HELP = "restore a snapshot from a backup into a new vault folder"
DESCRIPTION = ("Restore works without the original vault: point it at the backup with --from-folder or "
               "--bucket/--endpoint/--prefix and give the passphrase the vault had (or --recovery-key-file).")


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("snapshot", help="snapshot id (or a unique prefix/suffix), or 'latest'")
    p.add_argument("--to", required=True, metavar="DIR", help="a new or empty folder for the restored vault")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from", dest="from_name", metavar="NAME", help="a destination configured in --vault")
    src.add_argument("--from-folder", metavar="DIR", help="a backup folder")
    src.add_argument("--bucket", help="an S3 bucket holding the backup")
    p.add_argument("--endpoint", metavar="URL")
    p.add_argument("--prefix", default="")
    p.add_argument("--region", default=None)
    p.add_argument("--recovery-key-file", metavar="FILE", help="unlock with the recovery key instead")
    p.add_argument("--check", action="store_true", help="run SQLCipher's page and database checks after restoring")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    tune_for_backups()  # this process moves backup data: glibc tuned for it (chatvault/cli/malloc.py)
    keys = None
    if args.from_name:
        with ctx.open() as vault:
            conn = vault.connect(readonly=True)
            try:
                dest = dests.get_destination(conn, args.from_name)
            finally:
                conn.close()
            keys = engine.vault_keys(vault)
    elif args.from_folder:
        if not Path(args.from_folder).is_dir():
            raise UsageError(f"{args.from_folder} is not a folder.")
        dest = dests.Destination(0, "restore", "folder", {"path": str(Path(args.from_folder).resolve())})
    else:
        dest = dests.Destination(0, "restore", "s3", {"bucket": args.bucket, "endpoint": args.endpoint,
                                                      "prefix": args.prefix, "region": args.region})
    target = dests.open_target(dest)
    passphrase = recovery_key = None
    if keys is None:
        if args.recovery_key_file:
            recovery_key = read_secret_file(args.recovery_key_file)
        else:
            passphrase = ctx.passphrase()
    with cancellable(ctx) as jobs:
        try:
            with jobs.stage("restore", unit="objects") as job:
                rep = engine.restore_snapshot(target, args.snapshot, Path(args.to), passphrase=passphrase,
                                              recovery_key=recovery_key, keys=keys, check=args.check, ctx=job)
        except Cancelled:
            raise CommandCancelled(
                f"Restore stopped by Ctrl-C; what it had written in {args.to} was removed (a half-restored vault "
                "is never left), and the backup is unchanged.", hint="Run the same `chatvault restore` again.") from None
    lines = [f"Restored snapshot {rep.snapshot_id} to {rep.path}: database {human_bytes(rep.db_bytes)}, "
             f"{rep.blobs} media files ({human_bytes(rep.bytes)})."]
    if rep.lost_blobs:
        lines.append(f"LOST: {len(rep.lost_blobs)} media files were damaged or missing in the backup and were not "
                     f"restored ({rep.affected_messages} messages refer to them):")
        lines += [f"  media/{rel}" for rel in rep.lost_blobs[:50]]
    for problem in rep.problems:
        lines.append(f"PROBLEM: {problem}")
    if rep.ok:
        lines.append("Open it with the same passphrase; `chatvault check` confirms it.")
    ctx.out(rep.to_json(), "\n".join(lines))
    return 0 if rep.ok else 1
