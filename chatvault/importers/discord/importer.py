"""Discord channels exported with DiscordChatExporter (Tyrrrz) in its JSON format: one `.json` per
channel (a file, a folder of them, or a zip), with the files it downloaded (`--media`) beside it.

Each file is `{guild, channel, dateRange, messages: [...], messageCount}`; the messages stream one
object at a time (ijson through `BoundedJson`), keyed by Discord's own message ids (snowflakes), so
exporting the channel again later adds only what is new and edits update what is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import ijson

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.discord.messages import NotAMessage, build
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationKind, ConversationRec, ImportWarning, Record, SourceRec, Unparsed

KINDS = {"DirectTextChat": ConversationKind.DIRECT, "DirectGroupTextChat": ConversationKind.GROUP,
         "GuildTextChat": ConversationKind.CHANNEL, "GuildNewsChat": ConversationKind.CHANNEL,
         "GuildPublicThread": ConversationKind.GROUP, "GuildPrivateThread": ConversationKind.GROUP,
         "GuildVoiceChat": ConversationKind.CHANNEL, "GuildForum": ConversationKind.CHANNEL}
MAX_FILES = 20_000


def looks_like(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and b'"guild"' in text and b'"channel"' in text and (
        b'"messages"' in text or len(head) >= 16384)


def channel_files(tree: FileTree) -> list[str]:
    names = sorted(n for n in tree.names() if n.lower().endswith(".json"))[:MAX_FILES]
    return [n for n in names if looks_like(tree.read_head(n, 4096))]


class DiscordImporter(Importer):
    name = "discord"
    title = "Discord (DiscordChatExporter JSON)"
    description = "Discord channels and DMs exported with DiscordChatExporter as JSON, with the media it downloaded."
    patterns = ("*.json",)
    recognised_by: ClassVar[str] = "a JSON file (or a folder or zip of them) with top-level 'guild', 'channel' and 'messages'"

    def detect(self, path: Path) -> Detection:
        tree = safe_tree(path)
        if tree is None:
            return Detection(0.0, "cannot be opened")
        with tree:
            names = sorted(n for n in tree.names() if n.lower().endswith(".json"))[:50]
            found = [n for n in names if looks_like(tree.read_head(n, 4096))]
        if not found:
            return Detection(0.0, "no DiscordChatExporter JSON (guild, channel, messages)")
        return Detection(0.95, f"DiscordChatExporter export: {found[0]}", "json")

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        tree_path = path.parent if path.is_file() and path.suffix.lower() == ".json" else path
        tree = FileTree(tree_path)
        try:
            files = [path.name] if tree_path is not path else channel_files(tree)
            if not files or (tree_path is not path and path.name not in tree):
                raise InputError(f"{path.name} holds no DiscordChatExporter JSON.",
                                 hint="Export the channel with DiscordChatExporter in the JSON format.")
            yield SourceRec(app="discord", me_name=options.me)
            for name, why in tree.rejected:
                yield ImportWarning(f"{name} was not read: {why}", name)
            for member in files:
                ctx.check()
                yield from self._channel(tree, member, ctx)
        finally:
            tree.close()

    def _channel(self, tree: FileTree, member: str, ctx: JobContext) -> Iterator[Record]:
        guild, channel = self._header(tree, member)
        cid = str(channel.get("id") or member)
        key = f"{guild.get('id') or '0'}/{cid}"
        gname = guild.get("name")
        cname = channel.get("name") or cid
        direct = str(guild.get("id") or "0") == "0"
        title = cname if direct else f"{gname} · #{cname}" if gname else f"#{cname}"
        kind = KINDS.get(str(channel.get("type")), ConversationKind.UNKNOWN)
        extra = {k: v for k, v in (("guild", gname), ("category", channel.get("category")),
                                   ("topic", channel.get("topic"))) if isinstance(v, str) and v}
        yield ConversationRec(key=key, title=title, kind=kind, extra=extra)
        base = member.rsplit("/", 1)[0] if "/" in member else ""
        n = 0
        try:
            with tree.open(member) as raw:
                for msg in ijson.items(_stream(raw, member, item_depth=3), "messages.item", use_float=True):
                    n += 1
                    if n % 512 == 0:
                        ctx.check()
                    where = f"{member}: messages[{n - 1}]"
                    try:
                        yield build(tree, base, key, msg, where)
                    except NotAMessage as exc:
                        yield Unparsed(raw=_dump(msg), location=where, reason=str(exc), conversation_key=key)
        except (ijson.common.JSONError, JsonLimitError, UnicodeDecodeError) as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key,
                           reason=f"the file is damaged or cut short here ({str(exc).splitlines()[0][:200]}); "
                                  "what came before is kept")
        except InputError as exc:
            yield Unparsed(raw="", location=f"{member}: after message {n}", conversation_key=key, reason=exc.message)

    def _header(self, tree: FileTree, member: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The guild and channel objects (before the messages), from ijson's events."""
        guild: dict[str, Any] = {}
        channel: dict[str, Any] = {}
        try:
            with tree.open(member, check_crc=False) as raw:
                for prefix, event, value in ijson.parse(_stream(raw, member)):
                    if prefix == "messages" and event == "start_array":
                        break
                    if event in ("string", "number") and prefix.count(".") == 1:
                        top, field = prefix.split(".")
                        if top == "guild":
                            guild[field] = value
                        elif top == "channel":
                            channel[field] = value
        except (ijson.common.JSONError, JsonLimitError, InputError, UnicodeDecodeError, OSError):
            pass
        return guild, channel


def _stream(raw: Any, member: str, item_depth: int | None = None) -> BoundedJson:
    bom = hasattr(raw, "peek") and raw.peek(3)[:3] == b"\xef\xbb\xbf"
    if bom:
        raw.read(3)
    return BoundedJson(raw, member, offset=3 if bom else 0, item_depth=item_depth)


def _dump(msg: Any) -> str:
    try:
        return json.dumps(msg, ensure_ascii=False, default=str)[:65536]
    except (TypeError, ValueError):
        return repr(msg)[:65536]
