"""`chatvault watch add|rm|ls|run`: folders to capture media from, or to import exports from."""

from __future__ import annotations

import argparse
import time

from chatvault.cli import _common_options
from chatvault.cli.common import CliContext
from chatvault.cli.progress import cancellable
from chatvault.compliance import custodians
from chatvault.errors import ChatVaultError
from chatvault.watch.folders import RULES, add_folder, list_folders, remove_folder
from chatvault.watch.service import WatchService

NAME = "watch"
HELP = "watch folders: capture media before it expires, import exports as they land"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="watch_cmd", metavar="{add,rm,ls,run}")
    sub.required = True
    add = sub.add_parser("add", parents=[_common_options()], help="watch a folder")
    add.add_argument("path")
    add.add_argument("--rule", choices=RULES, default="capture",
                     help="capture: store every new or changed file; auto-import: import exports once complete")
    add.add_argument("--custodian", metavar="NAME", help="whose archive the exports it imports are (auto-import)")
    rm = sub.add_parser("rm", parents=[_common_options()], help="stop watching a folder (what was captured stays)")
    rm.add_argument("ref", help="folder id or path")
    sub.add_parser("ls", parents=[_common_options()], help="list watched folders")
    run_p = sub.add_parser("run", parents=[_common_options()], help="run the watcher in the foreground until SIGTERM/Ctrl-C")
    run_p.add_argument("--debounce", type=float, default=1.0, help="seconds a file must stay unchanged")
    run_p.add_argument("--rescan", type=float, default=300.0, help="seconds between full rescans")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.watch_cmd == "run":
        return _run(args, ctx)
    writer = args.watch_cmd in ("add", "rm")
    with ctx.open(writer=writer, purpose=f"watch {args.watch_cmd}") as vault:
        conn = vault.connect(readonly=not writer)
        try:
            if args.watch_cmd == "add":
                custodian = custodians.find(conn, args.custodian)["id"] if args.custodian else None
                f = add_folder(conn, args.path, args.rule, custodian_id=custodian)
                ctx.out(f.to_json(), f"Watching {f.path} (rule {f.rule}, id {f.id}). "
                                     "Run `chatvault watch run` (or open the app) to start.")
            elif args.watch_cmd == "rm":
                f = remove_folder(conn, args.ref)
                ctx.out({"removed": f.to_json()}, f"No longer watching {f.path}. Captured files stay in the vault.")
            else:
                folders = list_folders(conn)
                counts = {r[0]: r[1] for r in conn.execute(
                    "SELECT watch_id, count(*) FROM watch_files WHERE blob_id IS NOT NULL GROUP BY watch_id")}
                items = [f.to_json() | {"files_captured": counts.get(f.id, 0)} for f in folders]
                lines = [f"{i['id']:>3}  {i['rule']:<11} {i['path']}  ({i['files_captured']} files captured)"
                         for i in items]
                ctx.out({"folders": items}, "\n".join(lines) if lines else "No watched folders.")
        finally:
            conn.close()
    return 0


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Foreground service for systemd/launchd/Task Scheduler: stops cleanly on SIGTERM or Ctrl-C
    (a second one quits at once, like every long command: `cli/progress.py`)."""
    last_line = [""]

    def on_change(status) -> None:
        line = "; ".join(f"{f.path}: {f.state}, {f.captured} captured, {f.pending} pending"
                         for f in status.folders)
        if line != last_line[0] and not ctx.json:
            last_line[0] = line
            print(line, flush=True)

    with cancellable(ctx) as jobs, ctx.open() as vault:
        conn = vault.connect(readonly=True)
        n = len(list_folders(conn))
        conn.close()
        if n == 0:
            ctx.out({"running": False, "folders": []},
                    "No watched folders. Add one with `chatvault watch add PATH`.")
            return 0
        service = WatchService(vault, debounce=args.debounce, rescan_every=args.rescan, on_change=on_change)
        service.start()
        if not ctx.json:
            print(f"Watching {n} folder(s). Stop with Ctrl-C or SIGTERM.", flush=True)
        while not jobs.cancelled and service.error is None:
            time.sleep(0.2)
        service.stop()
        status = service.status()
        if service.error is not None:
            err = service.error
            raise err if isinstance(err, ChatVaultError) else ChatVaultError(
                f"The watcher stopped: {err}", hint="Run `chatvault check`, then start it again.")
    ctx.out(status.to_json(), "Stopped.")
    return 0
