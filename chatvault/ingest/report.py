"""What an import run did: the counts, the notes, the outcome (`ImportReport`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_LISTED = 1000           # unparsed locations / warnings kept in the report


@dataclass
class ImportReport:
    run_id: int | None
    format: str
    path: str
    outcome: str = "running"
    added: int = 0
    already_present: int = 0
    edited: int = 0
    recalled: int = 0                   # stored messages marked recalled (the notice seen after them)
    missing_at_source: int = 0
    restored: int = 0
    conversations_missing: int = 0      # whole chats a complete snapshot no longer has (deleted / cleared)
    attachments_stored: int = 0
    attachments_missing: int = 0
    attachments_filled: int = 0
    attachments_upgraded: int = 0       # thumbnails/HD pictures replaced in place by a better level
    wxgf_converted: int = 0             # Weixin 4 wxgf pictures converted (the wxgf kept beside them)
    wxgf_unconverted: int = 0           # wxgf pictures that did not convert: stored as they are
    removed_by_compliance: int = 0      # messages a retention policy or an erasure removed: not brought back
    redated: int = 0                    # stored messages moved to the dates this export's date order gives
    merged: int = 0                     # messages found stored from another WhatsApp source (ingest/chatmatch.py)
    details_updated: int = 0            # stored messages whose reactions/votes the source changed (ingest/details.py)
    unparsed: int = 0
    articles_linked: int = 0            # links from messages to articles this run added (docs/articles.md)
    articles_from_cache: int = 0        # article snapshots taken from WeChat's browser cache
    unparsed_lines: list[str] = field(default_factory=list)
    conversations: int = 0
    messages_seen: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    resumed_from: int | None = None
    identical_to: int | None = None     # an earlier run of the byte-identical file: nothing was re-read
    file_hash: str | None = None
    seconds: float = 0.0
    detection: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        keys = ("added", "already_present", "edited", "recalled", "missing_at_source", "restored", "conversations_missing",
                "attachments_stored",
                "attachments_missing", "attachments_filled", "attachments_upgraded", "wxgf_converted", "wxgf_unconverted",
                "redated", "merged", "details_updated", "removed_by_compliance", "unparsed", "conversations", "messages_seen")
        return {k: getattr(self, k) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def warn(self, message: str) -> None:
        """Add a warning, up to MAX_LISTED of them."""
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(message)

    def damaged(self) -> bool:
        """Parts of the export could not be read (unparsed records, an incomplete file)."""
        return bool(self.unparsed) or any(" is incomplete" in w for w in self.warnings)
