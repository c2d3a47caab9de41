"""Many-row details of the messages of one batch, read by the batch's id range (current schema).

- reactions: `message_add_on` (who, when, on which message) + `message_add_on_reaction` (the emoji);
- contact cards: `message_vcard`; poll options and votes: `message_poll_option`;
- the people a system message names: `message_system_chat_participant`.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from chatvault.importers.whatsapp_android.people import ME, People
from chatvault.importers.whatsapp_android.source import columns, tables
from chatvault.model import AttachmentRef, MessageKind


def _iso(ms: object) -> str | None:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat() if isinstance(ms, int) and ms > 0 else None


def vcard_fields(card: str) -> dict[str, str]:
    """Name and first phone number of a vCard (FN, else N; TEL)."""
    out: dict[str, str] = {}
    for line in card.replace("\r\n ", "").splitlines():
        head, _, value = line.partition(":")
        prop = head.split(";", 1)[0].upper()
        if prop == "FN" and value.strip():
            out.setdefault("first_name", value.strip())
        elif prop == "N" and value.strip(" ;"):
            parts = [p for p in value.split(";") if p]
            out.setdefault("first_name", " ".join(reversed(parts[:2])))
        elif prop.endswith("TEL") and value.strip():
            out.setdefault("phone_number", value.strip())
    return out


class Details:
    def __init__(self, conn: sqlite3.Connection, people: People) -> None:
        self.conn = conn
        self.people = people
        have = tables(conn)
        self.has_reactions = {"message_add_on", "message_add_on_reaction"} <= have and \
            "parent_message_row_id" in columns(conn, "message_add_on")
        self.has_vcards = "message_vcard" in have
        self.has_polls = "message_poll_option" in have
        self.has_system = "message_system_chat_participant" in have
        self.reactions: dict[int, list[dict]] = {}
        self.vcards: dict[int, list[str]] = {}
        self.options: dict[int, list[dict]] = {}
        self.system_people: dict[int, list[str]] = {}

    def load(self, first: int, last: int) -> None:
        """Read the details of messages `first`..`last`."""
        self.reactions, self.vcards, self.options, self.system_people = {}, {}, {}, {}
        c = self.conn
        if self.has_reactions:
            for parent, from_me, sender, ts, emoji in c.execute(
                    "SELECT a.parent_message_row_id, a.from_me, a.sender_jid_row_id, "
                    "coalesce(r.sender_timestamp, a.timestamp), r.reaction FROM message_add_on a "
                    "JOIN message_add_on_reaction r ON r.message_add_on_row_id = a._id "
                    "WHERE a.parent_message_row_id BETWEEN ? AND ? ORDER BY a._id", (first, last)):
                if not emoji:
                    continue              # a reaction taken back is stored empty
                jid = ME if from_me else self.people.jid(sender)
                self._react(parent, emoji, {"from": "You" if from_me else self.people.name(jid),
                                            "from_id": jid, "at": _iso(ts)})
        if self.has_vcards:
            for mid, card in c.execute("SELECT message_row_id, vcard FROM message_vcard "
                                       "WHERE message_row_id BETWEEN ? AND ? ORDER BY _id", (first, last)):
                if isinstance(card, str):
                    self.vcards.setdefault(mid, []).append(card)
        if self.has_polls:
            for mid, name, votes in c.execute("SELECT message_row_id, option_name, vote_total FROM message_poll_option "
                                              "WHERE message_row_id BETWEEN ? AND ? ORDER BY _id", (first, last)):
                self.options.setdefault(mid, []).append({"text": name, "votes": votes or 0})
        if self.has_system:
            for mid, user in c.execute("SELECT message_row_id, user_jid_row_id FROM message_system_chat_participant "
                                       "WHERE message_row_id BETWEEN ? AND ?", (first, last)):
                jid = self.people.jid(user)
                if jid:
                    self.system_people.setdefault(mid, []).append(jid)

    def _react(self, parent: int, emoji: str, who: dict) -> None:
        items = self.reactions.setdefault(parent, [])
        for item in items:
            if item["emoji"] == emoji:
                item["count"] += 1
                item["by"].append(who)
                return
        items.append({"emoji": emoji, "count": 1, "by": [who]})

    def add(self, mid: int, kind: MessageKind, extra: dict, atts: list[AttachmentRef]) -> None:
        """Put message `mid`'s details into its `extra`."""
        reactions = self.reactions.get(mid)
        if reactions:
            extra["reactions"] = reactions
        cards = self.vcards.get(mid)
        if cards:
            fields = [vcard_fields(c) for c in cards]
            extra["contact"] = fields[0]
            extra["vcards"] = cards
            if len(fields) > 1:
                extra["contacts"] = fields
        options = self.options.get(mid)
        if options is not None or kind is MessageKind.POLL:
            extra["poll"] = {"options": options or []}
