"""WeChat folders imported end to end into a real vault: dedup on re-import, missing-at-source, media."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from tests import wechat_fixtures as F
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def opts(**kw) -> ImportOptions:
    return ImportOptions(options=kw)


def rows(vault, sql: str, *args) -> list[tuple]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def by_key(vault) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in rows(vault, "SELECT source_key, kind, status, text, reply_to_id, extra FROM messages")}


def test_pc_import_twice_then_deleted_message_is_marked_missing(vault, tmp_path):
    folder = F.build_pc_folder(tmp_path / "a")
    first = run_import(vault, folder.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert first.outcome in ("ok", "partial") and first.added == len(folder.messages)
    assert first.attachments_stored >= 6 and first.attachments_missing >= 1
    again = run_import(vault, folder.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert again.added == 0 and again.already_present == len(folder.messages) and again.missing_at_source == 0
    msgs = by_key(vault)
    assert msgs["1013"][3] is not None                       # the quote is linked to the quoted message
    assert msgs["1013"][3] == rows(vault, "SELECT id FROM messages WHERE source_key = '1001'")[0][0]
    assert json.loads(msgs["1014"][4])["amount"] == "￥88.00"
    # the stored image is the decoded JPEG, not the XOR-ed .dat
    blob = rows(vault, "SELECT a.blob_id, a.mime FROM attachments a JOIN messages m ON m.id = a.message_id "
                       "WHERE m.source_key = '1003'")[0]
    assert blob[1] == "image/jpeg" and BlobStore(vault).read_all(blob[0]) == folder.image
    missing = rows(vault, "SELECT a.status, a.expected_path FROM attachments a JOIN messages m ON m.id = a.message_id "
                          "WHERE m.source_key = '1004'")[0]
    assert missing[0] == "missing" and missing[1].endswith("gone.dat")

    # WeChat later lost message 1002 (deleted on the phone) and got one new message: a newer copy of the folder
    newer = F.build_pc_folder(tmp_path / "b", drop={1002}, extra_msgs=[F.PCMsg("wxid_alice", 3001, 1, "new one", ts=F.T0 + 500)])
    third = run_import(vault, newer.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert third.added == 1 and third.missing_at_source == 1
    msgs = by_key(vault)
    assert msgs["1002"][1] == "missing-at-source" and msgs["1002"][2] == "hi Alice"   # kept, marked
    assert msgs["3001"][1] == "present"


def test_pc_deleted_chat_is_kept(vault, tmp_path):
    folder = F.build_pc_folder(tmp_path / "a")
    run_import(vault, folder.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    group = {m.svrid for m in folder.messages if m.talker == F.ROOM}
    cleared = F.build_pc_folder(tmp_path / "b", drop=group)        # the user deleted the group chat
    report = run_import(vault, cleared.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert report.added == 0
    kept = rows(vault, "SELECT count(*) FROM messages m JOIN conversations c "
                       "ON c.id = m.conversation_id WHERE c.source_key = ?", F.ROOM)[0]
    assert kept[0] == len(group)                                   # nothing of the deleted chat is lost
    # ... and it is marked: the whole-account snapshot no longer has it
    assert report.conversations_missing == 1 and report.missing_at_source == len(group)
    status = rows(vault, "SELECT c.source_key, m.status, m.missing_run_id, count(*) FROM messages m "
                         "JOIN conversations c ON c.id = m.conversation_id GROUP BY 1, 2, 3")
    assert (F.ROOM, "missing-at-source", report.run_id, len(group)) in status
    assert all(s == "present" for key, s, _, _ in status if key != F.ROOM)      # the other chats are untouched
    cov = rows(vault, "SELECT messages, missing FROM import_coverage ic JOIN conversations c "
                      "ON c.id = ic.conversation_id WHERE ic.run_id = ? AND c.source_key = ?", report.run_id, F.ROOM)
    assert cov == [(0, len(group))]                                # the run records it
    assert json.loads(rows(vault, "SELECT counts FROM import_runs WHERE id = ?",
                           report.run_id)[0][0])["conversations_missing"] == 1
    again = run_import(vault, cleared.root, format="wechat-pc", options=opts(key=F.KEY_HEX, reread=True))
    assert again.missing_at_source == 0 and again.conversations_missing == 0      # marked once
    back = run_import(vault, folder.root, format="wechat-pc", options=opts(key=F.KEY_HEX, reread=True))
    assert back.restored == len(group) and back.added == 0        # the chat came back (restored from a backup)


def test_deleted_chat_from_another_device_is_not_marked(vault, tmp_path):
    """One account, two devices: a chat only the phone had is not 'deleted' because the PC lacks it."""
    run_import(vault, F.build_android_folder(tmp_path / "and"), options=opts(imei=F.IMEI))
    group = {m.svrid for m in F.build_pc_folder(tmp_path / "x").messages if m.talker == F.ROOM}
    pc = F.build_pc_folder(tmp_path / "pc", drop=group)
    run_import(vault, pc.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    report = run_import(vault, pc.root, format="wechat-pc", options=opts(key=F.KEY_HEX, reread=True))
    assert report.conversations_missing == 0 and report.missing_at_source == 0
    room = rows(vault, "SELECT m.status, count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                       "WHERE c.source_key = ? GROUP BY 1", F.ROOM)
    assert room == [("present", 3)]                                # the phone's group chat stays present


def test_recalled_message_keeps_the_original(vault, tmp_path):
    """WeChat replaces a recalled message in place; the earlier import's copy stays, marked recalled."""
    folder = F.build_pc_folder(tmp_path / "a", extra_msgs=[F.PCMsg(F.ROOM, 4001, 1, "oops secret", ts=F.T0 + 900,
                                                                     extra=F.bytes_extra(sender="wxid_bob"))])
    run_import(vault, folder.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    later = F.build_pc_folder(tmp_path / "b", extra_msgs=[
        F.PCMsg(F.ROOM, 4001, 10000, '"Bobby in group" 撤回了一条消息', ts=F.T0 + 900),
        F.PCMsg(F.ROOM, 4002, 1, "after", ts=F.T0 + 950, extra=F.bytes_extra(sender="wxid_bob"))])
    report = run_import(vault, later.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert (report.added, report.recalled, report.missing_at_source) == (1, 1, 0)
    msgs = by_key(vault)
    assert msgs["4001"][2] == "oops secret" and msgs["4001"][1] == "present"
    assert json.loads(msgs["4001"][4])["recalled"]["notice"] == '"Bobby in group" 撤回了一条消息'
    assert "4001-recalled" not in msgs                             # the notice adds no second message


def test_auto_detection_and_other_variants(vault, tmp_path):
    pc = F.build_pc_folder(tmp_path / "pc")
    assert run_import(vault, pc.root, options=opts(key=F.KEY_HEX)).format == "wechat-pc"
    v4 = F.build_v4_folder(tmp_path / "v4")
    r4 = run_import(vault, v4, options=opts(key=F.KEY_HEX))
    assert r4.format == "weixin4" and r4.added == 11
    app = F.build_android_folder(tmp_path / "and")
    ra = run_import(vault, app, options=opts(imei=F.IMEI))
    assert ra.format == "wechat-android" and ra.added == 13
    assert run_import(vault, v4, options=opts(key=F.KEY_HEX)).added == 0          # stable keys everywhere
    assert run_import(vault, app, options=opts(imei=F.IMEI)).added == 0
    # one WeChat account, three devices: all under the same source
    assert rows(vault, "SELECT app, account FROM sources") == [("wechat", F.ME)]


def test_wrong_key_leaves_the_vault_unchanged(vault, tmp_path):
    pc = F.build_pc_folder(tmp_path / "pc")
    with pytest.raises(InputError) as e:
        run_import(vault, pc.root, format="wechat-pc", options=opts(key="11" * 32))
    assert "MicroMsg.db" in str(e.value)
    assert rows(vault, "SELECT count(*) FROM messages") == [(0,)]


def test_damaged_second_database_keeps_the_first_and_a_repaired_copy_completes(vault, tmp_path):
    """Each MSGn.db is checked just before it is read: a damaged MSG1.db stops the import with its
    name, MSG0.db's messages stay stored, and the repaired folder then adds exactly the rest."""
    pc = F.build_pc_folder(tmp_path / "pc")
    full = len(pc.messages)
    db = pc.root / "Msg/Multi/MSG1.db"
    good = db.read_bytes()
    db.write_bytes(good[: len(good) // 2 + 100])
    with pytest.raises(InputError) as e:
        run_import(vault, pc.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert "MSG1.db" in str(e.value) and "damaged" in e.value.message
    kept = rows(vault, "SELECT location FROM messages")
    assert kept and all(loc.startswith("MSG0.db#") for (loc,) in kept)
    db.write_bytes(good)
    report = run_import(vault, pc.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    assert report.added == full - len(kept) and report.already_present == len(kept)
    assert rows(vault, "SELECT count(*), count(DISTINCT source_key) FROM messages") == [(full, full)]


def test_hostile_xml_needs_no_network(vault, tmp_path, monkeypatch):
    pc = F.build_pc_folder(tmp_path / "pc")

    def no_network(*a, **k):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    run_import(vault, pc.root, format="wechat-pc", options=opts(key=F.KEY_HEX))
    msgs = by_key(vault)
    for key in ("1021", "1022", "1023", "1024"):
        assert json.loads(msgs[key][4])["unparsable"] == "unparsable XML"
        assert "root:" not in (msgs[key][2] or "")                 # /etc/passwd never read


def test_cli_import_with_key(cli, tmp_path, vault_path):
    from chatvault.vault.vault import create_vault

    create_vault(vault_path, PASSPHRASE)[0].lock()
    pc = F.build_pc_folder(tmp_path / "pc")
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    r = cli("--vault", str(vault_path), "--json", "import", str(pc.root), "--format", "wechat-pc",
            "--key", F.KEY_HEX, env=env)
    assert r.returncode == 0, r.stderr
    other = F.build_pc_folder(tmp_path / "other")           # a new folder: the engine must read it
    r = cli("--vault", str(vault_path), "import", str(other.root), env=env)
    assert r.returncode != 0 and "--key" in (r.stdout + r.stderr)
    shutil.rmtree(tmp_path / "work", ignore_errors=True)


def test_phone_messages_absent_from_the_pc_database_are_not_marked_missing(vault, tmp_path):
    """One account, phone first, then PC: the chats overlap, and every phone message the PC database
    lacks is still 'present' (the PC never had it; nothing was deleted)."""
    ra = run_import(vault, F.build_android_folder(tmp_path / "and"), options=opts(imei=F.IMEI))
    pc = F.build_pc_folder(tmp_path / "pc")
    rp = run_import(vault, pc.root, options=opts(key=F.KEY_HEX))
    assert ra.added and rp.added and rp.missing_at_source == 0 and rp.conversations_missing == 0
    assert rows(vault, "SELECT count(*) FROM messages WHERE status != 'present'") == [(0,)]
    # the phone again, after the PC: still nothing marked either way
    again = run_import(vault, F.build_android_folder(tmp_path / "and2"), options=opts(imei=F.IMEI))
    assert again.added == 0 and again.missing_at_source == 0


def _image_blob(vault, source_key: str) -> tuple:
    return rows(vault, "SELECT a.blob_id, a.mime, a.extra FROM attachments a JOIN messages m ON m.id = a.message_id "
                       "WHERE m.source_key = ?", source_key)[0]


def test_weixin4_v1_and_v2_images_stored_as_the_original_pictures(vault, tmp_path):
    root = F.build_v4_folder(tmp_path / "v4")
    pics = F.v4_pictures()
    store = BlobStore(vault)
    first = run_import(vault, root, format="weixin4", options=opts(key=F.KEY_HEX))
    assert first.outcome == "ok"
    assert [w for w in first.warnings if "1 image(s) need the Weixin image key" in w]
    v1 = _image_blob(vault, "5003")
    assert v1[1] == "image/jpeg" and store.read_all(v1[0]) == pics["v1"]        # V1: no key needed
    v2 = _image_blob(vault, "5004")
    assert json.loads(v2[2])["dat_reason"] == "needs the image key"
    assert store.read_all(v2[0])[:6] == b"\x07\x08V2\x08\x07"                     # kept, never a guessed picture
    # the same folder again with the image key is read again (not skipped as identical)
    again = run_import(vault, root, format="weixin4", options=opts(key=F.KEY_HEX, image_key=F.IMAGE_KEY.decode()))
    assert again.identical_to is None and again.added == 0 and again.already_present == first.added
    # ... and the picture kept undecoded before is now the original GIF; the .dat it came from stays
    decoded = _image_blob(vault, "5004")
    extra = json.loads(decoded[2])
    assert decoded[1] == "image/gif" and store.read_all(decoded[0]) == pics["v2_h"]
    assert "dat_undecoded" not in extra and extra["original_dat_blob"] == v2[0]
    assert store.read_all(extra["original_dat_blob"])[:6] == b"\x07\x08V2\x08\x07"
    assert again.attachments_filled == 1 and [w for w in again.warnings if "kept undecoded were decoded" in w]
    assert rows(vault, "SELECT count(*) FROM blobs WHERE id = ?", v2[0]) == [(1,)]   # not an orphan for check
    # a third time: nothing left to upgrade
    third = run_import(vault, root, format="weixin4", options=opts(key=F.KEY_HEX, image_key=F.IMAGE_KEY.hex(),
                                                                     reread=True))
    assert third.attachments_filled == 0 and _image_blob(vault, "5004")[0] == decoded[0]


def test_weixin4_v2_image_stored_decoded_with_the_image_key(tmp_path):
    from chatvault.vault.vault import create_vault

    vault = create_vault(tmp_path / "vault", PASSPHRASE)[0]
    try:
        root = F.build_v4_folder(tmp_path / "v4")
        report = run_import(vault, root, format="weixin4", options=opts(key=F.KEY_HEX, image_key=F.IMAGE_KEY.hex()))
        assert report.outcome == "ok" and not [w for w in report.warnings if "image key" in w]
        v2 = _image_blob(vault, "5004")
        assert v2[1] == "image/gif" and BlobStore(vault).read_all(v2[0]) == F.v4_pictures()["v2_h"]
        assert "dat_undecoded" not in json.loads(v2[2] or "{}")
    finally:
        vault.lock()


def test_cli_image_key_is_used_and_kept_nowhere(cli, tmp_path, vault_path):
    from chatvault.vault.vault import create_vault, open_vault

    create_vault(vault_path, PASSPHRASE)[0].lock()
    root = F.build_v4_folder(tmp_path / "v4")
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    r = cli("--vault", str(vault_path), "--json", "import", str(root), "--key", F.KEY_HEX,
            "--image-key", F.IMAGE_KEY.decode(), env=env)
    assert r.returncode == 0, r.stderr
    assert F.IMAGE_KEY.decode() not in r.stdout + r.stderr and "image key" not in r.stdout
    vault = open_vault(vault_path, PASSPHRASE)
    try:
        runs = rows(vault, "SELECT counts, error FROM import_runs")
        assert runs and not any(F.IMAGE_KEY.decode() in str(x) or F.IMAGE_KEY.hex() in str(x) for x in runs)
        assert BlobStore(vault).read_all(_image_blob(vault, "5004")[0]) == F.v4_pictures()["v2_h"]
    finally:
        vault.lock()
