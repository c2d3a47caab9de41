"""Reading one Telegram JSON member: ijson's event stream, one message object at a time.

A one-chat export goes through ijson's C item builder (`_run_one_chat`, about 3x faster); a whole-account
export through the event walk (`_walk_events`). A file cut short yields everything before the cut, then
an `Unparsed` record saying where it ended. An integer beyond 64 bits (which the C backend cannot hold)
or text that is not UTF-8 makes the reader start again with the Python backend or a mending stream,
skipping what was already yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.filetree import FileTree, position
from chatvault.importers.jsonlimits import MAX_ITEM, BoundedJson, JsonLimitError
from chatvault.importers.telegram.damage import (
    LIMIT_HINT,
    MAX_HEADER_KEYS,
    MAX_ITEM_EVENTS,
    bad_text,
    damage_reason,
    undecodable,
)
from chatvault.importers.telegram.messages import MessageBuilder
from chatvault.importers.telegram.owner import OwnerFinder
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, ParticipantRec, Record, Unparsed

# ijson's C backend (yajl) stops with "integer overflow" at an integer beyond 64 bits; the pure-Python
# backend reads it (much slower, so only a file that holds one is read again with it).
_PY_IJSON = ijson.get_backend("python")


def _int_overflow(exc: Exception) -> bool:
    return "integer overflow" in str(exc)


class _Overflow(Exception):
    """The C backend met an integer it cannot hold: read the file again with the Python backend."""


class _Mend(Exception):
    """ijson met text it cannot decode (bytes that are not UTF-8, half an emoji escaped as a lone
    surrogate): read the file again through `BoundedJson(repair=True)`."""


class _Walk:
    """Where `_walk_events` is in the chat structure."""

    __slots__ = ("chat_prefix", "conv_key", "header", "msg_prefix", "n", "personal", "source_done")

    def __init__(self) -> None:
        self.source_done = False
        self.header: dict[str, Any] = {}
        self.chat_prefix: str | None = None       # the JSON path of the chat being read
        self.conv_key: str | None = None          # set while its messages list is open
        self.msg_prefix = ""
        self.n = 0                                # messages read in this chat
        self.personal: dict[str, Any] = {}


class Reader(MessageBuilder):
    """Walks ijson events; builds one message object at a time (`MessageBuilder` makes its records)."""

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
        self.crc_error: InputError | None = None
        self.repair = False              # set once ijson met undecodable text: the file is read again, mended
        self.mended: BoundedJson | None = None     # the mending stream of the last pass (its count is reported)

    def _open(self, item_depth: int | None = None) -> Any:
        """The member as a `BoundedJson` stream; `item_depth`: where one message opens (its size is bounded)."""
        raw = self.tree.open(self.member, check_crc=self.crc_error is None)
        try:
            bom = hasattr(raw, "peek") and raw.peek(3)[:3] == b"\xef\xbb\xbf"
        except InputError as exc:     # a small member is read whole at once: its CRC fails before any byte
            raw.close()
            self.crc_error = exc      # read it anyway; the damage is reported after its messages
            raw = self.tree.open(self.member, check_crc=False)
            bom = hasattr(raw, "peek") and raw.peek(3)[:3] == b"\xef\xbb\xbf"
        if bom:
            raw.read(3)            # a byte-order mark (some editors add one) is not JSON
        stream = BoundedJson(raw, self.member, offset=3 if bom else 0, item_depth=item_depth, repair=self.repair)
        if self.repair:
            self.mended = stream
        return stream

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
        except (ijson.common.JSONError, UnicodeDecodeError) as exc:
            if not bad_text(exc) or self.repair:
                return None
            self.repair = True           # bad text before the messages: read it again, mended
            return self._one_chat_header()
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
        raw = self._open(item_depth=3)       # {"messages": [{message}]}: a message opens at depth 3
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
                except (ijson.common.IncompleteJSONError, UnicodeDecodeError) as exc:
                    if bad_text(exc):
                        if self.repair:
                            raise undecodable(self.member, exc) from exc
                        self.repair = True    # bad text: the same messages again, mended, n skipped
                    elif slow or not _int_overflow(exc):
                        raise
                    else:
                        # An integer beyond 64 bits: the same messages again with the Python backend, the
                        # n already yielded skipped, then on from there.
                        slow = True
                    raw.close()
                    raw = self._open(item_depth=3)
                    items = (_PY_IJSON if slow else ijson).items(raw, "messages.item", use_float=True)
                    for i, _skip in enumerate(islice(items, n)):
                        if not i & 1023:
                            self.ctx.check()
        except ijson.common.IncompleteJSONError as exc:
            pos = position(raw)
            yield from self._cut_off(exc, pos, size, conv_key)
        except ijson.common.JSONError as exc:
            yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {position(raw)}",
                           reason=damage_reason(exc),
                           conversation_key=conv_key)
        except JsonLimitError as exc:
            yield self._limit_cut(exc, conv_key)
            raise
        except InputError as exc:                # the member is damaged inside its zip (CRC, inflate)
            yield from self._damaged(exc, position(raw), conv_key)
        finally:
            raw.close()
        rec.participants = [p for p in self.people.values() if p.extra.get("chat") == conv_key]
        yield rec
        yield from self._undecided(conv_key)
        self.ctx.set_position(bytes_=size)

    def _run_events(self) -> Iterator[Record]:
        """`_walk_events` with ijson's C backend; if it meets an integer beyond 64 bits (or text it cannot
        decode), the whole walk again with the Python backend (or mended) from a fresh state, the
        records already yielded skipped."""
        done, slow = 0, False
        while True:
            walk = self._walk_events(slow=slow)
            try:
                for i, _skip in enumerate(islice(walk, done)):
                    if not i & 1023:
                        self.ctx.check()
                for rec in walk:
                    done += 1
                    yield rec
                return
            except _Overflow:
                slow = True
            except _Mend:
                self.repair = True
            self.me_name, self.people, self.chat_index = self.options.me, {}, 0
            self.owner.reset()

    def _walk_events(self, slow: bool) -> Iterator[Record]:
        """Every ijson event of the member: message objects are built here (the hot path), the chat
        structure around them is read by `_structure`."""
        raw = self._open()
        size = self.tree.size(self.member)
        w = _Walk()
        last_pos = 0
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        events = (_PY_IJSON if slow else ijson).parse(raw, use_float=True)
        built = 0                 # events in the message being built (its size in memory is bounded)
        try:
            for prefix, event, value in events:
                if builder is not None:
                    builder.event(event, value)
                    built += 1
                    if built > MAX_ITEM_EVENTS:
                        raise JsonLimitError(
                            f"{self.member} holds one message of more than {MAX_ITEM_EVENTS:,} values "
                            f"(before byte {position(raw):,}); ChatVault reads messages of at most "
                            f"{MAX_ITEM >> 20} MiB.", hint=LIMIT_HINT, location=self.member, offset=position(raw))
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                        if depth == 0:
                            n = w.n = w.n + 1
                            msg = builder.value
                            builder = None
                            if n % 1024 == 0:
                                self.ctx.check()
                                pos = position(raw)
                                if pos != last_pos:
                                    self.ctx.set_position(bytes_=min(size, pos))
                                    last_pos = pos
                            yield from self._message(msg, w.conv_key or "", f"{w.msg_prefix}[{n - 1}]")
                    continue
                if w.conv_key is not None and prefix.endswith("messages.item"):
                    if event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth = 1
                        built = 1
                    else:
                        w.n += 1
                        yield from self._message(value, w.conv_key, f"{w.msg_prefix}[{w.n - 1}]")
                    continue
                out = self._structure(w, prefix, event, value)
                if out:
                    yield from out
        except (ijson.common.JSONError, UnicodeDecodeError, InputError) as exc:   # JsonLimitError is an InputError
            yield from self._walk_failed(exc, position(raw), size, w.conv_key, w.source_done, slow)
        finally:
            raw.close()
        if not w.source_done:
            raise InputError(f"{self.path.name}: {self.member} has no messages list.",
                             hint="This JSON is not a Telegram Desktop chat export.")
        self.ctx.set_position(bytes_=size)

    def _structure(self, w: _Walk, prefix: str, event: str, value: Any) -> list[Record] | None:
        """An event outside any message: the account's personal information, a chat's start, its header
        fields, its messages list opening, its end. Returns the records to yield, if any."""
        chat_prefix = w.chat_prefix
        if prefix.startswith("personal_information.") and event in ("string", "number"):
            if len(w.personal) < MAX_HEADER_KEYS:
                w.personal[prefix.rsplit(".", 1)[-1]] = value
        elif prefix in ("", "chats.list.item", "left_chats.list.item") and event == "start_map":
            w.header, w.chat_prefix, w.conv_key = {}, prefix, None
        elif chat_prefix is None:
            return None
        elif event in ("string", "number", "integer", "boolean") \
                and prefix.count(".") == (chat_prefix.count(".") + 1 if chat_prefix else 0) \
                and prefix.startswith(chat_prefix):
            if len(w.header) < MAX_HEADER_KEYS:
                w.header[prefix.rsplit(".", 1)[-1]] = value
        elif event == "start_array" and prefix == (f"{chat_prefix}.messages" if chat_prefix else "messages"):
            out: list[Record] = []
            if not w.source_done:   # chats.list / left_chats.list: "Export Telegram data", the whole account
                out.extend(self._source(w.personal, complete=bool(chat_prefix)))
                w.source_done = True
            self.chat_index += 1
            w.conv_key, _kind, rec = self._conversation(w.header)
            out.append(rec)
            w.msg_prefix, w.n = prefix, 0
            return out
        elif event == "end_map" and prefix == chat_prefix:
            out = []
            if w.conv_key is not None:
                _key, _kind, rec = self._conversation(w.header)   # fields after messages, if any
                rec.participants = [p for p in self.people.values() if p.extra.get("chat") == w.conv_key]
                out.append(rec)
                out.extend(self._undecided(w.conv_key))
            w.chat_prefix, w.conv_key = None, None
            return out
        return None

    def _walk_failed(self, exc: Exception, pos: int, size: int | None, conv_key: str | None, source_done: bool,
                     slow: bool) -> Iterator[Record]:
        """What `_walk_events` does when the JSON stops: read again (overflow, bad text), report the cut or
        damage after what was read, or raise when nothing was (not an export)."""
        if isinstance(exc, (ijson.common.IncompleteJSONError, UnicodeDecodeError)):
            if bad_text(exc):
                if self.repair:
                    raise undecodable(self.member, exc) from exc
                raise _Mend from exc
            if not slow and _int_overflow(exc):
                raise _Overflow from exc
            yield from self._cut_off(exc, pos, size, conv_key)
            if not source_done:
                raise InputError(f"{self.path.name}: {self.member} is cut off before any chat begins.",
                                 hint="Export again from Telegram Desktop.") from exc
        elif isinstance(exc, JsonLimitError):
            if source_done:
                yield self._limit_cut(exc, conv_key)
            raise exc
        elif isinstance(exc, InputError):                # the member is damaged inside its zip (CRC, inflate)
            if not source_done:
                raise exc
            yield from self._damaged(exc, pos, conv_key)
        else:
            if not source_done:
                raise InputError(f"{self.path.name}: {self.member} is not valid JSON ({exc}).",
                                 hint="This is not a Telegram Desktop JSON export, or it is damaged.") from exc
            yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {pos}",
                           reason=damage_reason(exc), conversation_key=conv_key)

    def _limit_cut(self, exc: JsonLimitError, conv_key: str | None) -> Unparsed:
        """The fidelity-report entry for a file that broke a limit: where reading stopped and why."""
        return Unparsed(raw=exc.message[:500], location=f"{self.member}: byte {exc.offset}",
                        reason=f"{exc.message} Every message before this point was read; nothing after it.",
                        conversation_key=conv_key)

    def _damaged(self, exc: InputError, pos: int | None, conv_key: str | None) -> Iterator[Record]:
        """The archive says the member is damaged: what was read stays, the damage is listed."""
        yield Unparsed(raw=exc.message[:500], location=f"{self.member}: byte {pos}" if pos else self.member,
                       reason=f"{exc.message} Messages read before this point may include the damaged bytes; "
                              "nothing after it was read.", conversation_key=conv_key)
        yield ImportWarning(f"{self.member} is damaged in {self.path.name}: {exc.message} Download or copy the "
                            "export again, or export it again from Telegram Desktop.", location=self.member)

    def _cut_off(self, exc: Exception, pos: int, size: int | None, conv_key: str | None) -> Iterator[Record]:
        """A file that ends mid-JSON: one unparsed record at the cut and a warning (what was read stays)."""
        yield Unparsed(raw=str(exc)[:500], location=f"{self.member}: byte {pos} of {size}",
                       reason="the JSON ends early (the file is cut off); every message before the cut was read, "
                              "nothing after it exists in this file", conversation_key=conv_key)
        yield ImportWarning(f"{self.member} is incomplete: it stops at byte {pos} of {size}. "
                            "Export again from Telegram Desktop to get the rest.", location=self.member)
