"""The import engine on real vaults: keys, idempotency, missing-at-source, media, search, runs, errors."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from chatvault.errors import InputError, UnknownFormat, VaultInUse
from chatvault.importers.base import ImportOptions
from chatvault.ingest import writer
from chatvault.ingest.engine import run_import
from chatvault.ingest.preview import preview
from chatvault.jobs.context import JobContext
from tests.import_fixtures import (
    T0,
    simple_chat,
    telegram_chat,
    whatsapp_locale,
    write_telegram_folder,
    write_txt,
    write_zip,
)

UTC = ImportOptions(options={"tz": "UTC"})


def counts(vault) -> dict:
    conn = vault.connect(readonly=True)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {"messages": one("SELECT count(*) FROM messages"),
                "missing": one("SELECT count(*) FROM messages WHERE status = 'missing-at-source'"),
                "attachments": one("SELECT count(*) FROM attachments"),
                "stored": one("SELECT count(*) FROM attachments WHERE status = 'stored'"),
                "blobs": one("SELECT count(*) FROM blobs"),
                "runs": one("SELECT count(*) FROM import_runs"),
                "dups": one("SELECT count(*) - count(DISTINCT conversation_id || '/' || source_key) FROM messages")}
    finally:
        conn.close()


def test_whatsapp_zip_end_to_end_and_idempotent(vault, tmp_path: Path) -> None:
    ex = whatsapp_locale("en")
    path = write_zip(tmp_path / "WhatsApp Chat with Trip.zip", "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
    r = run_import(vault, path, options=UTC)
    assert r.outcome == "ok" and r.format == "whatsapp"
    assert r.added == len(ex.expected) and r.already_present == 0
    assert r.attachments_stored == 3 and r.attachments_missing == 1      # 2 files + vcf stored, 1 omitted
    c = counts(vault)
    assert c["messages"] == len(ex.expected) and c["stored"] == 3 and c["blobs"] == 3
    same = run_import(vault, path, options=UTC)        # byte-identical file: recognised, not re-read
    assert same.identical_to == r.run_id and same.added == 0 and same.already_present == len(ex.expected)
    again = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "reread": True}))
    assert again.added == 0 and again.already_present == len(ex.expected) and again.missing_at_source == 0
    assert again.identical_to is None
    assert counts(vault)["messages"] == len(ex.expected) and counts(vault)["dups"] == 0
    conn = vault.connect(readonly=True)
    row = conn.execute("SELECT m.text, m.location, p.display_name FROM messages m JOIN participants p "
                       "ON p.id = m.sender_id WHERE m.text LIKE 'first line%'").fetchone()
    assert row[0] == "first line\nsecond line\n\nfourth: with colon"
    assert row[1] == "WhatsApp Chat with Trip.txt:5" and row[2] == "Bob"
    conv = conn.execute("SELECT kind, title FROM conversations").fetchone()
    assert tuple(conv) == ("group", "Trip")
    runs = conn.execute("SELECT outcome, file_hash, counts FROM import_runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["ok", "ok", "ok"] and runs[0][1] == runs[2][1] and len(runs[0][1]) == 64
    assert json.loads(runs[2][2])["already_present"] == len(ex.expected)
    assert json.loads(runs[1][2])["identical_to"] == r.run_id
    cov = conn.execute("SELECT messages, added FROM import_coverage ORDER BY run_id").fetchall()
    assert [tuple(x) for x in cov] == [(len(ex.expected), len(ex.expected)), (len(ex.expected), 0)]
    conn.close()


def test_identical_neighbours_get_distinct_keys(vault, tmp_path: Path) -> None:
    lines = ["14/03/2023, 10:00 - A: ok", "14/03/2023, 10:00 - B: ok", "14/03/2023, 10:00 - A: ok",
             "14/03/2023, 10:00 - A: ok"]
    path = write_txt(tmp_path / "c.txt", lines)
    assert run_import(vault, path, options=UTC).added == 4
    assert run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "reread": True})).added == 0


def test_newer_export_adds_only_new_and_marks_missing(vault, tmp_path: Path) -> None:
    name = "WhatsApp Chat with Bob.txt"
    (tmp_path / "old").mkdir()
    old = write_txt(tmp_path / "old" / name, simple_chat(100))
    r1 = run_import(vault, old, options=UTC)
    assert r1.added == 100
    # The newer export: messages 0..149, but 10..14 were deleted on the phone.
    (tmp_path / "new").mkdir()
    new = write_txt(tmp_path / "new" / name, simple_chat(150, skip={10, 11, 12, 13, 14}))
    r2 = run_import(vault, new, options=UTC)
    assert (r2.added, r2.already_present, r2.missing_at_source) == (50, 95, 5)
    conn = vault.connect(readonly=True)
    rows = conn.execute("SELECT text, missing_run_id FROM messages WHERE status = 'missing-at-source' ORDER BY ts").fetchall()
    assert [r[0] for r in rows] == [f"message {i}" for i in range(10, 15)]
    assert {r[1] for r in rows} == {r2.run_id}
    conn.close()
    assert counts(vault)["messages"] == 150          # kept, never deleted
    # The older export again: adds nothing, removes nothing, does not "restore" either.
    r3 = run_import(vault, old, options=ImportOptions(options={"tz": "UTC", "reread": True}))
    assert (r3.added, r3.missing_at_source, r3.restored) == (0, 0, 0)
    assert any("older" in w for w in r3.warnings)
    assert counts(vault)["missing"] == 5
    # A later, truncated export (WhatsApp's last-N limit) covers only its own period.
    (tmp_path / "tail").mkdir()
    tail = write_txt(tmp_path / "tail" / name, simple_chat(30, first=120))
    r4 = run_import(vault, tail, options=UTC)
    assert (r4.added, r4.missing_at_source) == (0, 0)
    # A message back at the source (e.g. an export from another phone) is present again.
    (tmp_path / "full").mkdir()
    full = write_txt(tmp_path / "full" / name, simple_chat(150))
    r5 = run_import(vault, full, options=UTC)
    assert (r5.added, r5.restored, r5.missing_at_source) == (0, 5, 0)
    assert counts(vault)["missing"] == 0


def test_telegram_end_to_end_edits_and_replies(vault, tmp_path: Path) -> None:
    chat, media = telegram_chat()
    folder = tmp_path / "tg"
    write_telegram_folder(folder, chat, media)
    r = run_import(vault, folder)
    assert r.outcome == "ok" and r.added == 17
    assert r.attachments_stored == 3 and r.attachments_missing == 2
    conn = vault.connect(readonly=True)
    reply = conn.execute("SELECT reply_to_id, (SELECT id FROM messages WHERE source_key = '102') "
                         "FROM messages WHERE source_key = '103'").fetchone()
    assert reply[0] == reply[1] and reply[0] is not None
    ts, tz = conn.execute("SELECT ts, tz_offset FROM messages WHERE source_key = '101'").fetchone()
    assert tz == 120 and ts == int((T0.replace(year=2024, month=5, day=1, hour=8, minute=1, second=0)
                                    .replace(tzinfo=None) - T0.replace(year=1970, month=1, day=1, hour=0, minute=0,
                                                                       second=0)).total_seconds() * 1000)
    att = conn.execute("SELECT a.status, a.mime, a.width, b.size FROM attachments a JOIN blobs b ON b.id = a.blob_id "
                       "JOIN messages m ON m.id = a.message_id WHERE m.source_key = '106'").fetchone()
    assert tuple(att) == ("stored", "image/png", 1, len(media["photos/photo_1@01-05-2024_10-06-00.jpg"]))
    conn.close()
    # The same chat exported later: one text edited, one message new, the video now downloaded.
    chat2, media2 = telegram_chat()
    chat2["messages"][1]["text"] = "Plain hello (edited)"
    chat2["messages"][1]["edited_unixtime"] = "1714557000"
    chat2["messages"][9]["file"] = "video_files/long.mp4"
    media2["video_files/long.mp4"] = b"\x00\x00\x00\x18ftypmp42" + b"\0" * 16
    chat2["messages"].append(dict(chat2["messages"][1], id=200, text="new one", date_unixtime="1714560000"))
    folder2 = tmp_path / "tg2"
    write_telegram_folder(folder2, chat2, media2)
    r2 = run_import(vault, folder2)
    assert (r2.added, r2.edited, r2.already_present, r2.attachments_filled) == (1, 1, 17, 1)
    conn = vault.connect(readonly=True)
    text, edited, extra = conn.execute("SELECT text, is_edited, extra FROM messages WHERE source_key = '101'").fetchone()
    assert text == "Plain hello (edited)" and edited == 1
    assert json.loads(extra)["previous_texts"] == ["Plain hello"]
    assert conn.execute("SELECT a.status FROM attachments a JOIN messages m ON m.id = a.message_id "
                        "WHERE m.source_key = '109'").fetchone()[0] == "stored"
    conn.close()


def test_messages_are_searchable_after_import(vault, tmp_path: Path) -> None:
    from chatvault.search.index import TABLE, expected_count

    ex = whatsapp_locale("zh")
    run_import(vault, write_txt(tmp_path / "c.txt", ex.lines), options=UTC)
    conn = vault.connect(readonly=True)
    texts = conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL").fetchone()[0]
    indexed = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    # every message with text, and those whose only visible string is a file name or a call type
    assert indexed == expected_count(conn) and indexed > texts
    from chatvault.search.api import search

    found = search(conn, "明天")
    assert found.total == 1 and found.results[0].sender == "Chen 陈"
    assert search(conn, "fixed typo").total == 1            # the edited marker is not part of the text
    conn.close()


def test_unparsed_lines_are_kept_and_listed(vault, tmp_path: Path) -> None:
    lines = ["some preamble", "14/03/2023, 10:00 - A: hi", "14/03/2023, 10:01 - A: there"]
    r = run_import(vault, write_txt(tmp_path / "c.txt", lines), options=UTC)
    assert r.outcome == "partial" and r.unparsed == 1 and r.unparsed_lines == ["c.txt:1"]
    conn = vault.connect(readonly=True)
    row = conn.execute("SELECT import_run_id, location, raw FROM unparsed").fetchone()
    assert tuple(row) == (r.run_id, "c.txt:1", "some preamble")
    conn.close()


def test_cut_json_is_a_partial_import(vault, tmp_path: Path) -> None:
    chat, media = telegram_chat()
    result = write_telegram_folder(tmp_path / "tg", chat, media)
    data = result.read_bytes()
    result.write_bytes(data[: len(data) * 2 // 3])
    r = run_import(vault, tmp_path / "tg")
    assert r.outcome == "partial" and 0 < r.added < 17 and r.unparsed == 1


def test_bad_inputs_leave_the_vault_unharmed(vault, tmp_path: Path) -> None:
    run_import(vault, write_txt(tmp_path / "ok.txt", simple_chat(5)), options=UTC)
    before = counts(vault)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 100)
    for bad in (empty, binary, tmp_path / "missing.txt"):
        with pytest.raises((UnknownFormat, InputError)):
            run_import(vault, bad)
    with pytest.raises(InputError, match="empty"):
        run_import(vault, empty, format="whatsapp")
    with pytest.raises(UnknownFormat, match="no import format called"):
        run_import(vault, empty, format="myspace")
    after = counts(vault)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    conn = vault.connect(readonly=True)
    failed = conn.execute("SELECT outcome, error FROM import_runs WHERE outcome != 'ok'").fetchall()
    conn.close()
    assert [f[0] for f in failed] == ["failed"] and "empty" in failed[0][1]
    assert not vault.writer_lock.held


def test_cancel_keeps_committed_work_and_reimport_completes(vault, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHATVAULT_IMPORT_BATCH", "500")
    path = write_txt(tmp_path / "c.txt", simple_chat(20000, step=timedelta(seconds=7)))
    ctx = JobContext()
    orig_advance = ctx.advance

    def advance(items: int = 0, bytes_: int = 0) -> None:
        orig_advance(items, bytes_)
        if ctx.snapshot().items_done >= 3000:
            ctx.cancel()

    ctx.advance = advance  # type: ignore[method-assign]
    r = run_import(vault, path, options=UTC, ctx=ctx)
    assert r.outcome == "cancelled" and 3000 <= r.added < 20000
    assert counts(vault)["messages"] == r.added
    r2 = run_import(vault, path, options=UTC)
    assert r2.added == 20000 - r.added and r2.resumed_from == r.run_id
    assert counts(vault)["messages"] == 20000 and counts(vault)["dups"] == 0


def test_writer_lock(vault, tmp_path: Path) -> None:
    path = write_txt(tmp_path / "c.txt", simple_chat(3))
    vault.writer_lock.acquire("test holds it")
    try:
        assert run_import(vault, path, options=UTC).added == 3     # the caller's lock is used
        assert vault.writer_lock.held
    finally:
        vault.writer_lock.release()
    from chatvault.vault.lock import WriterLock

    other = WriterLock(vault.path)
    other.acquire("another import")
    try:
        with pytest.raises(VaultInUse):
            run_import(vault, path, options=UTC)
    finally:
        other.release()


def test_preview_writes_nothing(vault, tmp_path: Path) -> None:
    ex = whatsapp_locale("fr")
    path = write_zip(tmp_path / "WhatsApp Chat with T.zip", "WhatsApp Chat with T.txt", ex.lines, ex.media)
    before = counts(vault)
    p = preview(path, options=UTC)
    assert p["format"] == "whatsapp" and p["messages"] == len(ex.expected)
    assert p["media_found"] == 3 and p["media_missing"] == 1
    assert p["chats"] == [{"key": "T", "title": "T", "kind": "group", "messages": len(ex.expected)}]
    assert p["first_ts"] < p["last_ts"]
    assert counts(vault) == before


def test_progress_is_reported(vault, tmp_path: Path) -> None:
    path = write_txt(tmp_path / "c.txt", simple_chat(5000))
    ctx = JobContext()
    seen = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.01):
            seen.append(ctx.snapshot())

    t = threading.Thread(target=watch)
    t.start()
    run_import(vault, path, options=UTC, ctx=ctx)
    stop.set()
    t.join()
    final = ctx.snapshot()
    assert final.items_done == 5000 and final.bytes_total == path.stat().st_size
    assert final.bytes_done == final.bytes_total


def test_telegram_zip_and_whatsapp_folder(vault, tmp_path: Path) -> None:
    import zipfile

    chat, media = telegram_chat()
    folder = tmp_path / "tg"
    write_telegram_folder(folder, chat, media)
    z = tmp_path / "Telegram export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.rglob("*"):
            if p.is_file():
                zf.write(p, "ChatExport_2024-05-01/" + str(p.relative_to(folder)))
    r = run_import(vault, z)
    assert r.format == "telegram" and r.added == 17 and r.attachments_stored == 3
    ex = whatsapp_locale("it")
    wa = tmp_path / "WhatsApp Chat with Gita"
    wa.mkdir()
    write_txt(wa / "WhatsApp Chat with Gita.txt", ex.lines)
    for name, data in ex.media.items():
        (wa / name).write_bytes(data)
    r = run_import(vault, wa, options=UTC)
    assert r.format == "whatsapp" and r.added == len(ex.expected) and r.attachments_stored == 3


def test_disk_full_mid_import_keeps_whole_batches(vault, tmp_path: Path, monkeypatch) -> None:
    from chatvault import faults
    from chatvault.errors import DiskFull

    monkeypatch.setenv("CHATVAULT_IMPORT_BATCH", "500")
    monkeypatch.setenv("CHATVAULT_FAULT", "import.before_commit:3:enospc")
    faults.reset()
    path = write_txt(tmp_path / "c.txt", simple_chat(3000))
    try:
        with pytest.raises(DiskFull) as info:
            run_import(vault, path, options=UTC)
    finally:
        monkeypatch.delenv("CHATVAULT_FAULT")
        faults.reset()
    report = info.value.report
    assert report.outcome == "failed" and "No space left" in report.error
    c = counts(vault)
    assert 0 < c["messages"] < 3000 and c["dups"] == 0
    assert report.added == c["messages"]          # the report counts committed work only
    conn = vault.connect(readonly=True)
    row = conn.execute("SELECT outcome, counts FROM import_runs").fetchone()
    conn.close()
    assert row[0] == "failed" and json.loads(row[1])["added"] == c["messages"]
    again = run_import(vault, path, options=UTC)
    assert again.added == 3000 - c["messages"] and counts(vault)["messages"] == 3000


def test_telegram_full_export_marks_a_deleted_chat(vault, tmp_path: Path) -> None:
    """'Export Telegram data' is the whole account: a chat it no longer has was deleted there (kept here)."""
    chat, media = telegram_chat()
    other, _ = telegram_chat(chat_id=99, name="Bob", kind="personal_chat", with_media=False)
    first = run_import(vault, write_telegram_folder(tmp_path / "all", chat, media, full=True, extra_chats=[other]))
    assert first.conversations_missing == 0
    one_chat = run_import(vault, write_telegram_folder(tmp_path / "one", chat, media))   # not a snapshot
    assert one_chat.conversations_missing == 0 and one_chat.missing_at_source == 0
    later = run_import(vault, write_telegram_folder(tmp_path / "later", chat, media, full=True))
    n_bob = len(other["messages"])
    assert later.conversations_missing == 1 and later.missing_at_source == n_bob and later.added == 0
    conn = vault.connect(readonly=True)
    try:
        got = conn.execute("SELECT c.source_key, m.status, count(*) FROM messages m JOIN conversations c "
                           "ON c.id = m.conversation_id GROUP BY 1, 2 ORDER BY 1").fetchall()
    finally:
        conn.close()
    assert [tuple(r) for r in got if r[1] != "present"] == [("99", "missing-at-source", n_bob)]


def test_parse_process_gives_the_same_vault(vault, tmp_path: Path, monkeypatch) -> None:
    """Big exports are parsed in a child process: same rows, media, search, errors as the thread."""
    from chatvault.ingest import parse

    assert not parse.use_process(1 << 20) and parse.use_process(parse.PROCESS_MIN_BYTES)
    monkeypatch.setenv("CHATVAULT_IMPORT_PROCESS", "1")
    monkeypatch.setenv("CHATVAULT_IMPORT_BATCH", "7")            # many chunks over the pipe
    ex = whatsapp_locale("en")
    wa = write_zip(tmp_path / "WhatsApp Chat with Trip.zip", "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
    r = run_import(vault, wa, options=UTC)
    assert r.outcome == "ok" and r.added == len(ex.expected)
    assert r.attachments_stored == 3 and r.attachments_missing == 1      # members reopened in the writer
    chat, media = telegram_chat()
    tg = run_import(vault, write_telegram_folder(tmp_path / "tg", chat, media))
    assert tg.added == 17 and tg.attachments_stored > 0
    c = counts(vault)
    assert c["stored"] == 3 + tg.attachments_stored and c["dups"] == 0
    again = run_import(vault, wa, options=ImportOptions(options={"tz": "UTC", "reread": True}))
    assert again.added == 0 and again.already_present == len(ex.expected)
    from chatvault.search.api import search

    conn = vault.connect(readonly=True)
    try:
        assert search(conn, "colon").total >= 1
    finally:
        conn.close()
    result = write_telegram_folder(tmp_path / "cut", chat, media)       # an importer error crosses the pipe
    data = result.read_bytes()
    result.write_bytes(data[: len(data) * 2 // 3])
    cut = run_import(vault, tmp_path / "cut")
    assert cut.outcome == "partial" and cut.unparsed == 1
    with pytest.raises(InputError):
        run_import(vault, tmp_path / "cut" / "nothing.json", format="telegram")


@pytest.mark.parametrize("batch", ["1", None], ids=["own-transactions", "one-chunk"])
def test_a_message_twice_in_one_export_is_stored_once(vault, tmp_path: Path, monkeypatch, batch) -> None:
    """A chat new to the vault is written without looking keys up; a message the export holds twice
    (here Telegram id 1 with its photo, the second time with new text) is still stored once, with one
    attachment, counted as already present and as an edit, indexed once with its latest text, and
    what follows attaches to it."""
    msg = lambda i, text: {"id": i, "type": "message", "date": f"2020-01-02T03:04:0{i}",  # noqa: E731
                           "date_unixtime": str(1577934240 + i), "from": "Ann", "from_id": "user7", "text": text}
    first, repeat = msg(1, "hello"), msg(1, "hello again")
    first["photo"] = repeat["photo"] = "photos/p1.jpg"
    chat = {"name": "Ann", "type": "personal_chat", "id": 5, "messages": [first, msg(2, "world"), repeat, 42]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat))
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "p1.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    if batch:
        monkeypatch.setenv("CHATVAULT_IMPORT_BATCH", batch)      # each record its own chunk and commit
    skipped = []
    real = writer.Writer._repeated
    monkeypatch.setattr(writer.Writer, "_repeated", lambda self, *a: skipped.append(1) or real(self, *a))
    r = run_import(vault, path, options=UTC)
    assert skipped == [1]               # found by the INSERT OR IGNORE, not by a lookup
    assert (r.added, r.already_present, r.edited, r.unparsed, r.attachments_stored) == (2, 1, 1, 1, 1)
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT id, source_key, text, extra FROM messages ORDER BY source_key").fetchall()
        assert [(k, t) for _, k, t, _ in rows] == [("1", "hello again"), ("2", "world")]
        assert json.loads(rows[0][3])["previous_texts"] == ["hello"]
        hits = lambda q: [x[0] for x in conn.execute(  # noqa: E731
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (q,))]
        assert hits("again") == [rows[0][0]] and hits("world") == [rows[1][0]]
        assert conn.execute("SELECT message_id FROM unparsed").fetchone()[0] == rows[0][0]
        assert conn.execute("SELECT count(*) FROM search_fts_docsize").fetchone()[0] == 2
        assert [tuple(a) for a in conn.execute("SELECT message_id, status FROM attachments")] == [(rows[0][0], "stored")]
    finally:
        conn.close()
    again = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "reread": True}))
    assert (again.added, again.already_present) == (0, 3) and counts(vault)["messages"] == 2
