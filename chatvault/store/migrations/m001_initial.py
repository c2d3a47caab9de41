"""The first schema: sources, conversations, participants, messages, attachments, runs, audit."""

from __future__ import annotations

SQL = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Whose phone or account an export came from ("me" lives here), per app.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    app          TEXT NOT NULL,              -- importer family: whatsapp, telegram, wechat, ...
    account      TEXT NOT NULL DEFAULT '',   -- the account id within that app, '' when unknown
    display_name TEXT,
    me_name      TEXT,                       -- the sender name that is "me" in this source
    created_at   INTEGER NOT NULL,
    UNIQUE (app, account)
);

CREATE TABLE participants (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    source_key   TEXT NOT NULL,              -- stable id within the source (wxid, user id, or name)
    display_name TEXT,
    is_me        INTEGER NOT NULL DEFAULT 0,
    extra        TEXT,                       -- JSON: alias, remark, phone ...
    UNIQUE (source_id, source_key)
);

CREATE TABLE conversations (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    source_key   TEXT NOT NULL,              -- stable id within the source
    kind         TEXT NOT NULL DEFAULT 'direct' CHECK (kind IN ('direct', 'group', 'channel', 'self', 'unknown')),
    title        TEXT,
    created_at   INTEGER NOT NULL,
    extra        TEXT,
    UNIQUE (source_id, source_key)
);

CREATE TABLE conversation_titles (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    title           TEXT NOT NULL,
    first_seen_at   INTEGER NOT NULL,        -- ms UTC of the message or run that showed it
    import_run_id   INTEGER,
    PRIMARY KEY (conversation_id, title)
);

CREATE TABLE conversation_members (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (conversation_id, participant_id)
) WITHOUT ROWID;

CREATE TABLE import_runs (
    id             INTEGER PRIMARY KEY,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    format         TEXT NOT NULL,
    parser_version INTEGER NOT NULL DEFAULT 1,
    path           TEXT NOT NULL,
    file_hash      TEXT,
    file_size      INTEGER,
    outcome        TEXT NOT NULL DEFAULT 'running'
                   CHECK (outcome IN ('running', 'ok', 'partial', 'cancelled', 'failed', 'interrupted')),
    counts         TEXT NOT NULL DEFAULT '{}',   -- JSON: added, already_present, missing_at_source, ...
    error          TEXT,
    checkpoint     TEXT                          -- JSON resume state
);

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    source_key       TEXT NOT NULL,          -- the source's id, or a fingerprint (see ingest)
    ts               INTEGER NOT NULL,       -- ms since epoch, UTC
    tz_offset        INTEGER,                -- original UTC offset in minutes, when known
    sender_id        INTEGER REFERENCES participants(id),
    kind             TEXT NOT NULL DEFAULT 'text' CHECK (kind IN (
                        'text', 'image', 'voice', 'video', 'file', 'sticker', 'location', 'contact',
                        'link', 'payment', 'call', 'system', 'recalled', 'poll', 'unknown')),
    text             TEXT,
    reply_to_key     TEXT,                   -- source key of the quoted message
    reply_to_id      INTEGER,                -- resolved when the quoted message is in the vault
    forwarded_from   TEXT,
    edited_at        INTEGER,
    is_edited        INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing-at-source')),
    missing_run_id   INTEGER REFERENCES import_runs(id),
    first_run_id     INTEGER REFERENCES import_runs(id),
    last_seen_run_id INTEGER REFERENCES import_runs(id),
    location         TEXT,                   -- where in the export it was read (file:line / JSON path)
    extra            TEXT,                   -- JSON: kind-specific details (amount, url, lat/lon, ...)
    UNIQUE (conversation_id, source_key)
);
CREATE INDEX messages_by_time ON messages (conversation_id, ts, id);
CREATE INDEX messages_by_sender ON messages (sender_id, ts);
CREATE INDEX messages_missing ON messages (status) WHERE status != 'present';

CREATE TABLE blobs (
    id          TEXT PRIMARY KEY,            -- hex of the keyed hash of the plaintext
    size        INTEGER NOT NULL,            -- plaintext bytes
    stored_size INTEGER NOT NULL,            -- bytes on disk
    mime        TEXT,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    message_id     INTEGER NOT NULL REFERENCES messages(id),
    ordinal        INTEGER NOT NULL DEFAULT 0,
    blob_id        TEXT REFERENCES blobs(id),
    status         TEXT NOT NULL DEFAULT 'missing' CHECK (status IN ('stored', 'missing', 'expired')),
    mime           TEXT,
    size           INTEGER,
    original_name  TEXT,
    expected_path  TEXT,                     -- where the source said the file was
    width          INTEGER,
    height         INTEGER,
    duration_ms    INTEGER,
    thumb_blob_id  TEXT REFERENCES blobs(id),
    extra          TEXT,
    UNIQUE (message_id, ordinal)
);
CREATE INDEX attachments_by_blob ON attachments (blob_id);
CREATE INDEX attachments_by_status ON attachments (status);

-- What an importer could not understand, kept verbatim and counted, never dropped.
CREATE TABLE unparsed (
    id              INTEGER PRIMARY KEY,
    import_run_id   INTEGER NOT NULL REFERENCES import_runs(id),
    conversation_id INTEGER REFERENCES conversations(id),
    message_id      INTEGER REFERENCES messages(id),
    location        TEXT,
    reason          TEXT,
    raw             TEXT NOT NULL
);

CREATE TABLE legal_holds (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations(id),   -- NULL: the whole vault
    reason          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    released_at     INTEGER
);

-- Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""


def up(conn) -> None:
    for statement in SQL.split(";\n"):
        if statement.strip():
            conn.execute(statement)
