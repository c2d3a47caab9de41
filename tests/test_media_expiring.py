"""`chatvault media expiring`: exactly the thumbnail-only and device-only media past the clean-up
age, grouped by chat; a real watch folder capturing the originals clears them (issue #21)."""

from __future__ import annotations

import json
import time

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from chatvault.media.expiring import DAY_MS, expiring, limits, set_limit
from chatvault.watch import WatchService
from chatvault.watch.folders import add_folder
from tests import wechat_fixtures as F
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def _ids(vault, *svrids: int) -> dict[int, int]:
    conn = vault.connect(readonly=True)
    try:
        return {int(k): int(a) for k, a in conn.execute(
            "SELECT m.source_key, a.id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.source_key IN "
            f"({','.join('?' * len(svrids))})", [str(s) for s in svrids])}
    finally:
        conn.close()


def _expiring(cli, vault_path, *args: str) -> dict:
    r = cli("--vault", str(vault_path), "--json", "media", "expiring", *args,
            env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_expiring_lists_exactly_the_device_only_media_and_a_watch_capture_clears_it(vault, vault_path, tmp_path,
                                                                                     cli) -> None:
    pc = F.build_pc_folder(tmp_path / "pc")
    run_import(vault, pc.root, format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    ids = _ids(vault, 1003, 1004, 1006, 1026, 2005)
    vault.lock()

    got = _expiring(cli, vault_path)
    # 1026: only WeChat's thumbnail was in the folder; 1004: the database names Image/…/gone.dat,
    # which the folder no longer had. Stored originals (1003, 2005, the video 1006) are not listed.
    assert sorted(a["attachment_id"] for a in got["attachments"]) == sorted([ids[1026], ids[1004]])
    assert {a["attachment_id"]: a["quality"] for a in got["attachments"]} == {ids[1026]: "thumbnail",
                                                                              ids[1004]: "missing"}
    assert got["limits"]["wechat"] == 3 and got["count"] == 2
    [chat] = got["chats"]
    assert (chat["count"], chat["thumbnails"], chat["missing"], chat["devices"]) == (2, 1, 1, ["computer"])
    assert chat["oldest_date"].startswith("2026-01-01") and chat["app"] == "wechat"
    assert _expiring(cli, vault_path, "--older-than", "3650")["count"] == 0     # younger than ten years
    r = cli("--vault", str(vault_path), "media", "expiring", env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert "2 file(s) — 1 thumbnail only, 1 not imported" in r.stdout and "open it on the computer" in r.stdout

    # The user opens the chat on the PC; WeChat downloads the originals; a watch folder captures them.
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    folder = tmp_path / "watched"
    folder.mkdir()
    conn = v.connect()
    add_folder(conn, folder, "capture")
    conn.close()
    original, gone = F.jpeg_bytes((10, 120, 220), (64, 48)), F.jpeg_bytes((90, 10, 20), (40, 30))
    (folder / "img3.dat").write_bytes(F.xor(original))
    (folder / "gone.dat").write_bytes(F.xor(gone))
    service = WatchService(v, debounce=0.3, tick=0.05, reach_every=0.2)
    service.start()
    try:
        deadline = time.monotonic() + 20
        while expiring(_ro := v.connect(readonly=True)).items and time.monotonic() < deadline:
            _ro.close()
            time.sleep(0.1)
        _ro.close()
    finally:
        service.stop()
    conn = v.connect(readonly=True)
    rows = {r[0]: r for r in conn.execute("SELECT id, status, quality, blob_id, thumb_blob_id FROM attachments "
                                          "WHERE id IN (?, ?)", (ids[1026], ids[1004]))}
    conn.close()
    store = BlobStore(v)
    assert rows[ids[1026]][1:3] == ("stored", "original") and store.read_all(rows[ids[1026]][3]) == original
    assert rows[ids[1026]][4] is not None                        # the thumbnail stays the thumbnail
    assert rows[ids[1004]][1:3] == ("stored", "original") and store.read_all(rows[ids[1004]][3]) == gone
    v.lock()
    assert _expiring(cli, vault_path)["count"] == 0


def test_the_age_is_a_setting_per_app(vault) -> None:
    conn = vault.connect()
    assert limits(conn) == {"wechat": 3, "whatsapp": 30}
    conn.execute("BEGIN IMMEDIATE")
    set_limit(conn, "wechat", 14)
    conn.execute("COMMIT")
    assert limits(conn)["wechat"] == 14
    from chatvault.errors import UsageError

    with pytest.raises(UsageError):
        set_limit(conn, "telegram", 5)           # Telegram keeps media in its cloud: no age applies
    from tests.test_media_support import add_attachment, add_chat, add_message

    conn.execute("BEGIN IMMEDIATE")
    cid, pid = add_chat(conn, "Friend", app="wechat")
    now = 1_800_000_000_000
    young = add_attachment(conn, add_message(conn, cid, pid, "young", ts=now - 10 * DAY_MS), status="missing",
                           expected_path="image2/ab/cd/young")
    old = add_attachment(conn, add_message(conn, cid, pid, "old", ts=now - 20 * DAY_MS), status="missing",
                         expected_path="image2/ab/cd/old")
    conn.execute("UPDATE attachments SET quality = 'missing' WHERE id IN (?, ?)", (young, old))
    conn.execute("COMMIT")
    report = expiring(conn, now_ms=now)
    assert [i.attachment_id for i in report.items] == [old] and report.items[0].device == "phone"
    assert [i.attachment_id for i in expiring(conn, older_than_days=5, now_ms=now).items] == [old, young]
    conn.close()
