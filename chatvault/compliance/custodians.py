"""Custodians: the people whose archives the vault holds.

Every import run (and every watch folder, for the runs it starts) belongs to a custodian; a message
is in the archive of each custodian whose runs brought or covered it (`chatvault/store/custody.py`).
Mutators run their own write transaction and leave an audit entry (docs/compliance.md).
"""

from __future__ import annotations

from typing import Any

from chatvault import clock
from chatvault.errors import UsageError
from chatvault.store import audit as audit_trail
from chatvault.store.custody import in_custodians_sql
from chatvault.store.db import immediate
from chatvault.store.queries import find_conversation

DEFAULT_KEY = "compliance.default_custodian"


def list_custodians(conn: Any, *, counts: bool = True) -> list[dict[str, Any]]:
    """Every custodian with its runs and (optionally) message count."""
    out = []
    default = default_id(conn)
    for cid, name, note, created in conn.execute("SELECT id, name, note, created_at FROM custodians ORDER BY id"):
        runs = int(conn.execute("SELECT count(*) FROM import_runs WHERE custodian_id = ?", (cid,)).fetchone()[0])
        messages = None
        if counts:
            messages = int(conn.execute(f"SELECT count(*) FROM messages m WHERE {in_custodians_sql('m', '?')}",
                                        (cid,)).fetchone()[0])
        out.append({"id": cid, "name": name, "note": note, "created_at": created, "runs": runs,
                    "messages": messages, "default": cid == default})
    return out


def default_id(conn: Any) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEFAULT_KEY,)).fetchone()
    return int(row[0]) if row else 1


def find(conn: Any, ref: str | int) -> dict[str, Any]:
    """A custodian by id or name (case-insensitive); UsageError naming the known ones otherwise."""
    text = str(ref).strip()
    row = None
    if text.isdigit():
        row = conn.execute("SELECT id, name FROM custodians WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        row = conn.execute("SELECT id, name FROM custodians WHERE name = ? COLLATE NOCASE", (text,)).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM custodians ORDER BY id")]
        raise UsageError(f"There is no custodian '{text}'.",
                         hint=f"Custodians: {', '.join(names)}. Add one with `chatvault custodian add NAME`.")
    return {"id": int(row[0]), "name": row[1]}


def add(conn: Any, name: str, note: str | None = None, actor: str = "user") -> int:
    name = name.strip()
    if not name:
        raise UsageError("A custodian needs a name.")
    with immediate(conn):
        if conn.execute("SELECT 1 FROM custodians WHERE name = ? COLLATE NOCASE", (name,)).fetchone():
            raise UsageError(f"There is already a custodian '{name}'.")
        cur = conn.execute("INSERT INTO custodians(name, note, created_at) VALUES (?, ?, ?)",
                           (name, note, clock.now_ms()))
        cid = int(cur.lastrowid)
        audit_trail.append(conn, "custodian.add", {"custodian_id": cid, "name": name}, actor)
    return cid


def set_default(conn: Any, ref: str | int, actor: str = "user") -> dict[str, Any]:
    with immediate(conn):
        c = find(conn, ref)
        conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (DEFAULT_KEY, str(c["id"])))
        audit_trail.append(conn, "custodian.default", c, actor)
    return c


def runs_of(conn: Any, *, run_id: int | None = None, path: str | None = None, chat: str | None = None) -> list[int]:
    """Import runs by id, by the file or folder imported, or by a chat they covered."""
    if run_id is not None:
        ids = [r[0] for r in conn.execute("SELECT id FROM import_runs WHERE id = ?", (run_id,))]
    elif path is not None:
        ids = [r[0] for r in conn.execute("SELECT id FROM import_runs WHERE path = ? OR path LIKE ?",
                                          (path, "%/" + path.lstrip("/")))]
    elif chat is not None:
        found = find_conversation(conn, chat)
        if found is None:
            raise UsageError(f"No single conversation matches '{chat}'.")
        ids = [r[0] for r in conn.execute("SELECT DISTINCT run_id FROM import_coverage WHERE conversation_id = ?"
                                          " UNION SELECT DISTINCT first_run_id FROM messages WHERE conversation_id = ?"
                                          " AND first_run_id IS NOT NULL", (found["id"], found["id"]))]
    else:
        raise UsageError("Say which imports: --run ID, --path FILE or --chat CHAT.")
    if not ids:
        raise UsageError("No import run matches.", hint="List them with `chatvault imports`.")
    return sorted(int(i) for i in ids)


def assign(conn: Any, custodian_ref: str | int, run_ids: list[int], actor: str = "user") -> dict[str, Any]:
    """Give import runs (and so the messages they brought and covered) to a custodian."""
    with immediate(conn):
        c = find(conn, custodian_ref)
        marks = ",".join("?" * len(run_ids))
        conn.execute(f"UPDATE import_runs SET custodian_id = ? WHERE id IN ({marks})", [c["id"], *run_ids])
        audit_trail.append(conn, "custodian.assign", {"custodian_id": c["id"], "runs": run_ids}, actor)
    return {"custodian": c, "runs": run_ids}


def of_message(conn: Any, message_id: int) -> list[str]:
    """Whose archive(s) a message is in."""
    return [r[0] for r in conn.execute(
        f"SELECT cu.name FROM custodians cu WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND "
        f"{in_custodians_sql('m', 'cu.id')}) ORDER BY cu.id", (message_id,))]
