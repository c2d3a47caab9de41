"""The store layer: typed reads the CLI, search and GUI share, plus settings and the audit log.

Writes of imported data belong to `chatvault.ingest`; this module holds what every part needs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatvault.store import audit as audit_trail
from chatvault.store import queries
from chatvault.store.db import Connection


@dataclass(frozen=True)
class VaultCounts:
    conversations: int
    messages: int
    attachments: int
    blobs: int
    bytes: int
    missing_at_source: int
    attachments_missing: int
    import_runs: int

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def folder_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


class Store:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- counts ------------------------------------------------------------------------
    def counts(self, vault_path: Path | None = None) -> VaultCounts:
        one = lambda sql: int(self.conn.execute(sql).fetchone()[0])  # noqa: E731
        return VaultCounts(
            conversations=one("SELECT count(*) FROM conversations"),
            messages=one("SELECT count(*) FROM messages"),
            attachments=one("SELECT count(*) FROM attachments"),
            blobs=one("SELECT count(*) FROM blobs"),
            bytes=folder_bytes(vault_path) if vault_path else 0,
            missing_at_source=one("SELECT count(*) FROM messages WHERE status = 'missing-at-source'"),
            attachments_missing=one("SELECT count(*) FROM attachments WHERE status != 'stored'"),
            import_runs=one("SELECT count(*) FROM import_runs"),
        )

    # --- settings ----------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    # --- audit -------------------------------------------------------------------------
    def audit(self, action: str, detail: dict[str, Any] | None = None, actor: str = "user") -> None:
        audit_trail.append(self.conn, action, detail, actor)

    def audit_entries(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [dict(r) | {"detail": json.loads(r["detail"] or "{}")} for r in rows]

    # --- conversations and messages: the read layer (`store.queries`) on this connection ---------
    def conversations(self) -> list[dict[str, Any]]:
        return queries.conversations(self.conn)

    def earlier_titles(self) -> dict[int, list[str]]:
        return queries.earlier_titles(self.conn)

    def find_conversation(self, ref: str) -> dict[str, Any] | None:
        return queries.find_conversation(self.conn, ref)

    def message_count(self, conversation_id: int) -> int:
        return queries.message_count(self.conn, conversation_id)

    def messages_page(
        self, conversation_id: int, *, before: tuple[int, int] | None = None, after: tuple[int, int] | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        return queries.messages_page(self.conn, conversation_id, before=before, after=after, limit=limit)

    def message(self, message_id: int) -> dict[str, Any] | None:
        return queries.message(self.conn, message_id)

    def import_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM import_runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) | {"counts": json.loads(r["counts"] or "{}")} for r in rows]
