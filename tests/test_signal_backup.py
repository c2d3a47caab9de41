"""Signal Android `.backup` files imported into a real vault: every kind exactly, a wrong passphrase,
a truncated file, the old schema and format version 0, re-import, the new folder kind refused."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import pytest

from chatvault.errors import InputError, WrongSecret
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.signal_backup import SignalBackupImporter, stream
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.model import MessageRec
from tests import signal_backup_fixtures as F
from tests.conftest import PASSPHRASE

OPTS = ImportOptions(options={"signal_passphrase": F.SPACED})


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture(scope="session")
def backup(tmp_path_factory) -> tuple[Path, F.Expected]:
    """One 1,200-message backup for the whole session (the 250,000 rounds are fixed by the format)."""
    path = tmp_path_factory.mktemp("sig") / "signal-2024-05-01-10-00-00.backup"
    return path, F.build_backup(path, 1200)


def rows(vault, sql: str, *args) -> list[tuple]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def test_every_kind_imports_exactly(vault, backup):
    path, ex = backup
    report = run_import(vault, path, options=OPTS)
    assert report.outcome == "ok" and report.format == "signal-android"
    assert report.added == ex.messages >= 1000 and report.unparsed == 0
    kinds = dict(rows(vault, "SELECT kind, count(*) FROM messages GROUP BY kind"))
    assert kinds == ex.kinds
    assert sorted(k for (k,) in rows(vault, "SELECT source_key FROM messages")) == sorted(ex.keys)
    # UTC times: the first message was sent at T0 (ms since the epoch, as Signal stores it)
    assert rows(vault, "SELECT min(ts) FROM messages") == [(F.T0,)]
    # senders: names from the recipient table, mine marked as me, one participant per person
    names = dict(rows(vault, "SELECT source_key, display_name FROM participants"))
    assert names[F.ALICE_ACI] == "Alice Doe" and names[F.BOB_ACI] == "Bob Roe" and names[F.CAROL_ACI] == "Carol 王"
    assert rows(vault, "SELECT is_me FROM participants WHERE source_key = ?", F.OWN_ACI) == [(1,)]
    mine = rows(vault, "SELECT count(*) FROM messages m JOIN participants p ON p.id = m.sender_id WHERE p.is_me = 1 "
                       "AND m.kind NOT IN ('system', 'call')")
    assert mine[0][0] > 300
    titles = {t for (t,) in rows(vault, "SELECT title FROM conversations")}
    assert {"Alice Doe", "Bob Roe", "Hiking 徒步", "Me Myself"} <= titles
    # replies point at the quoted message, reactions kept with who reacted
    assert rows(vault, "SELECT count(*) FROM messages WHERE reply_to_id IS NOT NULL") == [(ex.replies,)]
    reacted = [json.loads(e)["reactions"] for (e,) in rows(vault, "SELECT extra FROM messages WHERE extra LIKE "
                                                                "'%reactions%'")]
    assert len(reacted) == ex.reactions and reacted[0][0]["emoji"] == "👍" and F.ALICE_ACI in reacted[0][0]["by"]
    # media linked, byte for byte
    assert report.attachments_stored == len(ex.media)
    store = BlobStore(vault)
    for key, blob in rows(vault, "SELECT m.source_key, a.blob_id FROM attachments a JOIN messages m ON "
                                 "m.id = a.message_id")[:40]:
        assert store.read_all(blob) == ex.media[key]
    # an edited message: one message, its latest text, the first draft kept
    mentioned = rows(vault, "SELECT text FROM messages WHERE text LIKE 'hi @%'")
    assert len(mentioned) == ex.mentions > 0 and mentioned[0][0].startswith("hi @Bob Roe, message")
    edited = rows(vault, "SELECT text, extra FROM messages WHERE is_edited = 1")
    assert len(edited) == ex.edited and edited[0][0].startswith("final text")
    assert json.loads(edited[0][1])["previous_texts"][0].startswith("first draft")


def test_a_newer_backup_adds_only_what_is_new_and_marks_what_vanished(vault, backup, tmp_path):
    path, ex = backup
    run_import(vault, path, options=OPTS)
    newer = tmp_path / "signal-2024-06-01-10-00-00.backup"
    ex2 = F.build_backup(newer, 1200, drop={5, 6}, extra_texts=["brand new"])
    report = run_import(vault, newer, options=OPTS)
    assert report.added == 1 and report.already_present == ex2.messages - 1
    assert report.missing_at_source == 2
    gone = {k for (k,) in rows(vault, "SELECT source_key FROM messages WHERE status = 'missing-at-source'")}
    assert gone == {ex.keys[5], ex.keys[6]}


def test_wrong_passphrase_exits_3_naming_the_file_and_leaves_the_vault_unchanged(cli, backup, vault_path,
                                                                                  tmp_path):
    from chatvault.vault.vault import create_vault

    create_vault(vault_path, PASSPHRASE)[0].lock()
    path, _ex = backup
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work"),
           "CHATVAULT_SIGNAL_PASSPHRASE": "1" * 30}
    r = cli("--vault", str(vault_path), "import", str(path), env=env)
    assert r.returncode == 3, r.stderr
    assert path.name in r.stderr and "passphrase" in r.stderr
    assert_untouched(vault_path)


def assert_untouched(vault_path: Path) -> None:
    """Nothing of the source reached the vault: no source, chat, person, message or media file (the run
    itself is recorded as failed, as every import run is)."""
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        for table in ("sources", "conversations", "participants", "messages", "attachments"):
            assert rows(v, f"SELECT count(*) FROM {table}") == [(0,)], table
        assert rows(v, "SELECT outcome FROM import_runs") in ([], [("failed",)], [("error",)])
    finally:
        v.lock()
    assert not [p for p in (vault_path / "media").rglob("*") if p.is_file()] if (vault_path / "media").exists() else True


def test_passphrase_with_or_without_spaces_and_the_fields_check():
    assert stream.normalise_passphrase(F.SPACED) == stream.normalise_passphrase(F.PASSPHRASE) == F.PASSPHRASE
    assert stream.normalise_passphrase("12345-12345-12345-12345-12345-12345") == "12345" * 6
    assert stream.check_passphrase("1234") == stream.PASSPHRASE_PROBLEM
    assert stream.check_passphrase("١٢٣٤٥" * 6) is not None        # Arabic-Indic digits are not the passphrase
    assert SignalBackupImporter.fields[0].name == "signal_passphrase"


def test_truncated_backup_keeps_what_was_read_and_names_the_frame(vault, backup, tmp_path):
    path, ex = backup
    cut = tmp_path / "signal-cut.backup"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) * 3 // 5])
    report = run_import(vault, cut, options=OPTS)
    assert 0 < report.added < ex.messages
    warning = next(w for w in report.warnings if "damaged at frame" in w)
    assert "byte" in warning and "Everything before it was imported" in warning
    assert report.unparsed == 1


def test_old_schema_and_format_version_0(vault, tmp_path):
    """sms/mms/part, reactions in a protobuf column, plain frame lengths, the owner in a preference."""
    path = tmp_path / "signal-2020-01-01-00-00-00.backup"
    ex = F.build_old_backup(path, 300, version=0)
    assert SignalBackupImporter().detect(path).variant == "v1-0"
    report = run_import(vault, path, options=OPTS)
    assert report.added == ex.messages and report.unparsed == 0
    assert dict(rows(vault, "SELECT kind, count(*) FROM messages GROUP BY kind")) == ex.kinds
    assert rows(vault, "SELECT count(*) FROM messages WHERE reply_to_id IS NOT NULL") == [(ex.replies,)]
    assert rows(vault, "SELECT count(*) FROM messages WHERE extra LIKE '%reactions%'") == [(ex.reactions,)]
    assert report.attachments_stored == len(ex.media)
    assert rows(vault, "SELECT app, account FROM sources") == [("signal", F.OWN_ACI)]
    # Bob's ids were stored as an upper-case UUID and a formatted number: still the same person
    assert rows(vault, "SELECT count(*) FROM participants WHERE source_key = ?", F.BOB_ACI) == [(1,)]


def test_version_0_of_the_current_schema_reads_like_version_1(tmp_path):
    v0, v1 = tmp_path / "a.backup", tmp_path / "b.backup"
    F.build_backup(v0, 40, version=0)
    F.build_backup(v1, 40, version=1)
    read = [[r.source_id for r in SignalBackupImporter().read(p, OPTS, JobContext()) if isinstance(r, MessageRec)]
            for p in (v0, v1)]
    assert read[0] == read[1] and len(read[0]) == 40


def test_hostile_statements_are_not_run(tmp_path):
    """A crafted backup cannot attach a file, set a pragma or leave a trigger behind."""
    target = tmp_path / "attached.db"
    hostile = [(F.statement(f"ATTACH DATABASE '{target}' AS evil"), None),
               (F.statement("PRAGMA writable_schema = ON"), None),
               (F.statement("CREATE TRIGGER t AFTER INSERT ON message BEGIN DELETE FROM message; END"), None),
               (F.statement("CREATE VIEW v AS SELECT 1"), None)]
    path = tmp_path / "hostile.backup"
    ex = F.build_backup(path, 40, extra_frames=hostile)
    recs = list(SignalBackupImporter().read(path, OPTS, JobContext()))
    assert not target.exists()
    assert sum(isinstance(r, MessageRec) for r in recs) == ex.messages


def test_a_query_bomb_in_a_statement_is_stopped(tmp_path, monkeypatch):
    """A recursive query is not allowed; a huge cross join is interrupted after its time; the rest reads."""
    from chatvault.importers.signal_backup import replay

    monkeypatch.setattr(replay, "STATEMENT_SECONDS", 0.2)
    joins = ", ".join(f"t t{k}" for k in range(24))
    bomb = [(F.statement("CREATE TABLE t (x INTEGER)"), None), (F.statement("INSERT INTO t VALUES (1)"), None),
            (F.statement("INSERT INTO t VALUES (2)"), None),
            (F.statement("INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                         "SELECT x FROM c"), None),
            (F.statement(f"INSERT INTO t SELECT t0.x FROM {joins}"), None)]
    path = tmp_path / "bomb.backup"
    ex = F.build_backup(path, 20, extra_frames=bomb)
    start = time.monotonic()
    recs = list(SignalBackupImporter().read(path, OPTS, JobContext()))
    assert time.monotonic() - start < 5
    assert sum(isinstance(r, MessageRec) for r in recs) == ex.messages
    note = next(r.message for r in recs if "could not be replayed" in getattr(r, "message", ""))
    assert note.startswith("2 statements") and "not authorized" in note


def test_attachment_opener_travels_by_pickle_and_notices_a_changed_file(backup, tmp_path):
    path, ex = backup
    copy = tmp_path / "copy.backup"
    copy.write_bytes(path.read_bytes())
    recs = [r for r in SignalBackupImporter().read(copy, OPTS, JobContext()) if isinstance(r, MessageRec)]
    rec = next(r for r in recs if r.attachments and r.attachments[0].open)
    opener = pickle.loads(pickle.dumps(rec.attachments[0].open))
    with opener() as fh:
        assert fh.read() == ex.media[rec.source_id]
    data = bytearray(copy.read_bytes())
    data[opener.offset] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(InputError, match="checksum"), opener() as fh:
        fh.read()


def test_a_wrong_passphrase_is_wrong_secret_for_version_0_too(tmp_path):
    path = tmp_path / "old.backup"
    F.build_old_backup(path, 10, version=0)
    with pytest.raises(WrongSecret) as e:
        list(SignalBackupImporter().read(path, ImportOptions(options={"signal_passphrase": "9" * 30}), JobContext()))
    assert e.value.field == "signal_passphrase" and e.value.exit_code == 3 and "old.backup" in e.value.location


def test_backup_v2_folder_is_recognised_and_refused(vault, tmp_path):
    root = tmp_path / "SignalBackups"
    snap = root / "snapshot-1717000000000"
    snap.mkdir(parents=True)
    (snap / "main").write_bytes(b"\x00" * 64)
    (snap / "metadata").write_bytes(b"\x00" * 16)
    (root / "files" / "ab").mkdir(parents=True)
    importer, found = registry.detect(root)[0]
    assert importer.name == "signal-android" and found.variant == "v2"
    for chosen in (root, snap, snap / "main"):
        with pytest.raises(InputError, match="backup v2") as e:
            run_import(vault, chosen, options=OPTS)
        assert "no public tool" in e.value.message
    assert rows(vault, "SELECT count(*) FROM messages") == [(0,)]
