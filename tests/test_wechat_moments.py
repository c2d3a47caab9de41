"""Moments (朋友圈) from the three WeChat layouts: every content type, names, the local cache, a garbled
post, a Moments database that cannot be opened, and posts deleted between two imports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import ImportReport, run_import
from chatvault.vault.vault import Vault, create_vault
from tests import wechat_fixtures as F
from tests import wechat_moments as M
from tests.conftest import PASSPHRASE

NAMES = {"wxid_alice": "Alice", "wxid_bob": "Bob", "wxid_carol": "Carol"}
LAYOUTS = ["wechat-pc", "weixin4", "wechat-android"]
PID = {n: str(M.POST_BASE + n) for n in range(1, 8)}


def build(fmt: str, base: Path, posts: list[M.MPost], notifications=()) -> tuple[Path, dict]:
    """An account folder of `fmt` with `posts` in its Moments database; (path to import, options)."""
    if fmt == "wechat-pc":
        root = F.build_pc_folder(base).root
        M.write_pc_sns(root, posts)
        return root, {"key": F.KEY_HEX}
    if fmt == "weixin4":
        root = F.build_v4_folder(base)
        M.write_v4_sns(root, posts, names=NAMES)
        return root, {"key": F.KEY_HEX}
    app = F.build_android_folder(base)
    acct = next((app / "MicroMsg").iterdir())
    M.write_android_sns(acct, posts, names=NAMES, notifications=notifications)
    return app, {"imei": F.IMEI}


@dataclass
class Imported:
    fmt: str
    vault: Vault
    report: ImportReport
    folder: Path

    def rows(self, sql: str, *args) -> list:
        conn = self.vault.connect(readonly=True)
        try:
            return [tuple(r) for r in conn.execute(sql, args)]
        finally:
            conn.close()

    def moments(self) -> dict[str, dict]:
        out = {}
        for key, kind, text, reply, status, extra, sender, cid in self.rows(
                "SELECT m.source_key, m.kind, m.text, m.reply_to_key, m.status, m.extra, p.source_key, m.id "
                "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                "LEFT JOIN participants p ON p.id = m.sender_id WHERE c.feed = 'moments'"):
            atts = self.rows("SELECT status, mime, extra FROM attachments WHERE message_id = ? ORDER BY ordinal", cid)
            out[key] = {"kind": kind, "text": text, "reply": reply, "status": status,
                        "extra": json.loads(extra or "{}"), "sender": sender,
                        "atts": [(s, m, json.loads(e or "{}")) for s, m, e in atts]}
        return out


@pytest.fixture(scope="module", params=LAYOUTS)
def imported(request, tmp_path_factory) -> Iterator[Imported]:
    fmt = request.param
    base = tmp_path_factory.mktemp(fmt)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHATVAULT_TMPDIR", str(base / "work"))
        vault, _ = create_vault(base / "vault", PASSPHRASE)
        late = M.sample_posts()[0]
        notes = [(late, 9009, "wxid_carol", late.ts + 50, "seen in the notifications")]
        path, options = build(fmt, base, M.sample_posts(), notes)
        report = run_import(vault, path, format=fmt, options=ImportOptions(options=options))
    yield Imported(fmt, vault, report, path)
    vault.lock()


def test_every_post_and_comment_lands_in_the_accounts_moments_feed(imported):
    conv = imported.rows("SELECT source_key, feed, title FROM conversations WHERE feed IS NOT NULL")
    assert conv == [("@moments", "moments", "Moments")]
    m = imported.moments()
    posts = {k: v for k, v in m.items() if v["reply"] is None}
    assert set(posts) == {PID[n] for n in range(1, 7)}              # the garbled seventh is not a post
    assert posts[PID[1]]["text"] == "第一条朋友圈 first post" and posts[PID[1]]["sender"] == F.ME
    assert posts[PID[2]]["sender"] == "wxid_alice"
    # The chat list leaves the feed out; the chats are still there.
    assert imported.rows("SELECT count(*) FROM conversations WHERE feed IS NULL")[0][0] >= 2


def test_comments_reply_to_their_post_and_likes_carry_names(imported):
    m = imported.moments()
    first = m[PID[1]]
    likes = first["extra"]["moments"]["likes"]
    # Names come from the contacts the importer already read (Alice's remark wins over her nickname).
    assert [(lk["key"], lk["name"]) for lk in likes] == [("wxid_alice", "Alice R"), ("wxid_bob", "Bob")]
    c1, c2 = m[f"{PID[1]}:c9001"], m[f"{PID[1]}:c9002"]
    assert (c1["reply"], c1["text"], c1["sender"]) == (PID[1], "好看！", "wxid_alice")
    assert c2["extra"]["moments"]["reply_to_name"] == "Alice R" and c2["sender"] == F.ME
    if imported.fmt == "wechat-android":      # SnsComment rows the post's own list lacks are added
        assert m[f"{PID[1]}:c9009"]["text"] == "seen in the notifications"


def test_photos_from_the_cache_and_the_url_kept_when_missing(imported):
    m = imported.moments()
    hike, nine, private = m[PID[2]], m[PID[6]], m[PID[5]]
    assert hike["kind"] == "image" and [a[0] for a in hike["atts"]] == ["stored"] * 3
    assert len(nine["atts"]) == 9 and all(a[0] == "stored" for a in nine["atts"])
    assert all(a[2].get("url", "").startswith("http://shmmsns.qpic.cn/") for a in hike["atts"])
    (status, _mime, extra), = private["atts"]                       # not in the cache: missing, URL kept
    assert status == "missing" and extra["url"].startswith("http://shmmsns.qpic.cn/mmsns/")
    assert hike["extra"]["moments"]["media"][0]["width"] == 1080


def test_video_link_location_and_visibility(imported):
    m = imported.moments()
    video, link, hike, private = m[PID[3]], m[PID[4]], m[PID[2]], m[PID[5]]
    assert video["kind"] == "video"
    (status, _mime, extra), = video["atts"]                         # only the thumbnail was cached
    assert status == "stored" and extra["quality"] == "thumbnail"
    assert link["kind"] == "link"
    assert (link["extra"]["url"], link["extra"]["title"]) == ("https://mp.weixin.qq.com/s/abcDEF123", "十个关于归档的故事")
    loc = hike["extra"]["location"]
    assert (loc["poi"], loc["city"]) == ("外滩", "上海") and abs(loc["lat"] - 31.2397) < 1e-3
    vis = private["extra"]["moments"]["visibility"]
    assert vis["private"] is True
    if imported.fmt == "wechat-android":
        assert (vis["visible_to"], vis["hidden_from"]) == (["wxid_alice"], ["wxid_bob"])


def test_a_garbled_post_is_kept_as_unparsed_not_an_abort(imported):
    assert imported.report.outcome == "partial" and imported.report.unparsed == 1
    (reason, raw), = imported.rows("SELECT reason, raw FROM unparsed")
    assert reason.startswith("Moments post:") and raw
    assert imported.rows("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                         "WHERE c.feed IS NULL")[0][0] > 5       # the chats were all imported


def test_a_moments_database_that_cannot_be_opened_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    root = F.build_pc_folder(tmp_path).root
    sns = M.write_pc_sns(root, M.sample_posts()[:2])
    sns.write_bytes(sns.read_bytes()[:600])                         # cut short: damaged
    vault, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    report = run_import(vault, root, format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    assert report.added > 5 and any("Moments were not imported" in w and "Sns.db" in w for w in report.warnings)


def test_one_post_read_from_the_phone_and_the_pc_is_one_post(tmp_path, monkeypatch):
    """Post ids are stored signed on PC and Android; both give WeChat's unsigned id as the key."""
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    vault, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    posts = M.sample_posts()[:2]
    for fmt in ("wechat-pc", "wechat-android"):
        path, options = build(fmt, tmp_path / fmt, posts)
        run_import(vault, path, format=fmt, options=ImportOptions(options=options))
    conn = vault.connect(readonly=True)
    try:
        keys = [r[0] for r in conn.execute("SELECT m.source_key FROM messages m JOIN conversations c "
                                           "ON c.id = m.conversation_id WHERE c.feed = 'moments' AND m.reply_to_key IS NULL")]
    finally:
        conn.close()
    assert sorted(keys) == [PID[1], PID[2]]


def test_1000_posts_import_completely_and_50_deleted_later_are_kept_marked(tmp_path, monkeypatch):
    """The issue's acceptance: 1,000 posts (300 with pictures, comments and likes from 20 friends)
    import completely; a later state of the account with 50 posts deleted keeps them, marked."""
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    vault, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    root = F.build_pc_folder(tmp_path).root
    opts = ImportOptions(options={"key": F.KEY_HEX})
    first_posts = M.big_posts(1)
    M.write_pc_sns(root, first_posts)
    first = run_import(vault, root, format="wechat-pc", options=opts)
    assert first.outcome == "ok", first.warnings
    conn = vault.connect(readonly=True)
    try:
        posts = conn.execute("SELECT count(*), sum(m.kind = 'image') FROM messages m JOIN conversations c ON "
                             "c.id = m.conversation_id WHERE c.feed = 'moments' AND m.reply_to_key IS NULL").fetchone()
        comments = conn.execute("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                                "WHERE c.feed = 'moments' AND m.reply_to_key IS NOT NULL").fetchone()[0]
        likers = conn.execute("SELECT count(DISTINCT json_extract(j.value, '$.key')) FROM messages m, "
                              "json_each(json_extract(m.extra, '$.moments.likes')) j").fetchone()[0]
        pictures = conn.execute("SELECT count(*), sum(a.status = 'stored') FROM attachments a JOIN messages m "
                                "ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id "
                                "WHERE c.feed = 'moments'").fetchone()
    finally:
        conn.close()
    assert tuple(posts) == (1000, 300)
    assert comments == sum(len(p.comments) for p in first_posts) and likers == 20
    assert pictures[0] == sum(p.images for p in first_posts) and pictures[1] > 0

    M.write_pc_sns(root, M.big_posts(2))
    second = run_import(vault, root, format="wechat-pc", options=opts)
    assert second.outcome == "ok", second.warnings
    deleted = {str(M.POST_BASE + n) for n in M.deleted_in_state2()}
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT m.source_key, m.status, m.text FROM messages m JOIN conversations c "
                            "ON c.id = m.conversation_id WHERE c.feed = 'moments' AND m.reply_to_key IS NULL").fetchall()
    finally:
        conn.close()
    status = {r[0]: r[1] for r in rows}
    assert len(status) == 1005                                       # nothing removed, 5 new
    assert {k for k, s in status.items() if s == "missing-at-source"} == deleted
    gone = next(r for r in rows if r[0] == str(M.POST_BASE + 25))
    assert gone[2] == "post 25 第25条"                               # the deleted post's words are kept
    deleted_comments = sum(len(p.comments) for p in first_posts if str(p.id) in deleted)
    assert second.missing_at_source == 50 + deleted_comments


def test_likes_that_came_later_are_added_and_a_withdrawn_like_stays(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    vault, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    root = F.build_pc_folder(tmp_path).root
    opts = ImportOptions(options={"key": F.KEY_HEX})
    post = M.sample_posts()[0]                                     # liked by Alice and Bob
    M.write_pc_sns(root, [post])
    run_import(vault, root, format="wechat-pc", options=opts)
    post.likes = [("wxid_bob", post.ts + 21), ("wxid_carol", post.ts + 99)]   # Alice withdrew, Carol liked
    M.write_pc_sns(root, [post])
    run_import(vault, root, format="wechat-pc", options=opts)
    conn = vault.connect(readonly=True)
    try:
        (extra,) = conn.execute("SELECT extra FROM messages WHERE source_key = ?", (PID[1],)).fetchone()
    finally:
        conn.close()
    assert [lk["key"] for lk in json.loads(extra)["moments"]["likes"]] == ["wxid_alice", "wxid_bob", "wxid_carol"]


def test_hostile_xml_in_a_post_is_unparsed_without_expansion_or_file_access(tmp_path, monkeypatch):
    """RELIABILITY row 20 for Moments: entity bombs, XXE and an external DTD in `FeedsV20.Content`."""
    import time

    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    vault, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    root = F.build_pc_folder(tmp_path).root
    t = F.T0 + 5000
    bad = [M.MPost(n, "wxid_alice", t + n, xml=x) for n, x in
           ((1, F.BILLION_LAUGHS), (2, F.XXE), (3, F.EXTERNAL_DTD), (4, F.QUADRATIC))]
    M.write_pc_sns(root, [*bad, M.MPost(5, "wxid_alice", t + 5, "fine")])
    start = time.monotonic()
    report = run_import(vault, root, format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    assert time.monotonic() - start < 30
    assert report.unparsed == 4
    conn = vault.connect(readonly=True)
    try:
        texts = [r[0] for r in conn.execute("SELECT m.text FROM messages m JOIN conversations c "
                                            "ON c.id = m.conversation_id WHERE c.feed = 'moments'")]
        raws = " ".join(r[0] for r in conn.execute("SELECT raw FROM unparsed"))
    finally:
        conn.close()
    assert texts == ["fine"] and "root:" not in raws and "lollollol" not in raws


def test_the_fixture_databases_are_encrypted_as_wechat_writes_them(tmp_path):
    """PC Sns.db and Weixin 4 sns.db decrypt page by page with the account key (our own AES check),
    Android's SnsMicroMsg.db is plain SQLite, as the apps write them."""
    posts = M.sample_posts()[:1]
    pc = M.write_pc_sns(tmp_path / "pc", posts)
    v4 = M.write_v4_sns(tmp_path / "v4", posts)
    android = M.write_android_sns(tmp_path / "android", posts)
    for path, variant in ((pc, "pc"), (v4, "v4")):
        assert not path.read_bytes().startswith(b"SQLite format 3")
        assert F.verify_page1(path, variant, F.KEY).startswith(b"SQLite format 3\x00")
    assert android.read_bytes().startswith(b"SQLite format 3\x00")
