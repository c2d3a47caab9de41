"""Compliance: custodians, legal holds with scopes, retention policies, tombstones and erasures.

- Custodians own import runs (and watch folders); a message is in the archive of the custodians
  whose runs brought or covered it (`chatvault/store/custody.py`). Existing runs go to a default
  custodian ("Vault owner", id 1).
- `legal_holds` (since m001) gains a scope: custodian, participant, date range, matter, and who
  placed or released it. A trigger refuses deleting a message any active hold covers — whatever
  path the delete comes from. `hold_items` keeps a digest of each held message when the hold was
  placed (and for later arrivals), so a row changed or deleted behind ChatVault's back is named by
  `check`; `held_versions` keeps the earlier text of a held message an import edits.
- `retention_policies`: keep N days after the message date; a locked policy can be lengthened,
  never shortened, unlocked or removed (triggers).
- `tombstones`: what a deletion leaves (append-only); an import never brings a tombstoned message
  back, and a trigger refuses deleting a message that has no tombstone. `erasures` records erasure requests. `blob_deletions`: media files to remove once the
  deleting transaction has committed (idempotent, so a crash between the two loses nothing).
"""

from __future__ import annotations

import time

HELD = """EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL
      AND (h.conversation_id IS NULL OR h.conversation_id = {m}.conversation_id)
      AND (h.participant_id IS NULL OR h.participant_id = {m}.sender_id)
      AND (h.after_ms IS NULL OR {m}.ts >= h.after_ms)
      AND (h.before_ms IS NULL OR {m}.ts < h.before_ms)
      AND (h.custodian_id IS NULL OR EXISTS (SELECT 1 FROM import_runs cr WHERE cr.custodian_id = h.custodian_id
            AND (cr.id = {m}.first_run_id OR EXISTS (SELECT 1 FROM import_coverage ic WHERE ic.run_id = cr.id
                 AND ic.conversation_id = {m}.conversation_id AND {m}.ts BETWEEN ic.first_ts AND ic.last_ts)))))"""

STATEMENTS = [
    """CREATE TABLE custodians (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        note       TEXT,
        created_at INTEGER NOT NULL
    )""",
    "ALTER TABLE import_runs ADD COLUMN custodian_id INTEGER REFERENCES custodians(id)",
    "CREATE INDEX import_runs_by_custodian ON import_runs (custodian_id)",
    "ALTER TABLE watch_folders ADD COLUMN custodian_id INTEGER REFERENCES custodians(id)",
    "ALTER TABLE legal_holds ADD COLUMN matter TEXT",
    "ALTER TABLE legal_holds ADD COLUMN custodian_id INTEGER REFERENCES custodians(id)",
    "ALTER TABLE legal_holds ADD COLUMN participant_id INTEGER REFERENCES participants(id)",
    "ALTER TABLE legal_holds ADD COLUMN after_ms INTEGER",
    "ALTER TABLE legal_holds ADD COLUMN before_ms INTEGER",
    "ALTER TABLE legal_holds ADD COLUMN created_by TEXT",
    "ALTER TABLE legal_holds ADD COLUMN released_by TEXT",
    "ALTER TABLE legal_holds ADD COLUMN release_reason TEXT",
    """CREATE TABLE hold_items (
        hold_id    INTEGER NOT NULL REFERENCES legal_holds(id),
        message_id INTEGER NOT NULL,
        digest     TEXT NOT NULL,
        PRIMARY KEY (hold_id, message_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX hold_items_by_message ON hold_items (message_id)",
    """CREATE TABLE held_versions (
        id         INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL,
        at         INTEGER NOT NULL,
        kind       TEXT,
        text       TEXT,
        extra      TEXT
    )""",
    "CREATE INDEX held_versions_by_message ON held_versions (message_id, id)",
    """CREATE TABLE retention_policies (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL,
        custodian_id    INTEGER REFERENCES custodians(id),
        source_id       INTEGER REFERENCES sources(id),
        conversation_id INTEGER REFERENCES conversations(id),
        keep_days       INTEGER NOT NULL CHECK (keep_days > 0),
        locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        removed_at      INTEGER
    )""",
    """CREATE TABLE tombstones (
        id              INTEGER PRIMARY KEY,
        message_id      INTEGER NOT NULL,
        conversation_id INTEGER NOT NULL,
        source_key      TEXT NOT NULL,
        ts              INTEGER NOT NULL,
        sender_id       INTEGER,
        kind            TEXT,
        deleted_at      INTEGER NOT NULL,
        reason          TEXT NOT NULL CHECK (reason IN ('retention', 'erasure')),
        policy_id       INTEGER REFERENCES retention_policies(id),
        erasure_id      INTEGER,
        attachments     INTEGER NOT NULL DEFAULT 0,
        sha256          TEXT NOT NULL,
        UNIQUE (conversation_id, source_key)
    )""",
    "CREATE INDEX tombstones_by_time ON tombstones (conversation_id, ts)",
    """CREATE TABLE erasures (
        id           INTEGER PRIMARY KEY,
        person       TEXT NOT NULL,
        participants TEXT NOT NULL,
        reason       TEXT,
        actor        TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        done_at      INTEGER,
        messages     INTEGER NOT NULL DEFAULT 0,
        attachments  INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE blob_deletions (
        blob_id TEXT PRIMARY KEY,
        queued_at INTEGER NOT NULL
    ) WITHOUT ROWID""",
    # A deletion clears the replies that pointed at what it removed: found by index, not a table scan.
    "CREATE INDEX messages_by_reply ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL",
    "CREATE INDEX unparsed_by_message ON unparsed (message_id) WHERE message_id IS NOT NULL",
    "CREATE TRIGGER tombstones_no_update BEFORE UPDATE ON tombstones "
    "BEGIN SELECT RAISE(ABORT, 'tombstones are append-only'); END",
    "CREATE TRIGGER tombstones_no_delete BEFORE DELETE ON tombstones "
    "BEGIN SELECT RAISE(ABORT, 'tombstones are append-only'); END",
    "CREATE TRIGGER retention_locked_no_weaken BEFORE UPDATE ON retention_policies WHEN old.locked = 1 AND ("
    "new.keep_days < old.keep_days OR new.locked = 0 OR new.removed_at IS NOT NULL "
    "OR new.custodian_id IS NOT old.custodian_id OR new.source_id IS NOT old.source_id "
    "OR new.conversation_id IS NOT old.conversation_id) "
    "BEGIN SELECT RAISE(ABORT, 'retention policy is locked: it can be lengthened, never shortened or removed'); END",
    "CREATE TRIGGER retention_locked_no_delete BEFORE DELETE ON retention_policies WHEN old.locked = 1 "
    "BEGIN SELECT RAISE(ABORT, 'retention policy is locked: it can be lengthened, never shortened or removed'); END",
    "CREATE TRIGGER messages_held_no_delete BEFORE DELETE ON messages WHEN " + HELD.format(m="old") +
    " BEGIN SELECT RAISE(ABORT, 'legal hold: this message is held and cannot be deleted'); END",
    "CREATE TRIGGER messages_held_keep_original AFTER UPDATE OF kind, text, extra ON messages "
    "WHEN (old.kind IS NOT new.kind OR old.text IS NOT new.text OR old.extra IS NOT new.extra) AND EXISTS "
    "(SELECT 1 FROM hold_items hi WHERE hi.message_id = old.id) "
    "BEGIN INSERT INTO held_versions(message_id, at, kind, text, extra) "
    "VALUES (old.id, CAST(strftime('%s','now') AS INTEGER) * 1000, old.kind, old.text, old.extra); END",
    # A message leaves only with its tombstone (retention, erasure): any other delete is refused.
    "CREATE TRIGGER messages_delete_needs_tombstone BEFORE DELETE ON messages WHEN NOT EXISTS "
    "(SELECT 1 FROM tombstones t WHERE t.conversation_id = old.conversation_id AND t.source_key = old.source_key) "
    "BEGIN SELECT RAISE(ABORT, 'a message is deleted only with its tombstone (chatvault.compliance.deletion)'); END",
    "CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds "
    "BEGIN SELECT RAISE(ABORT, 'legal holds are released, never deleted'); END",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    now = int(time.time() * 1000)
    conn.execute("INSERT INTO custodians(id, name, note, created_at) VALUES (1, 'Vault owner', "
                 "'The default custodian: imports belong to it unless another is chosen', ?)", (now,))
    conn.execute("UPDATE import_runs SET custodian_id = 1")
