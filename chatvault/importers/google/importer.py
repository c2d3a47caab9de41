"""Google Takeout's chats: Hangouts (`Hangouts/Hangouts.json`) and Google Chat (`Google Chat/Groups/...`),
from the Takeout zip, its folder, or the files on their own. Hangouts keeps its event ids and Google
Chat its message ids, so a newer Takeout adds only what is new."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.google import gchat, hangouts
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
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

MAX_INFO = 16 << 20


def _hangouts(tree: FileTree) -> list[str]:
    return [n for n in tree.names() if n.rsplit("/", 1)[-1].lower() == "hangouts.json"]


def _chat_groups(tree: FileTree) -> list[str]:
    """The folders holding a Google Chat messages.json (one per DM or Space)."""
    out = []
    for n in tree.names():
        if n.endswith("/messages.json") and "/Groups/" in f"/{n}":
            out.append(n.rsplit("/", 1)[0])
    return sorted(out)


class GoogleImporter(Importer):
    name = "google"
    title = "Google Chat / Hangouts (Google Takeout)"
    description = "Google Takeout's Hangouts.json and Google Chat folders (DMs and Spaces), zip or folder."
    patterns = ("takeout-*.zip", "Hangouts.json", "messages.json")
    recognised_by: ClassVar[str] = "Hangouts.json, or Google Chat/Groups/<group>/messages.json"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            ho = _hangouts(tree)
            if ho and b'"conversation' in tree.read_head(ho[0], 4096):
                return Detection(0.95, f"Google Takeout Hangouts: {ho[0]}", "hangouts")
            groups = _chat_groups(tree)
            if groups:
                return Detection(0.95, f"Google Takeout Google Chat: {len(groups)} conversation(s)", "chat")
            if tree.kind == "file" and path.name == "messages.json" and b'"created_date"' in tree.read_head(path.name):
                return Detection(0.8, "a Google Chat messages.json", "chat")
        return Detection(0.0, "no Hangouts.json or Google Chat/Groups")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        lone = path.is_file() and path.suffix.lower() == ".json"
        tree = FileTree(path.parent if lone else path)
        try:
            ho = [path.name] if lone and path.name.lower() == "hangouts.json" else ([] if lone else _hangouts(tree))
            groups = [""] if lone and path.name == "messages.json" else ([] if lone else _chat_groups(tree))
            if not ho and not groups:
                raise InputError(f"{path.name} holds no Hangouts or Google Chat messages.",
                                 hint="Choose the Takeout zip or folder (with Hangouts or Google Chat).")
            me = options.me or _me(tree)
            yield SourceRec(app="google", account=me or "", me_name=me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            for member in ho:
                yield from self._hangouts_file(tree, member, ctx)
            for folder in groups:
                ctx.check()
                yield from self._group(tree, folder, ctx)
        finally:
            tree.close()

    def _hangouts_file(self, tree: FileTree, member: str, ctx: JobContext) -> Iterator[Record]:
        def tick(n: int) -> None:
            if n % 512 == 0:
                ctx.check()

        try:
            with tree.open(member) as raw:
                yield from hangouts.records(ijson.parse(BoundedJson(raw, member, item_depth=5), use_float=True),
                                            member, tick)
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=member, reason=f"the file is damaged or cut short here "
                                                           f"({str(exc).splitlines()[0][:200]}); what came before is kept")
        except InputError as exc:
            yield Unparsed(raw="", location=member, reason=exc.message)

    def _group(self, tree: FileTree, folder: str, ctx: JobContext) -> Iterator[Record]:
        prefix = f"{folder}/" if folder else ""
        info = _json(tree, prefix + "group_info.json") or {}
        members = [m for m in info.get("members") or () if isinstance(m, dict)]
        names = {m.get("email") or m.get("name"): m.get("name") or m.get("email") for m in members}
        gid = folder.rsplit("/", 1)[-1] or "chat"
        key = f"chat/{gid}"
        space = gid.lower().startswith("space") or bool(info.get("name"))
        title = info.get("name") or ", ".join(n for n in names.values() if n) or gid
        yield ConversationRec(key=key, title=title,
                              kind=ConversationKind.GROUP if space or len(members) > 2 else ConversationKind.DIRECT,
                              participants=[ParticipantRec(k, v) for k, v in names.items() if k])
        member = prefix + "messages.json"
        n = 0
        try:
            with tree.open(member) as raw:
                for m in ijson.items(BoundedJson(raw, member, item_depth=3), "messages.item", use_float=True):
                    n += 1
                    if n % 512 == 0:
                        ctx.check()
                    where = f"{member}: messages[{n - 1}]"
                    try:
                        yield gchat.message(tree, folder, key, m, names, where)
                    except ValueError as exc:
                        yield Unparsed(raw=json.dumps(m, ensure_ascii=False, default=str)[:65536], location=where,
                                       reason=str(exc), conversation_key=key)
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key,
                           reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]})")
        except InputError as exc:
            yield Unparsed(raw="", location=member, reason=exc.message, conversation_key=key)


def _json(tree: FileTree, member: str) -> Any:
    if member not in tree or tree.size(member) > MAX_INFO:
        return None
    try:
        with tree.open(member) as fh:
            return json.loads(fh.read().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, InputError, OSError):
        return None


def _me(tree: FileTree) -> str | None:
    for n in tree.names():
        if n.endswith("/user_info.json") and "/Users/" in f"/{n}":
            data = _json(tree, n)
            user = (data or {}).get("user") if isinstance(data, dict) else None
            if isinstance(user, dict):
                return user.get("email") or user.get("name")
    return None
