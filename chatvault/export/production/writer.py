"""Writing the RSMF part of a production: conversations in, one `.rsmf` per conversation per day
(cut at 10,000 events) out, each with its natives, its extracted text and its load-file rows.

Messages stream in (a batch at a time, oldest first), so a day's slice is the most that sits in
memory. Control numbers run in production order: an RSMF file, then its native attachments (its
family), then the next file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatvault.errors import InputError
from chatvault.export.describe import states
from chatvault.export.production import rsmf
from chatvault.export.production.loadfile import LoadFile, windows_path
from chatvault.export.production.manifest import Ledger
from chatvault.export.production.natives import NativeWriter
from chatvault.export.production.rsmf import Conversation, Native, Slice
from chatvault.export.selection import ChatPlan, ExportMessage
from chatvault.media.blobstore import BlobStore

DAY_MS = 86_400_000
_EPOCH = date(1970, 1, 1).toordinal()


def zone_of(tz: str | None) -> tzinfo | None:
    """The time zone whose days cut the files (None: each message's own UTC offset)."""
    if not tz:
        return None
    if tz.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"Unknown time zone {tz!r}.", hint="Use a name like Asia/Shanghai, Europe/Berlin or UTC.") from exc


def day_of(m: ExportMessage, zone: tzinfo | None) -> int:
    """The message's calendar day (a date ordinal): in `zone`, else in its own UTC offset as the
    person who sent or read it lived it (UTC when the source gave no offset)."""
    if zone is not None:
        return datetime.fromtimestamp(m.ts / 1000, zone).toordinal()
    return (m.ts + (m.tz_offset or 0) * 60_000) // DAY_MS + _EPOCH


@dataclass
class Counts:
    messages: int = 0
    rsmf_files: int = 0
    natives: int = 0
    attachments_not_in_vault: int = 0
    deleted_at_source: int = 0
    recalled: int = 0
    edited: int = 0
    per_custodian: Counter[str] = field(default_factory=Counter)
    per_conversation: list[dict[str, Any]] = field(default_factory=list)


def _embedded_bytes(m: ExportMessage) -> int:
    """What the message's attachments add to an rsmf.zip (the vault's recorded sizes)."""
    sizes = (int(a.get("size") or 0) for a in m.attachments if a.get("status") == "stored")
    return sum(s for s in sizes if s <= rsmf.EMBED_MAX)


class RsmfWriter:
    def __init__(self, vault: Any, conn: Any, root: Path, ledger: Ledger, prefix: str, first_number: int,
                 zone: tzinfo | None = None) -> None:
        self.zone = zone
        self.vault, self.conn, self.root, self.ledger = vault, conn, root, ledger
        self.natives = NativeWriter(root, BlobStore(vault), conn)
        self.load = LoadFile(root)
        self.prefix, self.next_number = prefix, first_number
        self.first_docid: str | None = None
        self.last_docid: str | None = None
        self.counts = Counts()

    # --- control numbers ------------------------------------------------------------------
    def _peek(self) -> str:
        return f"{self.prefix}{self.next_number:07d}"

    def _take(self) -> str:
        docid = self._peek()
        self.next_number += 1
        self.first_docid = self.first_docid or docid
        self.last_docid = docid
        return docid

    # --- conversations --------------------------------------------------------------------
    def conversation(self, chat: ChatPlan, custodian: str) -> Conversation:
        cid = chat.conversation_id
        members = [(str(k), n, bool(me)) for k, n, me in self.conn.execute(
            """SELECT p.source_key, p.display_name, p.is_me FROM conversation_members cm
               JOIN participants p ON p.id = cm.participant_id WHERE cm.conversation_id = ? ORDER BY p.id""", (cid,))]
        me = self.conn.execute(
            """SELECT p.source_key, p.display_name FROM participants p JOIN conversations c ON c.source_id = p.source_id
               WHERE c.id = ? AND p.is_me = 1 ORDER BY p.id LIMIT 1""", (cid,)).fetchone()
        if me is not None and all(k != me[0] for k, _n, _m in members):
            members.insert(0, (str(me[0]), me[1], True))
        return Conversation(chat, custodian, members)

    def write_conversation(self, conv: Conversation, batches: Any, on_message: Any) -> None:
        """Stream one conversation's batches into day slices and write each."""
        day: int | None = None
        part = 1
        pending: list[ExportMessage] = []
        embedded = 0                     # attachment bytes the pending file's rsmf.zip will hold
        files_before = self.counts.rsmf_files
        for batch in batches:
            for m in batch:
                d = day_of(m, self.zone)
                size = _embedded_bytes(m)
                if pending and (d != day or len(pending) >= rsmf.MAX_EVENTS
                                or (size and embedded + size > rsmf.ZIP_BUDGET)):
                    self.write_slice(conv, day, part, pending)  # type: ignore[arg-type]
                    part = part + 1 if d == day else 1
                    pending, embedded = [], 0
                day = d
                pending.append(m)
                embedded += size
            on_message(len(batch))
        if pending:
            self.write_slice(conv, day, part, pending)  # type: ignore[arg-type]
        c = conv.plan
        self.counts.per_conversation.append({
            "conversation_id": c.conversation_id, "title": c.title, "app": c.app, "kind": c.kind,
            "custodian": conv.custodian, "messages": c.messages, "rsmf_files": self.counts.rsmf_files - files_before,
            "first": rsmf.utc_iso(c.first_ts) if c.first_ts is not None else None,
            "last": rsmf.utc_iso(c.last_ts) if c.last_ts is not None else None})

    # --- one file ----------------------------------------------------------------------------
    def _day_basis(self, m: ExportMessage) -> str:
        if self.zone is not None:
            return str(self.zone)
        off = m.tz_offset or 0
        return f"UTC{'+' if off >= 0 else '-'}{abs(off) // 60:02d}:{abs(off) % 60:02d}" if off else "UTC"

    def write_slice(self, conv: Conversation, day_ordinal: int, part: int, msgs: list[ExportMessage]) -> None:
        docid = self._take()
        natives: dict[tuple[int, int], Native] = {}
        for m in msgs:
            for att in m.attachments:
                n = self.natives.native(att, self._peek())
                if n.path is not None:
                    self._take()
                    self.ledger.record(f"NATIVES/{n.path.name}", "native", n.size or 0, n.sha256, n.md5)
                natives[(n.message_id, n.ordinal)] = n
        s = Slice(conv, date.fromordinal(day_ordinal).isoformat(), part, msgs, natives, self._day_basis(msgs[0]))
        man = rsmf.manifest(s)
        text = rsmf.transcript(s, man)
        data = rsmf.eml(s, man, text, rsmf.rsmf_zip(man, natives.values()), f"{docid}.{self.vault.vault_id}")
        native_rel, text_rel = f"NATIVES/{docid}.rsmf", f"TEXT/{docid}.txt"
        entry = self.ledger.write(native_rel, data, "rsmf")
        self.ledger.write(text_rel, text.encode("utf-8"), "text")
        written = [n for n in natives.values() if n.path is not None]
        self._rows(s, man, docid, entry, written, native_rel, text_rel)
        self._count(conv, msgs, natives)

    def _rows(self, s: Slice, man: dict[str, Any], docid: str, entry: Any, written: list[Native],
              native_rel: str, text_rel: str) -> None:
        conv = s.conv
        family_end = written[-1].docid if written else docid
        names = "; ".join(p.get("display") or p["id"] for p in man["participants"])
        msgs = s.messages
        flags = [set(states(m)) for m in msgs]
        counted = {f: sum(f in fl for fl in flags) for f in ("deleted_at_source", "recalled", "edited")}
        states_ = {k.upper(): v for k, v in counted.items()}
        common = {"BEGATTACH": docid, "ENDATTACH": family_end, "CUSTODIAN": conv.custodian,
                  "PLATFORM": conv.plan.app, "CONVERSATION": conv.display,
                  "CONVERSATION_ID": conv.plan.conversation_id}
        state = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counted.items() if v)
        self.load.add(DOCID=docid, DOCTYPE="RSMF", PARTICIPANTS=names, BEGINDATE=s.begin, ENDDATE=s.end,
                      EVENTCOUNT=len(msgs), STATE=state, FILENAME=f"{docid}.rsmf", FILESIZE=entry.size,
                      MD5=entry.md5, SHA256=entry.sha256, NATIVEPATH=windows_path(native_rel),
                      TEXTPATH=windows_path(text_rel), **states_, **common)
        by_id = {m.id: m for m in msgs}
        for n in written:
            m = by_id[n.message_id]
            fl = set(states(m))
            self.load.add(DOCID=n.docid, PARENT_DOCID=docid, DOCTYPE="NATIVE", PARTICIPANTS=m.sender or "",
                          BEGINDATE=rsmf.utc_iso(m.ts), ENDDATE=rsmf.utc_iso(m.ts), STATE=rsmf.state_of(m),
                          DELETED_AT_SOURCE=int("deleted_at_source" in fl), RECALLED=int("recalled" in fl),
                          EDITED=int("edited" in fl), FILENAME=n.display, FILESIZE=n.size, MD5=n.md5, SHA256=n.sha256,
                          NATIVEPATH=windows_path(f"NATIVES/{n.path.name}" if n.path else None), **common)

    def _count(self, conv: Conversation, msgs: list[ExportMessage], natives: dict[tuple[int, int], Native]) -> None:
        c = self.counts
        c.messages += len(msgs)
        c.rsmf_files += 1
        c.natives += sum(n.path is not None for n in natives.values())
        c.attachments_not_in_vault += sum(n.path is None for n in natives.values())
        for m in msgs:
            fl = states(m)
            c.deleted_at_source += "deleted_at_source" in fl
            c.recalled += "recalled" in fl
            c.edited += "edited" in fl
        c.per_custodian[conv.custodian] += len(msgs)

    def close(self) -> None:
        self.load.close()
