"""Names and titles across imports: a later name wins, a missing one never erases what was learnt.

A source shows the newest name of a contact or chat (a changed WeChat remark, a renamed group), and
forgets people: a deleted WeChat friend vanishes from the contact database, and the importer can only
give the raw id (`wxid_…`) as the name. The rules, for every importer:

- a title or display name that is only the record's own key (the raw id) is a stand-in: it names a
  new chat or person, but never replaces a name the vault already has;
- a title the importer marks `extra["title_fallback"]` (made up, e.g. from the members' names)
  replaces only a stored title that was itself a stand-in;
- every title is kept in `conversation_titles` and every real name in `participant_names`, so a
  search for an earlier name still finds the chat or sender;
- participant details (`extra`: alias, remark, avatar, …) are merged: a key the source gives updates
  the stored value, a key it gives as None is cleared, a key it does not give is kept.
"""

from __future__ import annotations

import json
from typing import Any

from chatvault import clock
from chatvault.model import ConversationKind, ConversationRec, ParticipantRec
from chatvault.store.db import Connection

FALLBACK = "title_fallback"


def _dumps(obj: dict[str, Any]) -> str | None:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) if obj else None


def _loads(raw: str | None) -> dict[str, Any]:
    try:
        out = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def real_title(rec: ConversationRec) -> str | None:
    """The title when it is a real name (not the key, not made up), else None."""
    if not rec.title or rec.title == rec.key or rec.extra.get(FALLBACK):
        return None
    return rec.title


def update_conversation(c: Connection, cid: int, row: Any, rec: ConversationRec) -> None:
    """Bring stored conversation `row` (id, kind, title, extra) up to `rec` without losing its name."""
    if rec.kind != ConversationKind.UNKNOWN and row["kind"] != rec.kind:
        c.execute("UPDATE conversations SET kind = ? WHERE id = ?", (str(rec.kind), cid))
    stored = _loads(row["extra"])
    title, made_up = row["title"], bool(stored.get(FALLBACK))
    real = real_title(rec)
    if real is not None:
        title, made_up = real, False
    elif rec.title and rec.title != rec.key and (not title or title == rec.key or made_up):
        title, made_up = rec.title, True   # a made-up title beats the raw id or an older made-up one
    if title != row["title"]:
        c.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, cid))
    merged = stored | {k: v for k, v in rec.extra.items() if k != FALLBACK}
    if made_up:
        merged[FALLBACK] = True
    else:
        merged.pop(FALLBACK, None)
    if merged != stored:
        c.execute("UPDATE conversations SET extra = ? WHERE id = ?", (_dumps(merged), cid))


def remember_title(c: Connection, cid: int, rec: ConversationRec, run_id: int) -> None:
    """Every title a run showed, stand-ins too (what the user saw in the list is worth finding)."""
    title = rec.title
    if title:
        c.execute("INSERT OR IGNORE INTO conversation_titles(conversation_id, title, first_seen_at, import_run_id) "
                  "VALUES (?,?,?,?)", (cid, title, clock.now_ms(), run_id))


# --- participants ---------------------------------------------------------------------------

def real_name(rec: ParticipantRec) -> str | None:
    return rec.display_name if rec.display_name and rec.display_name != rec.key else None


class People:
    """The writer's participant rows: insert, rename, merge details, keep every name."""

    def __init__(self, conn: Connection, run_id: int) -> None:
        self.conn = conn
        self.run_id = run_id
        self.ids: dict[str, int] = {}                      # source key → participant id (this source)
        self._state: dict[int, tuple[str | None, int, str | None]] = {}   # id → (name, is_me, extra json)
        self._named: set[tuple[int, str]] = set()          # (id, name) already in participant_names

    def get(self, key: str) -> int | None:
        return self.ids.get(key)

    def participant(self, sid: int, rec: ParticipantRec, is_me: int, chosen: bool = False) -> int:
        """The participant's id; `chosen`: is_me is the user's word (ingest/owner.py) and may clear it."""
        c = self.conn
        pid = self.ids.get(rec.key)
        name = real_name(rec)
        details = {k: v for k, v in rec.extra.items() if k != "chat"}
        if pid is None:
            row = c.execute("SELECT id, display_name, is_me, extra FROM participants WHERE source_id = ? "
                            "AND source_key = ?", (sid, rec.key)).fetchone()
            if row is None:
                cur = c.execute("INSERT INTO participants(source_id, source_key, display_name, is_me, extra) "
                                "VALUES (?,?,?,?,?)", (sid, rec.key, name or rec.display_name, is_me,
                                                      _dumps({k: v for k, v in details.items() if v is not None})))
                pid = int(cur.lastrowid)
                self.ids[rec.key] = pid
                self._state[pid] = (name or rec.display_name, is_me, None)
                self._remember(pid, name)
                return pid
            pid = int(row["id"])
            self.ids[rec.key] = pid
            self._state[pid] = (row["display_name"], int(row["is_me"]), row["extra"])
        old_name, old_me, old_extra = self._state[pid]
        new_name = name or old_name
        new_me = is_me if chosen else max(old_me, is_me)
        new_extra = old_extra
        if details:
            merged = _loads(old_extra)
            for k, v in details.items():
                if v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
            new_extra = _dumps(merged)
            if _loads(new_extra) == _loads(old_extra):
                new_extra = old_extra
        if (new_name, new_me, new_extra) != (old_name, old_me, old_extra):
            c.execute("UPDATE participants SET display_name = ?, is_me = ?, extra = ? WHERE id = ?",
                      (new_name, new_me, new_extra, pid))
            self._state[pid] = (new_name, new_me, new_extra)
        self._remember(pid, name)
        return pid

    def _remember(self, pid: int, name: str | None) -> None:
        if name and (pid, name) not in self._named:
            self._named.add((pid, name))
            self.conn.execute("INSERT OR IGNORE INTO participant_names(participant_id, name, first_seen_at, "
                              "import_run_id) VALUES (?,?,?,?)", (pid, name, clock.now_ms(), self.run_id))
