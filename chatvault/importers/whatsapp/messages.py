"""One WhatsApp message from its first line's parts: its kind (text, media, deleted, location, poll,
system notice), text, attachments; and the shortcut that skips the marker patterns for plain text."""

from __future__ import annotations

import re
from datetime import datetime

from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeMember
from chatvault.importers.whatsapp import lexicon as lx
from chatvault.importers.whatsapp.normalize import MARKS
from chatvault.model import AttachmentRef, AttachmentStatus, MessageKind, MessageRec

STRIP = MARKS + " "
GROUP_EVENTS = frozenset(("group_created", "added", "removed", "subject", "icon", "joined", "left"))
CONTACT_WORDS = {"contact card", "tarjeta de contacto", "cartão de contato", "kontaktkarte", "fiche contact",
                 "scheda contatto", "карточка контакта", "kartu kontak", "联系人名片"}
# DELETED, MEDIA_OMITTED and LIVE_LOCATION in one pattern (one attempt instead of three for the short
# texts they are tried on); the first alternative that matches is the one the three in turn would find.
SHORT_MARKERS = re.compile(f"(?P<deleted>{lx.DELETED.pattern})|(?P<omitted>{lx.MEDIA_OMITTED.pattern})"
                           f"|(?P<live>{lx.LIVE_LOCATION.pattern})", re.I)
_HEAD = 3


def _heads(rx: re.Pattern[str], k: int = _HEAD) -> tuple[frozenset[str], re.Pattern[str]] | None:
    """What a match of `rx` can start with: (every lower-cased ASCII string of `k` characters it can
    begin with, a pattern for every character it can begin with).

    A text whose first `k` characters are ASCII and, lower-cased, not in the set cannot match `rx`;
    nor can a text whose first character the second pattern does not match. So the (slow, many-
    branched) pattern need not be tried. Worked out from the parsed pattern: literals, alternations,
    groups and `x?` only; anything else (or a match shorter than `k`) gives None, meaning "no
    shortcut". Which characters a literal matches case-insensitively is asked of the regex engine
    itself (the literal alone, and a class of the literals, under the pattern's flags; the class
    matches at least what the literals match), so its case folding is the one that applies.
    """
    try:                                   # CPython's own pattern parser (3.11+); elsewhere: no shortcut
        from re import _constants as K  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:
        return None

    class GiveUp(Exception):
        pass

    heads: set[tuple[int, ...]] = set()

    def walk(stack: tuple, prefix: tuple[int, ...]) -> None:
        if len(prefix) == k:
            heads.add(prefix)
            return
        if not stack:
            raise GiveUp                       # a match shorter than k characters
        items, i = stack[-1]
        if i == len(items):
            walk(stack[:-1], prefix)
            return
        op, av = items[i]
        rest = stack[:-1] + ((items, i + 1),)
        if op is K.LITERAL:
            walk(rest, prefix + (av,))
        elif op is K.AT:                       # ^ and $ take no character
            walk(rest, prefix)
        elif op is K.SUBPATTERN and not av[1] and not av[2]:
            walk(rest + ((av[3], 0),), prefix)
        elif op is K.BRANCH:
            for alt in av[1]:
                walk(rest + ((alt, 0),), prefix)
        elif op in (K.MAX_REPEAT, K.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            walk(rest, prefix)
            walk(rest + ((av[2], 0),), prefix)
        else:
            raise GiveUp

    try:
        walk(((_parser.parse(rx.pattern, rx.flags), 0),), ())
    except (GiveUp, RecursionError, AttributeError, TypeError, ValueError, IndexError):
        return None                        # a parse tree of another shape: no shortcut
    ascii_of: dict[int, str] = {}
    for c in {c for h in heads for c in h}:
        one = re.compile(re.escape(chr(c)), rx.flags)
        ascii_of[c] = "".join(sorted({chr(a).lower() for a in range(128) if one.fullmatch(chr(a))}))
    out: set[str] = set()
    for h in heads:
        parts = [""]
        for c in h:
            parts = [p + a for p in parts for a in ascii_of[c]]
        out.update(parts)
    first = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted({h[0] for h in heads})) + "]", rx.flags)
    return frozenset(out), first


_SHORT_HEADS = _heads(SHORT_MARKERS)
SHORT_HEADS = _SHORT_HEADS[0] if _SHORT_HEADS else None
SHORT_FIRST = _SHORT_HEADS[1].match if _SHORT_HEADS else None


def _no_short_marker(text: str) -> bool:
    """True when `text` cannot be a deleted/omitted/live-location marker (see `_heads`)."""
    head = text[:_HEAD]
    if SHORT_HEADS is None or len(head) < _HEAD:
        return False
    if head.isascii():
        return head.lower() not in SHORT_HEADS
    return SHORT_FIRST(head) is None  # type: ignore[misc]


def message(number: int, ts: datetime, sender: str | None, text: str, more: list[str] | None,
             conv_key: str, tree: FileTree, loc_prefix: str) -> MessageRec:
    """One message from its first line's parts; `more` holds all its lines when it has several."""
    # MessageRec fields, positionally: conversation_key, ts, kind, text, sender_key, sender_name,
    # source_id, tz_known, reply_to, forwarded_from, edited, edited_ts, attachments, extra, location.
    if more is None:
        extra: dict = {}
    else:
        text = "\n".join(more)
        extra = {"lines": len(more)}
    location = f"{loc_prefix}{number}"
    if sender is None:
        extra["system"] = lx.system_kind(text) or "other"
        return MessageRec(conv_key, ts, MessageKind.SYSTEM, text, None, None, None, False, None, None, False,
                          None, [], extra, location)
    stripped = text.lstrip(MARKS)
    lrm = stripped != text
    text = stripped
    # Cheap tests first: most lines are plain text and skip every marker pattern below.
    edited = False
    short = len(text) <= 72
    if text[-1:] == ">":
        e = lx.EDITED.search(text)
        if e:
            edited = True
            text = text[: e.start()]
            short = len(text) <= 72
    if not short:
        m = None
    else:
        if _no_short_marker(text):
            m = None                   # cannot be any of them (see _heads)
        else:
            m = SHORT_MARKERS.match(text)
    if m is not None:
        if m.start(1) >= 0:            # DELETED
            return MessageRec(conv_key, ts, MessageKind.RECALLED, text, sender, sender, None, False, None, None,
                              edited, None, [], extra, location)
        if m.start(2) < 0:             # LIVE_LOCATION (nothing between can match such a text)
            extra["live"] = True
            return MessageRec(conv_key, ts, MessageKind.LOCATION, text, sender, sender, None, False, None, None,
                              edited, None, [], extra, location)
    elif text[:1] == "<" and not short:
        m = lx.MEDIA_OMITTED.match(text)
    if m is not None:                  # MEDIA_OMITTED
        extra["media_omitted"] = True
        return MessageRec(conv_key, ts, _omitted_kind(m), None, sender, sender, None, False, None, None, edited,
                          None, [AttachmentRef(status=AttachmentStatus.MISSING, extra={"omitted": True})], extra,
                          location)
    m = lx.ATTACHED.match(text) if text[:1] == "<" else (lx.FILE_ATTACHED.match(text) if " (" in text else None)
    if m:
        name = m.group("file").strip(STRIP)
        return MessageRec(conv_key, ts, _kind_of(name), m.group("caption") or None, sender, sender, None, False,
                          None, None, edited, None, [ref(tree, name)], extra, location)
    if "://" in text:
        m = lx.LOCATION.match(text)
        if m:
            extra.update(latitude=float(m.group("lat")), longitude=float(m.group("lon")), url=m.group("url"))
            return MessageRec(conv_key, ts, MessageKind.LOCATION, text, sender, sender, None, False, None, None,
                              edited, None, [], extra, location)
    if "\n" in text and lx.POLL_HEAD.match(text):
        poll = _poll(text)
        if poll is not None:
            extra["poll"] = poll
            return MessageRec(conv_key, ts, MessageKind.POLL, text, sender, sender, None, False, None, None,
                              edited, None, [], extra, location)
    if lrm:
        kind = lx.system_kind(text)
        if kind:
            extra["system"] = kind
            extra["shown_as"] = sender
            return MessageRec(conv_key, ts, MessageKind.SYSTEM, text, None, None, None, False, None, None,
                              edited, None, [], extra, location)
    return MessageRec(conv_key, ts, MessageKind.TEXT, text, sender, sender, None, False, None, None, edited, None,
                      [], extra, location)


def _omitted_kind(m: re.Match[str]) -> MessageKind:
    """The kind of a "<Media omitted>"-style marker from the word it names (image, video, contact card ...)."""
    what = (m.group("what") or "").lower()
    kind = lx.MEDIA_WHAT.get(what, "file" if what else "unknown")
    if what in CONTACT_WORDS:
        kind = "contact"
    return MessageKind(kind) if kind != "unknown" else MessageKind.FILE


def _poll(text: str) -> dict | None:
    """A "POLL:" message's question and options with their votes; None when no option line follows."""
    options = []
    question = []
    for ln in text.split("\n")[1:]:
        om = lx.POLL_OPTION.match(ln)
        if om:
            options.append({"text": om.group("text"), "votes": int(om.group("votes"))})
        elif not options:
            question.append(ln)
    return {"question": "\n".join(question), "options": options} if options else None


def ref(tree: FileTree, name: str) -> AttachmentRef:
    member = None if tree.kind == "file" else tree.find(name)   # a lone .txt holds no media
    if member is None:
        return AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=name)
    return AttachmentRef(name=name, open=TreeMember(tree, member), size_hint=tree.size(member),
                         status=AttachmentStatus.STORED, expected_path=member)


def _kind_of(name: str) -> MessageKind:
    base = name.rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if base.upper().startswith("STK-") or "STICKER" in base.upper():
        return MessageKind.STICKER
    if base.upper().startswith(("PTT-", "AUD-")) or "-AUDIO-" in base.upper():
        return MessageKind.VOICE
    if "-PHOTO-" in base.upper():
        return MessageKind.IMAGE
    if "-VIDEO-" in base.upper():
        return MessageKind.VIDEO
    kind = lx.KIND_BY_EXT.get(ext)
    return MessageKind(kind) if kind else MessageKind.FILE
