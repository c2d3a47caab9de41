"""Telegram Desktop's HTML export, one `messages*.html` page at a time, with the standard library's
HTML parser: each `<div class="message ...">` becomes one message (its id from `id="message123"`, the
time from the date's `title` — "17.01.2023 19:33:07 UTC+01:00", older exports without the offset —
the sender from `from_name`, or the previous sender for a `joined` message), its text, media link,
reply target and forward."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+UTC([+-]\d{2}):?(\d{2}))?")
REPLY = re.compile(r"go_to_message(-?\d+)|GoToMessage\((-?\d+)\)")
MEDIA_CLASSES = {"photo_wrap": "image", "media_photo": "image", "video_file_wrap": "video", "media_video": "video",
                 "animated_wrap": "video", "media_voice_message": "voice", "media_audio_file": "file",
                 "media_file": "file", "sticker_wrap": "sticker", "media_location": "location",
                 "media_contact": "contact", "media_poll": "poll", "media_call": "call", "media_game": "link",
                 "media_invoice": "payment"}


@dataclass
class Msg:
    id: str
    service: bool
    joined: bool
    date_title: str = ""
    sender: str = ""
    text: str = ""
    media: list[tuple[str, str]] = field(default_factory=list)   # (kind, href)
    reply_to: str | None = None
    forwarded_from: str | None = None
    media_title: str = ""


class PageParser(HTMLParser):
    """Collects the messages of one page and the chat's name from its header."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.messages: list[Msg] = []
        self.title = ""
        self._stack: list[tuple[str, set[str]]] = []     # (tag, classes) of the open elements
        self._cur: Msg | None = None
        self._msg_depth = 0
        self._capture: str | None = None                  # which field text goes to
        self._capture_depth = 0
        self._in_header = False
        self._forward_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag in ("br",):
            if self._capture:
                self._append("\n")
            return
        if tag in ("img", "meta", "link", "input", "hr"):
            return
        self._stack.append((tag, classes))
        depth = len(self._stack)
        if "page_header" in classes:
            self._in_header = True
        if self._in_header and "text" in classes and "bold" in classes and not self.title:
            self._capture, self._capture_depth = "title", depth
        if tag == "div" and "message" in classes and (a.get("id") or "").startswith("message"):
            self._cur = Msg(a["id"][len("message"):], "service" in classes, "joined" in classes)
            self._msg_depth = depth
            return
        m = self._cur
        if m is None:
            return
        if "forwarded" in classes and "body" in classes:
            self._forward_depth = depth
        if "date" in classes and "details" in classes and a.get("title") and not m.date_title and not self._forward_depth:
            m.date_title = a["title"] or ""
        elif "from_name" in classes:
            self._capture, self._capture_depth = ("forward" if self._forward_depth else "sender"), depth
        elif "text" in classes and not self._capture:
            self._capture, self._capture_depth = "text", depth
        elif m.service and "body" in classes and "details" in classes:
            self._capture, self._capture_depth = "text", depth
        elif "reply_to" in classes:
            self._capture, self._capture_depth = "reply", depth
        elif tag == "a" and a.get("href") and not self._capture:
            kind = next((k for c, k in MEDIA_CLASSES.items() if c in classes), None)
            if kind:
                m.media.append((kind, a["href"] or ""))
        elif "title" in classes and "bold" in classes and not self._capture:
            self._capture, self._capture_depth = "media_title", depth
        if tag == "a" and self._capture == "reply":
            r = REPLY.search((a.get("href") or "") + " " + (a.get("onclick") or ""))
            if r:
                m.reply_to = r.group(1) or r.group(2)

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        depth = len(self._stack)
        if self._capture and depth == self._capture_depth:
            self._capture = None
        if self._forward_depth and depth == self._forward_depth:
            self._forward_depth = 0
        if self._cur is not None and depth == self._msg_depth:
            self.messages.append(self._cur)
            self._cur = None
        if self._in_header and "page_header" in self._stack[-1][1]:
            self._in_header = False
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._append(data)

    def _append(self, data: str) -> None:
        if self._capture == "title":
            self.title += data.strip()
        elif self._cur is not None:
            if self._capture == "sender":
                self._cur.sender += data.strip()
            elif self._capture == "forward":
                self._cur.forwarded_from = ((self._cur.forwarded_from or "") + data.strip()).strip() or None
            elif self._capture == "text":
                self._cur.text += data
            elif self._capture == "media_title":
                self._cur.media_title += data.strip()
