"""The chats of a msgstore, with their members, subjects and WhatsApp chat identity.

The conversation key is the chat's JID (a LID chat mapped back to the phone-number JID, so both
rows are one conversation). `extra["chat_identity"]` carries what identifies the chat in any other
WhatsApp source (`chatvault.ingest.chatmatch`): the JID, the phone number and the names the chat
is shown under (group subject, contact name, number), which is all a `.txt` export has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from chatvault.importers.whatsapp_android.people import ME, People, kind_of, phone_of
from chatvault.importers.whatsapp_android.source import columns, tables
from chatvault.model import ConversationKind, ConversationRec, ParticipantRec

STATUS = "status@broadcast"


def identity(jid: str, names: list[str | None]) -> dict:
    """The WhatsApp chat identity of a chat (see `chatvault.ingest.chatmatch`)."""
    shown = [n for n in dict.fromkeys(names) if n]
    out: dict = {"app": "whatsapp", "jid": jid, "names": shown}
    phone = phone_of(jid)
    if phone:
        out["phone"] = phone
    return out


def chat_of(jid: str, people: People) -> ConversationRec:
    """A conversation the chat list lacks (calls with someone the phone has no chat with)."""
    contact = people.name(jid)
    return ConversationRec(key=jid, title=contact or jid, kind=kind_of(jid),
                           participants=[ParticipantRec(key=jid, display_name=contact)],
                           extra={"chat_identity": identity(jid, [contact, phone_of(jid)]), "jid": jid})


def _members(conn: sqlite3.Connection, people: People, schema: str) -> dict[str, list[tuple[str, bool]]]:
    """group JID → [(member JID, is admin)]."""
    have = tables(conn)
    out: dict[str, list[tuple[str, bool]]] = {}
    if schema == "current" and "group_participant_user" in have:
        rank = "rank" if "rank" in columns(conn, "group_participant_user") else "0"
        for group, user, r in conn.execute(f"SELECT group_jid_row_id, user_jid_row_id, {rank} "
                                           "FROM group_participant_user"):
            g, u = people.jid(group), people.jid(user)
            if g and u:
                out.setdefault(g, []).append((u, bool(r)))
    elif "group_participants" in have and {"gjid", "jid"} <= columns(conn, "group_participants"):
        admin = "admin" if "admin" in columns(conn, "group_participants") else "0"
        for g, u, a in conn.execute(f"SELECT gjid, jid, {admin} FROM group_participants"):
            if g and u is not None:
                out.setdefault(g, []).append((u or ME, bool(a)))   # the empty jid is the phone's owner
    return out


def _chat_rows(conn: sqlite3.Connection, people: People, schema: str) -> Iterator[tuple[int | None, str, str | None]]:
    """(chat row id or None, JID, subject) of every chat."""
    have = tables(conn)
    if schema == "current":
        subject = "subject" if "subject" in columns(conn, "chat") else "NULL"
        for cid, jid_row, subj in conn.execute(f"SELECT _id, jid_row_id, {subject} FROM chat ORDER BY _id"):
            jid = people.jid(jid_row)
            if jid:
                yield cid, jid, subj
        return
    seen: set[str] = set()
    if "chat_list" in have and "key_remote_jid" in columns(conn, "chat_list"):
        subject = "subject" if "subject" in columns(conn, "chat_list") else "NULL"
        for jid, subj in conn.execute(f"SELECT key_remote_jid, {subject} FROM chat_list"):
            if jid and jid not in seen:
                seen.add(jid)
                yield None, jid, subj
    for (jid,) in conn.execute("SELECT DISTINCT key_remote_jid FROM messages"):
        if jid and jid != "-1" and jid not in seen:
            seen.add(jid)
            yield None, jid, None


def chat_records(conn: sqlite3.Connection, people: People, schema: str, chats: dict[int, str],
                 me: str | None) -> Iterator[ConversationRec]:
    """A `ConversationRec` per chat; fills `chats` (chat row id → conversation key)."""
    members = _members(conn, people, schema)
    owner = ParticipantRec(key=ME, display_name=me or "You", is_me=True)
    described: set[str] = set()
    for cid, jid, subject in _chat_rows(conn, people, schema):
        if cid is not None:
            chats[cid] = jid
        if jid in described:
            continue
        described.add(jid)
        kind = kind_of(jid)
        contact = people.name(jid)
        title = "Status updates" if jid == STATUS else (subject or contact or jid)
        parts = [owner]
        extra: dict = {"chat_identity": identity(jid, [subject, contact, phone_of(jid)]), "jid": jid}
        if kind is ConversationKind.GROUP:
            admins = []
            for user, admin in members.get(jid, []):
                if user == ME:
                    continue
                parts.append(ParticipantRec(key=user, display_name=people.name(user)))
                if admin:
                    admins.append(user)
            if admins:
                extra["admins"] = admins
        elif kind is ConversationKind.DIRECT:
            parts.append(ParticipantRec(key=jid, display_name=contact))
        yield ConversationRec(key=jid, title=title, kind=kind, participants=parts, extra=extra)
