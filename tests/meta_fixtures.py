"""Meta "Download your information" message files written the way Meta writes them: each thread a
folder of message_N.json (newest first, at most `per_file` messages each), every non-ASCII string as
its UTF-8 bytes escaped one by one (the "mojibake" the importer repairs), media beside them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.import_fixtures import JPEG_HEAD, OPUS

T0_MS = 1_700_000_000_000          # 2023-11-14T22:13:20Z


def mojibake(value: Any) -> Any:
    """What Meta writes for a string: its UTF-8 bytes, each as one character (\\u00XX in the file)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: mojibake(v) for k, v in value.items()}
    return value


def every_kind(thread: str, me: str = "Zhang Wei 张伟", friend: str = "Anna 🌸") -> list[dict[str, Any]]:
    """One message of every kind Meta writes, oldest first (the writer reverses them)."""
    base = f"messages/inbox/{thread}"
    t = iter(range(T0_MS, T0_MS + 10_000_000, 60_000))
    return [
        {"sender_name": me, "timestamp_ms": next(t), "content": "你好 Anna! café ☕"},
        {"sender_name": friend, "timestamp_ms": next(t), "content": "Hi 😀", "reactions": [
            {"reaction": "❤️", "actor": me, "timestamp": 1_700_000_100}]},
        {"sender_name": friend, "timestamp_ms": next(t), "photos": [
            {"uri": f"{base}/photos/1.jpg", "creation_timestamp": 1_700_000_000}]},
        {"sender_name": me, "timestamp_ms": next(t), "videos": [{"uri": f"{base}/videos/2.mp4"}]},
        {"sender_name": friend, "timestamp_ms": next(t), "audio_files": [{"uri": f"{base}/audio/3.mp4"}]},
        {"sender_name": me, "timestamp_ms": next(t), "gifs": [{"uri": f"{base}/gifs/4.gif"}]},
        {"sender_name": friend, "timestamp_ms": next(t), "files": [{"uri": f"{base}/files/报告.pdf"}]},
        {"sender_name": me, "timestamp_ms": next(t), "sticker": {"uri": "messages/stickers_used/5.png"}},
        {"sender_name": friend, "timestamp_ms": next(t), "content": "Anna sent a link.",
         "share": {"link": "https://example.org/a", "share_text": "An article"}},
        {"sender_name": me, "timestamp_ms": next(t), "content": "Zhang Wei called you.", "call_duration": 125,
         "type": "Call"},
        {"sender_name": friend, "timestamp_ms": next(t), "content": "You missed a call from Anna.",
         "call_duration": 0, "type": "Call", "missed": True},
        {"sender_name": me, "timestamp_ms": next(t), "content": "Zhang Wei added Bob to the group.",
         "type": "Subscribe", "users": [{"name": "Bob"}]},
        {"sender_name": friend, "timestamp_ms": next(t), "is_unsent": True},
        {"sender_name": friend, "timestamp_ms": next(t), "photos": [{"uri": f"{base}/photos/missing.jpg"}]},
        {"sender_name": me, "timestamp_ms": next(t), "content": "multi\nline 多行"},
    ]


MEDIA = {"photos/1.jpg": JPEG_HEAD, "videos/2.mp4": b"\x00\x00\x00\x18ftypmp42", "audio/3.mp4": OPUS,
         "gifs/4.gif": b"GIF89a\x01\x00\x01\x00", "files/报告.pdf": b"%PDF-1.4\n%%EOF\n"}


def write_thread(root: Path, prefix: str, thread: str, title: str, participants: list[str],
                 messages: list[dict[str, Any]], *, per_file: int = 10_000, thread_type: str = "Regular",
                 media: dict[str, bytes] | None = None) -> Path:
    """One thread under `root/prefix/messages/inbox/thread`, files newest first, escaped like Meta's."""
    folder = root / prefix / "messages" / "inbox" / thread
    folder.mkdir(parents=True, exist_ok=True)
    newest_first = list(reversed(messages))
    chunks = [newest_first[i:i + per_file] for i in range(0, len(newest_first), per_file)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        obj = {"participants": [{"name": p} for p in participants], "messages": chunk, "title": title,
               "is_still_participant": True, "thread_path": f"inbox/{thread}", "thread_type": thread_type,
               "magic_words": []}
        (folder / f"message_{n}.json").write_text(json.dumps(mojibake(obj), indent=2), encoding="ascii")
    for rel, data in (media or {}).items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return folder


def facebook_download(root: Path, *, owner: str = "Zhang Wei 张伟", extra: list[dict[str, Any]] | None = None,
                      newer: bool = True) -> Path:
    """A Facebook download folder (2023+ layout: your_facebook_activity/) with a direct chat of every
    kind, a group and the owner's profile."""
    prefix = "your_facebook_activity" if newer else ""
    msgs = every_kind("anna_123456", owner) + list(extra or [])
    write_thread(root, prefix, "anna_123456", "Anna 🌸", [owner, "Anna 🌸"], msgs, media=MEDIA)
    group = [{"sender_name": n, "timestamp_ms": T0_MS + i * 1000, "content": f"group message {i}"}
             for i, n in enumerate([owner, "Anna 🌸", "Bob"] * 3)]
    write_thread(root, prefix, "family_99", "Family 家", [owner, "Anna 🌸", "Bob"], group, thread_type="RegularGroup")
    stickers = root / prefix / "messages" / "stickers_used"
    stickers.mkdir(parents=True, exist_ok=True)
    (stickers / "5.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    prof = root / "personal_information" / "profile_information"
    prof.mkdir(parents=True, exist_ok=True)
    (prof / "profile_information.json").write_text(json.dumps(mojibake({"profile_v2": {"name": {"full_name": owner}}})),
                                                   encoding="ascii")
    return root


def instagram_download(root: Path, owner: str = "wei.zhang") -> Path:
    """An Instagram download folder (your_instagram_activity/) with one thread."""
    msgs = [{"sender_name": owner, "timestamp_ms": T0_MS, "content": "看这个 👀"},
            {"sender_name": "Mia", "timestamp_ms": T0_MS + 1000, "content": "Liked a message"},
            {"sender_name": "Mia", "timestamp_ms": T0_MS + 2000,
             "share": {"link": "https://www.instagram.com/p/abc/", "share_text": "post"}}]
    write_thread(root, "your_instagram_activity", "mia_42", "Mia", [owner, "Mia"], msgs)
    return root


def zip_folder(folder: Path, zip_path: Path) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    return zip_path


def e2ee_chat(path: Path) -> Path:
    """Messenger's end-to-end encrypted chats download: camelCase keys, strings written correctly."""
    obj = {"participants": ["Zhang Wei 张伟", "Anna 🌸"], "threadName": "Anna 🌸", "messages": [
        {"isUnsent": False, "media": [], "reactions": [{"actor": "Anna 🌸", "reaction": "👍"}],
         "senderName": "Zhang Wei 张伟", "text": "加密的消息 🔒", "timestamp": T0_MS + 5_000, "type": "text"},
        {"isUnsent": True, "media": [], "reactions": [], "senderName": "Anna 🌸", "text": "",
         "timestamp": T0_MS + 6_000, "type": "text"},
        {"isUnsent": False, "media": [{"uri": "media/pic.jpg"}], "reactions": [], "senderName": "Anna 🌸",
         "text": "", "timestamp": T0_MS + 7_000, "type": "media"}]}
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path
