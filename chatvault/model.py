"""The domain model: enums and the neutral records importers yield. No SQL, no Qt.

Importers turn a source format into these records; the import engine (`chatvault.ingest`) decides
identity, deduplicates and stores them. Field names mirror the schema (docs/vault-format.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, BinaryIO


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VOICE = "voice"
    VIDEO = "video"
    FILE = "file"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    LINK = "link"          # links, articles, official-account posts, mini-program cards
    PAYMENT = "payment"    # transfers, red packets
    CALL = "call"
    SYSTEM = "system"
    RECALLED = "recalled"
    POLL = "poll"
    UNKNOWN = "unknown"


class MessageStatus(StrEnum):
    PRESENT = "present"
    MISSING_AT_SOURCE = "missing-at-source"


class AttachmentStatus(StrEnum):
    STORED = "stored"
    MISSING = "missing"    # the export mentions it but did not contain it
    EXPIRED = "expired"    # the source says it expired / was cleaned up


class MediaQuality(StrEnum):
    """The best level of an image/video the vault holds (see docs/media.md); importers put it in
    `AttachmentRef.extra["quality"]` (absent = `original` for a file that is there)."""

    ORIGINAL = "original"  # the file as the sender sent it
    HD = "hd"              # a large version; the messenger may still have a better original
    THUMBNAIL = "thumbnail"  # only the small preview
    MISSING = "missing"    # nothing of it


QUALITY_RANK = {MediaQuality.MISSING: 0, MediaQuality.THUMBNAIL: 1, MediaQuality.HD: 2, MediaQuality.ORIGINAL: 3}


class Feed(StrEnum):
    """Conversations that are not chats: each has its own view; the chat list leaves them out."""

    MOMENTS = "moments"        # WeChat Moments (朋友圈): a post is a message, its comments reply to it
    FAVORITES = "favorites"    # WeChat Favorites (收藏): an item is a message


class ConversationKind(StrEnum):
    DIRECT = "direct"
    GROUP = "group"
    CHANNEL = "channel"
    SELF = "self"
    UNKNOWN = "unknown"


# --- records yielded by importers --------------------------------------------------------

@dataclass(slots=True)
class SourceRec:
    """Whose phone or account this export came from."""

    app: str                       # importer family: whatsapp, telegram, wechat, ...
    account: str = ""              # account id within the app when known
    display_name: str | None = None
    me_name: str | None = None     # the sender name that is "me"
    # True when this read is a snapshot of the whole account (a WeChat database, a Telegram full export):
    # a conversation an earlier complete snapshot of the same format had and this one lacks was deleted
    # or cleared at the source, and the engine marks its messages missing-at-source.
    complete: bool = False


@dataclass(slots=True)
class ParticipantRec:
    key: str                       # stable id within the source (wxid, user id, or display name)
    display_name: str | None = None
    is_me: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ConversationRec:
    key: str                       # stable id within the source
    title: str | None = None
    kind: ConversationKind = ConversationKind.UNKNOWN
    participants: list[ParticipantRec] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    feed: str | None = None        # a `Feed` value for Moments/Favorites; None for a chat


@dataclass(slots=True)
class AttachmentRef:
    """A media file a message refers to. `open` is None when the export did not contain it."""

    name: str | None = None                           # original file name
    open: Callable[[], BinaryIO] | None = None        # lazily opens the bytes as a stream
    mime_hint: str | None = None                      # what the source claims; sniffed again on store
    size_hint: int | None = None
    status: str = AttachmentStatus.MISSING            # for refs without `open`: missing or expired
    expected_path: str | None = None                  # where the source said the file is
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MessageRec:
    conversation_key: str
    ts: datetime                                      # timezone-aware
    kind: MessageKind = MessageKind.TEXT
    text: str | None = None
    sender_key: str | None = None                     # None for system messages
    sender_name: str | None = None
    source_id: str | None = None                      # the source's own message id, if it has one
    tz_known: bool = True                             # False when the export had no offset (local time)
    reply_to: str | None = None                       # source_id of the quoted message
    forwarded_from: str | None = None
    edited: bool = False
    edited_ts: datetime | None = None
    attachments: list[AttachmentRef] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    location: str | None = None                       # "file:line" or JSON path, for error reports


@dataclass(slots=True)
class Unparsed:
    """Input the importer could not understand, kept verbatim (never silently dropped)."""

    raw: str
    location: str
    reason: str
    conversation_key: str | None = None


@dataclass(slots=True)
class ImportWarning:
    message: str
    location: str | None = None


Record = SourceRec | ConversationRec | ParticipantRec | MessageRec | Unparsed | ImportWarning
