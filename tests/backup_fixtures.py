"""Helpers for the backup tests: fill a real vault with messages and real CVB1 blobs."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

from chatvault import clock
from chatvault.backup.snapshot import EXTENT_BYTES
from chatvault.search.index import index_messages, sync
from chatvault.store.db import NEW_PAGE_SIZE


def fill(vault, messages: int = 400, blobs: int = 3, blob_size: int = 40_000, seed: int = 1) -> list[str]:
    """Add a source, a conversation, `messages` messages and `blobs` media blobs; return the blob ids."""
    from chatvault.media.blobstore import BlobStore

    r = random.Random(seed)
    conn = vault.connect()
    try:
        now = clock.now_ms()
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO sources(app, account, created_at) VALUES ('test', 'me', ?)", (now,))
        sid = conn.execute("SELECT id FROM sources WHERE app = 'test'").fetchone()[0]
        conn.execute("INSERT OR IGNORE INTO conversations(source_id, source_key, title, created_at) "
                     "VALUES (?, 'c1', 'Chat', ?)", (sid, now))
        cid = conn.execute("SELECT id FROM conversations WHERE source_key = 'c1'").fetchone()[0]
        base = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        rows = []
        for i in range(messages):
            text = " ".join(r.choice(["hello", "backup", "你好", "vault", "page", "extent"]) for _ in range(30))
            text += f" {r.random()}"
            cur = conn.execute("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, ?, ?, ?)",
                               (cid, f"m{base + i}", now + i, text))
            rows.append((cur.lastrowid, text))
        index_messages(conn, rows)  # as the import engine does, so `chatvault check` passes
        conn.execute("COMMIT")
        store = BlobStore(vault)
        ids = []
        for _ in range(blobs):
            b = store.put_bytes(r.randbytes(blob_size))
            conn.execute("INSERT OR IGNORE INTO blobs(id, size, stored_size, created_at) VALUES (?, ?, ?, ?)",
                         (b.id, b.size, b.stored_size, now))
            ids.append(b.id)
        return ids
    finally:
        conn.close()


def touch_messages(vault, ids: list[int], text: str = "changed") -> None:
    conn = vault.connect()
    try:
        conn.execute("BEGIN")
        for i in ids:
            conn.execute("UPDATE messages SET text = ? WHERE id = ?", (f"{text} {i} {os.urandom(4).hex()}", i))
        sync(conn)  # re-index the edited messages
        conn.execute("COMMIT")
    finally:
        conn.close()


def db_image_hash(vault) -> str:
    """SHA-256 of vault.db's pages after a checkpoint: the database as a snapshot now would see it."""
    conn = vault.connect()
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0]) * int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    with open(vault.db_path, "rb") as fh:
        return hashlib.sha256(fh.read(pages)).hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = file_hash(p)
    return out


EXTENT = EXTENT_BYTES                 # bytes of one database extent
EXTENT_PAGES = EXTENT // NEW_PAGE_SIZE  # pages per extent in a vault made now


def folder_destination(vault, folder: Path):
    """A folder backup destination named "usb" at `folder` (created)."""
    from chatvault.backup import destinations as dests

    folder.mkdir()
    conn = vault.connect()
    try:
        return dests.add_destination(conn, "usb", "folder", {"path": str(folder)})
    finally:
        conn.close()
