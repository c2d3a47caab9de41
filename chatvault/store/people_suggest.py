"""Who might be the same person across sources, for the user to confirm (docs/people.md).

Three signals, strongest first: the same phone number (a WhatsApp JID or number, a Signal or
Telegram contact's phone, a number shown as the name of an unsaved contact), "me" in several
sources, and the same name (any name the participant was shown under, compared without case,
spaces, punctuation or emoji). Only participants of different sources are suggested together (two
"Anna" in one WhatsApp group are two people), nothing already linked together, and no pair the user
dismissed. Suggestions are never applied on their own.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from chatvault.store.db import Connection, rollback
from chatvault.store.people import Participant, participants

PHONE_KEYS = ("phone", "phone_number", "e164", "mobile", "number", "tel")
_NOT_PHONE = re.compile(r"[^\d+()\-.\s/]")
_MIN_DIGITS = 8          # shorter numbers (service codes, extensions) match too much
_TAIL = 9                # numbers are compared on their last 9 digits: "+44 7700 900123" = "07700 900123"


@dataclass
class Suggestion:
    reason: str                      # "phone", "me", "name"
    detail: str                      # the number or name they share
    members: list[Participant]

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "detail": self.detail, "participants": [m.to_json() for m in self.members]}


def phone_digits(text: str | None) -> str | None:
    """The digits of a phone number written in any usual way (a JID's user part too), else None."""
    if not text:
        return None
    text = text.split("@", 1)[0].strip()
    if not text or _NOT_PHONE.search(text):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00"):
        digits = digits[2:]
    return digits if len(digits) >= _MIN_DIGITS else None


def name_key(text: str | None) -> str | None:
    """A name compared without case, spaces, punctuation or emoji ("Anna  Li 🌸" = "anna li")."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")
    if not kept or kept.isdigit():
        return None
    wide = any(ord(ch) > 0x2E80 for ch in kept)          # CJK: two characters are a name
    return kept if len(kept) >= (2 if wide else 3) else None


def suggest(conn: Connection, limit: int = 100) -> list[Suggestion]:
    """Groups of participants from different sources that look like one person, strongest first."""
    rows = conn.execute("SELECT id, source_id, source_key, display_name, is_me, person_id, extra FROM participants")
    phones: dict[str, set[int]] = defaultdict(set)
    longest: dict[str, str] = {}
    names: dict[str, set[int]] = defaultdict(set)
    mes: set[int] = set()
    source_of: dict[int, int] = {}
    person_of: dict[int, int | None] = {}
    for pid, sid, key, name, is_me, person_id, extra in rows:
        source_of[pid], person_of[pid] = sid, person_id
        for text in (key, name, *_extra_phones(extra)):
            d = phone_digits(text)
            if d:
                phones[d[-_TAIL:]].add(pid)
                if len(d) > len(longest.get(d[-_TAIL:], "")):
                    longest[d[-_TAIL:]] = d
        n = name_key(name)
        if n:
            names[n].add(pid)
        if is_me:
            mes.add(pid)
    for pid, name in conn.execute("SELECT participant_id, name FROM participant_names"):
        n = name_key(name)
        if n and pid in source_of:
            names[n].add(pid)
    dismissed = {(int(a), int(b)) for a, b in conn.execute("SELECT a, b FROM people_dismissed")}
    groups: list[tuple[str, str, set[int]]] = [("phone", "+" + longest[t] if len(longest[t]) > 10 else longest[t], ids)
                                                for t, ids in phones.items()]
    groups.append(("me", "", mes))
    groups += [("name", n, ids) for n, ids in names.items()]
    out: list[Suggestion] = []
    seen: set[frozenset[int]] = set()
    for reason, detail, ids in groups:
        chosen = _useful(ids, source_of, person_of, dismissed)
        if chosen is None or frozenset(chosen) in seen:
            continue
        seen.add(frozenset(chosen))
        members = participants(conn, sorted(chosen))
        shown = detail if reason != "name" else (max(members, key=lambda m: m.messages).name or detail)
        out.append(Suggestion(reason, shown, members))
    rank = {"phone": 0, "me": 1, "name": 2}
    out.sort(key=lambda s: (rank[s.reason], -sum(m.messages for m in s.members)))
    return out[:limit]


def _extra_phones(extra: str | None) -> list[str]:
    if not extra:
        return []
    try:
        data = json.loads(extra)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    return [str(data[k]) for k in PHONE_KEYS if isinstance(data.get(k), str | int) and not isinstance(data.get(k), bool)]


def _useful(ids: set[int], source_of: dict[int, int], person_of: dict[int, int | None],
            dismissed: set[tuple[int, int]]) -> set[int] | None:
    """The participants worth suggesting together: from two sources or more, not all one person
    already, and not only pairs the user dismissed."""
    if len(ids) < 2 or len({source_of[i] for i in ids}) < 2:
        return None
    persons = {person_of[i] for i in ids}
    if len(persons) == 1 and None not in persons:
        return None
    pairs = [(a, b) for a in ids for b in ids if a < b and source_of[a] != source_of[b]
             and not (person_of[a] is not None and person_of[a] == person_of[b])]
    if not pairs or all(p in dismissed for p in pairs):
        return None
    return set(ids)


def dismiss(conn: Connection, participant_ids: list[int]) -> None:
    """Remember that these participants are not one person: not suggested together again."""
    ids = sorted(set(participant_ids))
    with_pairs = [(a, b) for a in ids for b in ids if a < b]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("INSERT OR IGNORE INTO people_dismissed(a, b) VALUES (?, ?)", with_pairs)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
