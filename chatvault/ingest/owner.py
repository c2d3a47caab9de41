"""Who is "me" in a source: the user's choice, kept per source, applied to its participants.

Which messages are mine is not stored on messages: a message is mine when its sender participant has
`is_me = 1` (the viewer, search and `show` all join on that). So saying who "me" is re-marks the
participants of one source, one UPDATE, without touching messages or re-importing anything.

The choice is kept in `settings` under `me_choice:<source id>` (no schema step: it is one small
JSON value per source) and outranks what an importer guesses: every later import of that source
re-applies it (`Identity.source`, ingest/identity.py), and the readers of exports that cannot tell who is
"me" on their own (a WhatsApp chat, a Telegram group exported alone) get it fed as `--me` (`feed`).
A choice is a set of participant keys (one person picked in a list) and/or a sender name (typed, as
`--me NAME` does); a participant matches by key, or by name when the choice has one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from chatvault import clock
from chatvault.errors import InputError, UsageError
from chatvault.importers.base import ImportOptions
from chatvault.model import MessageRec, ParticipantRec, SourceRec
from chatvault.store.db import Connection

SETTING = "me_choice:{}"
ME_KEYS_OPTION = "me_keys"     # ImportOptions.options entry: participant keys of "me" (readers may use it)
FED_OPTION = "me_from_vault"   # set when `me`/`me_keys` come from a kept choice, not from the user now


@dataclass(frozen=True)
class MeChoice:
    keys: tuple[str, ...] = ()     # participant source keys that are me
    name: str | None = None        # a sender name that is me (matches any participant of that name)
    label: str | None = None       # how to show the choice (the chosen person's name)
    at: int = 0                    # ms UTC when it was made

    def matches(self, key: str, display_name: str | None) -> bool:
        return key in self.keys or (self.name is not None and display_name == self.name)

    def to_json(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "name": self.name, "label": self.label, "at": self.at}


@dataclass
class SetMeResult:
    source: dict[str, Any]
    choice: MeChoice
    me: list[dict[str, Any]] = field(default_factory=list)   # the participants now marked as me
    now_mine: int = 0              # messages that became mine
    no_longer_mine: int = 0        # messages that were mine and are not any more

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "choice": self.choice.to_json(), "me": self.me,
                "now_mine": self.now_mine, "no_longer_mine": self.no_longer_mine}


def saved_choice(conn: Connection, source_id: int) -> MeChoice | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING.format(source_id),)).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
        return MeChoice(tuple(str(k) for k in data.get("keys") or ()), data.get("name"), data.get("label"),
                        int(data.get("at") or 0))
    except (ValueError, TypeError, AttributeError):
        return None                # a damaged value: as if no choice was made (the importer's guess stands)


def save_choice(conn: Connection, source_id: int, choice: MeChoice) -> None:
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (SETTING.format(source_id), json.dumps(choice.to_json(), ensure_ascii=False)))


def apply_choice(conn: Connection, source_id: int, choice: MeChoice) -> int:
    """Mark exactly the participants the choice matches as me in this source; returns rows changed."""
    keys = list(choice.keys)
    marks = ",".join("?" * len(keys)) or "NULL"
    mine = f"(source_key IN ({marks}) OR (? IS NOT NULL AND display_name = ?))"
    cur = conn.execute(f"UPDATE participants SET is_me = CASE WHEN {mine} THEN 1 ELSE 0 END "
                       f"WHERE source_id = ? AND is_me != CASE WHEN {mine} THEN 1 ELSE 0 END",
                       (*keys, choice.name, choice.name, source_id, *keys, choice.name, choice.name))
    label = choice.label or choice.name
    if label:
        conn.execute("UPDATE sources SET me_name = ? WHERE id = ?", (label, source_id))
    return cur.rowcount


def choice_for_import(conn: Connection, source_id: int, explicit_me: str | None) -> MeChoice | None:
    """The choice an import applies: `--me NAME` given now (saved as the new choice), else the saved one."""
    if explicit_me:
        old = saved_choice(conn, source_id)
        if old is not None and old.name == explicit_me and not old.keys:
            return old
        choice = MeChoice((), explicit_me, explicit_me, clock.now_ms())
        save_choice(conn, source_id, choice)
        return choice
    return saved_choice(conn, source_id)


def unmatched_note(conn: Connection, source_id: int | None, choice: MeChoice | None,
                   explicit_me: str | None) -> str | None:
    """A warning when `--me NAME` given to this import names no sender of the source (a typo would
    otherwise quietly show every message as someone else's)."""
    if source_id is None or choice is None or not explicit_me:
        return None
    if conn.execute("SELECT 1 FROM participants WHERE source_id = ? AND is_me = 1", (source_id,)).fetchone():
        return None
    names = ", ".join(repr(p["name"] or p["key"]) for p in people(conn, source_id)[:10])
    return (f"--me {explicit_me!r} is not the name of any sender here ({names or 'none'}), so no message is shown "
            "as yours. Give the name as the export writes it, or choose it later with `chatvault source set-me`.")


def feed(conn: Connection, app: str, options: ImportOptions) -> ImportOptions:
    """The options a reader gets: with the saved choice of the source this import will most likely
    land in ((app, --account or '')) as `me` and `me_keys`, when the user gave no `--me`."""
    if options.me:
        return options
    row = conn.execute("SELECT id FROM sources WHERE app = ? AND account = ?",
                       (app, str(options.options.get("account", "")))).fetchone()
    choice = saved_choice(conn, int(row[0])) if row is not None else None
    if choice is None:
        return options
    me = choice.name
    if me is None and choice.keys:
        names = {r[0] for r in conn.execute(
            f"SELECT display_name FROM participants WHERE source_id = ? AND source_key IN "
            f"({','.join('?' * len(choice.keys))})", (int(row[0]), *choice.keys)) if r[0]}
        me = names.pop() if len(names) == 1 else None
    return replace(options, me=me, options=options.options | {ME_KEYS_OPTION: list(choice.keys), FED_OPTION: True})


def kept_label(conn: Connection, app: str, account: str = "") -> str | None:
    """How the kept choice of the source (app, account) is shown (for the import preview), or None."""
    row = conn.execute("SELECT id FROM sources WHERE app = ? AND account = ?", (app, account)).fetchone()
    choice = saved_choice(conn, int(row[0])) if row is not None else None
    return (choice.label or choice.name) if choice is not None else None


# --- finding the source and the person --------------------------------------------------------------

def sources(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT s.id, s.app, s.account, s.display_name, s.me_name, "
        "(SELECT count(*) FROM conversations c WHERE c.source_id = s.id) AS conversations, "
        "(SELECT count(*) FROM participants p WHERE p.source_id = s.id) AS participants "
        "FROM sources s ORDER BY s.id").fetchall()
    out = []
    for r in rows:
        d = {k: r[k] for k in r.keys()}
        choice = saved_choice(conn, int(r["id"]))
        d["me"] = [p["name"] or p["key"] for p in people(conn, int(r["id"]), only_me=True)]
        d["me_choice"] = choice.to_json() if choice else None
        out.append(d)
    return out


def find_source(conn: Connection, ref: str) -> dict[str, Any]:
    """A source by id, app name (when the vault has one source of that app) or `app:account`."""
    ref = ref.strip()
    if ref.isdigit():
        rows = conn.execute("SELECT id, app, account, display_name FROM sources WHERE id = ?", (int(ref),)).fetchall()
    elif ":" in ref:
        app, account = ref.split(":", 1)
        rows = conn.execute("SELECT id, app, account, display_name FROM sources WHERE app = ? AND account = ?",
                            (app, account)).fetchall()
    else:
        rows = conn.execute("SELECT id, app, account, display_name FROM sources WHERE app = ?", (ref,)).fetchall()
    if len(rows) == 1:
        return dict(rows[0])
    listed = ", ".join(f"{r['id']} ({r['app']}:{r['account']})" for r in
                       conn.execute("SELECT id, app, account FROM sources ORDER BY id LIMIT 20"))
    if not rows:
        raise UsageError(f"No source matches {ref!r}.",
                         hint=f"Give a source id, an app name or app:account ({listed or 'the vault has none yet'}); "
                              "`chatvault source ls` lists them.")
    raise UsageError(f"{len(rows)} sources match {ref!r}.", hint=f"Give the source id: {listed}.")


def source_of_conversation(conn: Connection, conversation_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT s.id, s.app, s.account, s.display_name FROM conversations c "
                       "JOIN sources s ON s.id = c.source_id WHERE c.id = ?", (conversation_id,)).fetchone()
    if row is None:
        raise UsageError(f"There is no conversation {conversation_id}.", hint="`chatvault show` lists chats by title.")
    return dict(row)


def people(conn: Connection, source_id: int, conversation_id: int | None = None, *,
           only_me: bool = False) -> list[dict[str, Any]]:
    """The senders of a source (or of one of its chats), most messages first."""
    sql = ("SELECT p.id, p.source_key AS key, p.display_name AS name, p.is_me, "
           "(SELECT count(*) FROM messages m WHERE m.sender_id = p.id{conv}) AS messages "
           "FROM participants p WHERE p.source_id = ?")
    params: list[Any] = []
    if conversation_id is not None:
        sql = sql.format(conv=" AND m.conversation_id = ?")
        params.append(conversation_id)
        sql += (" AND (p.id IN (SELECT participant_id FROM conversation_members WHERE conversation_id = ?) OR "
                "p.id IN (SELECT sender_id FROM messages WHERE conversation_id = ?))")
        params += [source_id, conversation_id, conversation_id]
    else:
        sql = sql.format(conv="")
        params.append(source_id)
    if only_me:
        sql += " AND p.is_me = 1"
    sql += " ORDER BY messages DESC, p.id"
    return [{"id": r["id"], "key": r["key"], "name": r["name"], "is_me": bool(r["is_me"]),
             "messages": r["messages"]} for r in conn.execute(sql, params)]


def resolve_choice(conn: Connection, source_id: int, who: str) -> MeChoice:
    """`who` as a participant key (exact), else a sender name (exact, then case-insensitive)."""
    if conn.execute("SELECT 1 FROM participants WHERE source_id = ? AND source_key = ?", (source_id, who)).fetchone():
        name = conn.execute("SELECT display_name FROM participants WHERE source_id = ? AND source_key = ?",
                            (source_id, who)).fetchone()[0]
        return MeChoice((who,), None, name or who, clock.now_ms())
    names = [r[0] for r in conn.execute("SELECT DISTINCT display_name FROM participants WHERE source_id = ? AND "
                                        "display_name = ?", (source_id, who))] or \
        [r[0] for r in conn.execute("SELECT DISTINCT display_name FROM participants WHERE source_id = ? AND "
                                    "lower(display_name) = lower(?)", (source_id, who))]
    if len(names) == 1:
        return MeChoice((), names[0], names[0], clock.now_ms())
    known = ", ".join(repr(p["name"] or p["key"]) for p in people(conn, source_id)[:15])
    if not names:
        raise InputError(f"No sender called {who!r} in this source.",
                         hint=f"Senders here: {known or 'none yet'}. `chatvault source people SOURCE` lists them "
                              "with their keys.")
    raise InputError(f"{len(names)} senders are called {who!r} in different spellings: "
                     f"{', '.join(map(repr, names))}.", hint="Give the exact name, or the sender's key.")


def set_me(conn: Connection, source_id: int, who: str | MeChoice) -> SetMeResult:
    """Make `who` "me" for a source: re-mark its participants, keep the choice for later imports.

    One transaction on a writable connection (the caller holds the vault's writer lock). Idempotent."""
    row = conn.execute("SELECT id, app, account, display_name FROM sources WHERE id = ?", (source_id,)).fetchone()
    if row is None:
        raise UsageError(f"There is no source {source_id}.", hint="`chatvault source ls` lists them.")
    conn.execute("BEGIN IMMEDIATE")
    try:
        choice = who if isinstance(who, MeChoice) else resolve_choice(conn, source_id, who)
        before = {r[0] for r in conn.execute("SELECT id FROM participants WHERE source_id = ? AND is_me = 1",
                                             (source_id,))}
        apply_choice(conn, source_id, choice)
        save_choice(conn, source_id, choice)
        after = {r[0] for r in conn.execute("SELECT id FROM participants WHERE source_id = ? AND is_me = 1",
                                            (source_id,))}
        result = SetMeResult(dict(row), choice, [p for p in people(conn, source_id) if p["is_me"]],
                             _count(conn, after - before), _count(conn, before - after))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _count(conn: Connection, participant_ids: set[int]) -> int:
    if not participant_ids:
        return 0
    ids = list(participant_ids)
    return int(conn.execute(f"SELECT count(*) FROM messages WHERE sender_id IN ({','.join('?' * len(ids))})",
                            ids).fetchone()[0])


class SenderTally:
    """The senders an import preview saw, for "Which name is me": name, key, messages, detected as me."""

    def __init__(self) -> None:
        self.people: dict[str, dict[str, Any]] = {}
        self.source_me: str | None = None

    def _person(self, key: str, name: str | None) -> dict[str, Any]:
        p = self.people.get(key)
        if p is None:
            p = self.people[key] = {"key": key, "name": name, "messages": 0, "is_me": False}
        elif name:
            p["name"] = name
        return p

    def record(self, rec: Any) -> None:
        if isinstance(rec, MessageRec):
            if rec.sender_key:
                self._person(rec.sender_key, rec.sender_name)["messages"] += 1
        elif isinstance(rec, ParticipantRec):
            self._person(rec.key, rec.display_name)["is_me"] |= rec.is_me
        elif isinstance(rec, SourceRec):
            self.source_me = rec.me_name or self.source_me

    def senders(self, limit: int = 200) -> list[dict[str, Any]]:
        people = sorted(self.people.values(), key=lambda p: (-p["messages"], str(p["name"] or p["key"])))
        return [p | {"name": p["name"] or p["key"]} for p in people[:limit]]

    def me(self) -> str | None:
        """The detected "me": a sender the importer marked, else the source's own name if it sent."""
        for p in self.people.values():
            if p["is_me"]:
                return p["name"] or p["key"]
        names = {p["name"] for p in self.people.values()}
        return self.source_me if self.source_me in names else None
