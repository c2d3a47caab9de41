"""Slack workspace exports (Workspace settings → Import/Export data → Export): a zip or its folder with
`users.json`, `channels.json` (public), `groups.json` (private), `dms.json` and `mpims.json` (direct and
group messages, in exports that include them), and a folder per conversation holding one JSON file per
day (`2016-02-07.json`: a list of messages).

Messages are keyed by their `ts` (unique in a channel), so a later export adds only what is new and an
edit updates the stored text. Files are kept as links (Slack's export holds no file contents): marked
remote, not fetched. Threads become replies to their parent; reactions keep who reacted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
from chatvault.importers.slack.text import emoji, plain
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

LISTS = (("channels.json", ConversationKind.CHANNEL), ("groups.json", ConversationKind.GROUP),
         ("mpims.json", ConversationKind.GROUP), ("dms.json", ConversationKind.DIRECT))
DAY_FILE = re.compile(r"(?:^|/)([^/]+)/(\d{4}-\d{2}-\d{2})\.json$")
SYSTEM = {"channel_join": "joined", "channel_leave": "left", "group_join": "joined", "group_leave": "left",
          "channel_topic": "topic", "channel_purpose": "purpose", "channel_name": "renamed",
          "channel_archive": "archived", "channel_unarchive": "unarchived", "pinned_item": "pinned",
          "bot_add": "bot added", "bot_remove": "bot removed", "huddle_thread": "huddle"}
MAX_LIST = 64 << 20


class SlackImporter(Importer):
    name = "slack"
    title = "Slack workspace export"
    description = "A Slack workspace export (zip or folder): channels, private channels, DMs, threads, reactions."
    patterns = ("*.zip", "users.json", "channels.json")
    recognised_by: ClassVar[str] = "users.json and channels.json (or dms.json) with a folder of YYYY-MM-DD.json per channel"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            root = _root(tree)
            if root is None:
                return Detection(0.0, "no users.json with channels.json / dms.json")
            days = sum(1 for n in tree.names() if DAY_FILE.search(n))
        return Detection(0.95 if days else 0.7, f"Slack export ({days} day files)", "workspace")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree = FileTree(path.parent if path.is_file() and path.suffix.lower() == ".json" else path)
        try:
            root = _root(tree)
            if root is None:
                raise InputError(f"{path.name} is not a Slack export (no users.json and channels.json).",
                                 hint="Choose the zip Slack sent, or the folder it unpacks to.")
            users = {u["id"]: u for u in _load_list(tree, root + "users.json") if isinstance(u.get("id"), str)}
            names = {uid: _user_name(u) for uid, u in users.items()}
            convs = self._conversations(tree, root)
            by_name = {c["id"]: c.get("name") or c["id"] for c in convs}
            yield SourceRec(app="slack", account=_team(users), me_name=options.me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            days = _days(tree, root)
            for conv in convs:
                ctx.check()
                folder = conv.get("name") if conv["_kind"] != ConversationKind.DIRECT else conv["id"]
                files = days.get(str(folder), []) or days.get(conv["id"], [])
                members = [m for m in conv.get("members") or () if isinstance(m, str)]
                title = ("#" + conv["name"]) if conv["_kind"] == ConversationKind.CHANNEL and conv.get("name") else \
                    ", ".join(names.get(m, m) for m in members) if conv["_kind"] == ConversationKind.DIRECT else \
                    conv.get("name") or conv["id"]
                extra = {k: v for k, v in (("topic", (conv.get("topic") or {}).get("value")),
                                           ("purpose", (conv.get("purpose") or {}).get("value")),
                                           ("archived", conv.get("is_archived"))) if v}
                yield ConversationRec(key=conv["id"], title=title, kind=conv["_kind"], extra=extra,
                                      participants=[ParticipantRec(m, names.get(m, m)) for m in members])
                for member in files:
                    yield from self._day(tree, member, conv["id"], names, by_name, ctx)
        finally:
            tree.close()

    def _conversations(self, tree: FileTree, root: str) -> list[dict[str, Any]]:
        out = []
        for file, kind in LISTS:
            if root + file in tree:
                for c in _load_list(tree, root + file):
                    if isinstance(c.get("id"), str):
                        c["_kind"] = kind
                        out.append(c)
        return out

    def _day(self, tree: FileTree, member: str, key: str, names: dict[str, str], channels: dict[str, str],
             ctx: JobContext) -> Iterator[Record]:
        n = 0
        try:
            with tree.open(member) as raw:
                for msg in ijson.items(BoundedJson(raw, member, item_depth=2), "item", use_float=True):
                    n += 1
                    if n % 512 == 0:
                        ctx.check()
                    where = f"{member}[{n - 1}]"
                    try:
                        yield _message(msg, key, names, channels, where)
                    except ValueError as exc:
                        yield Unparsed(raw=json.dumps(msg, ensure_ascii=False, default=str)[:65536], location=where,
                                       reason=str(exc), conversation_key=key)
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key,
                           reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]})")
        except InputError as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key, reason=exc.message)


def _root(tree: FileTree) -> str | None:
    """The folder holding users.json and a conversation list ('' at the top)."""
    for name in sorted(tree.names(), key=lambda x: x.count("/")):
        if name.rsplit("/", 1)[-1] == "users.json":
            base = name[: -len("users.json")]
            if any(base + f in tree for f, _k in LISTS):
                return base
    return None


def _load_list(tree: FileTree, member: str) -> list[dict[str, Any]]:
    if tree.size(member) > MAX_LIST:
        raise InputError(f"{member} is over 64 MiB; a Slack export's lists are much smaller.")
    try:
        with tree.open(member) as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{member} is not valid JSON ({exc}).", location=member,
                         hint="The export is damaged: download it again from Slack.") from exc
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _days(tree: FileTree, root: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in tree.names():
        m = DAY_FILE.search(name)
        if m and name.startswith(root):
            out.setdefault(m.group(1), []).append(name)
    return {k: sorted(v) for k, v in out.items()}


def _user_name(u: dict[str, Any]) -> str:
    p = u.get("profile") if isinstance(u.get("profile"), dict) else {}
    return str(p.get("display_name") or p.get("real_name") or u.get("real_name") or u.get("name") or u["id"])


def _team(users: dict[str, Any]) -> str:
    teams = {u.get("team_id") for u in users.values() if isinstance(u.get("team_id"), str)}
    return next(iter(teams)) if len(teams) == 1 else ""


def _ts(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"ts {value!r} is not a Slack time") from exc


def _message(msg: Any, key: str, names: dict[str, str], channels: dict[str, str], where: str) -> MessageRec:
    if not isinstance(msg, dict) or msg.get("type") not in ("message", None):
        raise ValueError("not a message object")
    ts = _ts(msg.get("ts"))
    sub = msg.get("subtype")
    user = msg.get("user") if isinstance(msg.get("user"), str) else None
    who = names.get(user) if user else None
    profile = msg.get("user_profile") if isinstance(msg.get("user_profile"), dict) else {}
    who = profile.get("display_name") or profile.get("real_name") or who
    if sub == "bot_message" or (not user and msg.get("bot_id")):
        user = user or f"bot:{msg.get('bot_id') or msg.get('username') or 'bot'}"
        who = msg.get("username") or (msg.get("bot_profile") or {}).get("name") or who or "bot"
    raw_text = msg.get("text") if isinstance(msg.get("text"), str) else ""
    text = plain(raw_text, names.get, channels.get)
    parts = [text] if text else []
    for att in msg.get("attachments") or ():
        if isinstance(att, dict):
            bits = [att.get(k) for k in ("pretext", "title", "text") if isinstance(att.get(k), str) and att.get(k)]
            if not bits and isinstance(att.get("fallback"), str):
                bits = [att["fallback"]]
            parts += [plain(b, names.get, channels.get) for b in bits]
    rec = MessageRec(conversation_key=key, ts=ts, text="\n".join(parts) or None, sender_key=user,
                     sender_name=who or user, source_id=str(msg.get("ts")), location=where)
    thread = msg.get("thread_ts")
    if isinstance(thread, str) and thread != msg.get("ts"):
        rec.reply_to = thread
    edited = msg.get("edited")
    if isinstance(edited, dict) and edited.get("ts"):
        rec.edited, rec.edited_ts = True, _ts(edited["ts"])
    if user and user.startswith("bot:"):
        rec.extra["bot"] = True
    if sub in SYSTEM:
        rec.kind = MessageKind.SYSTEM
        rec.extra["system"] = SYSTEM[sub]
    elif sub == "tombstone" or msg.get("hidden") and "deleted" in raw_text.lower():
        rec.kind = MessageKind.RECALLED
        rec.extra["recalled"] = {"by": who}
    _files(msg, rec)
    links = [a.get("title_link") or a.get("from_url") for a in msg.get("attachments") or () if isinstance(a, dict)]
    links = [u for u in links if isinstance(u, str) and u]
    if links and rec.kind == MessageKind.TEXT and not rec.attachments:
        rec.kind = MessageKind.LINK
        rec.extra["url"] = links[0]
    reactions = []
    for r in msg.get("reactions") or ():
        if isinstance(r, dict) and isinstance(r.get("name"), str):
            for u in r.get("users") or ():
                reactions.append({"emoji": emoji(r["name"]), "by": names.get(u, u), "by_key": u, "ts": None})
    if reactions:
        rec.extra["reactions"] = reactions
    if rec.kind == MessageKind.TEXT and not rec.text and not rec.attachments:
        rec.kind = MessageKind.UNKNOWN
    return rec


def _files(msg: dict[str, Any], rec: MessageRec) -> None:
    files = [f for f in msg.get("files") or () if isinstance(f, dict)]
    if isinstance(msg.get("file"), dict):
        files.append(msg["file"])
    for f in files:
        mime = f.get("mimetype") if isinstance(f.get("mimetype"), str) else None
        url = f.get("url_private_download") or f.get("url_private") or f.get("permalink")
        rec.attachments.append(AttachmentRef(
            name=f.get("name") or f.get("title"), mime_hint=mime,
            size_hint=f.get("size") if isinstance(f.get("size"), int) else None,
            status=AttachmentStatus.MISSING, expected_path=url if isinstance(url, str) else None,
            extra={"remote": True, "slack_file": f.get("id")}))
        if rec.kind == MessageKind.TEXT:
            rec.kind = (MessageKind.IMAGE if (mime or "").startswith("image/") else
                        MessageKind.VIDEO if (mime or "").startswith("video/") else
                        MessageKind.VOICE if (mime or "").startswith("audio/") else MessageKind.FILE)
