"""What the streaming data exports (JSON Lines, CSV) share: the output file written under a temporary
name and renamed into place only when complete, the media written beside it (and removed again if
the export stops), and the walk over the selection with progress and cancel.

An export that is cancelled or fails leaves nothing behind that looks like a finished export: the
`.part` file is deleted, the media files this run wrote are removed, and a folder it created and
left empty goes too.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from chatvault import faults
from chatvault.errors import UsageError
from chatvault.export.selection import ChatPlan, ExportMessage, Selection, messages, plan
from chatvault.fsutil import storage_error
from chatvault.jobs import JobContext

FLUSH_BYTES = 1 << 20


class OutputFile:
    """`out_dir/name`, written as `out_dir/.name.<random>.part`, hashed as it goes, renamed on `commit()`."""

    def __init__(self, out_dir: Path, name: str, *, overwrite: bool = False, encoding: str = "utf-8",
                 newline: str | None = "\n") -> None:
        self.path = Path(out_dir) / name
        if self.path.exists() and not overwrite:
            raise UsageError(f"{self.path} already exists: an earlier export is in this folder.",
                             hint="Choose another folder, or pass --force to replace it.")
        self.tmp = self.path.with_name(f".{name}.{secrets.token_hex(4)}.part")
        self.sha = hashlib.sha256()
        self.bytes = 0
        self._pending: list[str] = []
        self._pending_len = 0
        self._encoding = encoding
        try:
            self._f: IO[bytes] = open(self.tmp, "xb")
        except OSError as exc:
            raise storage_error(exc, f"creating {self.tmp}") from exc
        self._newline = newline

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._pending_len += len(text)
        if self._pending_len >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        data = "".join(self._pending).encode(self._encoding)
        self._pending.clear()
        self._pending_len = 0
        try:
            self._f.write(data)
        except OSError as exc:
            raise storage_error(exc, f"writing {self.path}") from exc
        self.sha.update(data)
        self.bytes += len(data)

    def digest(self) -> str:
        """SHA-256 of everything written so far (flushes first)."""
        self.flush()
        return self.sha.hexdigest()

    def commit(self) -> None:
        self.flush()
        try:
            self._f.flush()
            os.fsync(self._f.fileno())
            self._f.close()
            os.replace(self.tmp, self.path)
        except OSError as exc:
            raise storage_error(exc, f"finishing {self.path}") from exc

    def abort(self) -> None:
        try:
            self._f.close()
        except OSError:
            pass
        self.tmp.unlink(missing_ok=True)


class Media:
    """The attachments of one export written under `out_dir/media/` (when asked for), remembering what
    it wrote so a stopped export can take it away again."""

    def __init__(self, vault: Any, conn: Any, out_dir: Path, enabled: bool) -> None:
        self.enabled = enabled
        self.paths: set[str] = set()
        self.out_dir = Path(out_dir)
        self.writer = None
        if enabled:
            from chatvault.export.media import MediaWriter
            from chatvault.media.blobstore import BlobStore

            self.writer = MediaWriter(self.out_dir, BlobStore(vault), conn)

    def add(self, att: dict[str, Any]) -> dict[str, Any] | None:
        """{"state", "path", "thumb", "sha256"} of the attachment as the export holds it, or None
        without media."""
        if self.writer is None:
            return None
        f = self.writer.add(att)
        for p in (f.path, f.thumb):
            if p:
                self.paths.add(p)
        return {"state": f.state, "path": f.path, "thumb": f.thumb, "sha256": f.sha256}

    @property
    def files(self) -> int:
        return self.writer.written if self.writer else 0

    @property
    def bytes(self) -> int:
        return self.writer.bytes_written if self.writer else 0

    def warnings(self) -> list[str]:
        return self.writer.warnings() if self.writer else []

    def remove(self) -> None:
        """Take away every file this export wrote (cancel or failure)."""
        for rel in self.paths:
            (self.out_dir / rel).unlink(missing_ok=True)
        for sub in ("media/thumbs", "media"):
            try:
                (self.out_dir / sub).rmdir()
            except OSError:
                pass


def make_dir(out_dir: Path) -> bool:
    """Create the export folder; True when this call created it (so a stopped export removes it)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder.", hint="Give the folder to write the export into.")
    existed = out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, f"creating {out}") from exc
    return not existed


def remove_if_empty(out_dir: Path) -> None:
    try:
        Path(out_dir).rmdir()
    except OSError:
        pass


def undo(out: OutputFile | None, files: Media | None, out_dir: Path, created: bool) -> None:
    """Take away what a stopped export wrote: its part file, its media, the folder it created."""
    if out is not None:
        out.abort()
    if files is not None:
        files.remove()
    if created:
        remove_if_empty(out_dir)


def finished(report: Any, out: OutputFile, files: Media, out_dir: Path) -> Any:
    """Fill a completed single-file export's report: its files, bytes, content hash and warnings."""
    report.files = [report.out, *(out_dir / p for p in sorted(files.paths))]
    report.bytes_written = out.bytes + files.bytes
    report.sha256 = out.sha.hexdigest()
    report.warnings = files.warnings()
    return report


def walk(conn: Any, selection: Selection, job: JobContext, chats: list[ChatPlan] | None = None,
         batch: int = 2_000) -> Iterator[tuple[ChatPlan, list[ExportMessage]]]:
    """(chat, batch of its messages) over the whole selection, checking for cancel and advancing
    the job by each batch; a chat is yielded once with an empty batch before its first."""
    chats = plan(conn, selection) if chats is None else chats
    job.set_total(sum(c.messages for c in chats))
    for chat in chats:
        job.check()
        job.status(chat.title or chat.source_key)
        yield chat, []
        for b in messages(conn, selection, chat.conversation_id, batch):
            faults.hit("export.batch")
            job.check()
            yield chat, b
            job.advance(len(b))


def iso_ms(ms: int | None) -> str | None:
    """UTC ISO time of a ms timestamp, "Z"-suffixed."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
