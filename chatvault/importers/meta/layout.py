"""Where the messages are in a Meta download (Facebook or Instagram "Download your information", a
Messenger end-to-end encrypted chats download) and which app it is.

Layouts seen, old to new (folder or zip, also a single thread's `message_1.json` chosen alone):
- `messages/inbox/<name>_<id>/message_1.json` (Facebook until 2023, Instagram until 2022);
- `your_activity_across_facebook/messages/...`, `your_facebook_activity/messages/...` (Facebook 2023+);
- `your_instagram_activity/messages/inbox/...` (Instagram 2023+);
- the thread folders also under `archived_threads/`, `filtered_threads/`, `message_requests/`,
  `e2ee_cutover/`; Facebook's end-to-end encrypted chats download as one JSON per chat with
  camelCase keys (`senderName`, `timestamp`, `text`, `media`, `isUnsent`).
Media `uri`s are relative to the download's root; the root is found from the path of the JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chatvault.importers.filetree import FileTree

MAX_LOOSE = 5000          # JSON files looked at when none is called message_N.json
FOLDERS = ("inbox", "archived_threads", "filtered_threads", "message_requests", "e2ee_cutover")
_THREAD_FILE = re.compile(r"(?:^|/)(?:message|messages)_\d+\.json$", re.I)
_INSTAGRAM_MARKS = ("your_instagram_activity/", "instagram-", "instagram_")
_FACEBOOK_MARKS = ("your_facebook_activity/", "your_activity_across_facebook/", "facebook-", "facebook_")
META_KEYS = (b'"sender_name"', b'"timestamp_ms"', b'"senderName"')
INSTAGRAM_WORDS = (b"instagram.com/", b"Liked a message", b"reacted", b"sent an attachment")


@dataclass(frozen=True)
class Thread:
    folder: str           # the thread's folder in the tree ('' for a lone file)
    files: tuple[str, ...]  # its message_N.json members, in order
    box: str              # inbox, archived_threads, message_requests, ...


def thread_files(tree: FileTree) -> list[Thread]:
    """Every thread in the tree, each with its message files (message_1, message_2 …)."""
    by_folder: dict[str, list[str]] = {}
    names = tree.names()
    named = [n for n in names if _THREAD_FILE.search(n)]
    if not named:      # a lone file, or the end-to-end encrypted chats download: one <chat>.json each
        loose = sorted(n for n in names if n.lower().endswith(".json"))[:MAX_LOOSE]
        return [Thread(n.rsplit("/", 1)[0] if "/" in n else "", (n,), "inbox") for n in loose]
    for name in named:
        folder = name.rsplit("/", 1)[0] if "/" in name else ""
        by_folder.setdefault(folder, []).append(name)
    out = []
    for folder, files in sorted(by_folder.items()):
        parts = folder.split("/")
        box = next((p for p in reversed(parts[:-1]) if p in FOLDERS), "inbox")
        out.append(Thread(folder, tuple(sorted(files, key=_file_number)), box))
    return out


def is_thread_file(name: str) -> bool:
    return bool(_THREAD_FILE.search(name))


def _file_number(name: str) -> tuple[int, str]:
    m = re.search(r"_(\d+)\.json$", name)
    return (int(m.group(1)) if m else 0, name)


def root_of(member: str) -> str:
    """The download's root for a member: the part of its path before `messages/` (media uris start there)."""
    at = member.find("messages/")
    return member[:at] if at >= 0 else ""


def which_app(path_text: str, head: bytes = b"") -> str:
    """"instagram" or "messenger", from the download's path and, for a lone file, its content."""
    low = path_text.replace("\\", "/").lower()
    if any(m in low for m in _INSTAGRAM_MARKS):
        return "instagram"
    if any(m in low for m in _FACEBOOK_MARKS):
        return "messenger"
    if b"instagram.com/" in head or b"Liked a message" in head:
        return "instagram"
    return "messenger"


def looks_like_thread(head: bytes) -> bool:
    """A Meta message file: a JSON object whose messages carry Meta's keys (and no Telegram or
    Discord exports' own)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{") or b"\x00" in head[:1024]:
        return False
    if b'"messages"' not in text:
        return False
    meta = (b'"sender_name"' in text and b'"timestamp_ms"' in text) or (
        b'"senderName"' in text and b'"timestamp"' in text)
    return meta and b'"date_unixtime"' not in text and b'"guild"' not in text
