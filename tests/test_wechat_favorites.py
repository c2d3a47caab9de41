"""WeChat Favorites (收藏) from PC 3.x, Weixin 4 and Android account folders: every type with its tags,
source and times, media from the local cache (or recorded missing with the path WeChat used), damaged
items kept as unparsed, deletions across two states kept and marked, and search over the feed."""

from __future__ import annotations

import json

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.search.api import SearchFilters, search
from chatvault.store import favorites as favstore
from chatvault.store import queries
from tests import wechat_favorites as W
from tests import wechat_fixtures as F
from tests import wechat_states as S

KEY = {"key": F.KEY_HEX}


def _items(conn) -> dict[str, dict]:
    """Stored favorites by their WeChat local id, with extra decoded and attachments."""
    out = {}
    for r in favstore.items(conn, limit=10_000):
        r["extra"] = json.loads(r["extra"]) if r["extra"] else {}
        out[str(r["extra"]["fav_local_id"])] = r
    return out


@pytest.fixture
def pc_vault(vault, tmp_path):
    root = S.write_pc(tmp_path, 1, favs=[*W.catalogue(), W.Fav(99, 1, W.T, raw=W.DAMAGED)])
    report = run_import(vault, root, options=ImportOptions(options=KEY))
    return vault, report


def test_every_type_from_pc_is_one_favorite_with_its_details(pc_vault):
    vault, report = pc_vault
    assert report.unparsed == 1                       # the damaged item, kept verbatim
    conn = vault.connect(readonly=True)
    feeds = queries.feeds(conn)
    assert [(f["feed"], f["title"], f["messages"]) for f in feeds] == [("favorites", "Favorites", len(W.TYPES))]
    assert "Favorites" not in [c["title"] for c in queries.chat_list(conn)]
    items = _items(conn)
    kinds = {r["extra"]["fav_kind"]: r for r in items.values()}
    assert set(kinds) == set(W.TYPES)
    text = kinds["text"]
    assert text["text"].startswith("Remember the keys") and text["kind"] == "text"
    assert text["sender"] == "Alice R"                                  # who said it: the contact's remark
    assert text["extra"]["tags"] == ["Work", "报销"]
    assert text["extra"]["original_ts"] == (text["ts"] // 1000 - 3600) * 1000
    image = kinds["image"]
    assert image["kind"] == "image" and image["sender"] == "Bob"
    assert image["extra"]["fav_source"]["chat_name"] == "Hiking group"
    assert [(a["status"], a["mime"]) for a in image["attachments"]] == [("stored", "image/jpeg")]
    voice = kinds["voice"]
    assert voice["kind"] == "voice" and voice["attachments"][0]["status"] == "stored"
    assert voice["extra"]["duration_ms"] == 4200
    assert kinds["video"]["kind"] == "video" and kinds["video"]["attachments"][0]["mime"] == "video/mp4"
    f = kinds["file"]
    assert f["kind"] == "file" and f["attachments"][0]["original_name"] == f["text"] == "receipt-5.pdf"
    assert kinds["link"]["extra"]["url"] == "https://hikes.example/6" and kinds["link"]["kind"] == "link"
    art = kinds["article"]
    assert art["extra"]["article"] is True and art["extra"]["url"].startswith("https://mp.weixin.qq.com/")
    bundle = kinds["chat_history"]["extra"]["bundle"]
    assert [(b["sender"], b.get("text")) for b in bundle] == [
        ("Alice R", "Where do we meet?"), ("Bob", "At the north gate 北门"), ("Alice R", "[Photo]")]
    assert all(b["ts"] for b in bundle) and bundle[0]["time"]
    note = kinds["note"]
    assert [p["type"] for p in note["extra"]["note"]] == ["text", "text", "image"]
    assert note["text"] == "Packing list 行李清单\nTent, stove, water"
    assert note["attachments"][0]["status"] == "stored"
    loc = kinds["location"]
    assert loc["kind"] == "location" and loc["text"] == "天安门 10" and loc["extra"]["lat"] == 39.9087
    assert kinds["mini_program"]["extra"]["mini_program"]["name"] == "Bike Share"
    assert kinds["product"]["extra"]["product"]["title"] == "Rain jacket"
    assert kinds["channels"]["extra"]["channels"]["nickname"] == "Chef Li"
    assert kinds["music"]["extra"]["url"] == "https://music.example/1"


def test_a_damaged_item_is_kept_as_unparsed_in_the_feed(pc_vault):
    vault, report = pc_vault
    conn = vault.connect(readonly=True)
    rows = conn.execute("SELECT location, reason, raw FROM unparsed").fetchall()
    assert [(r["location"], r["raw"]) for r in rows] == [("Favorite.db#FavLocalID=99", W.DAMAGED)]
    assert "unreadable favorite XML" in rows[0]["reason"]


def test_tags_and_bundle_messages_are_searchable_in_the_favorites_feed(pc_vault):
    vault, _ = pc_vault
    conn = vault.connect(readonly=True)
    tagged = search(conn, "报销", SearchFilters(feeds=["favorites"]))
    assert tagged.total == sum(1 for f in W.catalogue() if "报销" in f.tags)
    gate = search(conn, "north gate", SearchFilters(feeds=["favorites"]))
    assert [h.conversation for h in gate.results] == ["Favorites"]
    assert search(conn, "north gate", SearchFilters(feeds=["chats"])).total == 0


def test_missing_media_is_recorded_with_the_path_wechat_used(vault, tmp_path):
    """A photo whose original is gone but whose thumbnail is cached keeps the thumbnail (marked so);
    a file that is gone is recorded missing, with where WeChat keeps favorites' files."""
    favs = [W.one("image", 1, cached=False), W.one("file", 2, cached=False)]
    root = S.write_pc(tmp_path, 1, favs=favs)
    run_import(vault, root, options=ImportOptions(options=KEY))
    items = _items(vault.connect(readonly=True))
    thumb, gone = (items[k]["attachments"][0] for k in ("1", "2"))
    assert thumb["status"] == "stored" and json.loads(thumb["extra"])["quality"] == "thumbnail"
    assert thumb["expected_path"] == "FileStorage/Fav/Data/…/d00001.jpg"
    assert gone["status"] == "missing" and gone["expected_path"] == "FileStorage/Fav/Data/…/d00002.pdf"


def test_a_pc_part_falls_back_to_the_chats_own_copy(vault, tmp_path):
    """A favorited file whose Fav copy is gone is read from where the chat kept it (sourcedatapath)."""
    fav = W.one("file", 1, cached=False)
    fav.parts[0].source_path = "wxid_me\\FileStorage\\File\\2026-01\\receipt-1.pdf"
    root = S.write_pc(tmp_path, 1, favs=[fav])
    (root / "FileStorage" / "File" / "2026-01").mkdir(parents=True)
    (root / "FileStorage" / "File" / "2026-01" / "receipt-1.pdf").write_bytes(b"%PDF chat copy")
    run_import(vault, root, options=ImportOptions(options=KEY))
    att = _items(vault.connect(readonly=True))["1"]["attachments"][0]
    assert att["status"] == "stored" and att["size"] == len(b"%PDF chat copy")


def test_weixin4_favorites_with_tags_zstd_and_media_found_by_content(vault, tmp_path):
    favs = W.catalogue()
    root = S.write_v4(tmp_path, 1, favs=favs)
    opts = ImportOptions(options={**KEY, "image_key": F.IMAGE_KEY.decode()})
    report = run_import(vault, root, options=opts)
    assert report.unparsed == 0
    items = _items(vault.connect(readonly=True))
    assert len(items) == len(favs)
    by_kind = {r["extra"]["fav_kind"]: r for r in items.values()}
    # V2 .dat pictures decoded with the image key; the others named only by a counter, found by their md5
    assert by_kind["image"]["attachments"][0]["mime"] == "image/jpeg"
    assert by_kind["file"]["attachments"][0]["status"] == "stored"
    assert by_kind["voice"]["attachments"][0]["status"] == "stored"
    assert by_kind["text"]["extra"]["tags"] == ["Work", "报销"]
    assert all(r["ts"] // 1000 == f.updated for f in favs for r in [items[str(f.local_id)]])  # seconds and ms


def test_android_enfavorite_is_read_with_the_phone_key(vault, tmp_path):
    favs = W.catalogue()
    app = S.write_android(tmp_path, 1, favs=favs)
    run_import(vault, app, options=ImportOptions(options={"imei": F.IMEI}))
    items = _items(vault.connect(readonly=True))
    assert len(items) == len(favs)
    kinds = {r["extra"]["fav_kind"] for r in items.values()}
    assert kinds == set(W.TYPES)
    img = next(r for r in items.values() if r["extra"]["fav_kind"] == "image")
    assert img["attachments"][0]["status"] == "stored"


def test_a_damaged_favorites_database_leaves_the_chats_and_the_stored_favorites(vault, tmp_path):
    root = S.write_pc(tmp_path, 1, favs=W.catalogue())
    run_import(vault, root, options=ImportOptions(options=KEY))
    db = root / "Msg" / "Favorite.db"
    db.write_bytes(db.read_bytes()[:4096] + b"\x00" * 4096)      # cut off after page 1
    report = run_import(vault, root, options=ImportOptions(options=KEY))
    assert report.unparsed == 1 and report.outcome in ("ok", "partial")
    conn = vault.connect(readonly=True)
    assert conn.execute("SELECT count(*) FROM messages WHERE status = 'missing-at-source'").fetchone()[0] == 0
    assert favstore.count(conn) == len(W.TYPES)


def test_500_favorites_of_every_type_and_deletions_in_a_later_state(vault, tmp_path):
    """The issue's acceptance: 500 favorites of every type import completely; a later state of the
    account without some of them (the oldest, the newest, one between) keeps them, marked."""
    first = W.catalogue(500)
    root = S.write_pc(tmp_path, 1, favs=first)
    report = run_import(vault, root, options=ImportOptions(options=KEY))
    assert report.unparsed == 0
    conn = vault.connect(readonly=True)
    assert favstore.count(conn) == 500
    items = _items(conn)
    assert {r["extra"]["fav_kind"] for r in items.values()} == set(W.TYPES)
    media = sum(1 for f in first for p in f.parts if p.media_expected)
    assert sum(1 for r in items.values() for a in r["attachments"] if a["status"] == "stored") == media
    gone = {1, 250, 500}
    later = [f for f in first if f.local_id not in gone] + [W.one("text", 501)]
    S.write_pc(tmp_path, 2, favs=later)
    report2 = run_import(vault, root, options=ImportOptions(options=KEY))
    assert report2.missing_at_source == 3 and report2.added >= 1
    conn = vault.connect(readonly=True)
    rows = conn.execute("SELECT json_extract(m.extra, '$.fav_local_id') AS lid, m.status FROM messages m"
                        " JOIN conversations c ON c.id = m.conversation_id WHERE c.feed = 'favorites'").fetchall()
    status = {str(r["lid"]): r["status"] for r in rows}
    assert len(status) == 501
    assert {k for k, v in status.items() if v == "missing-at-source"} == {"1", "250", "500"}


def test_search_cli_finds_favorites_by_tag_with_feed(vault_path, vault, tmp_path, cli):
    from tests.conftest import PASSPHRASE

    root = S.write_pc(tmp_path, 1, favs=W.catalogue())
    run_import(vault, root, options=ImportOptions(options=KEY))
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    out = cli("search", "Family", "--feed", "favorites", "--json", env=env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["results"]
    assert len(hits) == sum(1 for f in W.catalogue() if "Family" in f.tags)
    assert {h["conversation"] for h in hits} == {"Favorites"}


def test_a_link_out_of_the_cache_is_not_followed(vault, tmp_path):
    """A cache entry that is a symlink to a file outside the account folder is not read."""
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"not yours")
    fav = W.one("file", 1, cached=False)
    root = S.write_pc(tmp_path / "acct", 1, favs=[fav])
    link = root / "FileStorage" / "Fav" / "Data" / "01" / "d00001.pdf"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    run_import(vault, root, options=ImportOptions(options=KEY))
    att = _items(vault.connect(readonly=True))["1"]["attachments"][0]
    assert att["status"] == "missing" and att["blob_id"] is None


def test_one_accounts_favorites_from_the_pc_and_the_phone_are_one_set(vault, tmp_path):
    """Synced favorites carry WeChat's server id on every device: read from the PC and then from the
    phone they are stored once. A favorite not synced yet keeps its device's local id apart."""
    favs = W.catalogue()
    local_only = W.one("text", 40)
    local_only.synced = False
    root = S.write_pc(tmp_path / "pc", 1, favs=[*favs, local_only])
    run_import(vault, root, options=ImportOptions(options=KEY))
    app = S.write_android(tmp_path / "phone", 1, favs=[*favs, local_only])
    report = run_import(vault, app, options=ImportOptions(options={"imei": F.IMEI}))
    conn = vault.connect(readonly=True)
    assert favstore.count(conn) == len(favs) + 2          # the unsynced one once per device
    assert report.already_present >= len(favs)
    keys = {r["source_key"] for r in favstore.items(conn, limit=100)}
    assert {"pc:40", "android:40", f"fav-{9_000_000 + 1}"} <= keys
