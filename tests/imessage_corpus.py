"""A Messages folder with every kind of message, and what importing it must give (`Expect`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests import imessage_blobs as B
from tests.imessage_fixtures import CAF, DB, HEIC, JPEG, PNG, _rank, apple_date, at, has, text_cols

ALICE, BOB, CAROL, DAVE = "+15550100001", "bob@example.com", "+442079460000", "+15550100004"
GROUP, GROUP2 = "chat100200300", "chat999000111"
GROUP_NAME = "Family 👪"


@dataclass
class Expect:
    guid: str
    conv: str
    sender: str
    ts: datetime
    kind: str
    text: str | None
    reply_to: str | None = None
    reactions: list[tuple[str, str]] = field(default_factory=list)     # (by, emoji) current
    history: int = 0                                                   # tapback rows about it
    versions: int = 0                                                  # edit history entries
    stored: int = 0
    missing: int = 0


@dataclass
class Corpus:
    root: Path
    db: Path
    variant: str
    messages: dict[str, Expect] = field(default_factory=dict)
    tapbacks: int = 0                       # tapback rows folded into their messages
    rows: int = 0                           # every message row

    def by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.messages.values():
            out[e.kind] = out.get(e.kind, 0) + 1
        return out


def guid_of(i: int, variant: str = "15") -> str:
    return f"MSG-{i:06d}-0000-4000-8000-{variant.replace('.', '')}"


def build(root: Path, n: int = 1200, variant: str = "15", drop: set[str] | None = None,
          extra: int = 0) -> Corpus:
    """A copied `~/Library/Messages` at `root`: `n` numbered messages of every kind (`drop`: guids
    left out, as if deleted on the Mac; `extra`: that many newer text messages)."""
    drop = drop or set()
    db = DB(root / "chat.db", variant, root)
    c = Corpus(root, db.path, variant)
    h = {k: db.handle(raw, svc) for k, raw, svc in [(ALICE, "+1 (555) 010-0001", "iMessage"),
                                                     (BOB, "Bob@Example.com", "iMessage"),
                                                     (CAROL, "+44 20 7946 0000", "SMS"),
                                                     (DAVE, "+1 555 010 0004", "RCS")]}
    h_alice_sms = db.handle("+15550100001", "SMS")
    chats = [
        (db.chat(f"iMessage;-;{ALICE}", ALICE, [h[ALICE]]), ALICE, [ALICE]),
        (db.chat(f"SMS;-;{ALICE}", ALICE, [h_alice_sms], service="SMS"), ALICE, [ALICE]),
        (db.chat(f"iMessage;-;{BOB}", BOB, [h[BOB]]), BOB, [BOB]),
        (db.chat(f"iMessage;+;{GROUP}", GROUP, [h[ALICE], h[BOB], h[CAROL]], group=True, name=GROUP_NAME),
         GROUP, [ALICE, BOB, CAROL]),
        (db.chat(f"RCS;-;{DAVE}", DAVE, [h[DAVE]], service="RCS"), DAVE, [DAVE]),
        (db.chat(f"iMessage;+;{GROUP2}", GROUP2, [h[ALICE], h[DAVE]], group=True), GROUP2, [ALICE, DAVE]),
    ]
    hid = {ALICE: h[ALICE], BOB: h[BOB], CAROL: h[CAROL], DAVE: h[DAVE]}
    order: list[str] = []
    for i in range(n + extra):
        chat, conv, members = chats[i % len(chats)]
        mine = i % 3 == 0
        sender = "me" if mine else members[i % len(members)]
        svc = "SMS" if chat == chats[1][0] else ("RCS" if conv == DAVE else "iMessage")
        to = h_alice_sms if svc == "SMS" else hid[members[0]]       # my messages in a direct chat: the recipient
        base = {"is_from_me": int(mine), "date_read": apple_date(at(i + 1), variant) if mine and i % 5 == 0 else 0,
                "handle_id": (0 if len(members) > 1 else to) if mine else (to if svc == "SMS" else hid[sender]),
                "service": svc,
                "destination_caller_id": "+15550109999" if mine else None}
        guid = guid_of(i, variant)
        j = i % 16 if i < n else 0
        ts = at(i)
        if guid in drop:
            continue
        _one(db, c, chat, conv, sender, guid, ts, j, i, base, order, mine)
        order.append(guid)
    _edges(db, c, chats, hid, order)
    db.close()
    return c


def _one(db: DB, c: Corpus, chat: int, conv: str, sender: str, guid: str, ts: datetime, j: int, i: int,
         base: dict, order: list[str], mine: bool) -> None:
    v = c.variant
    newer = _rank(v) >= (10, 13)
    e = Expect(guid, conv, sender, ts, "text", f"message {i} from {sender}")
    cols = dict(base)
    tapback = None
    if j == 1 and i % 32 == 17 and has(v, "attributedBody"):
        e.text = f"https://example.org/read/{i}"       # a link Messages detected in the text
    elif j == 1:
        e.text = f"emoji 😀 ünïcødé 中文 {i}"
    elif j in (2, 3, 4, 5, 15):
        e.text = f"caption {i}" if j in (2, 15) else None
        e.kind = {2: "image", 3: "video", 4: "voice", 5: "sticker", 15: "file"}[j]
        if j == 4:
            cols["is_audio_message"] = 1
    elif j == 6 and newer:
        e.kind, e.text = "link", f"Page {i} — About page {i}\nhttps://example.com/p/{i}"
        cols.update(balloon_bundle_id="com.apple.messages.URLBalloonProvider",
                    payload_data=B.url_payload(f"https://example.com/p/{i}", f"Page {i}", f"About page {i}"))
    elif j == 7 and newer:
        e.kind, e.text = "payment", f"Sent ${i}.00 with Apple Pay."
        cols.update(balloon_bundle_id="com.apple.messages.MSMessageExtensionBalloonPlugin:0000000000:"
                                      "com.apple.PassbookUIService.PeerPaymentMessagesExtension",
                    payload_data=B.app_payload("Apple Pay", f"Sent ${i}.00 with Apple Pay.", "Apple Cash"))
    elif j == 8 and has(v, "thread_originator_guid") and guid_of(i - 6, v) in c.messages:
        e.reply_to = guid_of(i - 6, v)                                  # (the same chat: six chats take turns)
        cols.update(thread_originator_guid=e.reply_to, thread_originator_part="0:0:10")
    elif j == 9 and has(v, "message_summary_info"):
        base_s = (ts - datetime(2001, 1, 1, tzinfo=ts.tzinfo)).total_seconds()
        versions = [(base_s, f"first draft {i}"), (base_s + 30, f"second draft {i}"), (base_s + 60, f"final {i}")]
        e.text, e.versions = f"final {i}", 3
        cols.update(message_summary_info=B.summary_info({0: versions}), date_edited=ts.replace(second=0))
    elif j == 10 and has(v, "message_summary_info"):
        e.kind, e.text = "recalled", None
        cols.update(message_summary_info=B.summary_info(unsent=[0], ranges={0: (0, 12)}), date_retracted=ts)
        db.message(chat, guid, ts, text=None, **cols)
        c.messages[guid] = e
        c.rows += 1
        return
    elif j in (11, 12, 14) and newer and order:
        back = {11: 1, 12: 3, 14: 4}[j]
        target = order[-back] if len(order) >= back else order[0]
        emoji = "🎉" if j == 14 and has(v, "associated_message_emoji") else None
        tapback = (target, 2006 if emoji else (2003 if j == 14 else (2000 if j == 11 else 2001)), emoji)
    elif j == 13 and conv == GROUP:
        e.kind, e.text = "system", f"{'You' if mine else sender} named the conversation “{GROUP_NAME}”"
        cols.update(item_type=2, group_title=GROUP_NAME)
        db.message(chat, guid, ts, text=None, **cols)
        c.messages[guid] = e
        c.rows += 1
        return
    elif j == 13:
        cols["subject"] = f"Subject {i}"
        e.text = f"Subject {i}\nmessage {i} from {sender}"
    if tapback is not None:
        _tapback(db, c, chat, guid, ts, cols, tapback, j, sender)
        return
    body_text = e.text if j != 13 else f"message {i} from {sender}"
    if e.kind in ("image", "video", "voice", "sticker", "file"):
        mid = db.message(chat, guid, ts, **_with_placeholder(v, body_text, guid), **cols)
        _attach(db, e, mid, guid, j)
    else:
        tc = text_cols(v, body_text) if body_text else {"text": None}
        if "balloon_bundle_id" in cols:             # Messages writes a balloon's text as one U+FFFC
            tc = {"text": "\ufffc"}
        elif body_text and body_text.startswith("https://") and has(v, "attributedBody"):
            tc = {"text": None if _rank(v) >= (13,) else body_text, "attributedBody": B.link_body(body_text)}
        mid = db.message(chat, guid, ts, **tc, **cols)
    c.messages[guid] = e
    c.rows += 1


def _with_placeholder(v: str, text: str | None, guid: str) -> dict:
    full = "\ufffc" + (text or "")
    if not has(v, "attributedBody"):
        return {"text": full}
    parts: list = [(f"at_0_{guid}",)] + ([text] if text else [])
    return {"text": None if _rank(v) >= (13,) else full, "attributedBody": B.body_with_attachments(parts)}


def _attach(db: DB, e: Expect, mid: int, guid: str, j: int) -> None:
    aguid = f"AT-{guid}"
    if j == 2:
        db.attachment(mid, aguid, "IMG_0001.HEIC", "image/heic", HEIC, uti="public.heic")
        e.stored = 1
    elif j == 3:
        db.attachment(mid, aguid, "IMG_0002.MOV", "video/quicktime", None, uti="com.apple.quicktime-movie")
        e.missing = 1
    elif j == 4:
        db.attachment(mid, aguid, "Audio Message.caf", None, CAF, uti="com.apple.coreaudio-format")
        e.stored = 1
    elif j == 5:
        db.attachment(mid, aguid, "sticker.png", "image/png", PNG, sticker=True)
        e.stored = 1
    else:
        db.attachment(mid, aguid, "report.pdf", "application/pdf", b"%PDF-1.4\n%fixture\n", uti="com.adobe.pdf")
        db.attachment(mid, aguid + "-2", "photo.jpg", "image/jpeg", JPEG, uti="public.jpeg")
        e.stored = 2


def _tapback(db: DB, c: Corpus, chat: int, guid: str, ts: datetime, cols: dict, tb: tuple, j: int,
             sender: str) -> None:
    target, kind, emoji = tb
    names = {2000: "Loved", 2001: "Liked", 2003: "Laughed at", 2006: "Reacted 🎉 to"}
    row = dict(cols, associated_message_guid=f"p:0/{target}", associated_message_type=kind,
               associated_message_emoji=emoji, text=f"{names[kind]} “…”")
    db.message(chat, guid, ts, **row)
    c.rows += 1
    c.tapbacks += 1
    t = c.messages.get(target)
    glyph = {2000: "❤️", 2001: "👍", 2003: "😂", 2006: emoji}[kind]
    if j == 12:      # a like, then taken back
        db.message(chat, guid + "-R", ts.replace(second=(ts.second + 1) % 60) if ts.second < 59 else ts,
                   **dict(row, associated_message_type=3001))
        c.rows += 1
        c.tapbacks += 1
        if t:
            t.history += 2
            t.reactions = [r for r in t.reactions if r[0] != sender]
        return
    if t:
        t.history += 1
        t.reactions = [r for r in t.reactions if r[0] != sender] + [(sender, glyph)]


def _edges(db: DB, c: Corpus, chats: list, hid: dict, order: list[str]) -> None:
    """A tapback on a message no longer in the database, and a message in no chat."""
    if _rank(c.variant) >= (10, 13):
        g = "TB-ORPHAN-0001"
        db.message(chats[0][0], g, at(len(order) + 1), associated_message_guid="p:0/GONE-GUID",
                   associated_message_type=2000, handle_id=hid[ALICE], text="Loved “an old message”")
        c.messages[g] = Expect(g, ALICE, ALICE, at(len(order) + 1), "text", "Loved “an old message”",
                               reply_to="GONE-GUID")
        c.rows += 1
    if c.variant == "15" and order:          # a sticker put on a message as a tapback, and handwriting
        g, target = "TB-STICKER-0001", order[0]
        mid = db.message(chats[0][0], g, at(len(order) + 3), associated_message_guid=f"p:0/{target}",
                         associated_message_type=2007, handle_id=hid[ALICE], text="\ufffc")
        db.attachment(mid, "AT-TB-STICKER", "sticker.png", "image/png", PNG, sticker=True)
        c.messages[g] = Expect(g, ALICE, ALICE, at(len(order) + 3), "sticker", None, reply_to=target, stored=1)
        g = "HANDWRITING-0001"
        db.message(chats[0][0], g, at(len(order) + 4), handle_id=hid[ALICE], text="\ufffc",
                   balloon_bundle_id="com.apple.Handwriting.HandwritingProvider", payload_data=b"\x08\x01")
        c.messages[g] = Expect(g, ALICE, ALICE, at(len(order) + 4), "unknown", "Handwritten message")
        c.rows += 2
    g = "NOCHAT-0001"
    db.message(None, g, at(len(order) + 2), handle_id=hid[DAVE], **text_cols(c.variant, "no chat row"))
    c.messages[g] = Expect(g, DAVE, DAVE, at(len(order) + 2), "text", "no chat row")
    g = "NOCHAT-0002"                       # mine, in no chat: Messages keeps whom I wrote to in handle_id
    db.message(None, g, at(len(order) + 5), handle_id=hid[BOB], is_from_me=1, **text_cols(c.variant, "to Bob"))
    c.messages[g] = Expect(g, BOB, "me", at(len(order) + 5), "text", "to Bob")
    c.rows += 2
