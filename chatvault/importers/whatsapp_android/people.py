"""Who is who in a msgstore: JIDs, LIDs turned back into phone numbers, and names from `wa.db`.

A JID is `<user>@<server>`: `s.whatsapp.net` a person (user = the phone number), `g.us` a group,
`broadcast` a broadcast list (`status@broadcast`: status updates), `newsletter` a channel, `lid` a
privacy id WhatsApp uses instead of the number on new databases; `jid_map` (lid_row_id → jid_row_id)
gives the phone-number JID back, so a person has one key whichever form a row uses.
Names: `wa.db`'s `wa_contacts` (the phone's address book name, else the name the person set in
WhatsApp), else `+<number>`.
"""

from __future__ import annotations

import sqlite3

from chatvault.importers.whatsapp_android.source import columns, tables
from chatvault.model import ConversationKind

ME = "me"        # the sender key of the phone's owner (msgstore does not store the owner's own number)


def contact_names(conn: sqlite3.Connection | None) -> dict[str, str]:
    """jid → name from wa.db (display name from the address book, else the WhatsApp profile name)."""
    if conn is None or "wa_contacts" not in tables(conn):
        return {}
    have = columns(conn, "wa_contacts")
    picks = [c for c in ("display_name", "wa_name", "given_name", "nickname") if c in have]
    if "jid" not in have or not picks:
        return {}
    names: dict[str, str] = {}
    for row in conn.execute(f"SELECT jid, {', '.join(picks)} FROM wa_contacts"):
        name = next((v for v in row[1:] if isinstance(v, str) and v.strip()), None)
        if isinstance(row[0], str) and name:
            names.setdefault(row[0], name.strip())
    return names


def kind_of(jid: str) -> ConversationKind:
    server = jid.rpartition("@")[2]
    if server == "g.us":
        return ConversationKind.GROUP
    if server in ("broadcast", "newsletter"):
        return ConversationKind.CHANNEL
    return ConversationKind.DIRECT


def phone_of(jid: str) -> str | None:
    user, _, server = jid.partition("@")
    user = user.split(":", 1)[0].split(".", 1)[0]
    return f"+{user}" if server in ("s.whatsapp.net", "c.us") and user.isdigit() else None


class People:
    """JID rows and names of one msgstore (current schema: the `jid` table; legacy: raw strings)."""

    def __init__(self, conn: sqlite3.Connection, names: dict[str, str]) -> None:
        self.names = names
        self._shown: dict[str, str | None] = {}       # jid → name, as worked out the first time
        self.rows: dict[int, str] = {}
        have = tables(conn)
        if "jid" in have:
            cols = columns(conn, "jid")
            raw = "raw_string" if "raw_string" in cols else "user || '@' || server"
            for rid, value in conn.execute(f"SELECT _id, {raw} FROM jid"):
                if isinstance(value, str):
                    self.rows[rid] = value
        self.lids = 0
        if "jid_map" in have and {"lid_row_id", "jid_row_id"} <= columns(conn, "jid_map"):
            for lid, phone in conn.execute("SELECT lid_row_id, jid_row_id FROM jid_map"):
                if phone in self.rows and lid in self.rows:
                    self.rows[lid] = self.rows[phone]
                    self.lids += 1

    def jid(self, row_id: int | None) -> str | None:
        return self.rows.get(row_id) if row_id is not None else None

    def name(self, jid: str | None) -> str | None:
        if jid is None:
            return None
        try:
            return self._shown[jid]
        except KeyError:
            pass
        bare = jid.split(":", 1)[0] + ("@" + jid.rpartition("@")[2] if ":" in jid else "")
        shown = self._shown[jid] = self.names.get(jid) or self.names.get(bare) or phone_of(jid)
        return shown
