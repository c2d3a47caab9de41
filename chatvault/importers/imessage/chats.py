"""Handles and chats of a Messages database, and the conversation each message belongs to.

Messages keeps one `chat` row per service (an iMessage and an SMS chat with the same person, or
`any;-;` on recent versions); ChatVault shows one conversation per person or group, as Messages
does: direct chats are keyed by the other person's normalised handle, groups by `chat_identifier`
(`chat123…`, the same on a Mac and an iPhone). Group names come from `display_name`, members from
`chat_handle_join`.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from chatvault.importers.imessage import dbread
from chatvault.importers.imessage.handles import ME_KEY, normalize_handle
from chatvault.model import ConversationKind, ConversationRec, ImportWarning, ParticipantRec

GROUP_STYLE = 43
UNKNOWN_CHAT = "unknown-chat"
DENSE_LIMIT = 64_000_000          # ROWIDs up to this: an array (512 MB at worst); beyond, a dict


@dataclass
class Conv:
    key: str
    group: bool
    title: str | None = None
    members: dict[str, None] = field(default_factory=dict)     # participant keys, in order
    services: dict[str, None] = field(default_factory=dict)
    guids: dict[str, None] = field(default_factory=dict)
    emitted: bool = False

    def record(self, handles: dict[str, str]) -> ConversationRec:
        parts = [ParticipantRec(key=ME_KEY, is_me=True)]
        parts += [ParticipantRec(key=k, extra={"handle": handles.get(k, k)}) for k in self.members if k != ME_KEY]
        extra: dict = {"services": list(self.services), "chat_guids": list(self.guids)[:20]}
        title = self.title
        if not title:
            names = [k for k in self.members if k != ME_KEY]
            title = ", ".join(names[:6]) + ("…" if len(names) > 6 else "") if names else self.key
            extra["title_fallback"] = True
        kind = ConversationKind.GROUP if self.group else ConversationKind.DIRECT
        return ConversationRec(key=self.key, title=title, kind=kind, participants=parts, extra=extra)


class Chats:
    def __init__(self) -> None:
        self.handles: dict[int, str] = {}        # handle ROWID → participant key
        self.raw: dict[str, str] = {}            # participant key → the handle as Messages wrote it
        self.by_chat: dict[int, Conv] = {}
        self.convs: dict[str, Conv] = {}
        # message ROWID → its chat ROWID (the lowest when several): an array, 8 bytes a message, read
        # once; a lookup per message in chat_message_join costs a table scan where its index is missing
        self._chat_of: array[int] | dict[int, int] = array("q")

    @classmethod
    def load(cls, op: dbread.Opened, warnings: list[ImportWarning]) -> Chats:
        self = cls()
        try:
            self._load(op)
        except Exception as exc:  # noqa: BLE001 - a damaged table: chats found so far stay, messages still import
            warnings.append(ImportWarning(f"{op.db.name}: the chat and contact tables could not all be read ({exc}); "
                                          "some conversations may lack their name or members.", location=str(op.db)))
        try:
            self._load_joins(op)
        except Exception as exc:  # noqa: BLE001 - as above: messages whose chat was lost go by their sender
            warnings.append(ImportWarning(f"{op.db.name}: the table linking messages to chats could not all be "
                                          f"read ({exc}); messages it lost are put in the chat with their sender.",
                                          location=str(op.db)))
        return self

    def chat_of(self, message_rowid: int) -> int | None:
        if isinstance(self._chat_of, dict):
            return self._chat_of.get(message_rowid)
        if 0 <= message_rowid < len(self._chat_of):
            return self._chat_of[message_rowid] or None
        return None

    def _load_joins(self, op: dbread.Opened) -> None:
        if "chat_message_join" not in op.tables:
            return
        top = op.conn.execute("SELECT max(message_id) FROM chat_message_join").fetchone()[0] or 0
        dense = 0 <= int(top) <= DENSE_LIMIT
        table: array[int] | dict[int, int] = array("q", bytes(8 * (int(top) + 1))) if dense else {}
        self._chat_of = table                          # (filled in place: what a damaged page stops keeps)
        for mid, cid in op.conn.execute("SELECT message_id, chat_id FROM chat_message_join "
                                        "ORDER BY chat_id DESC"):          # the lowest chat wins
            if mid is not None and cid is not None and (not dense or 0 <= mid <= top):
                table[int(mid)] = int(cid)

    def _load(self, op: dbread.Opened) -> None:
        if "handle" in op.tables:
            for rid, hid in op.conn.execute("SELECT ROWID, id FROM handle"):
                key = normalize_handle(hid)
                if key:
                    self.handles[int(rid)] = key
                    self.raw.setdefault(key, str(hid))
        if "chat" not in op.tables:
            return
        members: dict[int, list[str]] = {}
        if "chat_handle_join" in op.tables:
            for chat_id, handle_id in op.conn.execute("SELECT chat_id, handle_id FROM chat_handle_join "
                                                      "ORDER BY chat_id, handle_id"):
                key = self.handles.get(int(handle_id or 0))
                if key:
                    members.setdefault(int(chat_id), []).append(key)
        sel = op.select("chat", ("guid", "style", "chat_identifier", "service_name", "display_name", "room_name"))
        for rid, guid, style, ident, service, name, room in op.conn.execute(f"SELECT ROWID, {sel} FROM chat"):
            mem = members.get(int(rid), [])
            group = style == GROUP_STYLE or bool(room) or len(mem) > 1
            if group:
                key = str(ident or room or guid or f"chat-{rid}")
            else:
                key = (mem[0] if mem else normalize_handle(ident)) or str(guid or f"chat-{rid}")
            conv = self.convs.get(key) or self.convs.setdefault(key, Conv(key, group))
            if name and str(name).strip():
                conv.title = str(name).strip()
            for m in mem:
                conv.members[m] = None
            if service:
                conv.services[str(service)] = None
            if guid:
                conv.guids[str(guid)] = None
            self.by_chat[int(rid)] = conv

    def conversation(self, chat_id: int | None, sender: str | None) -> tuple[Conv, ConversationRec | None]:
        """The conversation of a message (its chat, else a direct chat with its sender), and its record
        when this is the first message of it (to be yielded before the message)."""
        conv = self.by_chat.get(int(chat_id)) if chat_id is not None else None
        if conv is None:
            key = sender if sender and sender != ME_KEY else UNKNOWN_CHAT
            conv = self.convs.get(key)
            if conv is None:
                conv = self.convs[key] = Conv(key, False, None if key != UNKNOWN_CHAT else "Messages without a chat")
                if key != UNKNOWN_CHAT:
                    conv.members[key] = None
        if conv.emitted:
            return conv, None
        conv.emitted = True
        return conv, conv.record(self.raw)
