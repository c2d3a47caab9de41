"""Telegram Desktop HTML exports as Telegram Desktop writes them: messages.html (+ messages2.html),
div.message blocks with ids, date titles with or without the UTC offset, joined messages, service
messages and date separators, media links into photos/, voice_messages/, files/."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tests.import_fixtures import OPUS, PNG_1x1

HEAD = """<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Exported Data</title>
<link href="css/style.css" rel="stylesheet"/></head><body><div class="page_wrap">
<div class="page_header"><div class="content"><div class="text bold">{title}</div></div></div>
<div class="page_body chat_page"><div class="history">"""
TAIL = "</div></div></div></body></html>"


def msg(mid: int, when: str, sender: str | None, body: str, *, joined: bool = False, offset: bool = True) -> str:
    title = f"{when} UTC+02:00" if offset else when
    cls = "message default clearfix" + (" joined" if joined else "")
    name = "" if joined or sender is None else f'<div class="from_name">{escape(sender)}</div>'
    return (f'<div class="{cls}" id="message{mid}"><div class="pull_left userpic_wrap"></div><div class="body">'
            f'<div class="pull_right date details" title="{title}">{when[11:16]}</div>{name}{body}</div></div>')


def service(mid: int, text: str, when: str | None = None) -> str:
    date = f'<div class="pull_right date details" title="{when} UTC+02:00"></div>' if when else ""
    return f'<div class="message service" id="message{mid}"><div class="body details">{date}{escape(text)}</div></div>'


def page_one() -> list[str]:
    return [
        service(-1, "1 May 2024"),
        msg(1, "01.05.2024 10:00:00", "Alice 🌸", '<div class="text">Hello<br>world &amp; 你好</div>'),
        msg(2, "01.05.2024 10:01:00", None, '<div class="text">same sender again</div>', joined=True),
        msg(3, "01.05.2024 10:02:00", "Bob", '<div class="reply_to details">In reply to <a href="#go_to_message1" '
                                             'onclick="return GoToMessage(1)">this message</a></div>'
                                             '<div class="text">a reply</div>'),
        msg(4, "01.05.2024 10:03:00", "Bob", '<div class="media_wrap clearfix"><a class="photo_wrap clearfix pull_left" '
                                             'href="photos/photo_1@01-05-2024_10-03-00.jpg"><img class="photo" '
                                             'src="photos/photo_1@01-05-2024_10-03-00_thumb.jpg"/></a></div>'
                                             '<div class="text">a caption</div>'),
        msg(5, "01.05.2024 10:04:00", "Alice 🌸", '<div class="media_wrap clearfix"><a class="media clearfix pull_left '
                                                  'block_link media_voice_message" href="voice_messages/audio_1.ogg">'
                                                  '<div class="body"><div class="title bold">Voice message</div></div>'
                                                  '</a></div>'),
        service(6, "Bob joined group by link", "01.05.2024 10:05:00"),
    ]


def write(folder: Path, *, offset: bool = True, extra: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    one = page_one()
    if not offset:
        one = [p.replace(" UTC+02:00", "") for p in one]
    (folder / "messages.html").write_text(HEAD.format(title="Hiking club 徒步") + "".join(one) + TAIL, encoding="utf-8")
    two = [msg(7, "02.05.2024 09:00:00", "Bob", '<div class="text">page two</div>', offset=offset), *(extra or [])]
    (folder / "messages2.html").write_text(HEAD.format(title="Hiking club 徒步") + "".join(two) + TAIL, encoding="utf-8")
    (folder / "photos").mkdir(exist_ok=True)
    (folder / "photos" / "photo_1@01-05-2024_10-03-00.jpg").write_bytes(PNG_1x1)
    (folder / "voice_messages").mkdir(exist_ok=True)
    (folder / "voice_messages" / "audio_1.ogg").write_bytes(OPUS)
    return folder
