"""One WhatsApp chat from several sources: a phone database and `.txt` exports become one conversation.

A chat reaches the vault from WhatsApp's own database (Android `msgstore.db`, iPhone `ChatStorage.sqlite`)
with exact times, JIDs and message ids, and from "Export chat" `.txt` files with minute-precision local
times, display names and file names. Both carry a **WhatsApp chat identity** in
`ConversationRec.extra["chat_identity"]`: `{"app": "whatsapp", "jid": ..., "phone": ..., "names": [...]}`
(a `.txt` export knows only `names`: its title). How they are joined (docs/import.md, "One WhatsApp chat
from several sources"):

1. **The conversation.** A chat not found under its own key is looked for among the stored WhatsApp
   conversations: the same JID first, else exactly one conversation sharing a name where one side has a
   JID and the other has none (the export's title is the contact's or group's name as the phone showed
   it; two exports with the same title already share their key). The first source's conversation is used;
   the identities are united, so the next import finds it by JID.
2. **The messages.** In a conversation holding messages of another WhatsApp format, a message not found
   by its key is matched with a stored message of the other formats that (a) is not matched yet in this
   run, (b) has the same signature — its text (spaces and direction marks aside), else a file name, a
   place, a poll question, else only its class (media, call, system, deleted) — and (c) lies in the same
   minute once the minute offset between the two sources is known. The offset is 0 when the `.txt` was
   read in the phone's time zone; otherwise it is learnt from the messages whose signature is unique
   (the most common difference, a multiple of 15 minutes within ±14 h). A match counts as the same
   message: nothing is added. When the incoming message is the exact one (it has the source's own id)
   the stored one takes its key, time and sender, so later imports of the database find it directly.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from chatvault.ingest.rows import (
    ATTACHMENTS,
    EXTRA,
    KEY,
    KIND,
    MS,
    REPLY_TO,
    SENDER_KEY,
    SENDER_NAME,
    SOURCE_ID,
    TEXT,
    TZ,
)
from chatvault.model import ConversationRec
from chatvault.store.db import Connection

IDENTITY = "chat_identity"
APPS = ("whatsapp",)                      # source apps whose chats are joined this way
MINUTE = 60_000
WIDE = 14 * 60                            # minutes: the widest zone difference looked at
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_FINGERPRINT = re.compile(r"^f[0-9a-f]{32}$")       # ingest/keys.py: a message without an id of its own
# A message's class when nothing stronger matches. A .txt export without media writes every file, contact
# card and view-once message as "<Media omitted>", so those are one class.
_CLASS = {"image": "media", "video": "media", "voice": "media", "file": "media", "sticker": "media",
          "contact": "media", "unknown": "media", "call": "call", "system": "system", "recalled": "recalled", "poll": "poll",
          "location": "location"}


def norm_name(name: str) -> str:
    """A chat name as compared: direction marks, case and spacing aside; a phone number as its digits."""
    s = _SPACE.sub(" ", _MARKS.sub("", name)).strip().casefold()
    digits = re.sub(r"[\s()+\-.]", "", s)
    return "tel:" + digits if digits.isdigit() and len(digits) >= 6 else s


def identity_of(extra: Any) -> dict | None:
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError:
            return None
    ident = extra.get(IDENTITY) if isinstance(extra, dict) else None
    return ident if isinstance(ident, dict) and ident.get("app") in APPS else None


def united(stored: dict | None, new: dict) -> dict:
    """Two identities of one chat as one (the JID and phone of whichever has them, every name)."""
    if not stored:
        return new
    out = dict(stored) | {k: v for k, v in new.items() if v and k != "names"}
    out["names"] = list(dict.fromkeys([*(stored.get("names") or []), *(new.get("names") or [])]))
    return out


class ChatIndex:
    """The stored WhatsApp conversations that carry a chat identity, read once per import run (a run's
    own new chats are never the same chat as each other: one source names each chat once)."""

    def __init__(self, conn: Connection) -> None:
        self.by_jid: dict[str, Any] = {}
        self.named: list[tuple[Any, bool, set[str]]] = []     # (row, has a JID, its names)
        for row in conn.execute(
                "SELECT c.id, c.kind, c.title, c.extra, c.feed FROM conversations c JOIN sources s ON s.id = "
                "c.source_id WHERE s.app IN (SELECT value FROM json_each(?)) AND c.extra LIKE '%chat_identity%'",
                (json.dumps(APPS),)):
            ident = identity_of(row["extra"])
            if ident is None:
                continue
            jid = ident.get("jid")
            if jid:
                self.by_jid.setdefault(jid, row)
            self.named.append((row, bool(jid), {norm_name(n) for n in ident.get("names") or [] if isinstance(n, str)}))


def find_conversation(conn: Connection, rec: ConversationRec, known: Any = None,
                      index: ChatIndex | None = None) -> Any:
    """The stored conversation (id, kind, title, extra, feed) that is the same WhatsApp chat as `rec`, or None.
    `known`: the run's `Conv` for `rec.key` when an earlier record of this run found it already;
    `index`: the run's `ChatIndex` (read here when not given)."""
    if known is not None:
        return conn.execute("SELECT id, kind, title, extra, feed FROM conversations WHERE id = ?", (known.id,)).fetchone()
    ident = identity_of(rec.extra)
    if ident is None:
        return None
    index = index or ChatIndex(conn)
    jid = ident.get("jid")
    if jid and jid in index.by_jid:
        return index.by_jid[jid]
    names = {norm_name(n) for n in ident.get("names") or [] if isinstance(n, str) and n.strip()}
    if not names:
        return None
    # Names join a database's chat (with its JID) to an export's (without), nothing else.
    hits = [entry for entry in index.named if entry[1] != bool(jid) and names & entry[2]]
    if len(hits) != 1:
        return None
    index.named.remove(hits[0])          # taken: another chat of this run with the same name cannot join it
    return hits[0][0]


def keep_identity(stored_extra: Any, rec: ConversationRec) -> None:
    """Before `rec.extra` is merged into a stored conversation: its identity unites with the stored one."""
    stored = identity_of(stored_extra)
    ident = identity_of(rec.extra)
    if stored is not None and ident is not None:
        rec.extra[IDENTITY] = united(stored, ident)
    elif stored is not None:
        rec.extra[IDENTITY] = stored


def merger(conn: Connection, cid: int, fmt: str, found_by_identity: bool) -> Merger | None:
    """A `Merger` when conversation `cid` holds messages another format brought in (else None)."""
    others = [r[0] for r in conn.execute(
        "SELECT DISTINCT r.format FROM import_coverage ic JOIN import_runs r ON r.id = ic.run_id "
        "WHERE ic.conversation_id = ? AND r.format != ?", (cid, fmt))]
    if not others and not found_by_identity:
        return None
    return Merger(cid, fmt)


def _signatures(kind: str, text: str | None, extra: Any, names: list[str]) -> list[str]:
    """What a message is recognised by, strongest first (see the module docstring)."""
    out = []
    if text:
        t = _SPACE.sub(" ", _MARKS.sub("", text)).strip()
        if t:
            out.append("t:" + t)
    out += ["f:" + n.casefold() for n in names if n]
    if kind in ("location", "poll") and extra:
        e = json.loads(extra) if isinstance(extra, str) else extra
        if isinstance(e, dict) and isinstance(e.get("latitude"), int | float):
            out.append(f"l:{e['latitude']:.4f},{e.get('longitude') or 0:.4f}")
        poll = e.get("poll") if isinstance(e, dict) else None
        if isinstance(poll, dict) and isinstance(poll.get("question"), str):
            out.append("p:" + poll["question"].strip())
    out.append("~" + _CLASS.get(kind, "text"))
    return out


class Merger:
    """Matches one conversation's incoming rows with its stored messages of other formats."""

    def __init__(self, cid: int, fmt: str) -> None:
        self.cid = cid
        self.fmt = fmt
        self.offset: int | None = None     # stored minute - incoming minute, once learnt
        self.claimed: set[int] = set()
        self.matched = 0
        self.adopted = 0
        self.bare: set[int] = set()        # stored messages without attachment rows (an export without media)

    def _stored(self, conn: Connection, lo: int, hi: int, exact: bool) -> dict[str, list[tuple]]:
        """Unclaimed stored messages in [lo, hi] by signature: (minute, id, key, text, ms). For `exact` rows (with
        the source's own ids) only messages another format brought in, or stored under a fingerprint, can
        be the same message: one this format stored under its own id would have been found by it."""
        by_sig: dict[str, list[tuple]] = {}
        for mid, key, ts, text, kind, extra, names, files, fmt in conn.execute(
                "SELECT m.id, m.source_key, m.ts, m.text, m.kind, m.extra, "
                "(SELECT group_concat(a.original_name, char(31)) FROM attachments a WHERE a.message_id = m.id), "
                "(SELECT count(*) FROM attachments a WHERE a.message_id = m.id), "
                "(SELECT r.format FROM import_runs r WHERE r.id = m.first_run_id) "
                "FROM messages m WHERE m.conversation_id = ? AND m.ts BETWEEN ? AND ?", (self.cid, lo, hi)):
            if mid in self.claimed or (exact and fmt == self.fmt and not _FINGERPRINT.match(key)):
                continue
            if not files:
                self.bare.add(mid)
            for sig in _signatures(kind, text, extra, names.split("\x1f") if names else []):
                by_sig.setdefault(sig, []).append((ts // MINUTE, mid, key, text, ts))
        return by_sig

    def match(self, conn: Connection, items: list[list], existing: dict[str, tuple],
              sender_id: Callable[[str | None, str | None], int | None]) -> int:
        """How many rows of `items` matched. Put each row of `items` that is a stored message of another format into `existing` (key →
        (key, id, text)); adopt the stored message's key, time and sender when the row is the exact one."""
        todo = []
        for p in items:
            old = existing.get(p[KEY])
            if old is None:
                todo.append(p)
            elif old[1] is not None:
                self.claimed.add(old[1])       # found by its key: no other row is this one
        if not todo:
            return 0
        lo, hi = min(p[MS] for p in todo), max(p[MS] for p in todo)
        shift, span = (0, WIDE) if self.offset is None else (self.offset, 2)
        stored = self._stored(conn, lo + (shift - span - 1) * MINUTE, hi + (shift + span + 1) * MINUTE,
                              all(p[SOURCE_ID] is not None for p in todo))
        if not stored:
            return 0
        before = self.matched
        sigs = [_signatures(p[KIND], p[TEXT], p[EXTRA], [a.name for a in p[ATTACHMENTS] or () if a.name])
                for p in todo]
        if self.offset is None:
            self.offset = self._learn(todo, sigs, stored)
        for p, row_sigs in zip(todo, sigs, strict=True):
            hit = self._pick(p[MS] // MINUTE, row_sigs, stored)
            if hit is None:
                continue
            _minute, mid, key, text, ts = hit
            self.claimed.add(mid)
            self.matched += 1
            if p[SOURCE_ID] is not None and key != p[KEY]:
                # The exact copy: the stored message becomes it (key, time, sender, kind, text, details).
                conn.execute("UPDATE messages SET source_key = ?, ts = ?, tz_offset = ?, sender_id = coalesce(?, "
                             "sender_id), kind = ?, text = ?, reply_to_key = ?, extra = ? WHERE id = ?",
                             (p[KEY], p[MS], p[TZ], sender_id(p[SENDER_KEY], p[SENDER_NAME]), p[KIND], p[TEXT],
                              p[REPLY_TO], p[EXTRA], mid))
                self.adopted += 1
                key, text = p[KEY], p[TEXT]
            else:
                p[MS] = ts                     # the stored, exact time (what the run's coverage counts)
            existing[p[KEY]] = (key, mid, p[TEXT] if p[TEXT] is not None else text, p[EXTRA])
        return self.matched - before

    def _learn(self, todo: list[list], sigs: list[list[str]], stored: dict[str, list[tuple]]) -> int:
        """The minute offset most unique strong signatures agree on (0 when none decides)."""
        votes: Counter[int] = Counter()
        for p, row_sigs in zip(todo, sigs, strict=True):
            strong = [s for s in row_sigs if not s.startswith("~")]
            if strong and len(stored.get(strong[0], ())) == 1:
                delta = stored[strong[0]][0][0] - p[MS] // MINUTE
                if delta % 15 == 0 and abs(delta) <= WIDE:
                    votes[delta] += 1
        return votes.most_common(1)[0][0] if votes else 0

    def _pick(self, minute: int, row_sigs: list[str], stored: dict[str, list[tuple]]) -> tuple | None:
        assert self.offset is not None
        want = minute + self.offset
        for sig in row_sigs:
            slack = 0 if sig.startswith("~") else 1     # a class alone must fall in the very minute
            cands = [c for c in stored.get(sig, ()) if c[1] not in self.claimed and abs(c[0] - want) <= slack]
            if cands:
                return min(cands, key=lambda c: (abs(c[0] - want), c[1]))
        return None
