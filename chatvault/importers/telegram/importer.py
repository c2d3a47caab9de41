"""Telegram Desktop "Export chat history" / "Export Telegram data" in the machine-readable JSON form.

Two shapes: one chat (`result.json` = {name, type, id, messages: [...]}) or a whole account
(`result.json` = {about, personal_information, contacts, chats: {list: [chat, ...]}, left_chats: ...}).
Media sit beside `result.json` in folders (photos/, files/, voice_messages/, video_files/,
stickers/ ...) and are referenced by relative paths; a missing file reads "(File not included ...)".

The JSON is read with ijson's event stream, one message object at a time, so a multi-GB export never
sits in memory. A file cut short yields everything before the cut, then an `Unparsed` record saying
where it ended. A file holding an integer beyond 64 bits (which ijson's C backend cannot hold) is read
again with ijson's Python backend, skipping what was already yielded. A message with a field of a type
Telegram never writes becomes an `Unparsed` record naming the field; the import goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, position, safe_tree
from chatvault.importers.openers import TreeMember
from chatvault.importers.telegram.owner import OwnerFinder
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
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
MEDIA_KINDS = {
    "sticker": MessageKind.STICKER, "voice_message": MessageKind.VOICE, "audio_file": MessageKind.FILE,
    "video_file": MessageKind.VIDEO, "video_message": MessageKind.VIDEO, "animation": MessageKind.VIDEO,
}
NOT_INCLUDED = "(File not included"
# The keys of a plain text message; a message with only these needs nothing from `_fill`.
_PLAIN_KEYS = frozenset(("id", "type", "date", "date_unixtime", "from", "from_id", "text", "text_entities"))
# ijson's C backend (yajl) stops with "integer overflow" at an integer beyond 64 bits; the pure-Python
# backend reads it (much slower, so only a file that holds one is read again with it).
_PY_IJSON = ijson.get_backend("python")


def _int_overflow(exc: Exception) -> bool:
    return "integer overflow" in str(exc)


class _Overflow(Exception):
    """The C backend met an integer it cannot hold: read the file again with the Python backend."""


TOP_KEYS = {"about", "personal_information", "chats", "left_chats", "contacts", "frequent_contacts",
            "name", "type", "id", "messages"}


class _Bad(ValueError):
    """A message field of a type (or size) Telegram never writes: the message becomes an `Unparsed` record."""


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null"}


def _bad(field: str, value: Any, expected: str) -> _Bad:
    return _Bad(f"field '{field}' is {_JSON_TYPES.get(value.__class__, value.__class__.__name__)}, expected {expected}")


def _str_or_none(msg: dict, field: str) -> str | None:
    """A field that must be a string (or absent/null), such as a name or a MIME type."""
    value = msg.get(field)
    if value is None or value.__class__ is str:
        return value
    raise _bad(field, value, "a string")


def _id_or_none(msg: dict, field: str) -> str | None:
    """A peer id (`from_id`, `actor_id`): "user123" today, a bare number in old exports."""
    value = msg.get(field)
    if value is None or value.__class__ is str:
        return value
    if value.__class__ is int:
        return str(value)
    raise _bad(field, value, "a string or a number")


def _raw(msg: Any) -> str:
    """The message object as compact JSON, capped: what an `Unparsed` record keeps."""
    return json.dumps(msg, ensure_ascii=False, default=str, separators=(",", ":"))[:20000]


def _plain(text: Any) -> tuple[str, list[dict]]:
    """Telegram's `text` (a string, or a list of strings and entity objects) → plain text + entities."""
    if text is None:
        return "", []
    if isinstance(text, str):
        return text, []
    if text.__class__ is not list:
        raise _bad("text", text, "a string or a list of strings and entity objects")
    out: list[str] = []
    entities: list[dict] = []
    pos = 0
    for part in text:
        if isinstance(part, str):
            out.append(part)
            pos += len(part)
            continue
        if not isinstance(part, dict):
            raise _Bad(f"field 'text' holds {_JSON_TYPES.get(part.__class__, 'a value')}, expected strings and "
                       "entity objects")
        t = str(part.get("text", ""))
        ent = {"type": part.get("type", "plain"), "offset": pos, "length": len(t)}
        for extra in ("href", "user_id", "language", "document_id"):
            if extra in part:
                ent[extra] = part[extra]
        if ent["type"] != "plain":
            entities.append(ent)
        out.append(t)
        pos += len(t)
    return "".join(out), entities


_EPOCH = datetime(1970, 1, 1)
_ZONES: dict[int, timezone] = {}


def _zone(minutes: int) -> timezone:
    tz = _ZONES.get(minutes)
    if tz is None:
        tz = _ZONES[minutes] = UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
    return tz


def _ts(msg: dict, key: str = "date") -> tuple[datetime | None, bool]:
    """The message time: `date_unixtime` (UTC, with the offset recovered from `date`) or `date` (local)."""
    return _ts_of(msg.get(f"{key}_unixtime"), msg.get(key), key)


_fromiso = datetime.fromisoformat
_fromts = datetime.fromtimestamp


def _ts_of(unix: Any, local: Any, key: str = "date") -> tuple[datetime | None, bool]:
    """`_ts` from the two values: `date_unixtime` (or None) and `date` (or None).

    Raises `_Bad` for a unix time of another JSON type or outside the dates Python can hold; a unix time
    that is not a number at all leaves the local `date`."""
    if local.__class__ is str and unix.__class__ is str:
        # The usual shape, whole seconds and a whole-minute offset, without datetime.replace (slow):
        # the wall clock minus the unix time is the offset, and fromtimestamp(unix, that zone) is
        # the same datetime as the wall clock with that zone attached (the general code below).
        try:
            naive = _fromiso(local)
            if naive.tzinfo is None and not naive.microsecond:
                secs = int(unix)
                d = naive - _EPOCH
                off = d.days * 86400 + d.seconds - secs
                if not off % 60 and -64800 <= off <= 64800:
                    minutes = off // 60
                    return _fromts(secs, _ZONES.get(minutes) or _zone(minutes)), True
        except (ValueError, OverflowError, OSError):
            pass
    naive = None
    if isinstance(local, str):
        try:
            naive = _fromiso(local)
        except ValueError:
            naive = None
    if unix is not None:
        if unix.__class__ is not str and unix.__class__ is not int and unix.__class__ is not float:
            raise _bad(f"{key}_unixtime", unix, "a number or string")
        try:
            secs: int | None = int(unix)
        except ValueError:             # not a number (or NaN): the local `date` is all there is
            secs = None
        except OverflowError as exc:   # an infinite float
            raise _Bad(f"field '{key}_unixtime' ({unix!r}) is not a time") from exc
        if secs is not None:
            try:
                if naive is not None and naive.tzinfo is None:
                    minutes = round(((naive - _EPOCH).total_seconds() - secs) / 60)
                    if -1080 <= minutes <= 1080:
                        tz = _ZONES.get(minutes) or _zone(minutes)
                        ts = naive.replace(tzinfo=tz)          # the wall-clock reading, with its offset
                        if int(ts.timestamp()) != secs:        # seconds disagree: trust the unix time
                            ts = _fromts(secs, tz)
                        return ts, True
                return _fromts(secs, UTC), True
            except (ValueError, OverflowError, OSError) as exc:
                raise _Bad(f"field '{key}_unixtime' ({str(unix)[:40]}) is outside the range of dates "
                           "(years 1 to 9999)") from exc
    if naive is not None:
        if naive.tzinfo is not None:
            return naive, True
        return naive.replace(tzinfo=UTC), False
    return None, False


class TelegramImporter(Importer):
    name = "telegram"
    title = "Telegram Desktop export (JSON)"
    description = ("result.json from Telegram Desktop's \"Export chat history\" (one chat) or \"Export Telegram "
                   "data\" (all chats), machine-readable JSON, with its photos/files/voice/video/sticker folders.")
    patterns = ("result.json", "*.json")
    parser_version = 2             # 2: the owner ("me") found in one-chat exports
    recognised_by: ClassVar[str] = ("a JSON file (result.json, or inside a folder/zip) whose top level holds "
                                    "'messages' (one chat) or 'chats' with a 'list' (full export)")

    def _json_member(self, tree: FileTree) -> str | None:
        names = tree.names()
        if tree.kind == "file":
            return names[0] if names else None
        for n in sorted(names, key=lambda x: (x.count("/"), x)):
            if n.rsplit("/", 1)[-1] == "result.json":
                return n
        jsons = sorted((n for n in names if n.lower().endswith(".json")), key=lambda x: (x.count("/"), x))
        for n in jsons[:5]:
            if _looks_like(tree.read_head(n, 8192))[0] > 0:
                return n
        return None

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            member = self._json_member(tree)
            if member is None:
                return Detection(0.0, "no result.json or Telegram-shaped JSON")
            conf, variant = _looks_like(tree.read_head(member, 16384))
            if conf == 0:
                return Detection(0.0, f"{member} is not a Telegram export")
            return Detection(conf, f"{member}: Telegram export ({variant})", variant)

    def total_bytes(self, path: Path) -> int | None:
        tree = safe_tree(path)
        if tree is None:
            return None
        with tree:
            member = self._json_member(tree)
            return tree.size(member) if member else None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        # A lone result.json still finds its media: the tree is the folder around it.
        tree_path = path.parent if path.is_file() and path.suffix.lower() == ".json" else path
        tree = FileTree(tree_path)
        try:
            if tree_path is not path:
                member = tree.find(path.name) if path.name in tree else None
                if member is None:
                    tree.close()
                    tree = FileTree(path)
                    member = path.name
            else:
                member = self._json_member(tree)
            if member is None:
                raise InputError(f"{path.name} holds no Telegram result.json.",
                                 hint="Choose the folder Telegram Desktop exported (it contains result.json).")
            if tree.size(member) == 0:
                raise InputError(f"{path.name}: {member} is empty.", hint="Export again from Telegram Desktop.")
            base = member.rsplit("/", 1)[0] if "/" in member else ""
            yield from _Reader(tree, member, base, options, ctx, path).run()
        finally:
            tree.close()


def _looks_like(head: bytes) -> tuple[float, str]:
    if not head or b"\x00" in head[:1024]:
        return 0.0, ""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return 0.0, ""
    keys: list[str] = []
    try:
        for prefix, event, value in ijson.parse(text):
            if prefix == "" and event == "map_key":
                keys.append(value)
    except ijson.common.IncompleteJSONError:
        pass
    except ijson.common.JSONError:
        return 0.0, ""
    if "chats" in keys or "personal_information" in keys:
        return 0.9, "full export"
    if "messages" in keys and ("type" in keys or "name" in keys or "id" in keys):
        return 0.9, "one chat"
    if "messages" in keys:
        return 0.6, "one chat (minimal)"
    if keys and set(keys) <= TOP_KEYS and b'"date' in head:
        return 0.5, "one chat"
    return 0.0, ""


class _Reader:
    """Walks ijson events; builds one message object at a time."""

    def __init__(self, tree: FileTree, member: str, base: str, options: ImportOptions, ctx: JobContext,
                 path: Path) -> None:
        self.tree = tree
        self.member = member
        self.base = base
        self.options = options
        self.ctx = ctx
        self.path = path
        self.owner = OwnerFinder(options)
        self.me_name: str | None = options.me
        self.people: dict[str, ParticipantRec] = {}
        self.chat_index = 0

    def _open(self) -> Any:
        raw = self.tree.open(self.member)
        if hasattr(raw, "peek") and raw.peek(3)[:3] == b"\xef\xbb\xbf":
            raw.read(3)            # a byte-order mark (some editors add one) is not JSON
        return raw

    def _one_chat_header(self) -> dict[str, Any] | None:
        """For a one-chat export, its fields before `messages`; None for any other shape."""
        header: dict[str, Any] = {}
        raw = self._open()
        try:
            for prefix, event, value in ijson.parse(raw, use_float=True):
                if prefix in ("name", "type", "id") and event in ("string", "number", "integer"):
                    header[prefix] = value
                elif prefix == "messages" and event == "start_array":
                    return header
                elif event == "map_key" and prefix == "" and value in ("chats", "left_chats", "personal_information"):
                    return None
                elif prefix.count(".") > 1:
                    return None
        except ijson.common.JSONError:
            return None
        finally:
            raw.close()
        return None

    def run(self) -> Iterator[Record]:
        """The records; called from `read`'s generator, so the file is first opened when reading starts.
        Returns the walker itself (one generator less for every record to pass through)."""
        header = self._one_chat_header()
        if header is not None:
            return self._run_one_chat(header)
        return self._run_events()

    def _run_one_chat(self, header: dict[str, Any]) -> Iterator[Record]:
        """The common big case: one chat. ijson's C item builder does the work (about 3x faster)."""
        size = self.tree.size(self.member)
        yield from self._source({})
        self.chat_index = 1
        conv_key, _kind, rec = self._conversation(header)
        yield rec
        raw = self._open()
        n = 0
        message = self._message_rec
        loc = f"{self.member}: messages["
        items = ijson.items(raw, "messages.item", use_float=True)
        slow = False                   # True once read again with the Python backend
        try:
            while True:
                try:
                    for msg in items:
                        if not n & 1023:
                            self.ctx.check()
                            self.ctx.set_position(bytes_=min(size, position(raw)))
                        person, out = message(msg, conv_key, f"{loc}{n}]")
                        if person is not None:
                            yield person
                        yield out
                        n += 1
                    break
                except ijson.common.IncompleteJSONError as exc:
                    if slow or not _int_overflow(exc):
                        raise
                    # An integer beyond 64 bits: the same messages again with the Python backend, the
                    # n already yielded skipped, then on from there.
                    slow = True
                    raw.close()
                    raw = self._open()
                    items = _PY_IJSON.items(raw, "messages.item", use_float=True)
                    for i, _skip in enumerate(islice(items, n)):
                        if not i & 1023:
                            self.ctx.check()
        except ijson.common.IncompleteJSONError as exc:
            pos = position(raw)
            yield from self._cut_off(exc, pos, size, conv_key)
        except ijson.common.JSONError as exc:
            yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {position(raw)}",
                           reason="the JSON is damaged here; the rest of the file could not be read",
                           conversation_key=conv_key)
        finally:
            raw.close()
        rec.participants = [p for p in self.people.values() if p.extra.get("chat") == conv_key]
        yield rec
        yield from self._undecided(conv_key)
        self.ctx.set_position(bytes_=size)

    def _run_events(self) -> Iterator[Record]:
        """`_walk_events` with ijson's C backend; if it meets an integer beyond 64 bits, the whole walk
        again with the Python backend from a fresh state, the records already yielded skipped."""
        done = 0
        try:
            for rec in self._walk_events(slow=False):
                done += 1
                yield rec
            return
        except _Overflow:
            pass
        self.me_name, self.people, self.chat_index = self.options.me, {}, 0
        self.owner.reset()
        walk = self._walk_events(slow=True)
        for i, _skip in enumerate(islice(walk, done)):
            if not i & 1023:
                self.ctx.check()
        yield from walk

    def _walk_events(self, slow: bool) -> Iterator[Record]:
        raw = self._open()
        size = self.tree.size(self.member)
        source_done = False
        header: dict[str, Any] = {}
        chat_prefix: str | None = None
        conv_key: str | None = None
        conv_kind = ConversationKind.UNKNOWN
        n = 0
        last_pos = 0
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        msg_prefix = ""
        personal: dict[str, Any] = {}
        events = (_PY_IJSON if slow else ijson).parse(raw, use_float=True)
        try:
            for prefix, event, value in events:
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                        if depth == 0:
                            n += 1
                            msg = builder.value
                            builder = None
                            if n % 1024 == 0:
                                self.ctx.check()
                                pos = position(raw)
                                if pos != last_pos:
                                    self.ctx.set_position(bytes_=min(size, pos))
                                    last_pos = pos
                            yield from self._message(msg, conv_key or "", f"{msg_prefix}[{n - 1}]")
                    continue
                if conv_key is not None and prefix.endswith("messages.item") and event not in ("start_map",
                                                                                            "start_array"):
                    n += 1
                    yield from self._message(value, conv_key, f"{msg_prefix}[{n - 1}]")
                    continue
                if event in ("start_map", "start_array") and prefix.endswith("messages.item") and conv_key is not None:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth = 1
                    continue
                if prefix.startswith("personal_information.") and event in ("string", "number"):
                    personal[prefix.rsplit(".", 1)[-1]] = value
                    continue
                if prefix in ("", "chats.list.item", "left_chats.list.item") and event == "start_map":
                    header = {}
                    chat_prefix = prefix
                    conv_key = None
                    continue
                if chat_prefix is not None and event in ("string", "number", "integer", "boolean") \
                        and prefix.count(".") == (chat_prefix.count(".") + 1 if chat_prefix else 0) \
                        and prefix.startswith(chat_prefix):
                    header[prefix.rsplit(".", 1)[-1]] = value
                    continue
                if chat_prefix is not None and event == "start_array" and \
                        prefix == (f"{chat_prefix}.messages" if chat_prefix else "messages"):
                    if not source_done:   # chats.list / left_chats.list: "Export Telegram data", the whole account
                        yield from self._source(personal, complete=bool(chat_prefix))
                        source_done = True
                    self.chat_index += 1
                    conv_key, conv_kind, rec = self._conversation(header)
                    yield rec
                    msg_prefix = f"{prefix}"
                    n = 0
                    continue
                if chat_prefix is not None and event == "end_map" and prefix == chat_prefix:
                    if conv_key is not None:
                        _key, _kind, rec = self._conversation(header)   # fields after messages, if any
                        rec.participants = [p for p in self.people.values() if p.extra.get("chat") == conv_key]
                        yield rec
                        yield from self._undecided(conv_key)
                    chat_prefix = None
                    conv_key = None
        except ijson.common.IncompleteJSONError as exc:
            if not slow and _int_overflow(exc):
                raise _Overflow from exc
            pos = position(raw)
            yield from self._cut_off(exc, pos, size, conv_key)
            if not source_done:
                raise InputError(f"{self.path.name}: {self.member} is cut off before any chat begins.",
                                 hint="Export again from Telegram Desktop.") from exc
        except ijson.common.JSONError as exc:
            if not source_done:
                raise InputError(f"{self.path.name}: {self.member} is not valid JSON ({exc}).",
                                 hint="This is not a Telegram Desktop JSON export, or it is damaged.") from exc
            yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {position(raw)}",
                           reason="the JSON is damaged here; the rest of the file could not be read",
                           conversation_key=conv_key)
        finally:
            raw.close()
        if not source_done:
            raise InputError(f"{self.path.name}: {self.member} has no messages list.",
                             hint="This JSON is not a Telegram Desktop chat export.")
        self.ctx.set_position(bytes_=size)

    def _cut_off(self, exc: Exception, pos: int, size: int | None, conv_key: str | None) -> Iterator[Record]:
        """A file that ends mid-JSON: one unparsed record at the cut and a warning (what was read stays)."""
        yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {pos} of {size}",
                       reason="the JSON ends early (the file is cut off); every message before the cut was read, "
                              "nothing after it exists in this file", conversation_key=conv_key)
        yield ImportWarning(f"{self.member} is incomplete: it stops at byte {pos} of {size}. "
                            "Export again from Telegram Desktop to get the rest.", location=self.member)

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

    def _media(self, field: str, name: str | None, msg: dict) -> AttachmentRef:
        """The attachment a message's `field` (photo, file, contact_vcard) names."""
        rel = msg.get(field)
        if rel is not None and rel.__class__ is not str:
            raise _bad(field, rel, "a file path (a string)")
        extra = {k: msg[k] for k in ("width", "height", "duration_seconds", "media_type", "sticker_emoji",
                                     "performer", "title") if k in msg}
        size = msg.get("file_size")
        if size.__class__ is not int or not 0 <= size < 1 << 63:   # a hint only, and SQLite's INTEGER range
            size = None
        _str_or_none(msg, "mime_type")
        if not rel or rel.startswith(NOT_INCLUDED) or rel.startswith("(File "):
            status = AttachmentStatus.EXPIRED if rel and "expired" in rel.lower() else AttachmentStatus.MISSING
            return AttachmentRef(name=name, status=status, mime_hint=msg.get("mime_type"), size_hint=size,
                                 expected_path=None, extra=extra | {"reason": rel or "not exported"})
        member = self.tree.find(rel, under=self.base or None)
        if member is None:
            return AttachmentRef(name=name or rel.rsplit("/", 1)[-1], status=AttachmentStatus.MISSING,
                                 mime_hint=msg.get("mime_type"), size_hint=size, expected_path=rel, extra=extra)
        tree = self.tree
        return AttachmentRef(name=name or rel.rsplit("/", 1)[-1], open=TreeMember(tree, member),
                             mime_hint=msg.get("mime_type"), size_hint=tree.size(member),
                             status=AttachmentStatus.STORED, expected_path=rel, extra=extra)

    def _message(self, msg: Any, conv_key: str, where: str) -> Iterator[Record]:
        person, rec = self._message_rec(msg, conv_key, f"{self.member}: {where}")
        if person is not None:
            yield person
        yield rec

    def _message_rec(self, msg: Any, conv_key: str, loc: str) -> tuple[ParticipantRec | None, Record]:
        """(the participant to yield first, or None; the message or what stands for it).

        A field of a type Telegram never writes makes the message an `Unparsed` record (`_Bad`, from the
        checks where fields are read); the except clauses below are the backstop for one message."""
        if msg.__class__ is not dict and not isinstance(msg, dict):
            return None, Unparsed(raw=_raw(msg), location=loc, reason="a message that is not a JSON object",
                                  conversation_key=conv_key)
        get = msg.get
        try:
            ts, tz_known = _ts_of(get("date_unixtime"), get("date"))
            if ts is None:
                return None, Unparsed(raw=_raw(msg), location=loc, reason="a message without a readable date",
                                      conversation_key=conv_key)
            mtype = get("type", "message")
            text = get("text")
            if text.__class__ is str:
                entities = None
            else:
                text, entities = _plain(text)
            mid = get("id")
            # MessageRec fields, positionally: conversation_key, ts, kind, text, sender_key, sender_name,
            # source_id, tz_known, reply_to, forwarded_from, edited, edited_ts, attachments, extra, location.
            if mtype == "message":
                from_id = get("from_id")
                if from_id is not None and from_id.__class__ is not str:
                    from_id = _id_or_none(msg, "from_id")
                name = get("from")
                if name is not None and name.__class__ is not str:
                    raise _bad("from", name, "a string")
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
                actor_id = _id_or_none(msg, "actor_id")
                actor = _str_or_none(msg, "actor")
                action = get("action", "")
                if action is not None and action.__class__ is not str:
                    raise _bad("action", action, "a string")
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
                    rec.text = _service_text(msg)
                return self._person(actor_id, actor, conv_key), rec
            return None, Unparsed(raw=_raw(msg), location=loc, reason=f"unknown message type {repr(mtype)[:60]}",
                                  conversation_key=conv_key)
        except _Bad as exc:
            return None, Unparsed(raw=_raw(msg), location=loc, reason=f"{exc} (message id {_mid(msg)})",
                                  conversation_key=conv_key)
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError, OSError) as exc:
            return None, Unparsed(raw=_raw(msg), location=loc,
                                  reason=f"message id {_mid(msg)} could not be read ({type(exc).__name__}: "
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
            rec.edited_ts, _ = _ts(msg, "edited")
        for k in ("via_bot", "author", "media_spoiler", "self_destruct_period_seconds"):
            if k in msg:
                rec.extra[k] = msg[k]
        if msg.get("reactions"):
            rec.extra["reactions"] = msg["reactions"]
        if "photo" in msg:
            rec.kind = MessageKind.IMAGE
            rec.attachments.append(self._media("photo", None, msg))
        elif "file" in msg:
            rec.kind = MEDIA_KINDS.get(str(msg.get("media_type", "")), MessageKind.FILE)
            rec.attachments.append(self._media("file", _str_or_none(msg, "file_name"), msg))
            if msg.get("thumbnail") and not str(msg["thumbnail"]).startswith("(File"):
                rec.extra["thumbnail"] = msg["thumbnail"]
        if "location_information" in msg:
            loc = msg["location_information"] or {}
            if loc.__class__ is not dict:
                raise _bad("location_information", loc, "an object")
            rec.kind = MessageKind.LOCATION
            rec.extra.update(latitude=loc.get("latitude"), longitude=loc.get("longitude"))
            for k in ("place_name", "address", "live_location_period_seconds"):
                if k in msg:
                    rec.extra[k] = msg[k]
        if "contact_information" in msg:
            rec.kind = MessageKind.CONTACT
            rec.extra["contact"] = msg["contact_information"]
            if msg.get("contact_vcard"):
                rec.attachments.append(self._media("contact_vcard", None, msg))
        if "poll" in msg:
            poll = msg["poll"] or {}
            if poll.__class__ is not dict:
                raise _bad("poll", poll, "an object")
            rec.kind = MessageKind.POLL
            rec.extra["poll"] = poll
            if not rec.text:
                rec.text = str(poll.get("question") or "") or None
        if "game_title" in msg or "invoice_information" in msg:
            rec.kind = MessageKind.LINK
            rec.extra.update({k: msg[k] for k in ("game_title", "game_description", "invoice_information") if k in msg})


def _mid(msg: dict) -> str:
    """The message's own id for a reason text (it may be anything in a damaged file)."""
    return repr(msg.get("id"))[:40]


def _service_text(msg: dict) -> str | None:
    """The words for a service message without text; `action` is a string (or None) here."""
    action = msg.get("action") or ""
    actor = msg.get("actor") or "Someone"
    if action in ("invite_members", "remove_members"):
        members = msg.get("members") or []
        if members.__class__ is not list:
            raise _bad("members", members, "a list of names")
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
