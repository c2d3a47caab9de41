"""Snapshots from WeChat's own web-view cache (Chromium simple-cache entries), taken during an import."""

from __future__ import annotations

import gzip
import hashlib
import socket
from datetime import UTC, datetime

import brotli

from chatvault.articles import db
from chatvault.articles.chromecache import write_entry
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from tests import wechat_fixtures as F
from tests.article_fixtures import A1, A2, A3, MARKER, png
from tests.article_server import DELETED_PAGE, wechat_article

CACHED_AT = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
IMG = "https://mmbiz.qpic.cn/mmbiz_png/cachedpic/640?wx_fmt=png"


def _entry(folder, url: str, body: bytes, ctype: str, encoding: str = "") -> None:
    name = hashlib.sha1(url.encode()).hexdigest()[:16] + "_0"
    headers = {"Content-Type": ctype} | ({"Content-Encoding": encoding} if encoding else {})
    (folder / name).write_bytes(write_entry(url, body, headers, response_time=CACHED_AT,
                                            key_prefix="1/0/_dk_https://qq.com https://qq.com "))


def _account_with_cache(tmp_path):
    t = F.T0 + 500
    msgs = [F.PCMsg("wxid_alice", 3001 + i, 49, "", sub=5, ts=t + i, compress=F.lz4_xml(F.x_appmsg(5, "", f"文章{i}", "", url)))
            for i, url in enumerate((A1, A2, A3))]
    folder = F.build_pc_folder(tmp_path, extra_msgs=msgs)
    cache = folder.root / "radium" / "web" / "profiles" / "multitab" / "Cache" / "Cache_Data"
    cache.mkdir(parents=True)
    pic = png((1, 2, 3))
    _entry(cache, A1, gzip.compress(wechat_article("缓存里的文章", "老朋友", MARKER, [IMG])), "text/html; charset=utf-8", "gzip")
    _entry(cache, IMG + "&tp=webp&wxfrom=5&wx_lazy=1", pic, "image/png")       # WeChat loads it with more parameters
    _entry(cache, A2.replace("#rd", ""), brotli.compress(wechat_article("第二篇", "老朋友", "二", [])), "text/html", "br")
    _entry(cache, A3, DELETED_PAGE, "text/html; charset=utf-8")
    (cache / "index").write_bytes(b"\x00" * 24)                                # the cache's index: not an entry
    (cache / "0123456789abcdef_0").write_bytes(b"truncated entry")              # damaged: skipped
    return folder, pic


def test_import_takes_snapshots_from_wechats_cache_without_network(vault, tmp_path, monkeypatch):
    folder, pic = _account_with_cache(tmp_path)

    def no_network(*_a, **_k):
        raise AssertionError("an import opened a socket")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    report = run_import(vault, folder.root, options=_opts())
    assert report.articles_from_cache == 2 and report.articles_linked >= 3
    conn = vault.connect(readonly=True)
    try:
        a1 = db.find_article(conn, A1)
        assert a1["origin"] == "wechat-cache" and a1["title"] == "文章0" and a1["account"] == "老朋友"   # the card's title first
        assert a1["captured_at"] == int(CACHED_AT.timestamp() * 1000) and a1["messages"] == 1
        snap = db.snapshot(conn, a1["snapshot_id"])
        assert snap["images"] == 1 and BlobStore(vault).read_all(snap["image_rows"][0]["blob_id"]) == pic
        assert MARKER in BlobStore(vault).read_all(snap["view_blob_id"]).decode()
        assert db.find_article(conn, A2)["has_snapshot"]                        # brotli-encoded page
        a3 = db.find_article(conn, A3)
        assert a3["status"] == "deleted" and a3["status_text"] == "该内容已被发布者删除" and not a3["has_snapshot"]
        assert a3["checked_at"] == int(CACHED_AT.timestamp() * 1000)
    finally:
        conn.close()
    again = run_import(vault, folder.root, options=_opts(reread=True))       # the same cache again: nothing doubled
    assert again.articles_from_cache == 0


def _opts(**extra):
    from chatvault.importers.base import ImportOptions

    return ImportOptions(options={"key": F.KEY_HEX, **extra})


def test_windows_blockfile_cache_folder_gives_copies(vault, tmp_path, cli):
    """Weixin 4 / PC 3.9 on Windows: Chromium's blockfile cache (data_0..3, f_ files), read from a copy
    of the radium profiles folder with `chatvault articles from-cache`, no network."""
    import json

    from chatvault.articles.blockcache import build_blockfile
    from chatvault.articles.chromecache import response_info
    from tests.article_fixtures import import_links
    from tests.conftest import PASSPHRASE

    import_links(vault, tmp_path / "chat", [A1, A3])
    pic = png((9, 9, 9))
    files = build_blockfile([
        (A1, response_info({"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, 200, CACHED_AT),
         gzip.compress(wechat_article("窗口缓存", "老朋友", MARKER, [IMG]))),
        (IMG, response_info({"Content-Type": "image/png"}, 200, CACHED_AT), pic),
        (A3, response_info({"Content-Type": "text/html"}, 200, CACHED_AT), DELETED_PAGE),
    ])
    folder = tmp_path / "xwechat" / "radium" / "web" / "profiles" / "multitab" / "Cache" / "Cache_Data"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    vault.lock()
    r = cli("articles", "from-cache", str(tmp_path / "xwechat"), "--vault", str(vault.path), "--json",
            env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) | {"problems": []} == {"entries": 2, "snapshots": 1, "gone": 1, "problems": []}
    shown = json.loads(cli("articles", "show", A1, "--vault", str(vault.path), "--json",
                           env={"CHATVAULT_PASSPHRASE": PASSPHRASE}).stdout)
    assert shown["origin"] == "wechat-cache" and shown["images"] == 1 and shown["captured_at"] == "2026-01-05T08:30:00Z"
    gone = json.loads(cli("articles", "show", A3, "--vault", str(vault.path), "--json",
                          env={"CHATVAULT_PASSPHRASE": PASSPHRASE}).stdout)
    assert gone["status"] == "deleted" and gone["saved"] is False
