"""`export_pdf`: a chat or a selection as an evidence PDF, in bounded memory.

Two passes over the selection. The first reads every message and attachment (streamed, nothing
kept but counters and the blob hash cache), computes the content hash the cover states and cuts the
export into volumes by a memory budget. The second prints: fpdf2 holds a document in memory until
it writes it, so no volume may grow without bound — a volume closes when it reaches
`volume_budget` units (printed lines, `PICTURE_UNITS` per inline picture: `units()`), is
written, and is freed before the next begins. Every volume has its own cover with the whole export's hash and
the table of all volumes with their own content hashes; `NAME.sha256` beside them lists the SHA-256
of every PDF file (`sha256sum -c` checks it).
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import sys
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatvault import __version__, clock
from chatvault.errors import InputError, UsageError
from chatvault.export.pdf.content import AttachmentFacts, FileFacts, canonical_text
from chatvault.export.pdf.cover import CoverFacts, PartFacts, draw_cover
from chatvault.export.pdf.document import EvidencePDF
from chatvault.export.pdf.fonts import find_fonts
from chatvault.export.pdf.images import PictureSource, printable
from chatvault.export.pdf.labels import labels
from chatvault.export.pdf.render import MessagePrinter, stamp
from chatvault.export.report import ExportReport
from chatvault.export.selection import ChatPlan, ExportMessage, Selection, messages, plan
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import ThumbWorker

# A volume's memory grows with what it prints until it is written: ~1.2 KB per printed line and
# ~150 KB per inline picture (its bytes, then their copy in the file buffer). Units are printed
# lines; 90,000 of them (~1,800 pages of text, or ~700 pictures) peak at ~250 MiB
# (bench/export_pdf_bench.py), under the 300 MiB the export must stay within.
VOLUME_BUDGET = 90_000
PICTURE_UNITS = 125
LINE_CHARS = 80


def units(m: ExportMessage) -> int:
    """The memory a message costs its volume, in printed lines (an estimate made before printing)."""
    text = m.text or ""
    pictures = sum(1 for a in m.attachments if printable(a))
    return (2 + len(text) // LINE_CHARS + text.count("\n") + len(m.attachments)
            + (m.reply_to_id is not None) + PICTURE_UNITS * pictures)


def _zone(tz: str | tzinfo | None) -> tzinfo | None:
    if tz is None or isinstance(tz, tzinfo):
        return tz
    if tz.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"{tz!r} is not a time zone name.",
                         hint="Use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.") from exc


def _stream(conn: Any, sel: Selection, chats: list[ChatPlan]) -> Iterator[tuple[ChatPlan, ExportMessage]]:
    for chat in chats:
        for batch in messages(conn, sel, chat.conversation_id):
            for m in batch:
                yield chat, m


def _ahead(stream: Iterator[tuple[ChatPlan, ExportMessage]],
           source: PictureSource | None) -> Iterator[tuple[ChatPlan, ExportMessage]]:
    """The stream, with the pictures of the next AHEAD messages already being decoded."""
    if source is None:
        yield from stream
        return
    window: deque[tuple[ChatPlan, ExportMessage]] = deque()
    for item in stream:
        for att in item[1].attachments:
            if printable(att):
                source.prefetch(att)
        window.append(item)
        if len(window) > source.AHEAD:
            yield window.popleft()
    yield from window


def part_paths(out: Path, n: int) -> list[Path]:
    """`out` itself for one volume; NAME.part01-of-03.pdf ... beside it for several."""
    if n == 1:
        return [out]
    return [out.with_name(f"{out.stem}.part{i:02d}-of-{n:02d}{out.suffix or '.pdf'}") for i in range(1, n + 1)]


def export_pdf(vault: Any, selection: Selection, out_path: str | os.PathLike[str], job: JobContext, *,
               custodian: str | None = None, tz: str | tzinfo | None = None, lang: str = "en",
               pictures: bool = True, overwrite: bool = False,
               volume_budget: int = VOLUME_BUDGET) -> ExportReport:
    """Write the selection as PDF volume(s) at `out_path` (and `out_path`.sha256). Raises MissingFont,
    InputError, UsageError (the file exists and not `overwrite`), Cancelled (nothing half-written
    is left behind)."""
    out = Path(out_path)
    if not out.parent.is_dir():
        raise InputError(f"The folder {out.parent} does not exist.", hint="Choose an existing folder.")
    zone, w = _zone(tz), labels(lang)
    conn = vault.connect()
    store = BlobStore(vault)
    chats = plan(conn, selection)
    total = sum(c.messages for c in chats)
    job.set_total(items=2 * total)
    job.status("Hashing the exported content")
    facts = AttachmentFacts(store)
    cover, parts, chars = _first_pass(conn, selection, chats, facts, job, volume_budget)
    paths = part_paths(out, len(parts))
    taken = [p for p in [*paths, out.with_name(out.name + ".sha256")] if p.exists()]
    if taken and not overwrite:
        raise UsageError(f"{taken[0]} already exists: an earlier export is there.",
                         hint="Choose another file name, or pass --force to replace it.")
    fonts = find_fonts("".join(chars) + "".join(w.values()) + (custodian or "") + str(vault.path)
                       + "".join(c.title or "" for c in chats) + selection.query)
    for part, path in zip(parts, paths, strict=True):
        part.file_name = path.name
    created = datetime.fromtimestamp(clock.now_ms() / 1000, UTC)
    cover.vault, cover.custodian = f"{vault.path} ({vault.vault_id})", custodian
    cover.chats = [f"{c.title or c.source_key} ({c.app}, {c.messages:,})" for c in chats]
    cover.date_range = (f"{stamp(chats[0].first_ts or 0, None, zone)} – "
                        f"{stamp(max(c.last_ts or 0 for c in chats), None, zone)}") if chats else "—"
    cover.time_zone = str(zone) if zone is not None else w["tz.source"]
    cover.exported_at, cover.selection = stamp(clock.now_ms(), 0, zone), selection.describe()
    cover.tool = f"ChatVault {__version__}"
    header = " · ".join(filter(None, [", ".join(c.title or c.source_key for c in chats[:3])
                                      + (f" (+{len(chats) - 3})" if len(chats) > 3 else ""),
                                      cover.date_range]))
    report = ExportReport("pdf", out, conversations=len(chats), messages=total, sha256=cover.sha256)
    report.attachments = cover.attachments
    written: list[Path] = []
    try:
        with ThumbWorker() as worker:
            source = PictureSource(store, worker) if pictures else None
            try:
                uncovered = _second_pass(conn, selection, chats, facts, source, job, cover, parts, paths,
                                         (fonts, header, created, w, lang, zone), written)
            finally:
                if source is not None:
                    source.close()
        written.append(_write_sums(out, paths))
    except BaseException:
        for path in written + [p.with_name(p.name + ".part") for p in paths]:
            path.unlink(missing_ok=True)
        raise
    report.files = written
    report.bytes_written = sum(p.stat().st_size for p in written)
    if uncovered:
        chars = " ".join(f"U+{ord(c):04X}" for c in sorted(uncovered)[:20])
        report.warnings.append(w["glyphs"].format(n=len(uncovered), chars=chars))
    if cover.missing:
        report.warnings.append(f"{cover.missing} attachment(s) were not in the vault; the PDF says so where each was.")
    return report


def _first_pass(conn: Any, sel: Selection, chats: list[ChatPlan], facts: AttachmentFacts,
                job: JobContext, budget: int) -> tuple[CoverFacts, list[PartFacts], set[str]]:
    """Counts, the content hash, the volumes' bounds and hashes, and every character printed."""
    whole, part_sha = hashlib.sha256(), hashlib.sha256()
    chars: set[str] = set()
    parts: list[PartFacts] = []
    n = attachments = missing = used = 0
    start = 1
    for _chat, m in _stream(conn, sel, chats):
        job.check()
        files = [facts.of(a) for a in m.attachments]
        text = canonical_text(m, files)
        chars.update(text)
        line = text.encode()
        whole.update(line)
        part_sha.update(line)
        n += 1
        attachments += len(files)
        missing += sum(1 for f in files if f.problem is not None)
        used += units(m)
        if used >= budget:
            parts.append(PartFacts(len(parts) + 1, start, n, part_sha.hexdigest()))
            part_sha, used, start = hashlib.sha256(), 0, n + 1
        job.advance(items=1)
    if n >= start or not parts:
        parts.append(PartFacts(len(parts) + 1, start, n, part_sha.hexdigest()))
    cover = CoverFacts("", None, [], "", "", "", n, attachments, missing, {}, whole.hexdigest(), "", parts)
    return cover, parts, chars


def _second_pass(conn: Any, sel: Selection, chats: list[ChatPlan], facts: AttachmentFacts,
                 source: PictureSource | None, job: JobContext, cover: CoverFacts, parts: list[PartFacts],
                 paths: list[Path], look: tuple, written: list[Path]) -> set[str]:
    fonts, header, created, w, lang, zone = look
    stream = _ahead(_stream(conn, sel, chats), source)
    n = 0
    uncovered: set[str] = set()
    for part, path in zip(parts, paths, strict=True):
        job.status(f"Writing part {part.index} of {len(parts)}" if len(parts) > 1 else "Writing the PDF")
        pdf = EvidencePDF(fonts, header + (f" · {w['part'].format(i=part.index, n=len(parts))}"
                                           if len(parts) > 1 else ""), w["page"], created)
        draw_cover(pdf, cover, part.index, w)
        printer = MessagePrinter(pdf, conn, w, lang, zone, source)
        last_chat = None
        while n < part.last:
            chat, m = next(stream)
            job.check()
            n += 1
            if chat is not last_chat:
                printer.chat_heading(chat)
                last_chat = chat
            files: list[FileFacts] = [facts.of(a) for a in m.attachments]
            printer.message(m, files)
            job.advance(items=1)
        tmp = path.with_name(path.name + ".part")
        pdf.output(str(tmp))
        uncovered |= pdf.uncovered
        del pdf, printer
        _release_memory()
        os.replace(tmp, path)
        written.append(path)
    return uncovered


def _release_memory() -> None:
    """Give a written volume's memory back to the system before the next volume is laid out (glibc
    keeps freed small blocks otherwise, and the next volume's peak would sit on top of them)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


def _write_sums(out: Path, paths: list[Path]) -> Path:
    """NAME.sha256 in `sha256sum` format: the SHA-256 of every PDF volume written."""
    lines = []
    for path in paths:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        lines.append(f"{h.hexdigest()}  {path.name}\n")
    sums = out.with_name(out.name + ".sha256")
    tmp = sums.with_name(sums.name + ".part")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, sums)
    return sums
