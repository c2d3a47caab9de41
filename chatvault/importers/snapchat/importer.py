"""Snapchat "My Data" (accounts.snapchat.com → My Data): `json/chat_history.json`, with saved chat
media in `chat_media/` when the download included it.

Two shapes: before 2023 the file groups messages as "Received Saved Chat History", "Sent Saved Chat
History" (and the unsaved ones) with `From`/`To`, `Media Type`, `Created` ("2021-03-04 10:11:12 UTC")
and `Text`; since 2023 it maps each conversation (a username or a group id) to its messages with
`From`, `Media Type`, `Created`, `Content`, `Conversation Title`, `IsSender`, `Created(microseconds)`
and `Media IDs`. Snapchat keeps only what was saved in chat; that is what the file holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers import jsonstream
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
from chatvault.importers.openers import TreeMember
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
    MessageKind,
    MessageRec,
    Record,
    SourceRec,
    Unparsed,
)

KINDS = {"TEXT": MessageKind.TEXT, "MEDIA": MessageKind.IMAGE, "SNAP": MessageKind.IMAGE, "STICKER": MessageKind.STICKER,
         "NOTE": MessageKind.VOICE, "SHARE": MessageKind.LINK, "SHARESAVEDSTORY": MessageKind.LINK,
         "LOCATION": MessageKind.LOCATION, "CALL": MessageKind.CALL, "MISSED_CALL": MessageKind.CALL,
         "STATUSPARTICIPANTREMOVED": MessageKind.SYSTEM, "STATUSCONVERSATIONCAPTURESCREENSHOT": MessageKind.SYSTEM,
         "STATUSSAVETOCAMERAROLL": MessageKind.SYSTEM, "STATUS": MessageKind.SYSTEM}
OLD_GROUPS = ("Received Saved Chat History", "Sent Saved Chat History", "Received Unsaved Chat History",
              "Sent Unsaved Chat History", "Received Chat History", "Sent Chat History")


def _member(tree: FileTree) -> str | None:
    found = [n for n in tree.names() if n.rsplit("/", 1)[-1] == "chat_history.json"]
    return sorted(found, key=lambda n: n.count("/"))[0] if found else None


class SnapchatImporter(Importer):
    name = "snapchat"
    title = "Snapchat My Data (chat history)"
    description = "Saved chats from a Snapchat \"My Data\" download (zip or folder, or chat_history.json)."
    patterns = ("mydata*.zip", "chat_history.json")
    recognised_by: ClassVar[str] = "json/chat_history.json of a Snapchat My Data download"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            m = _member(tree)
            if m and (b'"Media Type"' in tree.read_head(m, 8192) or b"Chat History" in tree.read_head(m, 8192)):
                return Detection(0.95, f"Snapchat My Data: {m}", "my data")
        return Detection(0.0, "no Snapchat chat_history.json")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path.parent if path.is_file() and path.suffix == ".json" else path)
        try:
            member = _member(tree)
            if member is None:
                raise InputError(f"{path.name} holds no Snapchat chat_history.json.",
                                 hint="Choose the My Data zip or folder Snapchat sent.")
            me = options.me or _username(tree)
            yield SourceRec(app="snapchat", account=me or "", me_name=me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            media = {n.rsplit("/", 1)[-1]: n for n in tree.names() if "chat_media/" in n}
            seen: set[str] = set()
            n = 0
            try:
                with tree.open(member) as raw:
                    events = ijson.parse(BoundedJson(raw, member, item_depth=3), use_float=True)
                    for what, value, path in jsonstream.walk(events, 3):      # {group: [ {message} ]}
                        if what != "item":
                            continue
                        n += 1
                        if n % 512 == 0:
                            ctx.check()
                        group = path[0] if path else ""
                        yield from self._item(tree, group, value, me, media, seen, f"{member}: {group}[{n}]")
            except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
                yield Unparsed(raw="", location=f"{member}: after message {n}",
                               reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]})")
            except InputError as exc:
                yield Unparsed(raw="", location=f"{member}: after message {n}", reason=exc.message)
        finally:
            tree.close()

    def _item(self, tree: FileTree, group: str, m: Any, me: str | None, media: dict[str, str], seen: set[str],
              where: str) -> Iterator[Record]:
        if not isinstance(m, dict):
            yield Unparsed(raw=json.dumps(m, default=str)[:65536], location=where, reason="not a message object")
            return
        old = group in OLD_GROUPS
        sent = group.startswith("Sent") if old else bool(m.get("IsSender"))
        other = (m.get("To") if sent and old else m.get("From")) or group
        key = str(other) if old else group
        if key not in seen:
            seen.add(key)
            title = m.get("Conversation Title") or key
            yield ConversationRec(key=key, title=str(title),
                                  kind=ConversationKind.GROUP if m.get("Conversation Title") else ConversationKind.DIRECT)
        ts = _when(m)
        if ts is None:
            yield Unparsed(raw=json.dumps(m, default=str)[:65536], location=where, reason="no Created time",
                           conversation_key=key)
            return
        sender = (me if sent else m.get("From")) or None
        kind = KINDS.get(str(m.get("Media Type") or "TEXT").upper(), MessageKind.UNKNOWN)
        text = m.get("Content") if "Content" in m else m.get("Text")
        rec = MessageRec(conversation_key=key, ts=ts, kind=kind, text=text if isinstance(text, str) and text else None,
                         sender_key=sender, sender_name=sender, location=where)
        if kind == MessageKind.CALL and str(m.get("Media Type")).upper() == "MISSED_CALL":
            rec.extra["outcome"] = "missed"
        ids = str(m.get("Media IDs") or "").split(" | ") if m.get("Media IDs") else []
        for mid in ids:
            found = next((v for k, v in media.items() if mid and mid in k), None)
            if found:
                rec.attachments.append(AttachmentRef(name=found.rsplit("/", 1)[-1], open=TreeMember(tree, found),
                                                     size_hint=tree.size(found), status=AttachmentStatus.STORED))
            else:
                rec.attachments.append(AttachmentRef(name=mid, status=AttachmentStatus.MISSING,
                                                     extra={"reason": "not in this download"}))
        if kind == MessageKind.TEXT and not rec.text:
            rec.kind = MessageKind.UNKNOWN
        yield rec


def _when(m: dict[str, Any]) -> datetime | None:
    us = m.get("Created(microseconds)")
    if isinstance(us, int | float) and not isinstance(us, bool):
        try:
            return datetime.fromtimestamp(us / (1_000_000 if us > 10**14 else 1000), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    created = m.get("Created")
    if isinstance(created, str):
        try:
            return datetime.strptime(created.replace(" UTC", "").strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


def _username(tree: FileTree) -> str | None:
    for n in tree.names():
        if n.rsplit("/", 1)[-1] == "account.json" and tree.size(n) < 1 << 20:
            try:
                with tree.open(n) as fh:
                    data = json.loads(fh.read().decode("utf-8-sig"))
                return (data.get("Basic Information") or {}).get("Username")
            except (ValueError, AttributeError, UnicodeDecodeError, InputError):
                return None
    return None
