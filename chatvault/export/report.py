"""What an export wrote: files, counts and hashes, printed by the CLI (`--json`) and shown by the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ExportReport:
    format: str                                   # html, pdf, json, csv, production
    out: Path                                     # the folder or file written
    conversations: int = 0
    messages: int = 0
    attachments: int = 0                          # media files written (or embedded)
    bytes_written: int = 0
    files: list[Path] = field(default_factory=list)
    sha256: str | None = None                     # of the exported content, where the format states one
    warnings: list[str] = field(default_factory=list)   # e.g. "3 attachments were missing in the vault"
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format, "out": str(self.out), "conversations": self.conversations,
            "messages": self.messages, "attachments": self.attachments,
            "bytes_written": self.bytes_written, "files": len(self.files), "sha256": self.sha256,
            "warnings": self.warnings, "cancelled": self.cancelled,
        }
