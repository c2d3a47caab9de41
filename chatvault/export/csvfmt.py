"""CSV export: one row per message in `chatvault-export.csv` (columns in docs/export.md, "CSV").

UTF-8 (with a byte-order mark when asked: Excel on Windows reads UTF-8 without one as the local code
page), RFC 4180 quoting, CRLF row ends. A cell that a spreadsheet would take for a formula — one
starting with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'` (OWASP's CSV
injection advice), so opening the file never runs what a chat partner typed. Numbers and times we
write ourselves are never neutralised (a negative offset is not a formula); the text, names, file
names and described text always are. Streamed: rows go out a batch at a time.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from chatvault.errors import Cancelled
from chatvault.export.describe import describe, states
from chatvault.export.report import ExportReport
from chatvault.export.selection import ChatPlan, ExportMessage, Selection, plan
from chatvault.export.stream import Media, OutputFile, finished, iso_ms, make_dir, undo, walk
from chatvault.export.words import normalize_lang
from chatvault.jobs import JobContext

FILE_NAME = "chatvault-export.csv"
COLUMNS = ("message_id", "conversation_id", "conversation", "app", "time", "time_utc", "sender", "sender_key",
           "from_me", "kind", "text", "described", "status", "edited", "edited_at", "recalled", "reply_to_id",
           "forwarded_from", "attachments", "attachment_paths", "source_message_id", "import_run", "source_location")
_FORMULA = frozenset("=+-@\t\r")


def safe_cell(value: str | None) -> str:
    """A text cell a spreadsheet shows as text: `'` before a leading = + - @ tab or CR."""
    if not value:
        return ""
    return "'" + value if value[0] in _FORMULA else value


def row(m: ExportMessage, chat: ChatPlan, lang: str, files: list[dict[str, Any] | None]) -> list[Any]:
    s = states(m)
    names = "; ".join(a.get("original_name") or "" for a in m.attachments if a.get("original_name"))
    paths = "; ".join(f["path"] for f in files if f and f.get("path"))
    return [
        m.id, m.conversation_id, safe_cell(chat.title or chat.source_key), chat.app, m.time_iso, iso_ms(m.ts),
        safe_cell(m.sender), safe_cell(m.sender_key), "true" if m.from_me else "false", m.kind, safe_cell(m.text),
        safe_cell(describe(m, lang)), "deleted_at_source" if m.status == "missing-at-source" else "present",
        "true" if m.is_edited else "false", iso_ms(m.edited_at) or "", "true" if "recalled" in s else "false",
        m.reply_to_id if m.reply_to_id is not None else "", safe_cell(m.forwarded_from), safe_cell(names),
        safe_cell(paths), safe_cell(m.source_key), m.first_run_id if m.first_run_id is not None else "",
        safe_cell(m.location),
    ]


def export_csv(vault: Any, selection: Selection, out_dir: Path, job: JobContext, *, bom: bool = False,
               media: bool = False, lang: str = "en", overwrite: bool = False, batch: int = 2_000,
               **_options: Any) -> ExportReport:
    """Write the selection as `out_dir/chatvault-export.csv` (media under `out_dir/media/` when asked).

    Cancel returns a report with `cancelled=True` and leaves no CSV file behind."""
    lang = normalize_lang(lang)
    out_dir = Path(out_dir)
    created = make_dir(out_dir)
    report = ExportReport("csv", out_dir / FILE_NAME)
    conn = vault.connect(readonly=True)
    out: OutputFile | None = None
    files = None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    try:
        chats = plan(conn, selection)
        out = OutputFile(out_dir, FILE_NAME, overwrite=overwrite)
        files = Media(vault, conn, out_dir, media)
        if bom:
            out.write("\ufeff")
        writer.writerow(COLUMNS)
        for chat, msgs in walk(conn, selection, job, chats, batch):
            if not msgs:
                report.conversations += 1
                continue
            for m in msgs:
                placed = [files.add(a) for a in m.attachments]
                report.attachments += len(m.attachments)
                writer.writerow(row(m, chat, lang, placed))
            out.write(buf.getvalue())
            buf.seek(0)
            buf.truncate()
            report.messages += len(msgs)
        out.write(buf.getvalue())
        out.commit()
    except Cancelled:
        undo(out, files, out_dir, created)
        report.cancelled = True
        return report
    except BaseException:
        undo(out, files, out_dir, created)
        raise
    finally:
        conn.close()
    return finished(report, out, files, out_dir)

