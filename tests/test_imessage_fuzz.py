"""RELIABILITY rows 23 and 24 for iMessage: the typedstream, balloon and edit-plist readers refuse
hostile bytes only with their declared error (or give None / an empty summary), never hang; a
Messages database whose schema holds views and triggers is read without running them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.imessage import payload, typedstream
from chatvault.importers.imessage.importer import IMessageImporter
from chatvault.jobs.context import JobContext
from chatvault.model import MessageRec
from tests import imessage_blobs as B
from tests.imessage_fixtures import DB, at, text_cols
from tests.test_parser_fuzz import PROFILE

SEEDS = [B.body("hello 😀"), B.body_with_attachments([("at_0_X",), "caption"]), B.link_body("https://e.com/"),
         B.attributed_body([("x" * 200, {"n": 5, "s": "v"})])]
PLISTS = [B.url_payload("https://e.com/", "T", "S"), B.app_payload("Apple Pay", "Sent $1", "c", "https://x.y/"),
          B.summary_info({0: [(7e8, "a"), (7e8 + 1, "b")]}, unsent=[1], ranges={0: (0, 1), 1: (1, 2)})]


def _mutate(seed: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    data = bytearray(seed)
    for pos, val in edits:
        data[pos % len(data)] = val
    return bytes(data[:cut] if cut is not None else data)


_edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6)


@PROFILE
@given(st.sampled_from(SEEDS), _edits, st.one_of(st.none(), st.integers(0, 400)))
def test_typedstream_refuses_only_with_its_error(seed: bytes, edits, cut) -> None:
    blob = _mutate(seed, edits, cut)
    try:
        typedstream.attributed_text(blob)
    except typedstream.TypedStreamError:
        pass
    text = typedstream.text_of(blob)
    assert text is None or isinstance(text, str)


@PROFILE
@given(st.binary(max_size=600))
def test_typedstream_on_arbitrary_bytes(data: bytes) -> None:
    blob = b"\x04\x0bstreamtyped\x81\xe8\x03" + data
    try:
        typedstream.attributed_text(blob)
    except typedstream.TypedStreamError:
        pass


@PROFILE
@given(st.sampled_from(PLISTS), _edits, st.one_of(st.none(), st.integers(0, 2000)))
def test_balloon_and_summary_readers_never_raise(seed: bytes, edits, cut) -> None:
    data = _mutate(seed, edits, cut)
    for bundle in (payload.URL_BALLOON, payload.APP_PLUGIN + ":X:com.app", payload.HANDWRITING):
        b = payload.balloon(bundle, data)
        assert b is None or isinstance(b.text, str)
    assert isinstance(payload.summary(data), payload.Summary)


def test_views_and_triggers_in_the_database_never_run(tmp_path: Path) -> None:
    root = tmp_path / "Messages"
    db = DB(root / "chat.db", "15", root)
    h = db.handle("+15550100001")
    chat = db.chat("iMessage;-;+15550100001", "+15550100001", [h])
    db.message(chat, "G-1", at(0), handle_id=h, **text_cols("15", "real"))
    db.conn.execute("CREATE TABLE audit (x)")
    db.conn.execute("CREATE TRIGGER t AFTER UPDATE ON message BEGIN INSERT INTO audit VALUES (1); END")
    db.conn.execute("CREATE VIEW fake AS SELECT 'x' AS guid")
    db.close()
    before = (root / "chat.db").read_bytes()
    recs = list(IMessageImporter().read(root, ImportOptions(), JobContext()))
    assert [r.text for r in recs if isinstance(r, MessageRec)] == ["real"]
    assert (root / "chat.db").read_bytes() == before
    conn = sqlite3.connect(root / "chat.db")
    conn.execute("DROP TABLE message")
    conn.execute("CREATE VIEW message AS SELECT 1 AS ROWID, 'V' AS guid")   # a view posing as the table
    conn.commit()
    conn.close()
    try:
        list(IMessageImporter().read(root, ImportOptions(), JobContext()))
    except InputError as exc:
        assert "not a Messages database" in exc.message
    else:
        raise AssertionError("a view posing as the message table was read")
