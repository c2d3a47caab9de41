"""`chatvault import PATH...`: bring exports into the vault, with a live progress line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chatvault.cli import import_fields
from chatvault.cli.common import CliContext
from chatvault.cli.progress import Jobs, cancellable
from chatvault.errors import EXIT_FAILURE, Cancelled, ChatVaultError
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import ImportReport, run_import
from chatvault.media.thumbnails import generate_thumbnails

NAME = "import"
HELP = "import chat exports (WhatsApp, Telegram, WeChat ...); the format is detected"
DESCRIPTION = ("Import one or more exports. Re-importing adds only what is new; messages a newer export no "
               "longer has are kept and marked missing-at-source. Ctrl-C stops cleanly: what was committed stays.")


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="export file, zip or folder")
    p.add_argument("--format", metavar="NAME", help="skip detection and read as this format (see `chatvault formats`)")
    p.add_argument("--me", metavar="NAME", help="the sender name that is you in these exports")
    p.add_argument("--custodian", metavar="NAME", help="whose archive this is (default: the default custodian)")
    p.add_argument("--date-order", choices=["DMY", "MDY", "YMD"],
                   help="WhatsApp: the date order when the file cannot tell (the import stops and asks); "
                        "a chat stored with the other order is re-dated, not duplicated")
    p.add_argument("--tz", metavar="ZONE", help="WhatsApp: the time zone the export's times are in (IANA name)")
    p.add_argument("--reread", action="store_true",
                   help="parse the export even if this exact file was imported before (normally skipped)")
    p.add_argument("--key", metavar="HEX",
                   help="WeChat: the database key (visible to other users in `ps`: prefer --key-file, "
                        "$CHATVAULT_WECHAT_KEY or --ask-key)")
    p.add_argument("--key-file", metavar="FILE", help="WeChat: read the database key from the first line of FILE")
    p.add_argument("--ask-key", action="store_true", help="WeChat: ask for the database key without echoing it")
    p.add_argument("--imei", metavar="X", help="WeChat (Android): the phone's IMEI, for the key")
    p.add_argument("--uin", metavar="Y", help="WeChat (Android): the account's uin, for the key")
    p.add_argument("--image-key", metavar="HEX_OR_ASCII",
                   help="Weixin 4: the account's image key (16 characters or 32 hex digits), to decode V2 .dat images")
    p.add_argument("--no-thumbnails", action="store_true",
                   help="do not make the photos' thumbnails after the import (`chatvault media thumbs` makes them later)")
    import_fields.register(p)       # the keys and passwords other formats declare (Importer.fields)


KEY_ENV = "CHATVAULT_WECHAT_KEY"


def wechat_key(args: argparse.Namespace) -> str | None:
    """The WeChat database key from --key, --key-file, --ask-key or $CHATVAULT_WECHAT_KEY (in that
    order), with surrounding white space and a BOM dropped. Only --key is visible in `ps`."""
    import getpass
    import os

    from chatvault.cli.common import read_secret_file
    from chatvault.errors import UsageError

    if args.key is not None:
        print("chatvault: --key on the command line can be seen by other users of this computer "
              f"(`ps`); --key-file, ${KEY_ENV} or --ask-key keep it private.", file=sys.stderr)
        value: str | None = args.key
    elif args.key_file:
        value = read_secret_file(args.key_file, "WeChat key")
    elif args.ask_key:
        if not sys.stdin.isatty():
            raise UsageError("--ask-key needs a terminal to ask on.", hint=f"Use --key-file or ${KEY_ENV}.")
        value = getpass.getpass("WeChat database key: ")
    else:
        value = os.environ.get(KEY_ENV)
    if value is None:
        return None
    value = value.lstrip("\ufeff").strip()
    if not value:
        raise UsageError("The WeChat database key given is empty.", hint="Check the file or variable that holds it.")
    return value


def _options(args: argparse.Namespace) -> ImportOptions:
    extra: dict[str, Any] = {}
    for name in ("imei", "uin", "image_key", "date_order", "tz", "reread"):
        value = getattr(args, name, None)
        if value is not None and value is not False:
            extra[name] = value
    key = wechat_key(args)
    if key is not None:
        extra["key"] = key
    extra.update(import_fields.values(args))
    return ImportOptions(me=args.me, options=extra, custodian=args.custodian)


def summary_text(r: ImportReport) -> str:
    head = {"ok": "Imported", "partial": "Imported with gaps", "cancelled": "Cancelled",
            "failed": "Failed"}.get(r.outcome, r.outcome)
    lines = [f"{head}: {r.path} ({r.format}, run {r.run_id}, {r.seconds:.1f} s)",
             f"  added {r.added:,}, already present {r.already_present:,}, edited {r.edited:,}",
             f"  missing at source {r.missing_at_source:,} (kept), back at source {r.restored:,}",
             f"  attachments stored {r.attachments_stored:,}, missing {r.attachments_missing:,}"]
    if r.attachments_upgraded:
        lines.append(f"  pictures/videos upgraded in place to a better level: {r.attachments_upgraded:,}")
    if r.wxgf_converted or r.wxgf_unconverted:
        lines.append(f"  Weixin wxgf pictures converted {r.wxgf_converted:,} (kept beside them), "
                     f"kept unconverted {r.wxgf_unconverted:,}")
    if r.recalled:
        lines.append(f"  recalled by their sender since an earlier import (text kept, marked recalled): {r.recalled:,}")
    if r.redated:
        lines.append(f"  re-dated {r.redated:,} (stored before with the day and month the other way round)")
    if r.merged:
        lines.append(f"  already stored from another WhatsApp source (joined, not doubled): {r.merged:,}")
    if r.details_updated:
        lines.append(f"  reactions or poll votes changed since the last import: {r.details_updated:,}")
    if r.conversations_missing:
        lines.append(f"  chats no longer at the source (deleted or cleared there, kept here): "
                     f"{r.conversations_missing:,}")
    if r.unparsed:
        shown = ", ".join(r.unparsed_lines[:10]) + (" ..." if len(r.unparsed_lines) > 10 else "")
        lines.append(f"  not understood: {r.unparsed:,} (kept verbatim: `chatvault imports --unparsed {r.run_id}`): "
                     f"{shown}")
    if r.identical_to:
        lines.append(f"  identical to the file of run {r.identical_to}: nothing new (use --reread to parse it again)")
    if r.resumed_from:
        lines.append(f"  completed the interrupted run {r.resumed_from}")
    for w in r.warnings[:10]:
        lines.append(f"  warning: {w}")
    if len(r.warnings) > 10:
        lines.append(f"  ... and {len(r.warnings) - 10} more warnings")
    return "\n".join(lines)


# `import` kept the exit code it documented before the CLI-wide cancel code (EXIT_CANCELLED, 130)
# existed: 1 for a cancelled run, whose report says `"outcome": "cancelled"` (docs/cli.md).
IMPORT_CANCEL_EXIT = EXIT_FAILURE


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    options = _options(args)
    reports: list[dict[str, Any]] = []
    code = 0
    thumbs: dict[str, Any] | None = None
    with ctx.open(writer=True, purpose="import") as vault, cancellable(ctx) as jobs:
        for raw in args.paths:
            path = Path(raw).expanduser()
            if jobs.cancelled:               # Ctrl-C between two paths: the rest is not started
                code = IMPORT_CANCEL_EXIT
                if not ctx.json:
                    print(f"Not imported (stopped by Ctrl-C before it started): {path}")
                continue
            try:
                with jobs.stage(path.name[:30], unit="messages") as job:
                    report = run_import(vault, path, format=args.format, options=options, ctx=job)
            except ChatVaultError as exc:
                code = exc.exit_code
                partial = getattr(exc, "report", None)
                if ctx.json:
                    reports.append(exc.to_json() | {"path": str(path),
                                                    "report": partial.to_json() if partial else None})
                else:
                    print(f"chatvault: {exc}", file=sys.stderr)
                continue
            reports.append(report.to_json())
            if not ctx.json:
                print(summary_text(report))
            if report.outcome == "cancelled":
                code = IMPORT_CANCEL_EXIT
                if not ctx.json:
                    print(f"Stopped by Ctrl-C: the {report.added:,} messages committed stay; importing {path} "
                          f"again completes run {report.run_id}.")
                jobs.cancelled = True
        outcomes = {r.get("outcome") for r in reports}
        if not args.no_thumbnails and outcomes & {"ok", "partial"} and not jobs.cancelled:
            thumbs = _thumbnails(vault, ctx, jobs)
            if thumbs.get("error"):
                code = code or EXIT_FAILURE
            if thumbs.get("cancelled"):
                code = code or IMPORT_CANCEL_EXIT
    if ctx.json:
        from chatvault.cli.common import print_json

        if len(reports) == 1 and len(args.paths) == 1:
            print_json(reports[0] | ({"thumbnails": thumbs} if thumbs is not None else {}))
        else:
            print_json({"imports": reports} | ({"thumbnails": thumbs} if thumbs is not None else {}))
    return code


def _thumbnails(vault: Any, ctx: CliContext, jobs: Jobs) -> dict[str, Any]:
    """After a successful import: thumbnails for the photos that have none yet (each one commits on its own).

    A failure here never undoes the import; the summary says how to finish with `chatvault media thumbs`.
    """
    try:
        with jobs.stage("thumbnails", unit="images") as job:
            report = generate_thumbnails(vault, job)
    except Cancelled:
        done = job.snapshot().items_done
        if not ctx.json:
            print(f"Thumbnails stopped after {done:,} image(s); `chatvault media thumbs` makes the rest.")
        return {"made": done, "failed": 0, "cancelled": True}
    except ChatVaultError as exc:
        if not ctx.json:
            print(f"chatvault: thumbnails: {exc} (the import itself is complete; `chatvault media thumbs` "
                  "tries again)", file=sys.stderr)
        return {"made": 0, "failed": 0, "error": str(exc)}
    if not ctx.json and (report.made or report.failed):
        print(f"Thumbnails: {report.made:,} made" + (f", {report.failed:,} image(s) could not be previewed"
                                                      if report.failed else ""))
    return {"made": report.made, "failed": report.failed}
