"""Recipients, threads and groups of a replayed Signal Android database, across schema versions.

Columns were renamed over the years (`phone` → `e164`, `uuid` → `aci`, `recipient_ids` →
`recipient_id`, `groups.members` → the `group_membership` table); each is read from whichever name
this database has.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from chatvault.importers import signalids as S
from chatvault.model import ConversationKind, ConversationRec, ParticipantRec


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def pick(have: set[str], *names: str) -> str:
    """The first of `names` this table has, else NULL."""
    return next((n for n in names if n in have), "NULL")


@dataclass
class Recipient:
    id: int
    key: str | None                 # the participant key (ACI, else E.164); None for groups
    name: str | None
    group: str | None = None        # hex group id for a group recipient
    e164: str | None = None
    aci: str | None = None


@dataclass
class People:
    me: str | None = None                                   # the owner's participant key
    by_id: dict[int, Recipient] = field(default_factory=dict)
    thread_recipient: dict[int, int] = field(default_factory=dict)
    group_titles: dict[str, str] = field(default_factory=dict)
    group_members: dict[str, list[int]] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    def key(self, rid: object) -> str | None:
        try:
            r = self.by_id.get(int(rid))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return r.key if r else None

    def name(self, key: str | None) -> str | None:
        """The display name of a participant key (the first recipient with it)."""
        if key is None:
            return None
        if not self._names:
            self._names = {r.key: r.name or r.e164 or r.key for r in self.by_id.values() if r.key}
        return self._names.get(key)

    def participant(self, rid: int) -> ParticipantRec | None:
        r = self.by_id.get(rid)
        if r is None or r.key is None:
            return None
        extra = {k: v for k, v in (("e164", r.e164), ("aci", r.aci)) if v}
        return ParticipantRec(r.key, r.name or r.e164 or r.key, is_me=r.key == self.me, extra=extra)

    def conversation(self, thread: int) -> ConversationRec | None:
        r = self.by_id.get(self.thread_recipient.get(thread, -1))
        if r is None:
            return None
        if r.group:
            key = S.group_key(r.group)
            members = [p for p in (self.participant(m) for m in self.group_members.get(r.group, [])) if p]
            return ConversationRec(key, self.group_titles.get(r.group) or r.name, ConversationKind.GROUP, members,
                                   {"group_id": r.group})
        if r.key is None:
            return None
        key = S.direct_key(r.key)
        parts = [p for p in (self.participant(r.id),) if p]
        return ConversationRec(key, r.name or r.e164 or r.key, S.kind_of(key, self.me), parts)


def _name(row: sqlite3.Row) -> str | None:
    for col in ("nickname", "system", "profile_joined", "given"):
        v = row[col]
        if v and str(v).strip():
            if col == "given" and row["family"]:
                return f"{str(v).strip()} {str(row['family']).strip()}"
            return str(v).strip()
    return None


def load(conn: sqlite3.Connection, own_aci: str | None, own_e164: str | None) -> People:
    have_tables = tables(conn)
    people = People(me=S.person(own_aci, own_e164))
    if "recipient" in have_tables:
        c = columns(conn, "recipient")
        sql = (f"SELECT _id, {pick(c, 'aci', 'uuid')} AS aci, {pick(c, 'e164', 'phone')} AS e164, "
               f"{pick(c, 'group_id')} AS gid, {pick(c, 'nickname_joined_name')} AS nickname, "
               f"{pick(c, 'system_joined_name', 'system_display_name')} AS system, "
               f"{pick(c, 'profile_joined_name')} AS profile_joined, "
               f"{pick(c, 'profile_given_name', 'signal_profile_name')} AS given, "
               f"{pick(c, 'profile_family_name')} AS family FROM recipient")
        conn.row_factory = sqlite3.Row
        try:
            for row in conn.execute(sql):
                gid = S.group_hex(row["gid"]) if row["gid"] else None
                a, e = S.aci(row["aci"]), S.e164(row["e164"])
                people.by_id[int(row["_id"])] = Recipient(int(row["_id"]), None if gid else S.person(a, e),
                                                          _name(row), gid, e, a)
        finally:
            conn.row_factory = None
    if people.me is None:
        people.me = S.ME
    if "thread" in have_tables:
        c = columns(conn, "thread")
        col = pick(c, "recipient_id", "thread_recipient_id", "recipient_ids")
        for tid, rid in conn.execute(f"SELECT _id, {col} FROM thread"):
            try:
                people.thread_recipient[int(tid)] = int(str(rid).split(",")[0].strip())
            except (TypeError, ValueError):
                continue
    if "groups" in have_tables:
        c = columns(conn, "groups")
        for gid, title, members in conn.execute(
                f"SELECT group_id, {pick(c, 'title')}, {pick(c, 'members')} FROM groups"):
            hx = S.group_hex(gid)
            if not hx:
                continue
            if title:
                people.group_titles[hx] = str(title)
            ids = [int(m) for m in str(members or "").split(",") if m.strip().isdigit()]
            people.group_members[hx] = ids
        if "group_membership" in have_tables:
            for gid, rid in conn.execute("SELECT group_id, recipient_id FROM group_membership"):
                hx = S.group_hex(gid)
                if hx and rid is not None:
                    people.group_members.setdefault(hx, []).append(int(rid))
    return people
