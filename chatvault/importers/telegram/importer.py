"""Telegram Desktop "Export chat history" / "Export Telegram data" in the machine-readable JSON form.

Two shapes: one chat (`result.json` = {name, type, id, messages: [...]}) or a whole account
(`result.json` = {about, personal_information, contacts, chats: {list: [chat, ...]}, left_chats: ...}).
Media sit beside `result.json` in folders (photos/, files/, voice_messages/, video_files/,
stickers/ ...) and are referenced by relative paths; a missing file reads "(File not included ...)".

The JSON is read with ijson's event stream, one message object at a time, so a multi-GB export never
sits in memory. A message with a field of a type Telegram never writes becomes an `Unparsed` record
naming the field; the import goes on.

Modules: `header` (which member, does it look like an export), `reader` (the JSON walk, damage, cuts),
`messages` (message objects → records), `fields` (typed fields, times), `media` (attachments),
`owner` (who is "me"), `damage` (hostile-input helpers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions, detect_member
from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.importers.telegram.damage import tree_report
from chatvault.importers.telegram.header import json_member, looks_like
from chatvault.importers.telegram.reader import Reader
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, Record


class TelegramImporter(Importer):
    name = "telegram"
    title = "Telegram Desktop export (JSON)"
    description = ("result.json from Telegram Desktop's \"Export chat history\" (one chat) or \"Export Telegram "
                   "data\" (all chats), machine-readable JSON, with its photos/files/voice/video/sticker folders.")
    patterns = ("result.json", "*.json")
    parser_version = 2             # 2: the owner ("me") found in one-chat exports
    recognised_by: ClassVar[str] = ("a JSON file (result.json, or inside a folder/zip) whose top level holds "
                                    "'messages' (one chat) or 'chats' with a 'list' (full export)")

    def detect(self, path: Path) -> Detection:
        return detect_member(path, json_member, "no result.json or Telegram-shaped JSON", self._judge)

    @staticmethod
    def _judge(tree: FileTree, member: str) -> Detection:
        conf, variant = looks_like(tree.read_head(member, 16384))
        if conf == 0:
            return Detection(0.0, f"{member} is not a Telegram export")
        return Detection(conf, f"{member}: Telegram export ({variant})", variant)

    def total_bytes(self, path: Path) -> int | None:
        tree = safe_tree(path)
        if tree is None:
            return None
        with tree:
            member = json_member(tree)
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
                member = json_member(tree)
            if member is None:
                raise InputError(f"{path.name} holds no Telegram result.json.",
                                 hint="Choose the folder Telegram Desktop exported (it contains result.json).")
            if tree.size(member) == 0:
                raise InputError(f"{path.name}: {member} is empty.", hint="Export again from Telegram Desktop.")
            base = member.rsplit("/", 1)[0] if "/" in member else ""
            yield from tree_report(tree, path)
            for name in (member, *tree.copies(member)):      # the same name twice in a zip: every copy is read
                if name != member:
                    yield ImportWarning(f"{path.name} holds another file named {member}; it was read too "
                                        "(messages in both are kept once).", location=name)
                reader = Reader(tree, name, base, options, ctx, path)
                yield from reader.run()
                if reader.crc_error is not None:
                    yield from reader._damaged(reader.crc_error, None, None)
                if reader.mended is not None and reader.mended.replaced:
                    yield ImportWarning(f"{reader.mended.replaced:,} character(s) that were not valid text "
                                        "(bytes that are not UTF-8, or half of an emoji) were replaced with U+FFFD.",
                                        location=name)
        finally:
            tree.close()
