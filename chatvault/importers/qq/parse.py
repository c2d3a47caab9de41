"""The two forms QQ's message manager (消息管理器) exports: text and MHT (web archive).

Text: a banner, then per contact or group a `消息分组:` / `消息对象:` header between `=====` rules,
then messages: a line `2012-05-06 20:50:51 Name` (or `Name(12345)` / `Name<mail>`), the text on the
following lines, a blank line. MHT: one HTML table in a MIME multipart/related file, rows with the
group and object, date rows (`日期: 2012-05-06`), and per message a row with the sender and the
time followed by its content (images are MIME parts named by `<img src>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser

GROUP = re.compile(r"^\s*消息分组\s*[:：]\s*(?P<v>.*)$")
OBJECT = re.compile(r"^\s*消息对象\s*[:：]\s*(?P<v>.*)$")
RULE = re.compile(r"^\s*={10,}\s*$")
HEAD = re.compile(r"^(?P<d>\d{4}-\d{1,2}-\d{1,2})\s+(?P<t>\d{1,2}:\d{2}:\d{2})\s+(?P<who>.+?)\s*$")
WHO_ID = re.compile(r"^(?P<name>.*?)[(（<](?P<id>[^()（）<>]+)[)）>]\s*$")
MHT_DATE = re.compile(r"日期\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})")
MHT_TIME = re.compile(r"(?:(\d{4})-(\d{1,2})-(\d{1,2})\s+)?(\d{1,2}):(\d{2}):(\d{2})\s*$")


@dataclass
class QMessage:
    group: str
    chat: str
    when: datetime
    sender: str
    sender_id: str | None
    text: str
    line: int
    images: list[str] = field(default_factory=list)


def split_who(who: str) -> tuple[str, str | None]:
    m = WHO_ID.match(who)
    if m and m.group("name").strip():
        return m.group("name").strip(), m.group("id").strip()
    return who.strip(), None


def text_messages(lines: Iterable[str]) -> Iterator[QMessage | tuple[int, str]]:
    group = chat = ""
    cur: QMessage | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        g, o = GROUP.match(line), OBJECT.match(line)
        if g or o or RULE.match(line):
            if cur is not None:
                yield _done(cur)
                cur = None
            if g:
                group = g.group("v").strip()
            if o:
                chat = o.group("v").strip()
            continue
        h = HEAD.match(line)
        if h and chat:
            try:
                when = datetime.strptime(f"{h.group('d')} {h.group('t')}", "%Y-%m-%d %H:%M:%S")
            except ValueError:
                when = None
            if when is not None:
                if cur is not None:
                    yield _done(cur)
                name, qid = split_who(h.group("who"))
                cur = QMessage(group, chat, when, name, qid, "", n)
                continue
        if cur is not None:
            cur.text += ("\n" if cur.text else "") + line
        elif line.strip() and n > 3 and chat:
            yield (n, line)
    if cur is not None:
        yield _done(cur)


def _done(m: QMessage) -> QMessage:
    m.text = m.text.strip("\n")
    return m


class _Rows(HTMLParser):
    """The MHT table as rows of (text, image names)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[str]]] = []
        self.parts: list[str] = []
        self.images: list[str] = []
        self.in_row = False
        self.divs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._flush()
            self.in_row = True
        elif tag in ("div", "br", "p"):
            self.parts.append("\n")
        elif tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.images.append(src)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._flush()
        elif tag == "div":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_row:
            self.parts.append(data)

    def _flush(self) -> None:
        if self.in_row:
            text = re.sub(r"\n\s*\n+", "\n", "".join(self.parts)).strip()
            self.rows.append((text, self.images))
        self.parts, self.images, self.in_row = [], [], False

    def close(self) -> None:
        super().close()
        self._flush()


def _message_head(text: str) -> tuple[str, re.Match[str], str] | None:
    """(sender, time match, content) when a row starts with a sender and a time: on one line
    ("张三 20:50:51") or on two (the sender's div, then the time)."""
    lines = text.split("\n")
    for i in range(min(2, len(lines))):
        t = MHT_TIME.search(lines[i])
        if t:
            who = lines[i][: t.start()].strip() or (lines[i - 1].strip() if i else "")
            if who:
                return who, t, "\n".join(lines[i + 1:])
    return None


def mht_messages(html: str) -> Iterator[QMessage | tuple[int, str]]:
    p = _Rows()
    p.feed(html)
    p.close()
    group = chat = ""
    day: date | None = None
    cur: QMessage | None = None
    for n, (text, images) in enumerate(p.rows, 1):
        g, o = GROUP.search(text), OBJECT.search(text)
        if g or o:
            if cur:
                yield cur
                cur = None
            group = g.group("v").strip() if g else group
            chat = o.group("v").strip() if o else chat
            continue
        d = MHT_DATE.search(text)
        if d and len(text) < 40:
            day = date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            continue
        head = _message_head(text)
        if head is not None and chat:
            who, t, rest = head
            when_day = date(int(t.group(1)), int(t.group(2)), int(t.group(3))) if t.group(1) else day
            if when_day is not None:
                if cur:
                    yield cur
                name, qid = split_who(who)
                cur = QMessage(group, chat, datetime.combine(when_day, time(int(t.group(4)), int(t.group(5)),
                                                                            int(t.group(6)))),
                               name, qid, rest.strip(), n, list(images))
                continue
        if cur is not None:
            cur.text = (cur.text + "\n" + text).strip()
            cur.images += images
        elif text:
            yield (n, text)
    if cur:
        yield cur
