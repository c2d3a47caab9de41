"""Who and where, for the writer: the source, its conversations, their participants and members.

One `Identity` per import run. It finds or creates the rows the messages point at, keeps their ids
(so the writer's hot path looks a chat or a sender up in a dict, not in the vault), and applies the
owner's choice of "me" (`ingest/owner.py`) and the rules for names (`ingest/names.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatvault import clock
from chatvault.importers.base import Importer, ImportOptions
from chatvault.ingest import names, owner
from chatvault.ingest.reorder import Reorder, date_order_changed
from chatvault.ingest.report import ImportReport
from chatvault.ingest.rows import dumps
from chatvault.model import ConversationRec, Feed, ParticipantRec, SourceRec
from chatvault.store.db import Connection


@dataclass
class Conv:
    """A conversation this run writes to, and what the run saw of it (for coverage at the end)."""

    id: int
    prev_max: int | None                # newest message time before this run (None: the chat had none)
    first: int | None = None
    last: int | None = None
    seen: int = 0
    added: int = 0
    last_message_id: int | None = None
    pids: dict = field(default_factory=dict)   # sender key → participant id, already a member here
    replies: bool = False               # this run stored a message quoting another
    reorder: Reorder | None = None      # an earlier import read the dates in the other day/month order
    tombstoned: bool | None = None      # messages of this chat were deleted by retention/erasure (None: not asked)
    whole: bool = False                 # Favorites read whole from a complete snapshot: all it lacks was deleted


class Identity:
    def __init__(self, conn: Connection, run_id: int, report: ImportReport, importer: Importer,
                 options: ImportOptions) -> None:
        self.conn = conn
        self.run_id = run_id
        self.report = report
        self.importer = importer
        self.options = options
        self.source_id: int | None = None
        self.complete = False            # the importer read a snapshot of the whole account
        self.me_name: str | None = options.me
        self.me_choice: owner.MeChoice | None = None
        self.convs: dict[str, Conv] = {}
        self.names = names.People(conn, run_id)
        self.people: dict[str, int] = self.names.ids
        self.members: set[tuple[int, int]] = set()

    def source(self, rec: SourceRec) -> None:
        me = self.options.me or rec.me_name
        self.me_name = me
        self.complete = self.complete or rec.complete
        c = self.conn
        row = c.execute("SELECT id, me_name FROM sources WHERE app = ? AND account = ?", (rec.app, rec.account)).fetchone()
        if row is None:
            cur = c.execute("INSERT INTO sources(app, account, display_name, me_name, created_at) VALUES (?,?,?,?,?)",
                            (rec.app, rec.account, rec.display_name, me, clock.now_ms()))
            self.source_id = int(cur.lastrowid)
        else:
            self.source_id = int(row["id"])
            if rec.display_name:
                c.execute("UPDATE sources SET display_name = ? WHERE id = ?", (rec.display_name, self.source_id))
        # The user's word (--me now, or a choice kept from before) outranks the importer's guess.
        self.me_choice = owner.choice_for_import(c, self.source_id, self.options.me)
        if self.me_choice is not None:
            self.me_name = self.me_choice.name
            owner.apply_choice(c, self.source_id, self.me_choice)
            return
        if row is not None and me and row["me_name"] != me:
            c.execute("UPDATE sources SET me_name = ? WHERE id = ?", (me, self.source_id))
        if me:
            c.execute("UPDATE participants SET is_me = 1 WHERE source_id = ? AND (source_key = ? OR display_name = ?)",
                      (self.source_id, me, me))

    def _need_source(self) -> int:
        if self.source_id is None:
            self.source(SourceRec(app=self.importer.name))
        assert self.source_id is not None
        return self.source_id

    def conversation(self, rec: ConversationRec) -> None:
        sid = self._need_source()
        c = self.conn
        row = c.execute("SELECT id, kind, title, extra, feed FROM conversations WHERE source_id = ? AND source_key = ?",
                        (sid, rec.key)).fetchone()
        reorder = row is not None and date_order_changed(row["extra"], rec.extra)
        if row is None:
            cur = c.execute(
                "INSERT INTO conversations(source_id, source_key, kind, title, created_at, extra, feed) "
                "VALUES (?,?,?,?,?,?,?)",
                (sid, rec.key, str(rec.kind), rec.title, clock.now_ms(), dumps(rec.extra), _feed(rec.feed)))
            cid = int(cur.lastrowid)
        else:
            cid = int(row["id"])
            if rec.feed is not None and row["feed"] != rec.feed:
                c.execute("UPDATE conversations SET feed = ? WHERE id = ?", (_feed(rec.feed), cid))
            names.update_conversation(c, cid, row, rec)   # a stand-in title never replaces a real one
        names.remember_title(c, cid, rec, self.run_id)
        if rec.key not in self.convs:
            prev = c.execute("SELECT max(ts) FROM messages WHERE conversation_id = ?", (cid,)).fetchone()[0]
            self.convs[rec.key] = Conv(cid, None if prev is None else int(prev),
                                       reorder=Reorder(rec.key) if reorder and prev is not None else None,
                                       whole=rec.feed == Feed.FAVORITES and self.complete)
            self.report.conversations += 1
        for p in rec.participants:
            pid = self.participant(p)
            self.member(cid, pid)

    def participant(self, rec: ParticipantRec) -> int:
        sid = self._need_source()
        choice = self.me_choice
        if choice is not None:        # the user said who "me" is: that sets is_me, both ways
            return self.names.participant(sid, rec, 1 if choice.matches(rec.key, rec.display_name) else 0,
                                          chosen=True)
        is_me = 1 if (rec.is_me or (self.me_name and rec.display_name == self.me_name)) else 0
        return self.names.participant(sid, rec, is_me)   # ingest/names.py: later names win, none is lost

    def member(self, cid: int, pid: int) -> None:
        if (cid, pid) not in self.members:
            self.members.add((cid, pid))
            self.conn.execute("INSERT OR IGNORE INTO conversation_members(conversation_id, participant_id) VALUES (?,?)",
                              (cid, pid))

    def conv(self, key: str) -> Conv:
        """The conversation of `key`; one the export never described is created with its key as title."""
        conv = self.convs.get(key)
        if conv is None:
            self.conversation(ConversationRec(key=key, title=key))
            conv = self.convs[key]
        return conv

    def sender(self, key: str | None, name: str | None, cid: int) -> int | None:
        """The participant id of sender `key` (created when new), a member of conversation `cid`."""
        if key is None:
            return None
        pid = self.people.get(key)
        if pid is None:
            pid = self.participant(ParticipantRec(key=key, display_name=name))
        if (cid, pid) not in self.members:
            self.member(cid, pid)
        return pid


def _feed(value: str | None) -> str | None:
    """A conversation's feed as stored: a `Feed` value or None (a chat); an importer bug otherwise."""
    if value is None:
        return None
    return Feed(value).value
