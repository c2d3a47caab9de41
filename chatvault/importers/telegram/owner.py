"""Who the account owner ("me") is in a Telegram export, or a warning that nothing says.

In this order: the user's word (`--me NAME`, or the choice the vault kept for the source this import
most likely lands in, fed by the engine as `me` plus the participant keys `me_keys`); the account of
a full export (`personal_information.user_id`, matched against each sender's `from_id`); in a
one-to-one chat exported alone, whoever is not the other person: Telegram names that chat after the
other person and gives it their id, so a sender with another id (or, in an export without ids,
another name) is me; in Saved Messages, the sender whose id is the chat's. A group or channel
exported alone names no account: `undecided` then warns, once per chat that has senders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatvault.importers.base import ImportOptions
from chatvault.model import ConversationKind, ImportWarning


def user_number(value: Any) -> str | None:
    """The user number in a peer id: "user123" (today), a bare 123 (old exports); None for channels."""
    text = str(value)
    if text.startswith("user"):
        text = text[4:]
    return text if text.isdigit() else None


@dataclass
class _Chat:
    key: str
    kind: ConversationKind
    title: str | None
    peer: str | None               # the chat's id as a user number (a one-to-one chat: the other person)
    name: str | None               # the chat's name (a one-to-one chat: the other person's name)
    senders: int = 0


class OwnerFinder:
    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self.reset()

    def reset(self) -> None:
        """Back to the start of the file (it is read again with another JSON backend)."""
        self.given_me: str | None = self.options.me
        self.me_keys = frozenset(str(k) for k in self.options.options.get("me_keys") or ())
        self.me_id: str | None = None
        self.chat: _Chat | None = None

    def account(self, user_id: str) -> bool:
        """A full export's own account; True when a choice fed from the vault was dropped for it."""
        self.me_id = f"user{user_id}"
        if self.options.options.get("me_from_vault"):
            # That choice was kept for another source (chats exported one by one); this export names its own.
            self.given_me, self.me_keys = None, frozenset()
            return True
        return False

    def chat_started(self, key: str, kind: ConversationKind, title: str | None, cid: Any, name: Any) -> None:
        if self.chat is None or self.chat.key != key:
            self.chat = _Chat(key, kind, title, user_number(cid) if cid is not None else None,
                              name if name.__class__ is str else None)

    def is_me(self, key: str, name: str | None, conv_key: str) -> bool:
        """Whether a sender first seen now (in chat `conv_key`) is the account owner."""
        chat = self.chat
        if chat is not None and chat.key == conv_key:
            chat.senders += 1
        if self.me_keys or self.given_me:
            return key in self.me_keys or bool(self.given_me and name == self.given_me)
        if self.me_id is not None:
            return key == self.me_id
        if chat is None or chat.kind not in (ConversationKind.DIRECT, ConversationKind.SELF):
            return False
        uid = user_number(key) if chat.peer is not None else None
        if uid is not None and chat.peer is not None:
            mine = uid == chat.peer if chat.kind == ConversationKind.SELF else uid != chat.peer
        elif chat.peer is None and chat.name and chat.kind == ConversationKind.DIRECT:
            mine = name != chat.name
        else:
            return False
        if mine:
            self.me_id = key
        return mine

    def undecided(self, conv_key: str, location: str) -> ImportWarning | None:
        """The warning for a chat with senders when nothing said which one is the user."""
        chat = self.chat
        if chat is None or chat.key != conv_key or chat.kind == ConversationKind.CHANNEL or not chat.senders:
            return None
        if self.me_id is not None or self.given_me or self.me_keys:
            return None
        if chat.kind == ConversationKind.DIRECT and (chat.peer is not None or chat.name):
            return None                # decidable: only the other person wrote
        if chat.kind == ConversationKind.SELF and chat.peer is not None:
            return None
        what = "group" if chat.kind == ConversationKind.GROUP else "chat"
        return ImportWarning(
            f"Cannot tell which sender is you in {chat.title or conv_key!r}: a {what} exported on its own does not "
            "name the account it came from, so every message is shown as someone else's. Say who you are: "
            "--me NAME when importing, \"Which name is me\" in the import window, or afterwards "
            "`chatvault source set-me telegram NAME` or \"This is me\" in the chat list's menu.",
            location=location)
