"""iPhone backups end to end: an encrypted Finder/iTunes backup with WhatsApp and Messages imported
into a real vault, exactly; wrong and missing passwords; damage; schema variants; a later backup."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatvault.errors import InputError, WrongSecret
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.iosbackup.backup import Backup
from chatvault.importers.iosbackup.workdir import WorkDir
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from tests import iosbackup_sms as S
from tests import wa_ios_fixtures as F
from tests.iosbackup_fixtures import PASSWORD, REAL_DPIC, REAL_ITER, WA_DOMAIN, BackupBuilder, file_id

PW = ImportOptions(options={"backup_password": PASSWORD})


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def rows(vault, sql: str, *args) -> list[tuple]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def make(tmp: Path, wa: list[F.Msg], sms: int = 0, password: str | None = PASSWORD, name: str = "bk",
         legacy: bool = False, **sms_kw):
    b = BackupBuilder(tmp / name / "00008030-001A2B3C4D5E802E", password)
    F.add_whatsapp(b, tmp / f"{name}-work", wa, legacy=legacy)
    corpus = S.add_messages(b, tmp / f"{name}-work", sms, **sms_kw) if sms else None
    return b.finish(), corpus


def ms(dt: datetime) -> int:
    return int(round(dt.timestamp() * 1000))


def test_encrypted_backup_imports_whatsapp_and_messages_exactly(vault, tmp_path):
    wa = F.wa_chats(1050)
    root, corpus = make(tmp_path, wa, sms=1000)
    assert registry.detect(root)[0][0].name == "iphone-backup"
    rep = run_import(vault, root, options=PW)
    assert rep.outcome == "ok", rep.error
    want_sms = len(corpus.messages)
    assert rep.added == len(wa) + want_sms and rep.unparsed == 0
    # WhatsApp: every message with its kind, UTC time, sender, text, reply link, reactions and media
    got = {r[0]: r for r in rows(vault, """
        SELECT m.source_key, m.kind, m.ts, p.source_key, m.text, q.source_key, m.extra, c.source_key
        FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = c.source_id
        LEFT JOIN participants p ON p.id = m.sender_id LEFT JOIN messages q ON q.id = m.reply_to_id
        WHERE s.app = 'whatsapp'""")}
    assert len(got) == len(wa)
    for m in wa:
        key, kind, ts, sender, text, quoted, extra, chat = got[m.stanza]
        assert (kind, ts, chat) == (m.kind, ms(m.ts), m.chat), m.stanza
        assert sender == m.sender, m.stanza
        if m.kind in ("text", "link") or (m.media and m.text):
            assert text == m.text
        assert quoted == m.reply_to
        reactions = json.loads(extra or "{}").get("reactions", [])
        assert sorted((by["from_id"], r["emoji"]) for r in reactions for by in r["by"]) == sorted(
            ("me" if jid == F.ME_JID else jid, e) for jid, e in m.reactions)
    assert sum(1 for m in wa if m.reply_to) > 20 and sum(1 for m in wa if m.reactions) > 10
    names = dict(rows(vault, "SELECT source_key, display_name FROM participants"))
    assert names["447700900222@s.whatsapp.net"] == "Bob" and names["447700900444@s.whatsapp.net"] == "Dina ☀"
    titles = dict(rows(vault, "SELECT source_key, title FROM conversations"))
    assert titles[F.GROUP] == "Family 🏡" and titles[F.ALICE] == "Alice"
    att = rows(vault, """SELECT m.source_key, a.status, a.blob_id FROM attachments a JOIN messages m ON m.id = a.message_id
                         JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = c.source_id
                         WHERE s.app = 'whatsapp'""")
    stored = {k: b for k, st, b in att if st == "stored"}
    assert len(stored) == sum(1 for m in wa if m.media_bytes) and len(att) == sum(1 for m in wa if m.media)
    blobs = BlobStore(vault)
    for m in wa[:60]:
        if m.media_bytes:
            assert blobs.read_all(stored[m.stanza]) == m.media_bytes      # decrypted byte for byte
    # Messages: the iMessage reader's whole corpus, attachments from MediaDomain
    imsg = rows(vault, """SELECT m.kind, count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                          JOIN sources s ON s.id = c.source_id WHERE s.app = 'imessage' GROUP BY m.kind""")
    assert dict(imsg) == corpus.by_kind()
    n_stored = rows(vault, """SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id
                              JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = c.source_id
                              WHERE s.app = 'imessage' AND a.status = 'stored'""")[0][0]
    assert n_stored == sum(e.stored for e in corpus.messages.values())
    # nothing decrypted is left behind
    assert not any((tmp_path / "work").rglob("*"))


def test_a_later_backup_adds_only_what_is_new_and_marks_what_vanished(vault, tmp_path):
    wa = F.wa_chats(300)
    first, may = make(tmp_path, wa, sms=120, name="may")
    sms_gone = [g for g, e in may.messages.items() if e.kind == "text"][30:32]
    assert run_import(vault, first, options=PW).outcome == "ok"
    # June: three messages deleted on the phone, the group chat deleted, 20 new messages, two SMS gone
    gone = {wa[10].stanza, wa[20].stanza, wa[40].stanza}
    later = [m for m in wa if m.stanza not in gone and m.chat != F.GROUP] + [
        m for m in F.wa_chats(20, start=300) if m.chat != F.GROUP]
    second, corpus = make(tmp_path, later, sms=120, name="june", drop=set(sms_gone), extra=6)   # 6 new texts
    rep = run_import(vault, second, options=PW)
    assert rep.outcome == "ok", rep.error
    new = sum(1 for m in F.wa_chats(20, start=300) if m.chat != F.GROUP)
    assert rep.added == new + 6
    status = dict(rows(vault, "SELECT source_key, status FROM messages"))
    direct_gone = [k for k in gone if k in {m.stanza for m in wa if m.chat == F.ALICE}]
    assert direct_gone and all(status[k] == "missing-at-source" for k in direct_gone)
    group = [m.stanza for m in wa if m.chat == F.GROUP]
    assert all(status[k] == "missing-at-source" for k in group)         # the chat the phone no longer has
    assert [status[g] for g in sms_gone] == ["missing-at-source"] * 2
    assert sum(1 for v in status.values() if v == "present") == len(later) + len(corpus.messages)
    again = run_import(vault, second, options=PW)
    assert again.added == 0 and again.missing_at_source == 0


def test_a_wrong_password_exits_3_naming_the_backup_and_leaves_the_vault_unchanged(vault, vault_path, tmp_path, cli):
    root, _ = make(tmp_path, F.wa_chats(30))
    before = rows(vault, "SELECT count(*) FROM messages")[0][0], rows(vault, "SELECT count(*) FROM import_runs")[0][0]
    vault.lock()
    from tests.conftest import PASSPHRASE
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE,
           "CHATVAULT_BACKUP_PASSWORD": "not the password", "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    r = cli("import", str(root), "--json", env=env)
    assert r.returncode == 3, r.stderr
    said = r.stdout + r.stderr
    assert "00008030-001A2B3C4D5E802E" in said and "wrong_secret" in said and "backup password" in said
    from chatvault.vault.vault import open_vault
    v = open_vault(vault_path, PASSPHRASE)
    try:
        assert rows(v, "SELECT count(*) FROM messages")[0][0] == before[0]
        assert rows(v, "SELECT count(*) FROM messages")[0][0] == 0
    finally:
        v.lock()


def test_no_password_for_an_encrypted_backup_names_the_field(tmp_path):
    root, _ = make(tmp_path, F.wa_chats(5))
    with pytest.raises(WrongSecret) as err:
        list(registry.get("iphone-backup").read(root, ImportOptions(), _ctx()))
    assert err.value.field == "backup_password" and "encrypted" in err.value.message
    assert err.value.location == str(root)


def _ctx():
    from chatvault.jobs.context import JobContext
    return JobContext()


@pytest.mark.slow
def test_real_key_derivation_counts_unlock_the_backup(tmp_path):
    """iOS's own counts (10,000,000 PBKDF2-SHA256 rounds, then 10,000 SHA-1) are read from the keybag."""
    b = BackupBuilder(tmp_path / "real", PASSWORD, dpic=REAL_DPIC, iters=REAL_ITER)
    b.add(WA_DOMAIN, "ChatStorage.sqlite", F.build_chatstorage(tmp_path / "cs.sqlite", F.wa_chats(3)).read_bytes())
    root = b.finish()
    with WorkDir() as work:
        backup = Backup(root, PASSWORD, work)
        assert backup.keybag is not None and backup.keybag.attrs[b"DPIC"] == REAL_DPIC
        conn = backup.database(WA_DOMAIN, "ChatStorage.sqlite", "ChatStorage.sqlite", "ZWAMESSAGE")
        assert conn is not None and conn.execute("SELECT count(*) FROM ZWAMESSAGE").fetchone()[0] == 3
        made = list(work.path.rglob("*"))
        assert any(p.is_file() for p in made)
        assert all(p.stat().st_mode & 0o777 == (0o600 if p.is_file() else 0o700) for p in made)
        assert work.path.stat().st_mode & 0o777 == 0o700
    assert not work.path.exists()


def test_an_unencrypted_backup_and_the_copied_folder_give_the_same_messages(vault, tmp_path):
    wa = F.wa_chats(80)
    plain, _ = make(tmp_path, wa, password=None)
    assert registry.get("iphone-backup").detect(plain).variant == "plain"
    rep = run_import(vault, plain)
    assert rep.outcome == "ok" and rep.added == len(wa)
    folder = F.write_folder(tmp_path / "copied", wa)
    assert registry.detect(folder)[0][0].name == "whatsapp-ios"
    again = run_import(vault, folder)
    assert again.added == 0 and again.already_present == len(wa)      # the same stanza ids: nothing doubles


def test_the_older_schema_without_reactions_or_push_names_imports(vault, tmp_path):
    wa = F.wa_chats(60)
    root, _ = make(tmp_path, wa, legacy=True)
    rep = run_import(vault, root, options=PW)
    assert rep.outcome == "ok" and rep.added == len(wa)
    extras = [json.loads(e or "{}") for (e,) in rows(vault, "SELECT extra FROM messages")]
    assert not any("reactions" in e for e in extras)
    names = dict(rows(vault, "SELECT source_key, display_name FROM participants"))
    assert names["447700900222@s.whatsapp.net"] == "Bob"               # group members still named
    assert rows(vault, "SELECT count(*) FROM messages WHERE reply_to_key IS NOT NULL")[0][0] == 0   # no ZMETADATA


def _damage(root: Path, domain: str, rel: str, keep: float) -> Path:
    fid = file_id(domain, rel)
    f = root / fid[:2] / fid
    data = f.read_bytes()
    f.write_bytes(data[: int(len(data) * keep)])
    return f


def test_a_truncated_database_is_a_clear_error_and_nothing_is_stored(vault, tmp_path):
    root, _ = make(tmp_path, F.wa_chats(40))
    _damage(root, WA_DOMAIN, "ChatStorage.sqlite", 0.5)
    with pytest.raises(InputError, match="ChatStorage.sqlite in the iPhone backup is damaged or cut short"):
        run_import(vault, root, options=PW)
    assert rows(vault, "SELECT count(*) FROM messages")[0][0] == 0


def test_a_truncated_manifest_is_a_clear_error(tmp_path):
    root, _ = make(tmp_path, F.wa_chats(5))
    data = (root / "Manifest.db").read_bytes()
    (root / "Manifest.db").write_bytes(data[:1000])
    with pytest.raises(InputError, match="Manifest.db"):
        list(registry.get("iphone-backup").read(root, PW, _ctx()))


def test_a_cut_media_file_is_recorded_missing_and_the_rest_imports(vault, tmp_path):
    wa = F.wa_chats(30)
    root, _ = make(tmp_path, wa)
    victim = next(m for m in wa if m.media_bytes)
    _damage(root, WA_DOMAIN, f"Message/{victim.media}", 0.4)
    rep = run_import(vault, root, options=PW)
    assert rep.outcome in ("ok", "partial") and rep.added == len(wa)
    st = rows(vault, "SELECT a.status FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.source_key = ?",
              victim.stanza)
    assert st == [("missing",)] and any("cut short" in w for w in rep.warnings)


def test_a_backup_of_ios_9_or_older_says_so(tmp_path):
    root = tmp_path / "old"
    root.mkdir()
    (root / "Manifest.mbdb").write_bytes(b"mbdb\x05\x00")
    import plistlib
    (root / "Manifest.plist").write_bytes(plistlib.dumps({"IsEncrypted": False}))
    (root / "Info.plist").write_bytes(plistlib.dumps({"Device Name": "Old"}))
    assert registry.get("iphone-backup").detect(root).variant == "mbdb"
    with pytest.raises(InputError, match="iOS 9 or older"):
        list(registry.get("iphone-backup").read(root, ImportOptions(), _ctx()))


def test_hostile_file_ids_are_never_followed(tmp_path):
    """Manifest.db is input: a fileID that is not 40 hex digits (a path) is not opened."""
    b = BackupBuilder(tmp_path / "evil", None)
    b.add(WA_DOMAIN, "ChatStorage.sqlite", F.build_chatstorage(tmp_path / "cs.sqlite", F.wa_chats(3)).read_bytes())
    b.rows.append(("../../etc/passwd", WA_DOMAIN, "Message/Media/x.jpg", 1, b""))
    root = b.finish()
    with WorkDir() as work:
        backup = Backup(root, None, work)
        assert backup.lookup(WA_DOMAIN, "Message/Media/x.jpg") is None


def test_apple_dates_are_utc(tmp_path):
    from chatvault.importers.whatsapp_ios.chatstorage import apple_time
    assert apple_time(0) == datetime(2001, 1, 1, tzinfo=UTC)
    assert apple_time(704_592_000.5) == datetime(2023, 5, 1, 0, 0, 0, 500000, tzinfo=UTC)
    assert apple_time(None) is None and apple_time(1e12) is None


def test_the_backup_is_only_read(tmp_path):
    """The user's backup is only read: byte-identical after an import."""
    root, _ = make(tmp_path, F.wa_chats(10))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    list(registry.get("iphone-backup").read(root, PW, _ctx()))
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def _chats(vault) -> dict[str, int]:
    return dict(rows(vault, "SELECT c.title, count(m.id) FROM conversations c LEFT JOIN messages m "
                            "ON m.conversation_id = c.id GROUP BY c.id"))


def test_a_txt_export_of_a_chat_in_the_backup_adds_no_message_twice(vault, tmp_path):
    """The shared WhatsApp matching (chatvault/ingest/chatmatch.py) joins the backup's chat and the export."""
    from tests.import_fixtures import write_txt

    wa = F.wa_chats(240)
    root, _ = make(tmp_path, wa)
    assert run_import(vault, root, options=PW).outcome == "ok"
    before = _chats(vault)
    lines = F.txt_lines(wa, F.ALICE)
    txt = write_txt(tmp_path / "WhatsApp Chat with Alice.txt", lines)
    r = run_import(vault, txt, options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    assert r.outcome == "ok" and r.added == 0 and r.merged == len(lines)
    assert _chats(vault) == before


def test_the_backup_after_a_txt_export_joins_its_chat(vault, tmp_path):
    from tests.import_fixtures import write_txt

    wa = F.wa_chats(240)
    lines = F.txt_lines(wa, F.ALICE)
    run_import(vault, write_txt(tmp_path / "WhatsApp Chat with Alice.txt", lines),
               options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    root, _ = make(tmp_path, wa)
    r = run_import(vault, root, options=PW)
    assert r.outcome == "ok" and r.merged == len(lines)
    chats = _chats(vault)
    assert chats["Alice"] == sum(1 for m in wa if m.chat == F.ALICE) and len(chats) == 2
    # the joined messages took the backup's exact ids: the next backup finds them directly
    assert run_import(vault, root, options=PW).added == 0


def test_the_mobilesync_backup_folder_with_one_backup_or_several(vault, tmp_path):
    """Choosing MobileSync/Backup itself: its only backup is read; with several, each is named."""
    wa = F.wa_chats(20)
    root, _ = make(tmp_path / "MobileSync", wa, name="Backup")
    parent = root.parent
    assert registry.detect(parent)[0][0].name == "iphone-backup"
    assert run_import(vault, parent, options=PW).added == len(wa)
    b = BackupBuilder(parent / "00008101-000A1B2C3D4E001E", None, device="Old iPhone")
    b.add(WA_DOMAIN, "ChatStorage.sqlite", F.build_chatstorage(tmp_path / "cs.sqlite", wa[:3]).read_bytes())
    b.finish()
    with pytest.raises(InputError, match="2 iPhone backups") as err:
        list(registry.get("iphone-backup").read(parent, PW, _ctx()))
    assert "Old iPhone" in err.value.message and "Lin's iPhone" in err.value.message


def test_read_in_a_parse_process_media_still_decrypts(vault, tmp_path, monkeypatch):
    """Big backups are parsed in a child process: the decrypting openers travel by pickle and the
    writer decrypts each file as it stores it (no plaintext file is left by either process)."""
    monkeypatch.setenv("CHATVAULT_IMPORT_PROCESS", "1")
    wa = F.wa_chats(60)
    root, corpus = make(tmp_path, wa, sms=40)
    rep = run_import(vault, root, options=PW)
    assert rep.outcome == "ok", rep.error
    assert rep.attachments_stored == sum(1 for m in wa if m.media_bytes) + sum(
        e.stored for e in corpus.messages.values())
    assert not any((tmp_path / "work").rglob("*"))


@pytest.mark.parametrize("variant", ["10.11", "13"])
def test_older_and_newer_sms_db_schemas_import(vault, tmp_path, variant):
    """sms.db of older iOS (text only, dates in seconds) and of iOS 16+ (edits, unsends, text only in
    attributedBody): every message, with the backup's attachments."""
    root, corpus = make(tmp_path, F.wa_chats(10), sms=90, variant=variant)
    rep = run_import(vault, root, options=PW)
    assert rep.outcome == "ok", rep.error
    got = dict(rows(vault, """SELECT m.kind, count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                              JOIN sources s ON s.id = c.source_id WHERE s.app = 'imessage' GROUP BY m.kind"""))
    assert got == corpus.by_kind()
    assert rep.attachments_stored >= sum(e.stored for e in corpus.messages.values())


def test_messages_still_in_the_write_ahead_log_are_read(tmp_path):
    """A ChatStorage.sqlite copied while WhatsApp ran: the newest messages are only in its -wal."""
    import shutil
    import sqlite3

    wa = F.wa_chats(30)
    live = F.write_folder(tmp_path / "live", wa[:20])
    conn = sqlite3.connect(live / "ChatStorage.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    newer = F.build_chatstorage(tmp_path / "newer.sqlite", wa)
    conn.execute("ATTACH ? AS n", (str(newer),))
    conn.execute("INSERT INTO ZWAMESSAGE SELECT * FROM n.ZWAMESSAGE WHERE Z_PK > 20")
    conn.commit()
    copy = tmp_path / "copy"
    shutil.copytree(live, copy)                      # while WhatsApp (this connection) still has it open
    conn.close()
    assert (copy / "ChatStorage.sqlite-wal").stat().st_size > 0
    recs = list(registry.get("whatsapp-ios").read(copy, ImportOptions(), _ctx()))
    from chatvault.model import MessageRec
    assert len([r for r in recs if isinstance(r, MessageRec)]) == 30
    # and inside a backup, the -wal stored beside the database
    b = BackupBuilder(tmp_path / "bk", PASSWORD)
    b.add(WA_DOMAIN, "ChatStorage.sqlite", (copy / "ChatStorage.sqlite").read_bytes())
    b.add(WA_DOMAIN, "ChatStorage.sqlite-wal", (copy / "ChatStorage.sqlite-wal").read_bytes())
    root = b.finish()
    recs = list(registry.get("iphone-backup").read(root, PW, _ctx()))
    assert len([r for r in recs if isinstance(r, MessageRec)]) == 30


def test_a_damaged_sms_db_names_the_backup_and_the_file(tmp_path):
    b = BackupBuilder(tmp_path / "bk" / "00008030-001A2B3C4D5E802E", PASSWORD)
    b.add("HomeDomain", "Library/SMS/sms.db", b"SQLite format 3\x00" + bytes(range(256)) * 40)
    root = b.finish()
    with pytest.raises(InputError) as err:
        list(registry.get("iphone-backup").read(root, PW, _ctx()))
    assert err.value.location == f"{root} (HomeDomain/Library/SMS/sms.db)"
    assert not any((tmp_path / "work").rglob("*.db"))
