"""What search finds in a message: every string the user sees in it, from its kind and details.

One function, `visible_parts`, turns a message's kind, text, `extra` (the importer's details) and
attachments into the strings a chat app shows in the bubble: the text or caption, transfer and
red-packet memos, link and article titles and descriptions, mini-program and channel names, file
names, place names and addresses, contact-card names and numbers, poll questions and options, the
items of a forwarded chat history, and words for call and payment types in English and Chinese
(the app's UI languages), so "missed call" and "未接来电" both find a missed call whatever
language the export was written in. The import engine calls it in the parse process
(`ingest.parse`), `reindex` and `sync` call it on stored rows, and the search results' snippets
are cut from the same strings, so what is indexed, what is found and what is shown never differ.

Quoted text (a reply's quote of another message, when the export carries it) is returned apart:
it goes into the index's second column, which ranks at a quarter of the first (docs/search.md),
so a search for words of a quote finds the reply too but ranks the quoted message above it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

# Details that are shown as they are, whatever the message kind (importers' `extra` keys):
# WeChat title/description/memo/greeting/scene/label/poi/source_name/file_name, Telegram
# place_name/address/game_title/game_description; name/detail/source/transcript are the keys the
# conversation view's cards read (chatvault/gui/views/bubbles.py; the demo archive, chatvault/devtools/demo.py, writes them);
# tags are a WeChat favorite's (importers/wechat/favorites), so `search 报销 --feed favorites` finds the tagged items.
_PLAIN_KEYS = ("title", "description", "file_name", "memo", "greeting", "scene", "label", "poi", "place_name",
               "address", "source_name", "game_title", "game_description", "amount", "name", "detail", "source",
               "transcript", "tags")
_ATTACHMENT_KEYS = ("title", "performer", "sticker_emoji")
_STRUCTURED_KEYS = ("poll", "options", "contact", "mini_program", "channels", "invoice_information", "articles", "bundle")
# Any of these in `extra` (or attachments, or a call) sends a message through `visible_parts`.
_RELEVANT = frozenset(_PLAIN_KEYS + _STRUCTURED_KEYS + ("quoted", "payment", "system", "type"))
_ATTACHMENT_SET = frozenset(_ATTACHMENT_KEYS)
_ORDER = {k: i for i, k in enumerate(_PLAIN_KEYS)}
# Kinds whose attachments' file names are shown in the bubble (a photo's generated name is not).
_NAMED_KINDS = frozenset(("file", "contact"))

# Call and payment types in the UI languages (English, Simplified Chinese). WeChat and Telegram
# store them as codes or in the export's own language; these words make them findable either way.
CALL_WORDS = {
    "call": "call 通话",
    "voice": "voice call 语音通话",
    "video": "video call 视频通话",
    "group": "group call 群通话",
    "missed": "missed call 未接来电",
    "cancelled": "cancelled call 已取消",
    "declined": "declined call 已拒绝",
    "busy": "busy 忙线",
}
PAYMENT_WORDS = {"transfer": "transfer 转账", "red_packet": "red packet 红包"}

# Call notices written in an export's language (WhatsApp writes "Missed video call" in the phone's
# language): which words say video, group or missed. The WhatsApp lexicon recognises these lines.
_VIDEO = re.compile(r"video|vídeo|视频|視訊|видео|वीडियो|فيديو", re.I)
_GROUP = re.compile(r"group|grupo|gruppe|groupe|gruppo|групп|grup|群", re.I)
_MISSED = re.compile(r"missed|未接|perdida|verpasst|manqué|persa|пропущенный|tak terjawab|मिस्ड|فائتة", re.I)
_CANCELLED = re.compile(r"cancel|取消", re.I)
_DECLINED = re.compile(r"declin|拒绝|rejected", re.I)
_VOICE = re.compile(r"voice|语音|vocal|voz|sprach|аудио|suara|वॉइस|صوتية", re.I)
_XML_TITLE = re.compile(r"<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", re.S)


def _strings(value: Any) -> Iterable[str]:
    """The non-empty strings of a value that may be a string or a list of strings or of rich-text
    parts (`{"text": ...}`, as Telegram writes formatted text); anything else has none."""
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                v = v.get("text")
            if isinstance(v, str) and v.strip():
                yield v


def _call_words(kind: str, text: str | None, extra: dict[str, Any]) -> list[str]:
    """Words for a call's type (voice, video, group) and outcome (missed, cancelled, declined)."""
    words = [CALL_WORDS["call"]]
    action = extra.get("action")
    label = text or ""
    if action == "group_call" or _GROUP.search(label):
        words.append(CALL_WORDS["group"])
    media = extra.get("media") or extra.get("type")
    if extra.get("is_video") or media == "video" or _VIDEO.search(label):
        words.append(CALL_WORDS["video"])
    elif media == "voice" or _VOICE.search(label):
        words.append(CALL_WORDS["voice"])
    outcome = str(extra.get("outcome") or extra.get("discard_reason") or "")
    if outcome == "missed" or (not outcome and _MISSED.search(label)):
        words.append(CALL_WORDS["missed"])
    elif outcome == "cancelled" or (not outcome and _CANCELLED.search(label)):
        words.append(CALL_WORDS["cancelled"])
    elif outcome == "declined" or (not outcome and _DECLINED.search(label)):
        words.append(CALL_WORDS["declined"])
    elif outcome == "busy":
        words.append(CALL_WORDS["busy"])
    return words


def _quote(quoted: Any) -> list[str]:
    """The quoted message as the reply shows it: its sender's name and its text (a title for a
    quoted link or file, whose content is XML)."""
    if not isinstance(quoted, dict):
        return []
    content = quoted.get("content")
    if isinstance(content, str) and content.lstrip().startswith("<"):
        m = _XML_TITLE.search(content)
        content = m.group(1).strip() if m else None
    return [s.strip() for s in (quoted.get("sender_name"), content) if isinstance(s, str) and s.strip()]


def _structured(extra: dict[str, Any], add: Any) -> None:
    """The details kept as objects or lists: polls, contacts, articles, mini-programs, channels,
    invoices, chat-history bundles."""
    poll = extra.get("poll")
    if isinstance(poll, dict):
        for s in _strings(poll.get("question")):
            add(s)
        options = poll.get("options") or poll.get("answers")
        for option in options if isinstance(options, list) else ():
            if isinstance(option, dict):
                for s in _strings(option.get("text")):
                    add(s)
            else:
                for s in _strings(option):
                    add(s)
    for s in _strings(extra.get("options")):     # a poll's options as the conversation view reads them
        add(s)
    contact = extra.get("contact")
    if isinstance(contact, dict):
        name = " ".join(s for s in (contact.get("first_name"), contact.get("last_name")) if isinstance(s, str) and s)
        for s in (name, contact.get("phone_number")):
            for v in _strings(s):
                add(v)
    for key in ("mini_program", "channels", "invoice_information"):
        sub = extra.get(key)
        if isinstance(sub, dict):
            for field in ("name", "nickname", "title", "description"):
                for s in _strings(sub.get(field)):
                    add(s)
    articles = extra.get("articles")
    for item in articles if isinstance(articles, list) else ():
        if isinstance(item, dict):
            for field in ("title", "description"):
                for s in _strings(item.get(field)):
                    add(s)
    bundle = extra.get("bundle")
    for item in bundle if isinstance(bundle, list) else ():
        if isinstance(item, dict):
            for field in ("sender", "title", "text"):
                for s in _strings(item.get(field)):
                    add(s)


def visible_parts(kind: str, text: str | None, extra: dict[str, Any] | None,
                  attachments: Sequence[tuple[str | None, dict[str, Any] | None]] = ()) -> tuple[list[str], list[str]]:
    """(the message's own visible strings, the quote's: its sender's name and text, or []).

    The text comes first; a detail already contained in what was collected is left out (a WeChat
    location's text is its place name, a file message's text its file name). `attachments` are
    (original name, extra) pairs in order.
    """
    parts: list[str] = []
    shown = text or ""           # everything collected so far, to leave out what is already there

    def add(s: str) -> None:
        nonlocal shown
        s = s.strip()
        if s and s not in shown:
            parts.append(s)
            shown += "\n" + s

    if text:
        parts.append(text)
    quote: list[str] = []
    present = _RELEVANT.intersection(extra) if extra else None
    if extra and present:
        # Only the keys the message has, in _PLAIN_KEYS' order (an article has 4 of the 30).
        for key in sorted(present.intersection(_PLAIN_KEYS), key=_ORDER.__getitem__):
            for s in _strings(extra[key]):
                add(s)
        if not present.isdisjoint(_STRUCTURED_KEYS):
            _structured(extra, add)
        if "quoted" in present:
            quote = _quote(extra["quoted"])
        payment = extra.get("payment") or extra.get("type")
        if kind == "payment" and payment in PAYMENT_WORDS:
            add(PAYMENT_WORDS[payment])
    if kind == "call" or (kind == "system" and extra and extra.get("system") == "call"):
        for w in _call_words(kind, text, extra or {}):
            add(w)
    for name, att_extra in attachments:
        if name and kind in _NAMED_KINDS:
            add(name)
        if att_extra:
            for key in _ATTACHMENT_KEYS:
                for s in _strings(att_extra.get(key)):
                    add(s)
    return parts, quote


def index_text(kind: str, text: str | None, extra: dict[str, Any] | None,
               attachments: Sequence[tuple[str | None, dict[str, Any] | None]] = ()) -> tuple[str | None, str | None]:
    """(body, quote) for the index, unspaced: parts joined by newlines (a CJK phrase never spans two
    parts: `text.spaced` puts a gap token after a CJK character followed by a newline)."""
    if kind != "call" and (not extra or _RELEVANT.isdisjoint(extra)) and (
            not attachments or (kind not in _NAMED_KINDS and all(
                not e or _ATTACHMENT_SET.isdisjoint(e) for _n, e in attachments))):
        return (text or None), None
    parts, quote = visible_parts(kind, text, extra, attachments)
    return ("\n".join(parts) or None), ("\n".join(quote) or None)


def display_text(kind: str, text: str | None, extra: dict[str, Any] | None,
                 attachments: Sequence[tuple[str | None, dict[str, Any] | None]] = ()) -> str | None:
    """The same strings for a search result's snippet: "￥88.00 · dinner · transfer 转账 · “hello”"."""
    parts, quote = visible_parts(kind, text, extra, attachments)
    if quote:
        parts.append(f"“{': '.join(' '.join(q.split()) for q in quote)}”")
    return " · ".join(parts) or None


def load_extra(raw: str | None) -> dict[str, Any] | None:
    """A stored `messages.extra` / `attachments.extra` JSON text as a dict (None when absent or bad)."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
