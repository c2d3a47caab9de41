"""What an import would bring (the GUI's import dialog), read without writing anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chatvault.errors import InputError
from chatvault.importers import registry
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.ingest import owner
from chatvault.ingest.keys import ts_ms
from chatvault.ingest.report import MAX_LISTED
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationKind, ConversationRec, ImportWarning, MessageRec, Unparsed


def choose(path: Path, format: str | None) -> tuple[Importer, Detection]:
    """The importer for `path`: the one named by `format`, else the best that recognises it."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.", hint="Check the path of the export.")
    if format:
        importer = registry.get(format)
        return importer, importer.detect(path)
    found = registry.detect(path)
    return found[0]


def preview(path: Path, format: str | None = None, options: ImportOptions | None = None,
            ctx: JobContext | None = None) -> dict[str, Any]:
    """What an import would bring, without writing anything: chats, messages, media, date range."""
    path = Path(path)
    importer, detection = choose(path, format)
    ctx = ctx or JobContext()
    options = options or ImportOptions()
    chats: dict[str, dict[str, Any]] = {}
    first = last = None
    messages = found = missing = unparsed = 0
    warnings: list[str] = []
    tally = owner.SenderTally()
    for rec in _records(importer, path, options, ctx):
        tally.record(rec)
        if isinstance(rec, ConversationRec):
            chat = chats.setdefault(rec.key, {"key": rec.key, "title": rec.title, "kind": str(rec.kind), "messages": 0})
            chat["title"] = rec.title or chat["title"]
            chat["kind"] = str(rec.kind) if rec.kind != ConversationKind.UNKNOWN else chat["kind"]
        elif isinstance(rec, MessageRec):
            messages += 1
            chat = chats.setdefault(rec.conversation_key, {"key": rec.conversation_key, "title": None,
                                                           "kind": "unknown", "messages": 0})
            chat["messages"] += 1
            ms = ts_ms(rec.ts)
            first = ms if first is None or ms < first else first
            last = ms if last is None or ms > last else last
            for a in rec.attachments:
                if a.open is not None:
                    found += 1
                else:
                    missing += 1
        elif isinstance(rec, Unparsed):
            unparsed += 1
        elif isinstance(rec, ImportWarning) and len(warnings) < MAX_LISTED:
            warnings.append(rec.message)
    return {
        "format": importer.name, "title": importer.title, "confidence": detection.confidence,
        "reason": detection.reason, "variant": detection.variant, "chats": list(chats.values()),
        "messages": messages, "media_found": found, "media_missing": missing, "unparsed": unparsed,
        "first_ts": first, "last_ts": last, "warnings": warnings,
        "senders": tally.senders(), "me": tally.me(),
    }


def _records(importer: Importer, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Any]:
    gen = importer.read(path, options, ctx)
    try:
        yield from gen
    finally:
        gen.close()
