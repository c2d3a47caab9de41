"""X (Twitter) "Download an archive of your data": direct messages from `data/direct-messages.js` and
`data/direct-messages-group.js` (JavaScript files: `window.YTD.direct_messages.part0 = [...]`), with
their media from `data/direct_messages_media/` and `data/direct_messages_group_media/`, and the
account's own id and name from `data/account.js`.

The archive names people only by their numeric ids (the account's own name is in account.js); ids
are kept as participant keys, so a name given later (`chatvault people`) applies to all of them.
Messages keep X's ids, so a newer archive adds only what is new.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
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

DM_FILES = ("direct-messages.js", "direct-message.js", "direct-messages-group.js", "direct-message-group.js")
_PREFIX = re.compile(rb"^\s*window\.YTD\.[\w.]+\s*=\s*")
REACTIONS = {"like": "❤️", "heart": "❤️", "laugh": "😂", "funny": "😂", "surprised": "😲", "wow": "😲", "sad": "😢",
             "cry": "😢", "angry": "😠", "excited": "🔥", "fire": "🔥", "agree": "👍", "thumbsup": "👍", "disagree": "👎"}


class _StripPrefix(io.RawIOBase):
    """The .js file as JSON: the `window.YTD.x.part0 = ` before the array is skipped."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        head = raw.read(256)
        m = _PREFIX.match(head)
        self.pending = head[m.end():] if m else head

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.pending:
            out, self.pending = (self.pending, b"") if n < 0 or n >= len(self.pending) else \
                (self.pending[:n], self.pending[n:])
            return out
        return self.raw.read(n)

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def _dm_files(tree: FileTree) -> list[str]:
    return sorted(n for n in tree.names() if n.rsplit("/", 1)[-1] in DM_FILES)


class TwitterImporter(Importer):
    name = "twitter"
    title = "X (Twitter) archive direct messages"
    description = "Direct messages (one-to-one and group) from an X/Twitter data archive (zip or folder)."
    patterns = ("twitter-*.zip", "direct-messages.js")
    recognised_by: ClassVar[str] = "data/direct-messages.js or direct-messages-group.js (window.YTD.direct_messages…)"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            for f in _dm_files(tree):
                if b"window.YTD.direct_message" in tree.read_head(f, 512):
                    return Detection(0.95, f"X archive: {f}", "archive")
        return Detection(0.0, "no direct-messages.js of an X/Twitter archive")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path.parent if path.is_file() and path.suffix == ".js" else path)
        try:
            files = _dm_files(tree)
            if not files:
                raise InputError(f"{path.name} holds no X/Twitter direct messages.",
                                 hint="Choose the archive's zip or folder (it has data/direct-messages.js).")
            me_id, me_name = _account(tree)
            yield SourceRec(app="twitter", account=me_id or "", display_name=me_name, me_name=options.me or me_name)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            media: dict[str, list[str]] = {}      # message id → its files (named <message id>-<name>)
            for n in tree.names():
                if "direct_message" in n and "_media/" in n:
                    media.setdefault(n.rsplit("/", 1)[-1].split("-", 1)[0], []).append(n)
            for f in files:
                yield from self._file(tree, f, me_id, me_name, media, ctx, group="group" in f)
        finally:
            tree.close()

    def _file(self, tree: FileTree, member: str, me_id: str | None, me_name: str | None, media: dict[str, list[str]],
              ctx: JobContext, group: bool) -> Iterator[Record]:
        """One message object at a time (depth 5: [ {dmConversation: {messages: [ {...} ] } } ])."""
        n = 0
        key: str | None = None
        kind = ConversationKind.GROUP if group else ConversationKind.DIRECT
        try:
            with tree.open(member) as raw:
                events = ijson.parse(BoundedJson(_StripPrefix(raw), member, item_depth=5), use_float=True)
                for what, value, path in jsonstream.walk(events, 5):
                    if what == "scalar" and path[-1:] == ["conversationId"] and isinstance(value, str):
                        key = value
                        yield ConversationRec(key=key, title=None, kind=kind)
                    elif what == "item":
                        n += 1
                        if n % 512 == 0:
                            ctx.check()
                        if key is None:
                            yield Unparsed(raw=json.dumps(value, default=str)[:65536], location=f"{member}[{n}]",
                                           reason="a message before its conversation's id")
                            continue
                        rename = value.get("conversationNameUpdate") if isinstance(value, dict) else None
                        if isinstance(rename, dict) and isinstance(rename.get("name"), str):
                            yield ConversationRec(key=key, title=rename["name"], kind=kind)
                        yield _message(tree, key, value, me_id, me_name, media, f"{member}: {key}[{n}]")
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}",
                           reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]})")
        except InputError as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", reason=exc.message)


def _account(tree: FileTree) -> tuple[str | None, str | None]:
    for n in tree.names():
        if n.rsplit("/", 1)[-1] == "account.js" and tree.size(n) < 1 << 20:
            with tree.open(n) as fh:
                data = fh.read()
            m = _PREFIX.match(data)
            try:
                arr = json.loads(data[m.end():] if m else data)
                acc = arr[0]["account"]
                return str(acc.get("accountId") or ""), acc.get("accountDisplayName") or acc.get("username")
            except (ValueError, KeyError, IndexError, TypeError):
                return None, None
    return None, None


def _message(tree: FileTree, key: str, item: dict, me_id: str | None, me_name: str | None,
             media: dict[str, list[str]], where: str) -> Record:
    kind, body = next(iter(item.items())) if item else ("", None)
    if not isinstance(body, dict):
        return Unparsed(raw=json.dumps(item, default=str)[:65536], location=where, reason="empty event",
                        conversation_key=key)
    try:
        ts = datetime.fromisoformat(str(body.get("createdAt")).replace("Z", "+00:00"))
    except ValueError:
        return Unparsed(raw=json.dumps(item, default=str)[:65536], location=where, reason="no createdAt time",
                        conversation_key=key)
    sender = str(body.get("senderId") or body.get("initiatingUserId") or "") or None
    name = me_name if sender and sender == me_id else (f"@{sender}" if sender else None)
    rec = MessageRec(conversation_key=key, ts=ts, sender_key=sender, sender_name=name, location=where,
                     source_id=str(body["id"]) if body.get("id") else None)
    if kind != "messageCreate":
        rec.kind = MessageKind.SYSTEM
        rec.extra["system"] = {"joinConversation": "joined", "participantsJoin": "joined", "participantsLeave": "left",
                               "conversationNameUpdate": "renamed"}.get(kind, kind)
        rec.text = body.get("name") if kind == "conversationNameUpdate" else None
        ids = body.get("userIds") or body.get("participantsSnapshot") or []
        if ids:
            rec.extra["users"] = [f"@{u}" for u in ids]
        return rec
    text = str(body.get("text") or "")
    for u in body.get("urls") or ():
        if isinstance(u, dict) and u.get("url") and u.get("expanded"):
            text = text.replace(u["url"], u["expanded"])
    urls = [u.get("expanded") for u in body.get("urls") or () if isinstance(u, dict) and u.get("expanded")]
    rec.text = text or None
    for url in body.get("mediaUrls") or ():
        rec.kind = MessageKind.VIDEO if "video" in url else MessageKind.IMAGE
        local = media.get(str(body.get("id")), [])
        if local:
            member = local.pop(0)
            rec.attachments.append(AttachmentRef(name=member.rsplit("/", 1)[-1], open=TreeMember(tree, member),
                                                 size_hint=tree.size(member), status=AttachmentStatus.STORED,
                                                 expected_path=url))
            if rec.text:
                rec.text = rec.text.replace(url, "").strip() or None
        else:
            rec.attachments.append(AttachmentRef(name=url.rsplit("/", 1)[-1], status=AttachmentStatus.MISSING,
                                                 expected_path=url, extra={"remote": True}))
    if urls and rec.kind == MessageKind.TEXT:
        rec.kind = MessageKind.LINK
        rec.extra["url"] = urls[0]
    reactions = [{"emoji": REACTIONS.get(str(r.get("reactionKey")), str(r.get("reactionKey"))),
                  "by": me_name if str(r.get("senderId")) == me_id else f"@{r.get('senderId')}",
                  "by_key": str(r.get("senderId")), "ts": None}
                 for r in body.get("reactions") or () if isinstance(r, dict)]
    if reactions:
        rec.extra["reactions"] = reactions
    if rec.kind == MessageKind.TEXT and not rec.text:
        rec.kind = MessageKind.UNKNOWN
    return rec
