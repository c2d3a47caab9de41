"""The SHA-256 a PDF's cover states: what is hashed, exactly, so a reviewer can recompute it.

The hashed content is the export's messages as *canonical JSON lines*, in the order the PDF prints
them (conversations in the selection plan's order, each conversation's messages by time then id).
One line per message: `json.dumps(record, sort_keys=True, ensure_ascii=False,
separators=(",", ":"))` + "\\n", encoded as UTF-8, where `record` is `canonical_record()` below —
the message's identity, time, sender, text, kind, state (status, edits, recall details in `extra`)
and its attachments with the SHA-256 and size of their plaintext (null when the file is not in the
vault or failed verification). `docs/export.md` states the same definition.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from chatvault.export.selection import ExportMessage
from chatvault.media.blobformat import BlobCorrupt, BlobMissing
from chatvault.media.blobstore import BlobStore

CONTENT_VERSION = "chatvault-content-lines/1"
READ = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    """What the vault holds for one attachment: its plaintext SHA-256 and size, or why not."""

    sha256: str | None
    size: int | None
    problem: str | None          # None when read and verified, else missing | expired | damaged


class AttachmentFacts:
    """Verified SHA-256 of attachment blobs, each blob read once per export (streamed, any size)."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self._cache: dict[str, FileFacts] = {}

    def of(self, att: dict[str, Any]) -> FileFacts:
        blob_id = att.get("blob_id")
        if att.get("status") != "stored" or not blob_id:
            return FileFacts(None, att.get("size"), "expired" if att.get("status") == "expired" else "missing")
        facts = self._cache.get(blob_id)
        if facts is None:
            facts = self._cache[blob_id] = self._read(blob_id, att.get("size"))
        return facts

    def _read(self, blob_id: str, size: int | None) -> FileFacts:
        sha, keyed, n = hashlib.sha256(), self.store.hasher(), 0
        try:
            with self.store.open(blob_id) as reader:
                while chunk := reader.read(READ):
                    sha.update(chunk)
                    keyed.update(chunk)
                    n += len(chunk)
        except BlobMissing:
            return FileFacts(None, size, "missing")
        except BlobCorrupt:
            return FileFacts(None, size, "damaged")
        if keyed.hexdigest() != blob_id:
            return FileFacts(None, size, "damaged")
        return FileFacts(sha.hexdigest(), n, None)


def canonical_record(m: ExportMessage, files: list[FileFacts]) -> dict[str, Any]:
    return {
        "id": m.id, "conversation_id": m.conversation_id, "source_key": m.source_key, "ts": m.ts,
        "tz_offset": m.tz_offset, "sender": m.sender, "sender_key": m.sender_key, "from_me": m.from_me,
        "kind": m.kind, "text": m.text, "status": m.status, "reply_to_key": m.reply_to_key,
        "forwarded_from": m.forwarded_from, "is_edited": m.is_edited, "edited_at": m.edited_at,
        "extra": m.extra,
        "attachments": [
            {"ordinal": a.get("ordinal"), "name": a.get("original_name"), "mime": a.get("mime"),
             "status": a.get("status"), "size": f.size, "sha256": f.sha256}
            for a, f in zip(m.attachments, files, strict=True)],
    }


def canonical_text(m: ExportMessage, files: list[FileFacts]) -> str:
    record = canonical_record(m, files)
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def canonical_line(m: ExportMessage, files: list[FileFacts]) -> bytes:
    return canonical_text(m, files).encode()
