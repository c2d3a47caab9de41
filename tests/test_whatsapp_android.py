"""WhatsApp for Android: msgstore.db (current and legacy), crypt14/crypt15 backups, wa.db, the Media tree.

The acceptance test imports a phone folder with 1,200 messages of every kind from an end-to-end
encrypted backup and checks each kind, sender, UTC time, reaction, reply and media file in the vault.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from chatvault.errors import InputError, WrongSecret
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from tests import wa_android_fixtures as F
from tests.conftest import PASSPHRASE

KEY = {"wa_key": F.ROOT_KEY_HEX}
EXPECTED_KIND = {0: "text", 1: "image", 2: "voice", 3: "video", 4: "contact", 5: "location", 7: "system",
                 9: "file", 13: "video", 15: "recalled", 20: "sticker", 42: "image", 66: "poll"}


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[F.Store, Path]:
    store = F.sample_store(1200)
    return store, F.phone_folder(tmp_path_factory.mktemp("phone"), store)


def _rows(vault, sql: str, *args) -> list:
    c = vault.connect()
    try:
        return [tuple(r) for r in c.execute(sql, args)]
    finally:
        c.close()


def _count(vault) -> int:
    return _rows(vault, "SELECT count(*) FROM messages")[0][0]


def test_a_phone_folder_with_every_kind_imports_exactly(vault, big):
    store, root = big
    assert registry.detect(root)[0][0].name == "whatsapp-android"
    r = run_import(vault, root, options=ImportOptions(options=KEY))
    assert r.outcome == "ok" and r.unparsed == 0
    assert r.added == len(store.msgs) + len(store.calls) == _count(vault)
    stored = {row[0]: row for row in _rows(
        vault, "SELECT m.source_key, m.ts, m.kind, m.text, p.source_key, p.display_name, m.extra, m.reply_to_id, "
               "m.is_edited, m.forwarded_from, m.id FROM messages m LEFT JOIN participants p ON p.id = m.sender_id")}
    by_key = {m.key_id: m for m in store.msgs}
    kinds = Counter()
    for m in store.msgs:
        key = f"{m.key_id}-recalled" if m.type == 15 else m.key_id
        row = stored[key]
        kinds[row[2]] += 1
        assert row[1] == m.ms, "the exact UTC time in ms"
        assert row[2] == EXPECTED_KIND[m.type]
        if m.action is None:
            want = "me" if m.sender is None else m.sender          # LIDs come back as the phone number
            assert row[4] == want
            if m.sender is not None:
                assert row[5] == F.NAMES[m.sender]               # the name from wa.db
        extra = json.loads(row[6] or "{}")
        if m.reactions:
            (thumbs,) = [x for x in extra["reactions"] if x["emoji"] == "👍"]
            assert thumbs["count"] == 2 and {b["from"] for b in thumbs["by"]} >= {"Bob Builder"}
            assert thumbs["by"][0]["at"].startswith("2023-11-")
        if m.quoted:
            assert row[7] == stored[by_key[m.quoted].key_id][10], "the reply points at the quoted message"
        if m.edited_ms:
            assert row[8] == 1
        if m.forwarded:
            assert row[9] == "forwarded" and extra["starred"] is True
        if m.poll:
            assert extra["poll"]["question"] == m.text and [o["text"] for o in extra["poll"]["options"]] == ["Pizza",
                                                                                                          "Sushi"]
        if m.vcards:
            assert extra["contact"] == {"first_name": "Jane Doe", "phone_number": "+49 151 99990000"}
        if m.location:
            assert extra["latitude"] == 52.52 and extra["place_name"] == m.location[2]
        if m.view_once:
            assert extra["view_once"] is True
    assert set(kinds) == set(EXPECTED_KIND.values())
    calls = {row[0]: json.loads(row[6]) for row in stored.values() if row[2] == "call"}
    assert calls["call-CALL1"]["media"] == "video" and calls["call-CALL2"]["outcome"] == "missed"
    # Media: linked by message_media.file_path; the missing ones kept with the path WhatsApp expected.
    atts = _rows(vault, "SELECT a.status, a.expected_path, a.original_name FROM attachments a")
    media = [m for m in store.msgs if m.media]
    assert len(atts) == len(media)
    missing = sorted(a[1] for a in atts if a[0] == "missing")
    assert missing == sorted(m.media[0] for m in media if "GONE" in m.media[0])
    assert r.attachments_stored == len(media) - len(missing)
    assert any(a[1].startswith("Media/WhatsApp Voice Notes/202311/") and a[0] == "stored" for a in atts)
    # Groups with members and subjects; a direct chat named from wa.db.
    convs = dict(_rows(vault, "SELECT source_key, title FROM conversations"))
    assert convs[F.FAMILY] == "Family 🏠" and convs[F.ALICE] == "Alice Example"
    members = _rows(vault, "SELECT p.source_key FROM conversation_members cm JOIN conversations c ON c.id = "
                           "cm.conversation_id JOIN participants p ON p.id = cm.participant_id WHERE c.source_key = ?",
                    F.FAMILY)
    assert {m[0] for m in members} >= {F.ALICE, F.BOB, F.CAROL, "me"}


@pytest.mark.parametrize("variant", ["crypt14", "crypt14-old-layout", "crypt15-key-file", "crypt15-no-checksum",
                                     "plain-file", "zip"])
def test_each_kind_of_database_file_opens(vault, tmp_path, variant):
    store = F.sample_store(60)
    plain = F.build_current(tmp_path / "plain" / "msgstore.db", store)
    opts: dict = {}
    if variant.startswith("crypt14"):
        path = F.encrypt(plain, tmp_path / "b" / "msgstore.db.crypt14", crypt=14, old_layout="old" in variant)
        key = tmp_path / "key"
        key.write_bytes(F.key14_file())
        opts = {"wa_keyfile": str(key)}
    elif variant.startswith("crypt15"):
        path = F.encrypt(plain, tmp_path / "b" / "msgstore-2024-05-01.1.db.crypt15",
                         checksum="no-checksum" not in variant, features="no-checksum" not in variant)
        key = tmp_path / "encrypted_backup.key"
        key.write_bytes(F.key15_file())
        opts = {"wa_keyfile": str(key)} if "key-file" in variant else KEY
    elif variant == "zip":
        import zipfile

        path = tmp_path / "whatsapp.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.write(plain, "WhatsApp/Databases/msgstore.db")
    else:
        path = plain
        F.build_wa_db(plain.parent / "wa.db", F.NAMES)            # as in the phone's databases/ folder
    assert registry.detect(path)[0][0].name == "whatsapp-android"
    r = run_import(vault, path, options=ImportOptions(options=opts))
    assert r.outcome == "ok" and r.added == len(store.msgs) + len(store.calls)
    if variant == "plain-file":
        titles = {t for (t,) in _rows(vault, "SELECT title FROM conversations")}
        assert "Alice Example" in titles


def test_the_wrong_key_exits_3_naming_the_file_and_the_vault_is_unchanged(vault, big, cli):
    _store, root = big
    backup = root / "WhatsApp/Databases/msgstore.db.crypt15"
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": os.environ["CHATVAULT_TMPDIR"]}
    vault.lock()
    r = cli("import", str(root), "--vault", str(vault.path), "--wa-key", "ab" * 32, env=env)
    assert r.returncode == 3, r.stderr
    assert "msgstore.db.crypt15" in r.stderr and "does not open" in r.stderr
    r = cli("import", str(backup), "--vault", str(vault.path), env=env)       # no key at all
    assert r.returncode == 3 and "64-digit key" in r.stderr
    r = cli("info", "--vault", str(vault.path), "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["messages"] == 0


def test_a_wrong_key_file_for_crypt14(vault, tmp_path):
    store = F.sample_store(20)
    path = F.encrypt(F.build_current(tmp_path / "p" / "msgstore.db", store), tmp_path / "msgstore.db.crypt14", crypt=14)
    key = tmp_path / "key"
    key.write_bytes(F.key14_file(bytes(32)))
    with pytest.raises(WrongSecret) as err:
        run_import(vault, path, options=ImportOptions(options={"wa_keyfile": str(key)}))
    assert err.value.field == "wa_keyfile" and "msgstore.db.crypt14" in str(err.value.location)
    key.write_bytes(b"not a key file")
    with pytest.raises(WrongSecret, match="not a WhatsApp key file"):
        run_import(vault, path, options=ImportOptions(options={"wa_keyfile": str(key)}))
    assert _count(vault) == 0


def test_a_truncated_backup_is_refused_and_nothing_is_stored(vault, tmp_path):
    store = F.sample_store(300)
    path = F.encrypt(F.build_current(tmp_path / "p" / "msgstore.db", store), tmp_path / "msgstore.db.crypt15")
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 20):
        path.write_bytes(data[:cut])
        with pytest.raises(InputError, match="cut short|damaged") as err:
            run_import(vault, path, options=ImportOptions(options=KEY))
        assert not isinstance(err.value, WrongSecret)
    assert _count(vault) == 0
    assert not list((Path(os.environ["CHATVAULT_TMPDIR"])).glob("whatsapp-*")), "no decrypted copy is left behind"


def test_the_legacy_messages_table_imports_the_same_chats(vault, tmp_path):
    store = F.sample_store(300)
    root = F.phone_folder(tmp_path / "phone", store, legacy=True, crypt=None)
    r = run_import(vault, root)
    assert r.outcome == "ok" and r.added == len(store.msgs)        # (no call_log before 2022)
    kinds = Counter(k for (k,) in _rows(vault, "SELECT kind FROM messages"))
    assert kinds["image"] and kinds["voice"] and kinds["system"] and kinds["recalled"] and kinds["location"]
    replies = _rows(vault, "SELECT count(*) FROM messages WHERE reply_to_id IS NOT NULL")[0][0]
    assert replies == sum(1 for m in store.msgs if m.quoted)
    stored = _rows(vault, "SELECT count(*) FROM attachments WHERE status = 'stored'")[0][0]
    assert stored == sum(1 for m in store.msgs if m.media and "GONE" not in m.media[0])


def test_a_current_database_without_the_optional_tables_still_imports(vault, tmp_path):
    store = F.sample_store(120)
    path = F.build_current(tmp_path / "msgstore.db", store)
    c = sqlite3.connect(path)
    for table in ("message_add_on_reaction", "message_add_on", "jid_map", "message_edit_info", "message_forwarded",
                  "message_future", "message_view_once_media", "call_log", "message_poll_option"):
        c.execute(f"DROP TABLE {table}")
    c.execute("ALTER TABLE message DROP COLUMN starred")
    c.commit()
    c.close()
    r = run_import(vault, path)
    assert r.outcome == "ok" and r.added == len(store.msgs)
    # Without jid_map the LID stays a LID: Carol's group messages keep the id they were sent with.
    assert _rows(vault, "SELECT count(*) FROM participants WHERE source_key = ?", F.CAROL_LID)[0][0] == 1


def test_an_android_11_folder_is_found_with_its_media(vault, tmp_path):
    store = F.sample_store(60)
    root = F.phone_folder(tmp_path / "sdcard", store, android11=True, crypt=14, missing=False)
    (root / "key").write_bytes(F.key14_file())                  # the key file copied beside the backup
    r = run_import(vault, root)
    assert r.outcome == "ok" and r.attachments_missing == 0
    assert r.attachments_stored == sum(1 for m in store.msgs if m.media)


def test_a_newer_msgstore_adds_only_what_is_new_and_updates_reactions_and_edits(vault, tmp_path):
    store = F.sample_store(400)
    first = F.Store(store.chats, store.members, store.msgs[:300], store.calls, store.lids)
    path = tmp_path / "msgstore.db"
    F.build_current(path, first)
    assert run_import(vault, path).added == 302
    # Later: 100 new messages, two old ones deleted from the phone, a reaction and an edit on old ones.
    gone = {store.msgs[200].key_id, store.msgs[201].key_id}
    later = [m for m in store.msgs if m.key_id not in gone]
    plain = [m for m in later[:300] if m.type == 0 and m.text and not m.reactions and not m.edited_ms]
    reacted, edited = plain[3], plain[5]
    reacted.reactions = [(F.BOB, "😂", reacted.ms + 99_000)]
    before = edited.text
    edited.text, edited.edited_ms = "changed my mind", edited.ms + 120_000
    path.unlink()
    F.build_current(path, F.Store(store.chats, store.members, later, store.calls, store.lids))
    r = run_import(vault, path)
    assert r.added == 100 and r.missing_at_source == 2 and r.edited == 1 and r.details_updated >= 1
    status = dict(_rows(vault, "SELECT source_key, status FROM messages"))
    assert all(status[k] == "missing-at-source" for k in gone)
    extra, text = _rows(vault, "SELECT extra, text FROM messages WHERE source_key = ?", edited.key_id)[0]
    assert text == "changed my mind" and json.loads(extra)["previous_texts"] == [before]
    (reaction,) = json.loads(_rows(vault, "SELECT extra FROM messages WHERE source_key = ?",
                                   reacted.key_id)[0][0])["reactions"]
    assert reaction["emoji"] == "😂" and reaction["by"][0]["from"] == "+491511110002"   # (no wa.db: the number)


def test_a_decrypted_copy_left_by_a_killed_import_is_removed_by_the_next(tmp_path):
    import subprocess

    from chatvault.importers.whatsapp_android.source import WorkDir

    dead = subprocess.Popen(["true"])
    dead.wait()
    left = Path(os.environ["CHATVAULT_TMPDIR"]) / "whatsapp-left"
    left.mkdir(parents=True)
    (left / "pid").write_text(str(dead.pid))
    (left / "msgstore.db").write_bytes(b"SQLite format 3\x00 decrypted")
    work = WorkDir()
    try:
        assert not left.exists() and work.path.exists()
    finally:
        work.close()
    assert not work.path.exists()


def test_a_database_whose_schema_lies_beyond_its_first_pages_is_recognised(tmp_path):
    path = tmp_path / "backup-copy.db"
    c = sqlite3.connect(path)
    for i in range(400):                       # a long schema written first, as on a real phone
        c.execute(f"CREATE TABLE padding_{i} (" + ", ".join(f"column_{k} TEXT" for k in range(60)) + ")")
    c.commit()
    c.close()
    c = sqlite3.connect(path)
    c.executescript(F.CURRENT_SCHEMA)
    c.close()
    assert path.stat().st_size > 256 << 10
    best, found = registry.detect(path)[0]
    assert best.name == "whatsapp-android" and found.confidence >= 0.8


def test_a_call_with_someone_without_a_chat_gets_a_conversation_and_placeholders_are_skipped(vault, tmp_path):
    store = F.sample_store(12)
    store.calls.append(F.Call("491700000099@s.whatsapp.net", "CALL9", F.BASE_MS + 99_000, duration=30, result=5))
    path = F.build_current(tmp_path / "msgstore.db", store)
    c = sqlite3.connect(path)
    c.execute("INSERT INTO message(chat_row_id, from_me, key_id, timestamp, message_type) VALUES (-1, 0, '-1', 0, 0)")
    c.commit()
    c.close()
    r = run_import(vault, path)
    assert r.outcome == "ok" and r.unparsed == 0 and r.added == len(store.msgs) + len(store.calls)
    assert ("+491700000099",) in _rows(vault, "SELECT title FROM conversations")
