"""The store layer: typed reads the CLI, search and GUI share, plus settings and the audit log.

Writes of imported data belong to `chatvault.ingest`; this module holds what every part needs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatvault import clock
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
        self.conn.execute(
            "INSERT INTO audit_log(at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (clock.now_ms(), actor, action, json.dumps(detail or {}, ensure_ascii=False)),
        )

    def audit_entries(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [dict(r) | {"detail": json.loads(r["detail"] or "{}")} for r in rows]

    # --- conversations and messages (viewer queries) ------------------------------------
    def conversations(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            """
            SELECT c.id, c.kind, c.title, c.source_key, s.app, s.account,
                   (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS messages,
                   (SELECT max(ts) FROM messages m WHERE m.conversation_id = c.id) AS last_ts
            FROM conversations c JOIN sources s ON s.id = c.source_id
            ORDER BY last_ts DESC NULLS LAST, c.id
            """
        ).fetchall()
        return [dict(r) for r in rows]

    def earlier_titles(self) -> dict[int, list[str]]:
        """Every title each conversation has had (renamed groups, changed remarks), by conversation id."""
        out: dict[int, list[str]] = {}
        for cid, title in self.conn.execute("SELECT conversation_id, title FROM conversation_titles"):
            out.setdefault(int(cid), []).append(title)
        return out

    def find_conversation(self, ref: str) -> dict[str, Any] | None:
        """A conversation by numeric id, exact title, or unique title prefix (case-insensitive); failing
        those, by a title it had before (exact, then prefix) or by the source's id for it."""
        if ref.isdigit():
            row = self.conn.execute("SELECT * FROM conversations WHERE id = ?", (int(ref),)).fetchone()
            if row:
                return dict(row)
        rows = self.conn.execute("SELECT * FROM conversations WHERE title = ?", (ref,)).fetchall()
        if len(rows) == 1:
            return dict(rows[0])
        prefix = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT * FROM conversations WHERE lower(title) LIKE lower(?) ESCAPE '\\'", (prefix,)).fetchall()
        if rows:
            return dict(rows[0]) if len(rows) == 1 else None
        # An earlier title (a renamed group, a changed remark), then the source's own id (a wxid).
        for sql, arg in (("SELECT conversation_id FROM conversation_titles WHERE title = ?", ref),
                         ("SELECT conversation_id FROM conversation_titles WHERE lower(title) LIKE lower(?) "
                          "ESCAPE '\\'", prefix),
                         ("SELECT id FROM conversations WHERE source_key = ?", ref)):
            ids = {r[0] for r in self.conn.execute(sql, (arg,))}
            if len(ids) == 1:
                row = self.conn.execute("SELECT * FROM conversations WHERE id = ?", (ids.pop(),)).fetchone()
                return dict(row) if row else None
            if ids:
                return None
        return None

    def message_count(self, conversation_id: int) -> int:
        return int(
            self.conn.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
        )

    MESSAGE_COLUMNS = """
        m.id, m.conversation_id, m.source_key, m.ts, m.tz_offset, m.kind, m.text, m.status,
        m.reply_to_key, m.reply_to_id, m.forwarded_from, m.is_edited, m.edited_at, m.extra,
        m.sender_id, p.display_name AS sender, p.is_me AS from_me
    """

    def messages_page(
        self, conversation_id: int, *, before: tuple[int, int] | None = None, after: tuple[int, int] | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Messages in time order around a (ts, id) cursor, using the (conversation, ts, id) index."""
        cols = self.MESSAGE_COLUMNS
        base = f"SELECT {cols} FROM messages m LEFT JOIN participants p ON p.id = m.sender_id WHERE m.conversation_id = ?"
        if before is not None:
            rows = self.conn.execute(
                base + " AND (m.ts, m.id) < (?, ?) ORDER BY m.ts DESC, m.id DESC LIMIT ?",
                (conversation_id, before[0], before[1], limit),
            ).fetchall()
            rows = rows[::-1]
        elif after is not None:
            rows = self.conn.execute(
                base + " AND (m.ts, m.id) > (?, ?) ORDER BY m.ts, m.id LIMIT ?",
                (conversation_id, after[0], after[1], limit),
            ).fetchall()
        else:
            rows = self.conn.execute(base + " ORDER BY m.ts, m.id LIMIT ?", (conversation_id, limit)).fetchall()
        return [dict(r) for r in rows]

    def message(self, message_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            f"SELECT {self.MESSAGE_COLUMNS} FROM messages m LEFT JOIN participants p ON p.id = m.sender_id WHERE m.id = ?",
            (message_id,),
        ).fetchone()
        return dict(row) if row else None

    def import_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM import_runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) | {"counts": json.loads(r["counts"] or "{}")} for r in rows]
