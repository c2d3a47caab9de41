"""Articles kept offline: links found and normalised, fetched only with consent, politely, within
limits, stored encrypted, and re-checked for deletion (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import socket
import time

import pytest

from chatvault.articles import db, jobs, page
from chatvault.articles.net import Fetcher, NetworkNotAllowed
from chatvault.articles.urls import article_link, message_articles
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from tests.article_fixtures import A1, A2, A2_SAME, A3, IMG, MARKER, WX, import_links, png, serve_article
from tests.article_server import (
    BLOCKED_PAGE,
    DELETED_PAGE,
    DELETED_PAGE_EN,
    INFRINGING_PAGE,
    ArticleServer,
)


def _fetcher(server: ArticleServer, interval: float = 0.05, **kw) -> Fetcher:
    return Fetcher(allowed=True, interval=interval, connect_to=server.connect_to(WX, IMG, "evil.example"), **kw)


def _articles(vault) -> list[dict]:
    conn = vault.connect(readonly=True)
    try:
        return db.list_articles(conn)
    finally:
        conn.close()


def test_every_spelling_of_an_article_is_one_key():
    assert article_link(A2).key == article_link(A2_SAME).key == "wechat:MzA3MDM3NjE5NQ==/2650000001/1/0123456789abcdef"
    assert article_link(A2).url == ("https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ%3D%3D&mid=2650000001&idx=1"
                                    "&sn=0123456789abcdef")      # tracking parameters dropped
    old = "https://mp.weixin.qq.com/mp/appmsg/show?__biz=MzA3MDM3NjE5NQ==&appmsgid=2650000001&itemidx=1&sign=0123456789abcdef"
    assert article_link(old).key == article_link(A2).key
    assert article_link("mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA").key == article_link(A1).key
    assert article_link("https://zhuanlan.zhihu.com/p/123456?utm=x").key == "zhihu:123456"
    for not_article in ("https://mp.weixin.qq.com/", "https://example.com/s/AAAAAAAA", "javascript:alert(1)",
                        "https://mp.weixin.qq.com.evil.com/s/AAAAAAAAAAAAAAAA", "https://mp.weixin.qq.com/s?mid=1"):
        assert article_link(not_article) is None, not_article
    # a link card with several articles (mmreader) and a URL in its text
    found = message_articles(f"also {A3}", {"url": A1, "title": "One", "source_name": "每日新闻",
                                            "articles": [{"url": A2, "title": "Two"}, {"url": A1}]})
    assert [(x[0].key, x[2], x[3]) for x in found] == [
        (article_link(A1).key, "One", "每日新闻"), (article_link(A2).key, "Two", "每日新闻"), (article_link(A3).key, None, "每日新闻")]


def test_fetch_saves_page_and_images_encrypted_once(vault, tmp_path):
    import_links(vault, tmp_path / "chat", [A1, A2, A2_SAME])
    arts = _articles(vault)
    assert len(arts) == 2 and {a["messages"] for a in arts} == {1, 2}    # A2 twice, spelled differently
    with ArticleServer() as server:
        imgs = serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "第一篇")
        serve_article(server, "/s", "第二篇", n_images=1)
        out = jobs.run(vault, _fetcher(server), JobContext())
        assert len(out.fetched) == 2 and not out.failed
        seen = [s for s in server.seen]
        assert all(s.headers["user-agent"].startswith("Mozilla/5.0 (compatible; ChatVault/") for s in seen)
        assert not any("cookie" in s.headers for s in seen)
        again = jobs.run(vault, _fetcher(server), JobContext())       # fetched once: nothing asked again
        assert again.fetched == [] and len(server.seen) == len(seen)
    conn = vault.connect(readonly=True)
    try:
        a1 = db.find_article(conn, A1)
        assert a1["title"] == "第一篇" and a1["account"] == "每日新闻" and a1["status"] == "available"
        snap = db.snapshot(conn, a1["snapshot_id"])
        assert snap["origin"] == "fetched" and snap["images"] == 2 and snap["images_missing"] == 0
        store = BlobStore(vault)
        assert [store.read_all(r["blob_id"]) for r in snap["image_rows"]] == imgs
        view = store.read_all(snap["view_blob_id"]).decode()
        assert MARKER in view and 'src="cvimg:0"' in view and 'src="cvimg:1"' in view
        assert "http" not in view.split("<a", 1)[0] and "<script" not in view and "evil.example" not in view
    finally:
        conn.close()
    # encrypted at rest: the article's words appear in no file of the vault
    needle = MARKER.encode()
    for f in vault.path.rglob("*"):
        if f.is_file():
            assert needle not in f.read_bytes(), f


def test_rate_limit_per_host_is_honoured_measured_at_the_server(vault, tmp_path):
    import_links(vault, tmp_path / "chat", [A1, A3])
    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "一", n_images=2)
        serve_article(server, "/s/CCCCCCCCCCCCCCCCCCCCCC", "三", n_images=2)
        jobs.run(vault, _fetcher(server, interval=0.4), JobContext())
        for host in (WX, IMG):
            times = [s.at for s in server.requests_to(host)]
            assert len(times) >= 2
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert min(gaps) >= 0.38, (host, gaps)


def test_consent_off_fetches_nothing_and_opens_no_socket(vault, tmp_path, monkeypatch):
    import_links(vault, tmp_path / "chat", [A1])
    opened: list = []
    real_connect = socket.socket.connect

    def spy(self, address):
        opened.append(address)
        return real_connect(self, address)

    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "一")
        monkeypatch.setattr(socket.socket, "connect", spy)
        conn = vault.connect()
        try:
            settings = db.network_settings(conn)
        finally:
            conn.close()
        assert settings.allowed is False                   # off by default
        with pytest.raises(NetworkNotAllowed):
            Fetcher(allowed=settings.allowed)
        from chatvault.cli import main

        code = main(["--vault", str(vault.path), "--passphrase-file", str(_pass(tmp_path)), "articles", "fetch"])
        assert code == 2
        assert opened == [] and server.seen == []
    assert _articles(vault)[0]["has_snapshot"] is False


def _pass(tmp_path):
    from tests.conftest import PASSPHRASE

    p = tmp_path / "pass.txt"
    p.write_text(PASSPHRASE)
    return p


@pytest.mark.parametrize(("page_", "status", "wording"), [
    (DELETED_PAGE, "deleted", "该内容已被发布者删除"),
    (BLOCKED_PAGE, "blocked", "此内容因违规无法查看"),
    (INFRINGING_PAGE, "blocked", "此内容被投诉且经审核涉嫌侵权，无法查看"),
    (DELETED_PAGE_EN, "deleted", "This content has been deleted by the author"),
    (404, "deleted", "HTTP 404"),
    (410, "deleted", "HTTP 410"),
])
def test_check_again_recognises_deleted_and_blocked_and_keeps_the_copy(vault, tmp_path, page_, status, wording):
    import_links(vault, tmp_path / "chat", [A1])
    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "一", n_images=1)
        jobs.run(vault, _fetcher(server), JobContext())
        if isinstance(page_, int):
            server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", status=page_, body=b"<html>gone</html>")
        else:
            server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=page_)
        art = _articles(vault)[0]
        before = time.time() * 1000
        out = jobs.run(vault, _fetcher(server), JobContext(), fetch=False, check_ids=[art["id"]])
    assert [c["status"] for c in out.checked] == [status]
    after = _articles(vault)[0]
    assert after["status"] == status and wording in after["status_text"] and after["checked_at"] >= before - 5
    assert after["has_snapshot"] and after["snapshot_id"] == art["snapshot_id"]       # the copy stays


def test_first_fetch_of_an_already_deleted_article_records_it(vault, tmp_path):
    import_links(vault, tmp_path / "chat", [A1])
    with ArticleServer() as server:
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=DELETED_PAGE)
        out = jobs.run(vault, _fetcher(server), JobContext())
    assert out.fetched == [] and out.failed[0]["status"] == "deleted"
    a = _articles(vault)[0]
    assert a["status"] == "deleted" and not a["has_snapshot"]


def test_size_and_time_limits(vault, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_PAGE", 200_000)
    import_links(vault, tmp_path / "chat", [A1, A2, A3])
    with ArticleServer() as server:
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=b"<html>" + b"x" * 300_000)             # declared too big
        server.route(WX, "/s", body=b"<html>" + b"y" * 300_000, chunked=True)                      # counted too big
        server.route(WX, "/s/CCCCCCCCCCCCCCCCCCCCCC", body=b"<html>" * 10, stall=5)                # stops answering
        started = time.monotonic()
        out = jobs.run(vault, _fetcher(server, timeout=1.0), JobContext())
        took = time.monotonic() - started
    problems = sorted(f["problem"] for f in out.failed)
    assert len(problems) == 3 and out.fetched == []
    assert sum("limit" in p for p in problems) == 2 and sum("timed out" in p for p in problems) == 1
    assert took < 4.5
    assert all(a["fetch_failed"] for a in _articles(vault))


def test_hostile_page_is_made_safe(vault, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_IMAGE", 100_000)
    import_links(vault, tmp_path / "chat", [A1])
    huge = png(size=(4000, 4000))
    hostile = (f'<html><body><div id="js_content"><p onclick="steal()">{MARKER}</p>'
               '<script>fetch("https://evil.example/x")</script><iframe src="https://evil.example/f"></iframe>'
               '<img src="https://evil.example/pixel.gif"><img data-src="https://mmbiz.qpic.cn/huge.png">'
               '<img data-src="https://mmbiz.qpic.cn/notimage.png"><svg onload="x()"><script>1</script></svg>'
               '<a href="javascript:alert(1)">bad link</a><form action="https://evil.example"><input></form>'
               '<p style="background:url(https://evil.example/bg)">styled</p></div></body></html>').encode()
    with ArticleServer() as server:
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=hostile)
        server.route(IMG, "/huge.png", body=huge + b"\0" * 200_000, content_type="image/png")
        server.route(IMG, "/notimage.png", body=b"<html><script>x</script></html>", content_type="image/png")
        out = jobs.run(vault, _fetcher(server), JobContext())
        assert server.requests_to("evil.example") == []          # never contacted: not an image host of the article
    assert len(out.fetched) == 1
    conn = vault.connect(readonly=True)
    try:
        snap = db.snapshot(conn, _articles(vault)[0]["snapshot_id"])
    finally:
        conn.close()
    problems = {r["url"].rsplit("/", 1)[-1]: r["problem"] for r in snap["image_rows"]}
    assert "not on the article's image hosts" in problems["pixel.gif"]
    assert "limit" in problems["huge.png"] and "not an image" in problems["notimage.png"]
    view = BlobStore(vault).read_all(snap["view_blob_id"]).decode()
    assert MARKER in view and "styled" in view
    for bad in ("<script", "onclick", "onload", "<iframe", "<form", "<input", "javascript:", "evil.example", "style="):
        assert bad not in view, bad


def test_view_keeps_text_and_stored_images_only():
    html = ('<html><body><div id="x">chrome</div><div id="js_content"><p>正文</p><div><div>'
            '<img data-src="https://mmbiz.qpic.cn/a.png"></div></div></div><div>footer</div></body></html>')
    view = page.view_html(html, "https://mp.weixin.qq.com/s/x", {"https://mmbiz.qpic.cn/a.png": 0})
    assert view == '<div><p>正文</p><div><div><img src="cvimg:0" alt=""></div></div></div>'


NETWORK_MODULES = {"socket", "http.client", "urllib.request", "requests", "httpx", "aiohttp", "urllib3", "ssl",
                   "boto3", "botocore", "ftplib", "smtplib", "xmlrpc.client", "websocket", "websockets",
                   "PySide6.QtNetwork", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets"}
# Who may reach the network, and why: articles/net.py (article pages, only with consent); the S3 backup
# destination the user configures; vault/lock.py reads the host name (socket.gethostname, no socket);
# gui/app.py's QLocalSocket is the single-instance pipe on this machine (no network).
NETWORK_ALLOWED = {"chatvault/articles/net.py", "chatvault/backup/s3.py", "chatvault/backup/destinations.py",
                   "chatvault/vault/lock.py", "chatvault/gui/app.py"}


def test_nothing_else_in_chatvault_can_open_a_network_connection():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    users = set()
    for f in sorted((root / "chatvault").rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n in NETWORK_MODULES or n.split(".")[0] in NETWORK_MODULES - {"http", "urllib", "xmlrpc", "PySide6"}
                   for n in names):
                users.add(f.relative_to(root).as_posix())
    assert users <= NETWORK_ALLOWED, sorted(users - NETWORK_ALLOWED)
    assert "chatvault/articles/net.py" in users


def test_cancel_stops_between_requests_and_keeps_what_was_saved(vault, tmp_path):
    import threading

    import_links(vault, tmp_path / "chat", [A1, A2, A3])
    with ArticleServer() as server:
        for path, title in (("/s/AAAAAAAAAAAAAAAAAAAAAA", "一"), ("/s", "二"), ("/s/CCCCCCCCCCCCCCCCCCCCCC", "三")):
            serve_article(server, path, title, n_images=0)
        ctx = JobContext()
        timer = threading.Timer(0.5, ctx.cancel)        # while it waits its turn for the second page
        timer.start()
        started = time.monotonic()
        out = jobs.run(vault, _fetcher(server, interval=5.0), ctx)
        timer.cancel()
    assert out.cancelled and len(out.fetched) == 1 and time.monotonic() - started < 4.0
    assert sum(a["has_snapshot"] for a in _articles(vault)) == 1


def test_compressed_bombs_are_refused_at_the_limit():
    import gzip

    import brotli

    from chatvault.articles.net import FetchError, decode_body

    for enc, packed in (("gzip", gzip.compress(b"x" * (64 << 20))), ("br", brotli.compress(b"x" * (64 << 20)))):
        assert len(packed) < 1 << 20
        with pytest.raises(FetchError, match="decompressed"):
            decode_body(packed, enc, 1 << 20)
        assert decode_body(packed[:0] or (gzip.compress(b"ok") if enc == "gzip" else brotli.compress(b"ok")),
                           enc, 1 << 20) == b"ok"
