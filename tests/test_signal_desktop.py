"""Signal Desktop folders imported into a real vault: every kind exactly, every OS form of the key,
wrong and missing secrets, schema variants, re-import, and one person across Desktop and Android."""

from __future__ import annotations

import json

import pytest

from chatvault.errors import InputError, WrongSecret
from chatvault.importers.base import ImportOptions
from chatvault.importers.signal_desktop import SignalDesktopImporter, keys
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from chatvault.model import MessageRec
from tests import signal_backup_fixtures as B
from tests import signal_desktop_fixtures as F
from tests.conftest import PASSPHRASE
from tests.test_signal_backup import assert_untouched, rows


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def opts(**kw) -> ImportOptions:
    return ImportOptions(options=kw)


def test_every_kind_imports_exactly(vault, tmp_path):
    root = tmp_path / "Signal"
    ex = F.build_profile(root, 1200)
    report = run_import(vault, root, options=opts())
    assert report.outcome == "ok" and report.format == "signal-desktop"
    assert report.added == ex.messages >= 1000 and report.unparsed == 0
    assert dict(rows(vault, "SELECT kind, count(*) FROM messages GROUP BY kind")) == ex.kinds
    assert sorted(k for (k,) in rows(vault, "SELECT source_key FROM messages")) == sorted(ex.keys)
    assert rows(vault, "SELECT min(ts) FROM messages") == [(F.T0,)]
    names = dict(rows(vault, "SELECT source_key, display_name FROM participants"))
    assert names[B.ALICE_ACI] == "Alice Doe" and names[B.BOB_ACI] == "Bob Roe" and names[B.OWN_ACI] == "Me Myself"
    assert rows(vault, "SELECT count(*) FROM messages WHERE reply_to_id IS NOT NULL") == [(ex.replies,)]
    reacted = [json.loads(e)["reactions"] for (e,) in rows(vault, "SELECT extra FROM messages WHERE extra LIKE "
                                                                "'%reactions%'")]
    assert len(reacted) == ex.reactions and reacted[0][0]["by"][0] == B.ALICE_ACI
    assert report.attachments_stored == len(ex.media)
    store = BlobStore(vault)
    for key, blob in rows(vault, "SELECT m.source_key, a.blob_id FROM attachments a JOIN messages m ON "
                                 "m.id = a.message_id"):
        assert store.read_all(blob) == ex.media[key]
    long = dict(rows(vault, "SELECT source_key, text FROM messages WHERE text LIKE 'long message%'"))
    assert long == ex.long_texts and len(long) > 5
    mentioned = rows(vault, "SELECT text FROM messages WHERE text LIKE 'hi @%'")
    assert len(mentioned) == ex.mentions > 0 and mentioned[0][0].startswith("hi @Bob Roe, message")
    edited = rows(vault, "SELECT text, extra FROM messages WHERE is_edited = 1")
    assert len(edited) == ex.edited and json.loads(edited[0][1])["previous_texts"] == [edited[0][0].replace(
        "final text", "first draft")]
    group = rows(vault, "SELECT text FROM messages WHERE source_key LIKE 'desktop:%' AND text LIKE 'changed the group%'")
    assert group and group[0][0].startswith("changed the group name to Hike")
    calls = {t for (t,) in rows(vault, "SELECT text FROM messages WHERE kind = 'call'")}
    assert {"Missed voice call", "Incoming video call", "Outgoing voice call"} <= calls


@pytest.mark.parametrize("form", ["linux", "macos", "windows", "linux-basic"])
def test_each_os_form_of_the_encrypted_key(tmp_path, form):
    root = tmp_path / form
    ex = F.build_profile(root, 40, form=form)
    secret = F.SECRETS[form]
    recs = list(SignalDesktopImporter().read(root, opts(**({"signal_safe_storage": secret} if secret else {})),
                                             JobContext()))
    assert sum(isinstance(r, MessageRec) for r in recs) == ex.messages


@pytest.mark.parametrize("form", ["linux", "macos", "windows"])
def test_a_missing_or_wrong_safe_storage_secret_names_config_json(tmp_path, form):
    root = tmp_path / form
    F.build_profile(root, 5, form=form)
    with pytest.raises(InputError) as missing:
        list(SignalDesktopImporter().read(root, opts(), JobContext()))
    assert missing.value.field == "signal_safe_storage" and "Signal Safe Storage" in missing.value.message
    with pytest.raises(WrongSecret) as wrong:
        list(SignalDesktopImporter().read(root, opts(signal_safe_storage="not it"), JobContext()))
    assert wrong.value.exit_code == 3 and wrong.value.location.endswith("config.json")


def test_wrong_key_exits_3_naming_the_database_and_leaves_the_vault_unchanged(cli, tmp_path, vault_path):
    from chatvault.vault.vault import create_vault

    create_vault(vault_path, PASSPHRASE)[0].lock()
    root = tmp_path / "Signal"
    F.build_profile(root, 20)
    (root / "config.json").write_text(json.dumps({"key": "ab" * 32}), encoding="utf-8")   # another install's
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    r = cli("--vault", str(vault_path), "import", str(root), env=env)
    assert r.returncode == 3, r.stderr
    assert "db.sqlite" in r.stderr
    assert_untouched(vault_path)
    r = cli("--vault", str(vault_path), "import", str(root / "sql" / "db.sqlite"), "--signal-key", "cd" * 32,
            env=env)
    assert r.returncode == 3 and "db.sqlite" in r.stderr
    r = cli("--vault", str(vault_path), "--json", "import", str(root / "sql" / "db.sqlite"),
            env={**env, "CHATVAULT_SIGNAL_KEY": f"x'{F.DB_KEY}'"})
    assert r.returncode == 0, r.stderr


def test_attachment_table_schema_and_an_unencrypted_database(vault, tmp_path):
    """Schema 1360+ keeps attachments in message_attachments; a decrypted copy opens without a key."""
    a = tmp_path / "new"
    ex = F.build_profile(a, 120, attachment_table=True)
    report = run_import(vault, a, options=opts())
    assert report.added == ex.messages and report.attachments_stored == len(ex.media)
    long = dict(rows(vault, "SELECT source_key, text FROM messages WHERE text LIKE 'long message%'"))
    assert long == ex.long_texts and long
    b = tmp_path / "plain"
    ex_b = F.build_profile(b, 60, encrypted=False)
    recs = list(SignalDesktopImporter().read(b / "sql" / "db.sqlite", opts(), JobContext()))
    assert sum(isinstance(r, MessageRec) for r in recs) == ex_b.messages


def test_the_names_before_the_service_id_rename(tmp_path):
    """Older Desktop databases say uuid / sourceUuid / authorUuid / mentionUuid: the same records."""
    new, old = tmp_path / "new", tmp_path / "old"
    F.build_profile(new, 120)
    F.build_profile(old, 120, legacy_ids=True)
    read = [[(r.source_id, r.sender_key, r.text, r.reply_to) for r in SignalDesktopImporter().read(p, opts(),
                                                                                                JobContext())
             if isinstance(r, MessageRec)] for p in (new, old)]
    assert read[0] == read[1] and any(r[3] for r in read[1]) and any("@Bob Roe" in (r[2] or "") for r in read[1])


def test_a_newer_copy_adds_only_what_is_new_and_marks_what_vanished(vault, tmp_path):
    first = tmp_path / "a"
    ex = F.build_profile(first, 200)
    run_import(vault, first, options=opts())
    later = tmp_path / "b"
    ex2 = F.build_profile(later, 200, skip={20, 21}, extra_texts=["new on desktop"])
    report = run_import(vault, later, options=opts())
    assert report.added == 1 and report.already_present == ex2.messages - 1 and report.missing_at_source == 2
    gone = {k for (k,) in rows(vault, "SELECT source_key FROM messages WHERE status = 'missing-at-source'")}
    assert gone == {ex.keys[20], ex.keys[21]}


def test_desktop_and_android_of_one_account_share_people_chats_and_messages(vault, tmp_path):
    """The same account's phone backup and Desktop folder: one source, one participant per person, one
    conversation per chat, and a message both hold stored once (keys: sent time + author)."""
    root = tmp_path / "Signal"
    F.build_profile(root, 120)
    backup = tmp_path / "signal-2024-05-01-10-00-00.backup"
    B.build_backup(backup, 120)
    run_import(vault, root, options=opts())
    before = rows(vault, "SELECT count(*) FROM messages")[0][0]
    report = run_import(vault, backup, options=opts(signal_passphrase=B.PASSPHRASE))
    assert report.already_present > 15 and report.missing_at_source == 0
    assert rows(vault, "SELECT app, account FROM sources") == [("signal", B.OWN_ACI)]
    assert rows(vault, "SELECT count(*) FROM participants WHERE source_key = ?", B.ALICE_ACI) == [(1,)]
    assert rows(vault, "SELECT count(*) FROM conversations") == [(4,)]
    shared = rows(vault, "SELECT count(*) FROM messages WHERE source_key = ?", f"{B.T0 + 60_000}-{B.BOB_ACI}")
    assert shared == [(1,)]
    assert rows(vault, "SELECT count(*) FROM messages")[0][0] == before + report.added


def test_attachments_are_only_read_inside_the_folder_and_checked(tmp_path):
    root = tmp_path / "Signal"
    ex = F.build_profile(root, 40)
    outside = tmp_path / "secret.txt"
    outside.write_text("not Signal's")
    recs = [r for r in SignalDesktopImporter().read(root, opts(), JobContext()) if isinstance(r, MessageRec)]
    rec = next(r for r in recs if r.attachments and r.attachments[0].open)
    # a flipped byte in the encrypted file: refused before any byte is handed out
    target = root / rec.attachments[0].expected_path
    data = bytearray(target.read_bytes())
    data[20] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(InputError, match="checksum"):
        rec.attachments[0].open()
    from chatvault.importers.signal_desktop.attachments import inside

    assert inside(root / "attachments.noindex", "../../secret.txt") is None
    (root / "attachments.noindex" / "link").symlink_to(outside)
    assert inside(root / "attachments.noindex", "link") is None
    assert len(ex.media) >= 10


def test_the_key_fields_checks():
    assert keys.check_key("ab" * 32) is None and keys.check_key(f"x'{'ab' * 32}'") is None
    assert keys.check_key("abc") == keys.KEY_PROBLEM
    names = [f.name for f in SignalDesktopImporter.fields]
    assert names == ["signal_key", "signal_safe_storage"]
