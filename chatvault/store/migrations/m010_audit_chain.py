"""The audit log becomes a hash chain: every entry holds the hash of the one before it.

Each entry's `hash` is SHA-256 over a fixed prefix and the canonical JSON of
`[id, at, actor, action, detail, prev_hash]` (detail as the stored text, or null), and
`prev_hash` is the previous entry's hash (64 zeros for the first). Rewriting, inserting or deleting
an entry breaks every link after it; the newest hash goes into every backup snapshot's sealed
manifest, so rewriting the whole chain no longer matches the backups (docs/audit.md).

Existing entries are chained here, in id order. The hash function is written out in full (steps
are frozen); `chatvault.store.audit` must compute the same bytes forever.
"""

from __future__ import annotations

import hashlib
import json

PREFIX = b"chatvault-audit-v1\n"
GENESIS = "0" * 64


def _hash(row: tuple, prev: str) -> str:
    entry_id, at, actor, action, detail = row
    body = json.dumps([entry_id, at, actor, action, detail, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(PREFIX + body.encode("utf-8")).hexdigest()


def up(conn) -> None:
    conn.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    conn.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    conn.execute("DROP TRIGGER audit_log_no_update")
    prev = GENESIS
    rows = conn.execute("SELECT id, at, actor, action, detail FROM audit_log ORDER BY id").fetchall()
    for row in rows:
        h = _hash(tuple(row), prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, row[0]))
        prev = h
    conn.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                 "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    conn.execute("CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log "
                 "WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL "
                 "BEGIN SELECT RAISE(ABORT, 'audit_log entries must be chained (chatvault.store.audit)'); END")
