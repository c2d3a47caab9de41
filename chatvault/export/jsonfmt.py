"""JSON export: one JSON Lines file, `chatvault-export.jsonl`, schema `chatvault-export` 1.0.

Why JSON Lines and not one JSON document: every line is a complete JSON object, so the file is
written and read one record at a time in any language without a streaming JSON parser (`jq -c`,
pandas `read_json(lines=True)`, DuckDB `read_json_auto`, a `for line in f` loop) and a
million-message export never sits in memory on either side; a cut-off file is recognisable (the
`end` record is missing) instead of being a syntax error somewhere in the middle.

Records, in this order (docs/export-json.md; JSON Schema docs/export-json.schema.json):
`header` (schema version, tool version, vault id, selection, export time, planned counts),
`import_run`* (the provenance messages point to), then per conversation one `conversation` record
followed by its `message` records oldest first, and last `end` (written counts, and the SHA-256 of
every byte before the `end` line, so a reader can prove the file is whole and unaltered).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chatvault import __version__, clock
from chatvault.errors import Cancelled
from chatvault.export.describe import describe, recall_of, states
from chatvault.export.report import ExportReport
from chatvault.export.selection import ChatPlan, ExportMessage, Selection, import_runs, plan
from chatvault.export.stream import Media, OutputFile, finished, iso_ms, make_dir, undo, walk
from chatvault.export.words import normalize_lang
from chatvault.jobs import JobContext

SCHEMA = "chatvault-export"
SCHEMA_VERSION = "1.0"
FILE_NAME = "chatvault-export.jsonl"
_ATT_KEYS = ("id", "ordinal", "status", "mime", "size", "original_name", "expected_path", "width", "height",
             "duration_ms", "blob_id", "thumb_blob_id")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _dumps(obj: Any) -> str:
    return _ENCODER.encode(obj) + "\n"


def header(vault: Any, selection: Selection, chats: list[ChatPlan], *, media: bool, lang: str) -> dict[str, Any]:
    now = int(clock.Clock().now() * 1000)
    return {
        "type": "header", "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "tool": "chatvault",
        "tool_version": __version__, "vault_id": vault.vault_id, "exported_at": iso_ms(now), "exported_at_ms": now,
        "selection": selection.describe(), "language": lang, "media": media,
        "counts": {"conversations": len(chats), "messages": sum(c.messages for c in chats)},
    }


def conversation_record(chat: ChatPlan) -> dict[str, Any]:
    return {"type": "conversation", "id": chat.conversation_id, "title": chat.title, "kind": chat.kind,
            "app": chat.app, "account": chat.account, "source_key": chat.source_key, "messages": chat.messages,
            "first_time": iso_ms(chat.first_ts), "last_time": iso_ms(chat.last_ts)}


def message_record(m: ExportMessage, lang: str, files: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Every field of the message; `files[i]` is how attachment i sits in the export (None without media)."""
    atts = []
    for att, f in zip(m.attachments, files, strict=True):
        a = {k: att.get(k) for k in _ATT_KEYS}
        a["extra"] = att.get("extra") or {}
        a["export"] = f
        atts.append(a)
    recalled = recall_of(m)
    return {
        "type": "message", "id": m.id, "conversation_id": m.conversation_id, "source_key": m.source_key,
        "ts": m.ts, "time": m.time_iso, "time_utc": iso_ms(m.ts), "tz_offset": m.tz_offset, "kind": m.kind,
        "text": m.text, "described": describe(m, lang), "status": m.status, "states": states(m),
        "sender": m.sender, "sender_key": m.sender_key, "from_me": m.from_me,
        "reply_to_id": m.reply_to_id, "reply_to_key": m.reply_to_key, "forwarded_from": m.forwarded_from,
        "edited": m.is_edited, "edited_at": m.edited_at, "edited_time": iso_ms(m.edited_at),
        "recalled": None if recalled is None else {"at": recalled.get("at"), "time": iso_ms(recalled.get("at"))
                                                   if isinstance(recalled.get("at"), int) else None,
                                                   "by_me": recalled.get("by_me"), "notice": recalled.get("notice")},
        "extra": m.extra, "attachments": atts,
        "provenance": {"first_run_id": m.first_run_id, "last_seen_run_id": m.last_seen_run_id,
                       "missing_run_id": m.missing_run_id, "location": m.location},
    }


def export_json(vault: Any, selection: Selection, out_dir: Path, job: JobContext, *, media: bool = False,
                lang: str = "en", overwrite: bool = False, batch: int = 2_000, **_options: Any) -> ExportReport:
    """Write the selection as `out_dir/chatvault-export.jsonl` (and its media under `out_dir/media/`).

    Cancel (`job.cancel()`) returns a report with `cancelled=True` and leaves no export file behind."""
    lang = normalize_lang(lang)
    out_dir = Path(out_dir)
    created = make_dir(out_dir)
    report = ExportReport("json", out_dir / FILE_NAME)
    conn = vault.connect(readonly=True)
    out: OutputFile | None = None
    files = None
    try:
        chats = plan(conn, selection)
        out = OutputFile(out_dir, FILE_NAME, overwrite=overwrite)
        files = Media(vault, conn, out_dir, media)
        out.write(_dumps(header(vault, selection, chats, media=media, lang=lang)))
        for run in import_runs(conn).values():
            out.write(_dumps({"type": "import_run", **run, "started_time": iso_ms(run["started_at"]),
                              "finished_time": iso_ms(run["finished_at"])}))
        for chat, msgs in walk(conn, selection, job, chats, batch):
            if not msgs:
                out.write(_dumps(conversation_record(chat)))
                report.conversations += 1
                continue
            lines = []
            for m in msgs:
                placed = [files.add(a) for a in m.attachments] if m.attachments else []
                report.attachments += len(m.attachments)
                lines.append(_dumps(message_record(m, lang, placed)))
            out.write("".join(lines))
            report.messages += len(msgs)
        digest = out.digest()
        out.write(_dumps({"type": "end", "complete": True, "sha256": digest, "counts": {
            "conversations": report.conversations, "messages": report.messages, "attachments": report.attachments,
            "media_files": files.files}}))
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

