"""Facebook Messenger and Instagram direct messages from Meta's "Download your information" (JSON),
and Messenger's end-to-end encrypted chats download: a zip, its unpacked folder, or one thread's
`message_1.json` on its own.

Each thread is a folder of `message_N.json` files (newest messages first, at most 10,000 per file),
read one message object at a time with ijson through `BoundedJson` (memory stays bounded for any
file). Meta's mojibake is repaired in every string (`text.fix`). Meta gives no message ids: the
import engine keys each message by its time, sender and content, so a newer download adds only what
is new. Which app (Messenger or Instagram) comes from the download's layout (`layout.which_app`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
from chatvault.importers.meta import layout
from chatvault.importers.meta.messages import NotAMessage, build
from chatvault.importers.meta.owner import find_owner
from chatvault.importers.meta.text import fix
from chatvault.jobs.context import JobContext
from chatvault.model import (
    ConversationKind,
    ConversationRec,
    ImportWarning,
    ParticipantRec,
    Record,
    SourceRec,
    Unparsed,
)

HEADER_KEYS = ("participants", "title", "thread_path", "thread_type", "threadName", "is_still_participant")


def _app_problem(value: str) -> str | None:
    return None if value.strip().lower() in ("messenger", "instagram") else "Choose messenger or instagram."


APP_FIELD = ImportField(
    "meta_app", "App", "Messenger or Instagram. Found from the download's folders; choose it when you import "
    "one message_1.json taken out of its download.", secret=False, optional=True, check=_app_problem,
    choices=("messenger", "instagram"))


class MetaImporter(Importer):
    name = "meta"
    title = "Facebook Messenger / Instagram (Download your information, JSON)"
    description = ("Messenger and Instagram messages from Meta's \"Download your information\" in JSON (the zip, its "
                   "folder, or one message_1.json), and Messenger's end-to-end encrypted chats download.")
    patterns = ("message_*.json", "facebook-*.zip", "instagram-*.zip")
    parser_version = 1
    fields = (APP_FIELD,)
    recognised_by: ClassVar[str] = ("messages/inbox/<thread>/message_N.json (also under your_facebook_activity/ "
                                    "or your_instagram_activity/), or a JSON whose messages carry sender_name "
                                    "and timestamp_ms")

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            threads = layout.thread_files(tree)
            for t in threads[:3]:
                head = tree.read_head(t.files[0], 16384)
                if layout.looks_like_thread(head):
                    app = layout.which_app(f"{path.name}/{t.files[0]}", head)
                    conf = 0.95 if "/" in t.files[0] else 0.8
                    return Detection(conf, f"{t.files[0]}: Meta {app} messages ({len(threads)} thread(s))", app)
        return Detection(0.0, "no Meta message_N.json (messages with sender_name and timestamp_ms)")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path)
        try:
            threads = [t for t in layout.thread_files(tree)
                       if layout.looks_like_thread(tree.read_head(t.files[0], 16384))]
            if not threads:
                raise InputError(f"{path.name} holds no Meta message files.",
                                 hint="Choose the zip or folder of \"Download your information\" (JSON), or a "
                                      "message_1.json.")
            first = threads[0].files[0]
            app = str(options.options.get("meta_app") or "").strip().lower() or layout.which_app(f"{path.name}/{first}",
                                                                      tree.read_head(first, 16384))
            headers = [self._header(tree, t) for t in threads]
            owner = options.me or find_owner(tree, [h for h in headers if h is not None])
            yield SourceRec(app=app, account=owner or "", display_name=owner, me_name=owner)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            for thread, header in zip(threads, headers, strict=True):
                ctx.check()
                yield from self._thread(tree, thread, header or {}, ctx)
        finally:
            tree.close()

    # --- one thread ------------------------------------------------------------------------------
    def _header(self, tree: FileTree, thread: layout.Thread) -> dict[str, Any] | None:
        """The thread's own fields (title, participants, path, type), wherever they sit in its first
        file (before or after the messages), from ijson's events: the messages are not built."""
        out: dict[str, Any] = {}
        names: list[str] = []
        try:
            with tree.open(thread.files[0], check_crc=False) as raw:
                for prefix, event, value in ijson.parse(_stream(raw, thread.files[0]), use_float=True):
                    if prefix in ("participants.item", "participants.item.name") and event == "string":
                        names.append(value)
                    elif prefix in HEADER_KEYS and event in ("string", "boolean"):
                        out[prefix] = fix(value) if isinstance(value, str) else value
        except (ijson.common.JSONError, JsonLimitError, InputError, UnicodeDecodeError, OSError):
            if not out and not names:
                return None
        out["participants"] = [fix(n) for n in names]
        return out

    def _thread(self, tree: FileTree, thread: layout.Thread, header: dict[str, Any], ctx: JobContext) -> Iterator[Record]:
        names = _participant_names(header.get("participants"))
        title = header.get("title") or header.get("threadName")
        key = header.get("thread_path") if isinstance(header.get("thread_path"), str) else None
        if not key and thread.folder and layout.is_thread_file(thread.files[0]):
            key = f"{thread.box}/{thread.folder.rsplit('/', 1)[-1]}"       # the folder: <name>_<id>
        if not key:        # a lone file: its title, else who is in it (the file name is message_1.json for all)
            key = (f"{thread.box}/{title}" if isinstance(title, str) and title
                   else "with/" + "|".join(sorted(names)) if names else thread.files[0])
        kind = ConversationKind.GROUP if (header.get("thread_type") == "RegularGroup" or len(names) > 2) \
            else ConversationKind.DIRECT
        extra: dict[str, Any] = {"box": thread.box}
        if header.get("is_still_participant") is False:
            extra["left"] = True
        yield ConversationRec(key=str(key), title=title if isinstance(title, str) else None, kind=kind,
                              participants=[ParticipantRec(n, n) for n in names], extra=extra)
        root = layout.root_of(thread.files[0])
        for member in thread.files:
            yield from self._file(tree, member, root, thread.folder, str(key), ctx)

    def _file(self, tree: FileTree, member: str, root: str, folder: str, key: str, ctx: JobContext) -> Iterator[Record]:
        n = 0
        try:
            with tree.open(member) as raw:
                for msg in ijson.items(_stream(raw, member, item_depth=3), "messages.item", use_float=True):
                    n += 1
                    if n % 512 == 0:
                        ctx.check()
                    where = f"{member}: messages[{n - 1}]"
                    try:
                        yield build(tree, root, folder, key, msg, where)
                    except NotAMessage as exc:
                        yield Unparsed(raw=_dump(msg), location=where, reason=str(exc), conversation_key=key)
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key,
                           reason=f"the file is damaged or cut short here ({_short(exc)}); what came before is kept")
        except InputError as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key, reason=exc.message)


def _stream(raw: Any, member: str, item_depth: int | None = None) -> BoundedJson:
    bom = hasattr(raw, "peek") and raw.peek(3)[:3] == b"\xef\xbb\xbf"
    if bom:
        raw.read(3)
    return BoundedJson(raw, member, offset=3 if bom else 0, item_depth=item_depth)


def _participant_names(value: Any) -> list[str]:
    out = []
    for p in value if isinstance(value, list) else []:
        name = p.get("name") if isinstance(p, dict) else p
        if isinstance(name, str) and name.strip():
            out.append(fix(name).strip())
    return out


def _dump(msg: Any) -> str:
    try:
        return json.dumps(msg, ensure_ascii=False, default=str)[:65536]
    except (TypeError, ValueError):
        return repr(msg)[:65536]


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]
