"""`chatvault media ls|cat|export|missing|expiring|add|thumbs`: the vault's media files."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from chatvault import faults
from chatvault.cli import _common_options, media_expiring
from chatvault.cli.common import CliContext, human_bytes
from chatvault.cli.progress import cancellable
from chatvault.errors import (
    EXIT_CANCELLED,
    Cancelled,
    ChatVaultError,
    CommandCancelled,
    InputError,
    UsageError,
)
from chatvault.fsutil import storage_error
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.media.captured import KINDS, CaptureFilter, count_captured, find_captured, list_captured
from chatvault.media.missing import missing_media
from chatvault.media.thumbnails import generate_thumbnails
from chatvault.store import queries
from chatvault.store.db import rollback
from chatvault.watch.capture import capture_file, record_capture

NAME = "media"
HELP = "list, show, export and capture media; list missing media"


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="media_cmd", metavar="{ls,cat,export,missing,expiring,add,thumbs}")
    sub.required = True
    ls = sub.add_parser("ls", parents=[_common_options()], help="list stored media")
    ls.add_argument("--chat", help="conversation id or title")
    ls.add_argument("--kind", choices=["image", "video", "audio", "file"], help="only this kind")
    ls.add_argument("--limit", type=int, default=1000)
    ls.add_argument("--captured", action="store_true",
                    help="list the files watch folders and `media add` captured (attached to a message or not)")
    _capture_filters(ls)
    cat = sub.add_parser("cat", parents=[_common_options()], help="write one media file to stdout (verified first)")
    cat.add_argument("ref", help="attachment id, blob id, or a captured file's cN or original path")
    ex = sub.add_parser("export", parents=[_common_options()], help="write media files, under their original names, to a folder")
    ex.add_argument("refs", nargs="*", help="attachment ids, blob ids, or captured files (cN or original path)")
    ex.add_argument("--chat", help="export every stored file of this conversation")
    ex.add_argument("--captured", action="store_true", help="export every captured file the filters below select")
    ex.add_argument("--kind", choices=list(KINDS), help="with --captured: only this kind")
    _capture_filters(ex)
    ex.add_argument("--to", required=True, help="destination folder (files there are NOT encrypted)")
    mi = sub.add_parser("missing", parents=[_common_options()], help="list media the exports mentioned but did not contain")
    mi.add_argument("--chat", help="conversation id or title")
    mi.add_argument("--limit", type=int, default=10000)
    media_expiring.register(sub, [_common_options()])
    add = sub.add_parser("add", parents=[_common_options()], help="capture files into the vault, filling missing attachments they match")
    add.add_argument("files", nargs="+")
    sub.add_parser("thumbs", parents=[_common_options()], help="make the thumbnails that are not made yet")


def _capture_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--folder", help="with --captured: a watch folder (id or path), or any folder above the files")
    p.add_argument("--path", help="with --captured: part of the original path, or a glob (*.jpg)")
    p.add_argument("--after", metavar="DATE", help="with --captured: captured on or after (YYYY-MM-DD UTC, or ISO time)")
    p.add_argument("--before", metavar="DATE", help="with --captured: captured before this day or time")
    p.add_argument("--unattached", action="store_true", help="with --captured: only files no message refers to")


def _capture_filter(args) -> CaptureFilter:
    from chatvault.search.api import parse_date

    uses = [f"--{k}" for k in ("folder", "path", "after", "before") if getattr(args, k, None)] + \
        (["--unattached"] if args.unattached else [])
    if uses and not args.captured:
        raise UsageError(f"{', '.join(uses)} filter captured files.", hint="Add --captured.")
    return CaptureFilter(folder=args.folder, path=args.path, kind=args.kind,
                         after=parse_date(args.after) if args.after else None,
                         before=parse_date(args.before) if args.before else None,
                         unattached=args.unattached, limit=getattr(args, "limit", None) or 1_000_000)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.media_cmd
    writer = cmd in ("add", "thumbs") or (cmd == "expiring" and media_expiring.writes(args))
    with ctx.open(writer=writer, purpose=f"media {cmd}") as vault:
        return {"ls": _ls, "cat": _cat, "export": _export, "missing": _missing, "add": _add,
                "thumbs": _thumbs, "expiring": media_expiring.run}[cmd](args, ctx, vault)


def _chat_id(conn, ref: str | None) -> int | None:
    """The conversation `--chat` names (the read layer's one rule), or None without `--chat`."""
    return None if ref is None else int(queries.find_chat(conn, ref)["id"])


def _iso(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ls_captured(args, ctx: CliContext, vault) -> int:
    if args.chat:
        raise UsageError("--chat and --captured cannot be combined.",
                         hint="Captured files belong to folders; a chat's files are listed without --captured.")
    conn = vault.connect(readonly=True)
    try:
        files = list_captured(conn, _capture_filter(args))
    finally:
        conn.close()
    items = [f.to_json() for f in files]
    lines = [f"{i['ref']:>7}  {_iso(i['captured_at'])}  {human_bytes(i['size'] or 0):>10}  {i['mime'] or '?':<16} "
             f"{i['path']}" + (f"  [attachment {', '.join(map(str, i['attachment_ids']))}]" if i["attachment_ids"]
                               else "") for i in items]
    ctx.out({"captured": items}, "\n".join(lines) if lines else "No captured files match.")
    return 0


def _ls(args, ctx: CliContext, vault) -> int:
    if args.captured:
        return _ls_captured(args, ctx, vault)
    _capture_filter(args)            # refuses capture filters without --captured
    conn = vault.connect(readonly=True)
    try:
        captured = count_captured(conn)
        chat = _chat_id(conn, args.chat)
        rows = queries.stored_media(conn, chat, args.kind, args.limit)
    finally:
        conn.close()
    items = [{"attachment_id": r["attachment_id"], "message_id": r["message_id"],
              "conversation_id": r["conversation_id"], "conversation": r["conversation"], "date": _iso(r["ts"]),
              "name": r["name"], "mime": r["mime"], "size": r["size"], "width": r["width"], "height": r["height"],
              "duration_ms": r["duration_ms"], "blob_id": r["blob_id"], "has_thumbnail": r["thumb_blob_id"] is not None,
              "quality": r["quality"]}
             for r in rows]
    lines = [f"{i['attachment_id']:>7}  {i['date']}  {human_bytes(i['size'] or 0):>10}  {i['mime'] or '?':<16} "
             f"{i['name'] or '(no name)'}  [{i['conversation']}]" for i in items]
    if captured and chat is None:
        lines.append(f"{captured:,} captured file(s) from watch folders or `media add`: "
                     "`chatvault media ls --captured` lists them, attached to a message or not.")
    ctx.out({"media": items, "captured_count": captured}, "\n".join(lines) if lines else "No stored media.")
    return 0


def _blob_for(conn, store: BlobStore, ref: str) -> tuple[str, str | None]:
    """(blob id, original name) of an attachment id, a blob id, or a captured file (cN, original path)."""
    captured = find_captured(conn, ref)
    if captured is not None:
        return captured.blob_id, captured.name
    if ref.isdigit():
        att = queries.attachment(conn, int(ref))
        if att is None:
            raise UsageError(f"There is no attachment {ref}.", hint="`chatvault media ls` lists them.")
        if att["blob_id"] is None:
            raise InputError(f"Attachment {ref} ({att['original_name'] or 'no name'}) is {att['status']}: its file "
                             "is not in the vault.", hint="`chatvault media missing` lists where it could still be found.")
        return att["blob_id"], att["original_name"]
    ref = ref.lower()
    store.path_for(ref)  # validates the form
    name = queries.name_of_blob(conn, ref)
    if not store.exists(ref):
        raise UsageError(f"There is no blob {ref}.")
    return ref, name


def _cat(args, ctx: CliContext, vault) -> int:
    store = BlobStore(vault)
    conn = vault.connect(readonly=True)
    try:
        blob_id, _name = _blob_for(conn, store, args.ref)
    finally:
        conn.close()
    out = sys.stdout.buffer
    store.copy_to(blob_id, out)  # verifies every chunk before the first byte is written
    out.flush()
    return 0


def _safe_name(name: str | None, blob_id: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch >= " " and ch not in '<>:"|?*').strip(". ")
    return base[:200] or blob_id[:16]


def _export(args, ctx: CliContext, vault) -> int:
    store = BlobStore(vault)
    dest = Path(args.to).expanduser()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, f"creating {dest}") from exc
    conn = vault.connect(readonly=True)
    try:
        pairs = [_blob_for(conn, store, r) for r in args.refs]
        flt = _capture_filter(args)
        if args.captured:
            pairs += [(f.blob_id, f.name) for f in list_captured(conn, flt)]
        chat = _chat_id(conn, args.chat)
        if chat is not None:
            pairs += [(r["blob_id"], r["name"]) for r in queries.stored_media(conn, chat, limit=-1)]
    finally:
        conn.close()
    if not pairs:
        raise UsageError("Nothing to export.", hint="Give attachment ids, --chat, or --captured (with filters that "
                                                    "match something: `media ls --captured`).")
    with cancellable(ctx) as jobs, jobs.stage("export", unit="files") as job:
        written, failed, stopped = _write_files(store, dest, pairs, job)
    lines = [f"wrote {w['path']}" for w in written] + [f"FAILED {f['blob_id']}: {f['error']}" for f in failed]
    lines.append(f"{len(written)} file(s) written to {dest} (not encrypted).")
    if stopped:
        lines.append(f"Stopped by Ctrl-C: {len(pairs) - len(written) - len(failed)} file(s) not written (no "
                     "partial file is left). Run the same export again to a new folder for all of them.")
        ctx.out({"written": written, "failed": failed, "cancelled": True}, "\n".join(lines))
        return EXIT_CANCELLED
    ctx.out({"written": written, "failed": failed}, "\n".join(lines))
    return 0 if not failed else 1


class _Counted:
    """A binary file that honours Ctrl-C and counts bytes between the chunks written to it."""

    def __init__(self, fh: BinaryIO, job: JobContext) -> None:
        self.fh, self.job = fh, job

    def write(self, data: bytes) -> int:
        self.job.check()
        n = self.fh.write(data)
        self.job.advance(bytes_=len(data))
        return n


def _write_files(store: BlobStore, dest: Path, pairs: list[tuple[str, str | None]],
                 job: JobContext) -> tuple[list[dict], list[dict], bool]:
    """Write each blob's plaintext under a free name; a file cut short by Ctrl-C is removed."""
    written: list[dict] = []
    failed: list[dict] = []
    job.set_total(items=len(pairs))
    for blob_id, name in pairs:
        if job.cancelled:
            return written, failed, True
        faults.hit("media.export_file")
        target = _free_name(dest, _safe_name(name, blob_id))
        try:
            store.verify(blob_id)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    store.copy_to(blob_id, _Counted(fh, job))
            except Cancelled:
                target.unlink(missing_ok=True)
                return written, failed, True
            written.append({"blob_id": blob_id, "path": str(target)})
        except OSError as exc:
            raise storage_error(exc, f"writing {target}") from exc
        except ChatVaultError as exc:  # a damaged or missing blob: nothing of it was written
            failed.append({"blob_id": blob_id, "error": exc.message})
        job.advance(items=1)
    return written, failed, False


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


def _missing(args, ctx: CliContext, vault) -> int:
    conn = vault.connect(readonly=True)
    try:
        chat = _chat_id(conn, args.chat)
        rows = missing_media(conn, chat, args.limit)
    finally:
        conn.close()
    items = [r.to_json() for r in rows]
    lines = [f"{i['attachment_id']:>7}  {i['status']:<8} {i['date']}  {i['conversation']} / {i['sender'] or '-'}: "
             f"{i['name'] or i['kind']}" + (f"  (was at {i['expected_path']})" if i["expected_path"] else "")
             for i in items]
    for app in sorted({r.app for r in rows}):
        lines.append(f"{app}: look in {rows[[r.app for r in rows].index(app)].where_to_look}.")
    if items:
        lines.append(f"{len(items)} missing or expired file(s). Import the file again, run `chatvault media add "
                     f"FILE`, or watch the folder where it may appear; the attachment is filled in place.")
    ctx.out({"missing": items}, "\n".join(lines) if lines else "No missing media.")
    return 0


def _add(args, ctx: CliContext, vault) -> int:
    """Capture files by hand: same safety as a watch folder (no links, no FIFOs, not half-written)."""
    store = BlobStore(vault)
    conn = vault.connect()
    results = []
    try:
        for f in args.files:
            path = Path(f).expanduser().absolute()
            if not path.is_file() or path.is_symlink():
                raise InputError(f"{path} is not a regular file.", hint="Give the media files to capture.")
            result = capture_file(store, path.parent, path)
            if result.stored is None:
                raise InputError(f"{path} was not captured: {result.reason}.", hint="Try again once it is complete.")
            conn.execute("BEGIN IMMEDIATE")
            try:
                filled = record_capture(conn, result, watch_id=None, rel_path=str(path), store=store)
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise
            results.append({"path": str(path), "blob_id": result.stored.id, "created": result.stored.created,
                            "mime": result.info.mime if result.info else None, "filled_attachments": filled,
                            "wechat_dat_decoded": result.decoded_dat})
    finally:
        conn.close()
    lines = [f"{r['path']}: {'stored' if r['created'] else 'already in the vault'}"
             + (f", filled attachment(s) {', '.join(map(str, r['filled_attachments']))}"
                if r["filled_attachments"] else "") for r in results]
    ctx.out({"added": results}, "\n".join(lines))
    return 0


def _thumbs(args, ctx: CliContext, vault) -> int:
    with cancellable(ctx) as jobs:
        try:
            with jobs.stage("thumbnails", unit="images") as job:
                report = generate_thumbnails(vault, job)
        except Cancelled:
            raise CommandCancelled(
                f"Thumbnails stopped by Ctrl-C after {job.snapshot().items_done:,} image(s); those made are kept.",
                hint="Run `chatvault media thumbs` again to make the rest.") from None
    ctx.out({"made": report.made, "failed": report.failed, "failures": report.failures},
            f"{report.made} thumbnail(s) made, {report.failed} image(s) could not be previewed.")
    return 0
