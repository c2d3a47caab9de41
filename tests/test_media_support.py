"""Helpers shared by the media, blob and watch tests (no tests here)."""

from __future__ import annotations

import io
import os

from chatvault import clock


def make_jpeg(w: int = 64, h: int = 48, seed: int = 1) -> bytes:
    """A real, distinctive JPEG (noise survives compression, so its bytes are unique)."""
    from PIL import Image

    rnd = os.urandom if seed is None else None
    data = (rnd or (lambda n: bytes((i * 7919 + seed * 104729) % 251 for i in range(n))))(w * h * 3)
    im = Image.frombytes("RGB", (w, h), data)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95)
    return out.getvalue()


def make_png(w: int = 32, h: int = 32, color=(10, 200, 30, 128)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (w, h), color).save(out, "PNG")
    return out.getvalue()


def add_chat(conn, title: str = "Alice", app: str = "whatsapp", sender: str = "Alice") -> tuple[int, int]:
    """Insert a source, a conversation and a participant; return (conversation id, participant id)."""
    now = clock.now_ms()
    conn.execute("INSERT OR IGNORE INTO sources(app, account, created_at) VALUES (?, '', ?)", (app, now))
    sid = conn.execute("SELECT id FROM sources WHERE app = ?", (app,)).fetchone()[0]
    conn.execute("INSERT INTO conversations(source_id, source_key, title, created_at) VALUES (?, ?, ?, ?)",
                 (sid, title, title, now))
    cid = conn.execute("SELECT id FROM conversations WHERE source_id = ? AND source_key = ?", (sid, title)).fetchone()[0]
    conn.execute("INSERT OR IGNORE INTO participants(source_id, source_key, display_name) VALUES (?, ?, ?)",
                 (sid, sender, sender))
    pid = conn.execute("SELECT id FROM participants WHERE source_id = ? AND source_key = ?", (sid, sender)).fetchone()[0]
    return int(cid), int(pid)


def add_message(conn, cid: int, pid: int, key: str, ts: int = 1_700_000_000_000, kind: str = "image") -> int:
    conn.execute("INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind) VALUES (?, ?, ?, ?, ?)",
                 (cid, key, ts, pid, kind))
    return int(conn.execute("SELECT id FROM messages WHERE conversation_id = ? AND source_key = ?",
                            (cid, key)).fetchone()[0])


def add_attachment(conn, mid: int, *, blob_id: str | None = None, status: str = "missing", name: str | None = None,
                   size: int | None = None, mime: str | None = None, expected_path: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO attachments(message_id, blob_id, status, original_name, size, mime, expected_path) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (mid, blob_id, status, name, size, mime, expected_path))
    return int(cur.lastrowid)


def stored_attachment(conn, store, data: bytes, cid: int, pid: int, key: str, name: str = "photo.jpg") -> tuple[str, int, int]:
    """Put `data`, record its blob row and an attachment on a new message: (blob id, message id, attachment id)."""
    from chatvault.media.attach import describe, record_blob

    stored = store.put_bytes(data)
    info = describe(data)
    record_blob(conn, stored, info)
    mid = add_message(conn, cid, pid, key)
    aid = add_attachment(conn, mid, blob_id=stored.id, status="stored", name=name, size=stored.size, mime=info.mime)
    return stored.id, mid, aid


def all_vault_bytes(root) -> list[tuple[str, bytes]]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out.append((p, fh.read()))
    return out
