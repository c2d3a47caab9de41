"""iMessage from a copied Mac Messages folder, end to end into a real vault, and per macOS version."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from chatvault.errors import InputError
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.imessage.importer import IMessageImporter, attachment_resolver
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.model import ImportWarning, MessageRec
from tests import imessage_conformance as IM
from tests import imessage_corpus as K
from tests.imessage_fixtures import DB, HEIC, VARIANTS, at, text_cols


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def rows(vault, sql: str, *args) -> list[tuple]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def read(path: Path) -> list:
    return list(IMessageImporter().read(path, ImportOptions(), JobContext()))


def check_against(recs: list, corpus: K.Corpus) -> None:
    """Every expected message, exactly: kind, text, chat, sender, UTC time, reply, tapbacks, edits, media."""
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    assert set(msgs) == set(corpus.messages)
    for guid, e in corpus.messages.items():
        m = msgs[guid]
        assert (m.kind, m.conversation_key, m.sender_key, m.ts, m.reply_to) == \
            (e.kind, e.conv, e.sender, e.ts, e.reply_to), guid
        if e.kind != "recalled":
            assert m.text == e.text, guid
        assert sorted((r["by_key"], r["emoji"]) for r in m.extra.get("reactions", [])) == sorted(e.reactions), guid
        assert len(m.extra.get("reaction_history", [])) == e.history, guid
        assert len(m.extra.get("edits", [])) == e.versions, guid
        if (e.text or "").startswith("https://example.org/read/"):
            assert m.extra["links"] == [e.text], guid
        assert sum(1 for a in m.attachments if a.open) == e.stored, guid
        assert sum(1 for a in m.attachments if a.open is None) == e.missing, guid


def test_a_mac_messages_folder_of_every_kind_imports_exactly(vault, tmp_path):
    corpus = K.build(tmp_path / "Messages", 1400, "15")
    assert len(corpus.messages) >= 1000
    report = run_import(vault, corpus.root)
    assert report.outcome == "ok" and report.added == len(corpus.messages) and report.unparsed == 0
    kinds = dict(rows(vault, "SELECT kind, count(*) FROM messages GROUP BY kind"))
    assert kinds == corpus.by_kind()
    assert {"text", "image", "video", "voice", "sticker", "file", "link", "payment", "recalled", "system"} <= set(kinds)
    stored = {r[0]: r[1:] for r in rows(
        vault, "SELECT m.source_key, m.kind, m.ts, p.source_key, p.is_me, c.source_key, m.text, m.extra, "
               "m.reply_to_id, m.is_edited FROM messages m JOIN conversations c ON c.id = m.conversation_id "
               "LEFT JOIN participants p ON p.id = m.sender_id")}
    ids = dict(rows(vault, "SELECT source_key, id FROM messages"))
    for guid, e in corpus.messages.items():
        kind, ts, sender, is_me, conv, text, extra, reply, edited = stored[guid]
        assert (kind, ts, conv) == (e.kind, int(e.ts.timestamp() * 1000), e.conv), guid
        assert sender == e.sender and bool(is_me) == (e.sender == "me"), guid
        extra = json.loads(extra or "{}")
        if e.kind != "recalled":
            assert text == e.text, guid
        else:
            assert extra["unsent"] and extra["recalled_by_me"] == (e.sender == "me")
        assert sorted((r["by_key"], r["emoji"]) for r in extra.get("reactions", [])) == sorted(e.reactions), guid
        assert reply == (ids.get(e.reply_to) if e.reply_to else None), guid
        assert len(extra.get("edits", [])) == e.versions and bool(edited) == (e.versions > 0), guid
    read_at = json.loads(stored[K.guid_of(0)][6])["read_at"]          # when the other side read it
    assert read_at == K.at(1).isoformat()
    # the account: the number its owner sends from, so a Mac and an iPhone of it are one source
    assert rows(vault, "SELECT app, account FROM sources") == [("imessage", "+15550109999")]
    # one conversation per person or group (an iMessage and an SMS chat with Alice are one), titled
    convs = dict(rows(vault, "SELECT source_key, title FROM conversations"))
    assert set(convs) == {K.ALICE, K.BOB, K.CAROL, K.DAVE, K.GROUP, K.GROUP2} - {K.CAROL}
    assert convs[K.GROUP] == K.GROUP_NAME
    members = {r[0] for r in rows(vault, "SELECT p.source_key FROM conversation_members cm JOIN participants p "
                                         "ON p.id = cm.participant_id JOIN conversations c ON c.id = "
                                         "cm.conversation_id WHERE c.source_key = ?", K.GROUP)}
    assert {K.ALICE, K.BOB, K.CAROL} <= members
    # media: each stored file is in the vault byte for byte; a missing one keeps its expected path
    want_stored = sum(e.stored for e in corpus.messages.values())
    want_missing = sum(e.missing for e in corpus.messages.values())
    assert (report.attachments_stored, report.attachments_missing) == (want_stored, want_missing)
    heic = next(g for g, e in corpus.messages.items() if e.kind == "image")
    blob = rows(vault, "SELECT a.blob_id FROM attachments a JOIN messages m ON m.id = a.message_id "
                       "WHERE m.source_key = ?", heic)[0][0]
    assert BlobStore(vault).read_all(blob) == HEIC
    gone = next(g for g, e in corpus.messages.items() if e.missing)
    status, path = rows(vault, "SELECT a.status, a.expected_path FROM attachments a JOIN messages m "
                               "ON m.id = a.message_id WHERE m.source_key = ?", gone)[0]
    assert status == "missing" and path.startswith("~/Library/Messages/Attachments/") and path.endswith(".MOV")
    reason = json.loads(rows(vault, "SELECT a.extra FROM attachments a JOIN messages m ON m.id = a.message_id "
                                    "WHERE m.source_key = ?", gone)[0][0])["reason"]
    assert reason == "not in the copied Messages folder"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_macos_schema_version_reads(tmp_path, variant):
    corpus = K.build(tmp_path / "Messages", 96, variant)
    recs = read(corpus.root)
    check_against(recs, corpus)
    assert not [r for r in recs if isinstance(r, ImportWarning)]
    if variant == "10.11":                       # seconds since 2001, text only
        assert set(corpus.by_kind()) <= {"text", "image", "video", "voice", "sticker", "file", "system"}


def test_a_later_copy_adds_only_what_is_new_and_marks_what_vanished(vault, tmp_path):
    first = K.build(tmp_path / "a", 120, "15")
    report = run_import(vault, first.root)
    assert report.added == len(first.messages)
    again = run_import(vault, first.root)
    assert again.added == 0 and again.already_present == len(first.messages) and again.missing_at_source == 0
    texts = [g for g, e in first.messages.items() if e.kind == "text" and e.sender == "me" and g.startswith("MSG")]
    deleted, unsent_later = texts[3], texts[5]
    newer = K.build(tmp_path / "b", 120, "15", drop={deleted}, extra=6)
    conn = sqlite3.connect(newer.db)                    # the user unsent a message after the first import
    conn.execute("UPDATE message SET text = NULL, attributedBody = NULL, date_retracted = date + 1000000000, "
                 "message_summary_info = ? WHERE guid = ?", (_unsent_plist(), unsent_later))
    liked = texts[7]                                    # ... and Bob loved an old message
    conn.execute("INSERT INTO message(guid, text, handle_id, date, associated_message_guid, "
                 "associated_message_type) SELECT 'TB-LATER', 'Loved', ROWID, 800000000000000000, ?, 2000 "
                 "FROM handle WHERE id = 'Bob@Example.com'", (f"p:0/{liked}",))
    conn.commit()
    conn.close()
    third = run_import(vault, newer.root)
    assert third.added == 6 and third.missing_at_source == 1
    loved = json.loads(rows(vault, "SELECT extra FROM messages WHERE source_key = ?", liked)[0][0])
    assert [(r["by_key"], r["emoji"]) for r in loved["reactions"]] == [(K.BOB, "❤️")]
    status = dict(rows(vault, "SELECT source_key, status FROM messages"))
    assert status[deleted] == "missing-at-source" and status[unsent_later] == "present"
    text, extra = rows(vault, "SELECT text, extra FROM messages WHERE source_key = ?", unsent_later)[0]
    assert text == first.messages[unsent_later].text               # the vault keeps what was said ...
    assert json.loads(extra)["recalled"]["by_me"] is True           # ... and marks it unsent


def _unsent_plist() -> bytes:
    from tests.imessage_blobs import summary_info
    return summary_info(unsent=[0], ranges={0: (0, 10)})


def test_a_damaged_database_is_salvaged_and_named(vault, tmp_path):
    corpus = K.build(tmp_path / "Messages", 1500, "13")
    data = corpus.db.read_bytes()
    page = 4096
    pages = len(data) // page
    broken = bytearray(data)
    for p in range(pages * 2 // 3, pages * 2 // 3 + 3):      # three pages in the middle overwritten
        broken[p * page:(p + 1) * page] = b"\xa5" * page
    corpus.db.write_bytes(bytes(broken))
    recs = read(corpus.root)
    got = [r for r in recs if isinstance(r, MessageRec)]
    warnings = [r for r in recs if isinstance(r, ImportWarning)]
    read_rows = IM.accounted(recs)                 # messages, and tapbacks folded into theirs
    assert corpus.rows // 2 < read_rows < corpus.rows
    assert warnings and all(w.location == str(corpus.db) and "chat.db" in w.message for w in warnings)
    report = run_import(vault, corpus.root)
    assert report.added == len(got) and report.outcome in ("ok", "partial")
    conn = sqlite3.connect(corpus.db)                   # the message table's root page destroyed
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'message'").fetchone()[0]
    conn.close()
    broken[(root - 1) * page:root * page] = b"\xa5" * page
    corpus.db.write_bytes(bytes(broken))
    with pytest.raises(InputError, match="chat.db is damaged: none of its messages can be read") as exc:
        read(corpus.root)
    assert exc.value.location == str(corpus.db)


def test_a_copy_cut_short_imports_what_it_holds_and_says_so(tmp_path):
    corpus = K.build(tmp_path / "Messages", 1500, "13")
    data = corpus.db.read_bytes()
    corpus.db.write_bytes(data[:len(data) * 9 // 10])
    recs = read(corpus.root)
    warnings = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert corpus.rows // 2 < IM.accounted(recs) < corpus.rows
    assert any(w.startswith("chat.db is cut short: it holds") for w in warnings)
    corpus.db.write_bytes(data[:len(data) * 3 // 10])        # most of it gone: the first messages still read
    assert 0 < IM.accounted(read(corpus.root)) < corpus.rows // 2
    corpus.db.write_bytes(data[:len(data) // 50])            # the schema's own pages cut: nothing to read
    with pytest.raises(InputError, match="chat.db cannot be read as an SQLite database") as exc:
        read(corpus.root)
    assert exc.value.location == str(corpus.db)


def test_a_truncated_or_foreign_file_is_a_clear_error(tmp_path):
    corpus = K.build(tmp_path / "Messages", 40, "15")
    cut = tmp_path / "cut" / "chat.db"
    cut.parent.mkdir()
    cut.write_bytes(corpus.db.read_bytes()[:100])            # the copy stopped inside the first page
    with pytest.raises(InputError) as exc:
        read(cut.parent)
    assert exc.value.location == str(cut) and "chat.db" in exc.value.message
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert IMessageImporter().detect(other).confidence == 0
    with pytest.raises(InputError, match="not a Messages database"):
        read(other)


def test_detection_folder_or_database_alone(tmp_path):
    corpus = K.build(tmp_path / "Messages", 20, "15")
    imp = IMessageImporter()
    assert imp.detect(corpus.root).confidence == 0.95
    assert imp.detect(corpus.db).confidence == 0.95              # chat.db chosen: its Attachments are beside it
    assert registry.detect(corpus.root)[0][0].name == "imessage"
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(corpus.db, alone / "chat.db")
    assert imp.detect(alone).confidence == imp.detect(alone / "chat.db").confidence == 0.9
    recs = read(alone / "chat.db")                            # no Attachments: every file is missing
    atts = [a for r in recs if isinstance(r, MessageRec) for a in r.attachments]
    assert atts and all(a.open is None and a.expected_path for a in atts)
    assert "imessage" in registry.names()


def test_recent_messages_still_in_the_wal_are_read(tmp_path):
    root = tmp_path / "Messages"
    db = DB(root / "chat.db", "15", root)
    h = db.handle("+15550100001")
    chat = db.chat("iMessage;-;+15550100001", "+15550100001", [h])
    db.message(chat, "OLD-1", at(0), handle_id=h, **text_cols("15", "checkpointed"))
    db.close()
    conn = sqlite3.connect(root / "chat.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO message(guid, text, handle_id, date) VALUES ('NEW-1', 'only in the wal', ?, ?)",
                 (h, 1))
    conn.execute("INSERT INTO chat_message_join VALUES (?, last_insert_rowid(), 1)", (chat,))
    conn.commit()
    shutil.copytree(root, tmp_path / "copy")                  # the user's copy: chat.db + chat.db-wal
    conn.close()
    assert (tmp_path / "copy" / "chat.db-wal").stat().st_size > 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "copy").iterdir()}
    texts = {r.source_id: r.text for r in read(tmp_path / "copy") if isinstance(r, MessageRec)}
    assert texts == {"OLD-1": "checkpointed", "NEW-1": "only in the wal"}
    assert {p.name: p.read_bytes() for p in (tmp_path / "copy").iterdir()} == before   # the copy is untouched


def test_attachment_paths_stay_inside_the_copied_folder(tmp_path):
    root = tmp_path / "Messages"
    f = root / "Attachments" / "ab" / "01" / "G" / "a.jpg"
    f.parent.mkdir(parents=True)
    f.write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    resolve = attachment_resolver(root)
    assert resolve("~/Library/Messages/Attachments/ab/01/G/a.jpg") == f.resolve()
    assert resolve("/Users/ann/Library/Messages/Attachments/ab/01/G/a.jpg") == f.resolve()
    assert resolve("/var/mobile/Library/SMS/Attachments/ab/01/G/a.jpg") == f.resolve()
    assert resolve("~/Library/Messages/../../secret.txt") is None
    assert resolve("/etc/passwd") is None
    assert resolve("~/Library/Messages/Attachments/ab/01/G/none.jpg") is None
