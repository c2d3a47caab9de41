"""Telegram message objects → records: the chat, its people, each message (text, service, media).

`MessageBuilder` is the half of the reader that knows what a message means; `reader.Reader` walks the
JSON and hands it one message object at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chatvault.importers.base import ImportOptions
from chatvault.importers.filetree import FileTree
from chatvault.importers.telegram.fields import (
    Bad,
    bad,
    id_or_none,
    mid_of,
    plain,
    raw_json,
    str_or_none,
    ts_field,
    ts_of,
)
from chatvault.importers.telegram.media import MEDIA_KINDS, attachment
from chatvault.importers.telegram.owner import OwnerFinder
from chatvault.model import (
    ConversationKind,
    ConversationRec,
    MessageKind,
    MessageRec,
    ParticipantRec,
    Record,
    SourceRec,
    Unparsed,
)

CHAT_KINDS = {
    "personal_chat": ConversationKind.DIRECT, "bot_chat": ConversationKind.DIRECT,
    "saved_messages": ConversationKind.SELF, "private_group": ConversationKind.GROUP,
    "private_supergroup": ConversationKind.GROUP, "public_supergroup": ConversationKind.GROUP,
    "private_channel": ConversationKind.CHANNEL, "public_channel": ConversationKind.CHANNEL,
}
# The keys of a plain text message; a message with only these needs nothing from `_fill`.
_PLAIN_KEYS = frozenset(("id", "type", "date", "date_unixtime", "from", "from_id", "text", "text_entities"))


class MessageBuilder:
    """Builds the records of one export member; the reader sets these fields and calls `_message_rec`."""

    tree: FileTree
    member: str
    base: str
    options: ImportOptions
    owner: OwnerFinder
    me_name: str | None
    people: dict[str, ParticipantRec]
    chat_index: int

    def _source(self, personal: dict[str, Any], complete: bool = False) -> Iterator[Record]:
        account = str(personal.get("user_id", "")) if personal else ""
        name = " ".join(str(personal[k]) for k in ("first_name", "last_name") if personal.get(k)) or None
        if account and self.owner.account(account):
            self.me_name = None
        if not self.me_name and name:
            self.me_name = name
        yield SourceRec(app="telegram", account=str(self.options.options.get("account", account)),
                        display_name=name, me_name=self.me_name, complete=complete)

    def _conversation(self, header: dict[str, Any]) -> tuple[str, ConversationKind, ConversationRec]:
        cid = header.get("id")
        name = header.get("name")
        kind = CHAT_KINDS.get(str(header.get("type", "")), ConversationKind.UNKNOWN)
        if cid is not None:
            key = str(cid)
        elif name:
            key = f"name:{name}"
        else:
            key = f"{Path(self.member).stem}#{self.chat_index}"
        title = name if name else ("Saved Messages" if kind == ConversationKind.SELF else None)
        extra = {k: v for k, v in header.items() if k in ("type", "id")}
        self.owner.chat_started(key, kind, title, cid, name)
        return key, kind, ConversationRec(key=key, title=title, kind=kind, extra=extra)

    def _undecided(self, conv_key: str) -> Iterator[Record]:
        warning = self.owner.undecided(conv_key, self.member)
        if warning is not None:
            yield warning

    def _person(self, pid: str | None, name: str | None, conv_key: str) -> ParticipantRec | None:
        """The participant to yield before this message: new, or renamed; None if already known."""
        key = pid or (f"name:{name}" if name else None)
        if key is None:
            return None
        p = self.people.get(key)
        if p is not None and (not name or p.display_name == name):
            return None
        p = ParticipantRec(key=key, display_name=name, is_me=self.owner.is_me(key, name, conv_key),
                           extra={"chat": conv_key})
        self.people[key] = p
        return p

    def _message(self, msg: Any, conv_key: str, where: str) -> Iterator[Record]:
        person, rec = self._message_rec(msg, conv_key, f"{self.member}: {where}")
        if person is not None:
            yield person
        yield rec

    def _message_rec(self, msg: Any, conv_key: str, loc: str) -> tuple[ParticipantRec | None, Record]:
        """(the participant to yield first, or None; the message or what stands for it).

        A field of a type Telegram never writes makes the message an `Unparsed` record (`Bad`, from the
        checks where fields are read); the except clauses below are the backstop for one message."""
        if msg.__class__ is not dict and not isinstance(msg, dict):
            return None, Unparsed(raw=raw_json(msg), location=loc, reason="a message that is not a JSON object",
                                  conversation_key=conv_key)
        get = msg.get
        try:
            ts, tz_known = ts_of(get("date_unixtime"), get("date"))
            if ts is None:
                return None, Unparsed(raw=raw_json(msg), location=loc, reason="a message without a readable date",
                                      conversation_key=conv_key)
            mtype = get("type", "message")
            text = get("text")
            if text.__class__ is str:
                entities = None
            else:
                text, entities = plain(text)
            mid = get("id")
            # MessageRec fields, positionally: conversation_key, ts, kind, text, sender_key, sender_name,
            # source_id, tz_known, reply_to, forwarded_from, edited, edited_ts, attachments, extra, location.
            if mtype == "message":
                from_id = get("from_id")
                if from_id is not None and from_id.__class__ is not str:
                    from_id = id_or_none(msg, "from_id")
                name = get("from")
                if name is not None and name.__class__ is not str:
                    raise bad("from", name, "a string")
                rec = MessageRec(conv_key, ts, MessageKind.TEXT, text or None,
                                 from_id or (f"name:{name}" if name else None), name,
                                 str(mid) if mid is not None else None, tz_known, None, None, False, None, [],
                                 {"entities": entities} if entities else {}, loc)
                if not _PLAIN_KEYS.issuperset(msg):      # any key _fill reads
                    self._fill(rec, msg)
                # The participant last: a message that fails above registers nobody.
                known = self.people.get(from_id) if from_id else None     # the usual case, without a call
                person = None if known is not None and (not name or known.display_name == name) \
                    else self._person(from_id, name, conv_key)
                return person, rec
            rec = MessageRec(conv_key, ts, MessageKind.TEXT, text or None, None, None,
                             str(mid) if mid is not None else None, tz_known, None, None, False, None, [],
                             {"entities": entities} if entities else {}, loc)
            if mtype == "service":
                actor_id = id_or_none(msg, "actor_id")
                actor = str_or_none(msg, "actor")
                action = get("action", "")
                if action is not None and action.__class__ is not str:
                    raise bad("action", action, "a string")
                rec.kind = MessageKind.CALL if action in ("phone_call", "group_call") else MessageKind.SYSTEM
                rec.extra["action"] = action
                rec.extra["actor"] = actor
                rec.sender_key = actor_id or (f"name:{actor}" if actor else None)
                rec.sender_name = actor
                for k in ("title", "members", "duration_seconds", "discard_reason", "message_id", "inviter",
                          "boosts", "new_title", "period"):
                    if k in msg:
                        rec.extra[k] = msg[k]
                if not rec.text:
                    rec.text = service_text(msg)
                return self._person(actor_id, actor, conv_key), rec
            return None, Unparsed(raw=raw_json(msg), location=loc, reason=f"unknown message type {repr(mtype)[:60]}",
                                  conversation_key=conv_key)
        except Bad as exc:
            return None, Unparsed(raw=raw_json(msg), location=loc, reason=f"{exc} (message id {mid_of(msg)})",
                                  conversation_key=conv_key)
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError, OSError) as exc:
            return None, Unparsed(raw=raw_json(msg), location=loc,
                                  reason=f"message id {mid_of(msg)} could not be read ({type(exc).__name__}: "
                                         f"{str(exc)[:200]})", conversation_key=conv_key)

    def _fill(self, rec: MessageRec, msg: dict) -> None:
        if "reply_to_message_id" in msg:
            rec.reply_to = str(msg["reply_to_message_id"])
            if "reply_to_peer_id" in msg:
                rec.extra["reply_to_peer"] = msg["reply_to_peer_id"]
        if msg.get("forwarded_from") is not None or msg.get("saved_from") is not None:
            rec.forwarded_from = str(msg.get("forwarded_from") or msg.get("saved_from"))
        if msg.get("edited") or msg.get("edited_unixtime"):
            rec.edited = True
            rec.edited_ts, _ = ts_field(msg, "edited")
        for k in ("via_bot", "author", "media_spoiler", "self_destruct_period_seconds"):
            if k in msg:
                rec.extra[k] = msg[k]
        if msg.get("reactions"):
            rec.extra["reactions"] = msg["reactions"]
        if "photo" in msg:
            rec.kind = MessageKind.IMAGE
            rec.attachments.append(attachment(self.tree, self.base, "photo", None, msg))
        elif "file" in msg:
            rec.kind = MEDIA_KINDS.get(str(msg.get("media_type", "")), MessageKind.FILE)
            rec.attachments.append(attachment(self.tree, self.base, "file", str_or_none(msg, "file_name"), msg))
            if msg.get("thumbnail") and not str(msg["thumbnail"]).startswith("(File"):
                rec.extra["thumbnail"] = msg["thumbnail"]
        if "location_information" in msg:
            loc = msg["location_information"] or {}
            if loc.__class__ is not dict:
                raise bad("location_information", loc, "an object")
            rec.kind = MessageKind.LOCATION
            rec.extra.update(latitude=loc.get("latitude"), longitude=loc.get("longitude"))
            for k in ("place_name", "address", "live_location_period_seconds"):
                if k in msg:
                    rec.extra[k] = msg[k]
        if "contact_information" in msg:
            rec.kind = MessageKind.CONTACT
            rec.extra["contact"] = msg["contact_information"]
            if msg.get("contact_vcard"):
                rec.attachments.append(attachment(self.tree, self.base, "contact_vcard", None, msg))
        if "poll" in msg:
            poll = msg["poll"] or {}
            if poll.__class__ is not dict:
                raise bad("poll", poll, "an object")
            rec.kind = MessageKind.POLL
            rec.extra["poll"] = poll
            if not rec.text:
                rec.text = str(poll.get("question") or "") or None
        if "game_title" in msg or "invoice_information" in msg:
            rec.kind = MessageKind.LINK
            rec.extra.update({k: msg[k] for k in ("game_title", "game_description", "invoice_information") if k in msg})


def service_text(msg: dict) -> str | None:
    """The words for a service message without text; `action` is a string (or None) here."""
    action = msg.get("action") or ""
    actor = msg.get("actor") or "Someone"
    if action in ("invite_members", "remove_members"):
        members = msg.get("members") or []
        if members.__class__ is not list:
            raise bad("members", members, "a list of names")
        return f"{actor} {'added' if action == 'invite_members' else 'removed'} {', '.join(map(str, members))}"
    if action in ("create_group", "create_channel"):
        return f"{actor} created the {action[7:]} {msg.get('title', '')}".strip()
    words = _SERVICE_WORDS.get(action)
    if words is not None:
        return words.format(actor=actor, title=msg.get("title", ""), reason=msg.get("discard_reason", "ended"),
                            score=msg.get("score", ""))
    return action.replace("_", " ") if action else None


_SERVICE_WORDS = {
    "join_group_by_link": "{actor} joined the group by link",
    "edit_group_title": "{actor} changed the group name to {title}",
    "edit_group_photo": "{actor} changed the group photo",
    "delete_group_photo": "{actor} removed the group photo",
    "pin_message": "{actor} pinned a message",
    "phone_call": "Call ({reason})",
    "joined_telegram": "{actor} joined Telegram",
    "migrate_to_supergroup": "The group became a supergroup",
    "migrate_from_group": "Migrated from a basic group",
    "clear_history": "History cleared",
    "score_in_game": "{actor} scored {score}",
}
